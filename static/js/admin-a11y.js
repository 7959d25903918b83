// The Django admin's two-box chooser (SelectFilter2.js) labels its search icon with aria-label on a
// plain <span>, which a span may not carry (axe: aria-prohibited-attr): it is an image with a name.
// Django builds the chooser on the window's load; this runs after every load listener.
window.addEventListener("load", function () {
  setTimeout(function () {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
