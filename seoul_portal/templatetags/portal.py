"""Template tags of the site shell: the language switcher and KRDS-styled form widgets."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.urls.base import translate_url
from django.utils import translation

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # the language's name in that language: 한국어, English
    url: str
    is_current: bool


def _url_in_language(url, code):
    """The same page in another language; that language's home when the page has no other URL
    (a 404, or a page outside the language prefixes)."""
    translated = translate_url(url, code)
    if translated != url:
        return translated
    with translation.override(code):
        try:
            return reverse("home")
        except NoReverseMatch:
            return "/"


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language for the current page: the URL of the same page in that language.

    Plain links (no form, no JavaScript): Korean lives at /, English under /en/, so the URL itself
    carries the language and the link works for search engines and without scripts.
    """
    request = context.get("request")
    current = translation.get_language() or settings.LANGUAGE_CODE
    here = request.get_full_path() if request is not None else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        url = here if code == current else _url_in_language(here, code)
        links.append(
            LanguageLink(
                code=code,
                name=translation.get_language_info(code)["name_local"],
                url=url,
                is_current=code == current,
            )
        )
    return links


# --- Forms --------------------------------------------------------------------------------------

_WIDGET_CLASSES = {
    "select": "krds-form-select",
    "selectmultiple": "krds-form-select",
    "nullbooleanselect": "krds-form-select",
    "radioselect": "",
    "checkbox": "",
    "checkboxselectmultiple": "",
    "clearablefile": "",
    "file": "",
}


@register.simple_tag
def krds_widget(field, extra_class=""):
    """Render a BoundField's widget with the KRDS class (krds-input, krds-form-select).

    Django adds required, aria-invalid and aria-describedby ("<id>_helptext <id>_error") itself;
    components/field.html gives the hint and the error message those ids.
    """
    widget_class = _WIDGET_CLASSES.get(field.widget_type, "krds-input")
    classes = [c for c in (field.field.widget.attrs.get("class", ""), widget_class, extra_class) if c]
    if field.errors and widget_class == "krds-form-select":
        classes.append("is-error")
    attrs = {"class": " ".join(classes)} if classes else {}
    return field.as_widget(attrs=attrs)


@register.simple_tag
def krds_choice(subwidget, describedby="", invalid=False):
    """One radio button or checkbox of a RadioSelect/CheckboxSelectMultiple, with the group's
    hint and error ids, which Django does not add to the inputs of a fieldset widget."""
    attrs = dict(subwidget.data["attrs"])
    if describedby:
        attrs["aria-describedby"] = describedby
    if invalid:
        attrs["aria-invalid"] = "true"
    context = {"widget": {**subwidget.data, "attrs": attrs, "wrap_label": False}}
    return subwidget.parent_widget._render(subwidget.template_name, context, subwidget.renderer)


@register.filter
def describedby_ids(field):
    """The ids of a field's hint and error message, for aria-describedby."""
    if not field.auto_id:
        return ""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def field_kind(field):
    """How components/field.html lays a field out:
    "choices" (radio buttons or a checkbox list, in a fieldset), "checkbox" (one checkbox, label
    after it), "group" (another multi-part widget, in a fieldset) or "single" (label, then widget).
    """
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if widget.use_fieldset:
        return "choices" if input_type in ("radio", "checkbox") else "group"
    if input_type == "checkbox":
        return "checkbox"
    return "single"
