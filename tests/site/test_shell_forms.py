"""components/field.html and components/form_errors.html render Django forms KRDS-style, with
the accessibility wiring (label, hint, error, aria-describedby, aria-invalid, fieldset)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from .markup import parse


class SampleForm(forms.Form):
    phone = forms.CharField(label="Mobile phone", help_text="010-1234-5678", widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label="Email", required=False)
    birth_date = forms.DateField(label="Birth date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    district = forms.ChoiceField(label="District", choices=[("", "---"), ("11680", "Gangnam-gu")])
    gender = forms.ChoiceField(
        label="Gender", required=False, widget=forms.RadioSelect, choices=[("female", "Female"), ("male", "Male")],
        help_text="Optional.",
    )
    topics = forms.MultipleChoiceField(
        label="Topics", required=False, widget=forms.CheckboxSelectMultiple, choices=[("a", "A"), ("b", "B")]
    )
    agree = forms.BooleanField(label="I agree")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise ValidationError("The code has expired.")


def render_field(form, name):
    template = Template('{% include "components/field.html" with field=field %}')
    return parse(template.render(Context({"field": form[name]})))


@pytest.fixture
def invalid_form():
    form = SampleForm(data={"phone": "", "gender": "nobody", "agree": ""})
    assert not form.is_valid()
    return form


def test_text_input():
    page = render_field(SampleForm(), "phone")
    group = page.find("div", class_="form-group")
    label = group.find("label")
    field = group.find("input")
    assert label.get("for") == field.get("id") == "id_phone"
    assert field.get("type") == "tel"
    assert "krds-input" in field.classes()
    assert "required" in field.attrs
    assert group.find("span", class_="form-required") is not None
    hint = group.find("p", class_="form-hint")
    assert hint.get("id") == "id_phone_helptext"
    assert field.get("aria-describedby") == "id_phone_helptext"
    assert field.get("aria-invalid") is None


def test_text_input_with_error(invalid_form):
    page = render_field(invalid_form, "phone")
    field = page.find("input")
    assert field.get("aria-invalid") == "true"
    assert field.get("aria-describedby").split() == ["id_phone_helptext", "id_phone_error"]
    error = page.find(id="id_phone_error")
    assert error.find("p", class_="form-hint-invalid").text
    assert "is-error" in page.find("div", class_="form-conts").classes()


def test_optional_email_has_no_required_marker():
    page = render_field(SampleForm(), "email")
    assert page.find("input").get("type") == "email"
    assert page.find("span", class_="form-required") is None
    assert "required" not in page.find("input").attrs


def test_date_input_is_native():
    page = render_field(SampleForm(), "birth_date")
    field = page.find("input")
    assert field.get("type") == "date"
    assert "krds-input" in field.classes()


def test_select():
    page = render_field(SampleForm(), "district")
    select = page.find("select")
    assert "krds-form-select" in select.classes()
    assert page.find("label").get("for") == select.get("id")


def test_radios_are_a_fieldset_with_a_legend(invalid_form):
    page = render_field(invalid_form, "gender")
    fieldset = page.find("fieldset")
    assert fieldset.find("legend").text == "Gender"
    assert fieldset.get("aria-describedby").split() == ["id_gender_helptext", "id_gender_error"]
    radios = fieldset.find_all("input", type="radio")
    assert len(radios) == 2
    for radio in radios:
        assert radio.parent.find("label", **{"for": radio.get("id")}) is not None
        assert "krds-form-check" in radio.parent.classes()
        assert radio.get("aria-invalid") == "true"


def test_checkbox_list():
    page = render_field(SampleForm(), "topics")
    fieldset = page.find("fieldset")
    assert len(fieldset.find_all("input", type="checkbox")) == 2
    assert fieldset.find("legend").text == "Topics"


def test_single_checkbox_has_its_label_after_it(invalid_form):
    page = render_field(invalid_form, "agree")
    check = page.find("div", class_="krds-form-check")
    box = check.find("input")
    assert box.get("type") == "checkbox"
    assert check.find("label").get("for") == box.get("id")
    assert box.get("aria-invalid") == "true"
    assert box.get("aria-describedby") == "id_agree_error"


def test_textarea():
    page = render_field(SampleForm(), "note")
    assert "krds-input" in page.find("textarea").classes()


def test_hidden_field_renders_bare():
    page = render_field(SampleForm(), "token")
    assert page.find("div", class_="form-group") is None
    assert page.find("input").get("type") == "hidden"


def test_form_errors_summary(invalid_form):
    template = Template('{% include "components/form_errors.html" with form=form %}')
    page = parse(template.render(Context({"form": invalid_form})))
    summary = page.find("div", class_="site-form-errors")
    assert summary.get("role") == "alert"
    assert "The code has expired." in summary.text
    links = [a.get("href") for a in summary.find_all("a")]
    assert "#id_phone" in links
    assert "#id_agree" in links


def test_form_errors_summary_is_empty_for_a_valid_form():
    template = Template('{% include "components/form_errors.html" with form=form %}')
    assert template.render(Context({"form": SampleForm()})).strip() == ""
