/* The intake form's enhancements (templates/complaints/new.html); the form works without them.
   - The description's character counter.
   - The category search: choosing a result sets the category select, whose change htmx turns into the
     category's notice and questions.
   No inline code: the Content-Security-Policy allows only this site's files. */
(function () {
  "use strict";

  function counter(output) {
    var field = document.getElementById(output.getAttribute("data-counter-for"));
    if (!field) return;
    var max = parseInt(field.getAttribute("data-counter") || field.getAttribute("maxlength") || "0", 10);
    var template = output.getAttribute("data-counter-template") || "%(count)s / %(max)s";
    function update() {
      var count = field.value.length;
      output.textContent = template.replace("%(count)s", count.toLocaleString()).replace("%(max)s", max.toLocaleString());
      output.classList.toggle("is-over", max > 0 && count > max);
    }
    field.addEventListener("input", update);
    update();
  }

  function chooseCategory(event) {
    var link = event.target.closest("[data-category-code]");
    if (!link) return;
    var select = document.getElementById("id_category");
    if (!select) return;
    event.preventDefault();
    select.value = link.getAttribute("data-category-code");
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var results = document.getElementById("complaint-category-results");
    if (results) results.textContent = "";
    select.focus();
  }

  function start() {
    document.querySelectorAll("[data-counter-for]").forEach(counter);
    document.addEventListener("click", chooseCategory);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
