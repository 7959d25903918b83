from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .consents import purposes
from .models import Citizen, District
from .phones import normalize_mobile


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        help_text=_("We send a 6-digit code to this number. Example: 010-1234-5678"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Enter your mobile phone number.")},
    )

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        min_length=6,
        max_length=6,
        help_text=_("The 6-digit code in the SMS we sent. It is valid for 5 minutes."),
        # [0-9], not \d: full-width digits would pass \d and then never match the code.
        validators=[RegexValidator(r"^[0-9]{6}$", _("The code is 6 digits."))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the code from the SMS."),
            "min_length": _("The code is 6 digits."),
            "max_length": _("The code is 6 digits."),
        },
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class ConsentForm(forms.Form):
    """One checkbox per consent text; the required ones must be ticked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in purposes():
            self.fields[item.key] = forms.BooleanField(
                label=_("I agree"),
                required=item.required,
                error_messages={"required": _("This consent is needed to take part.")},
            )

    def purposes_with_fields(self):
        return [(item, self[item.key]) for item in purposes()]


class ProfileForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Some programmes have age limits; children under 14 need a guardian's consent."),
        error_messages={"required": _("Enter your birth date."), "invalid": _("Enter a date such as 1990-05-17.")},
    )
    residence_basis = forms.ChoiceField(
        label=_("How you take part in Seoul"),
        choices=Citizen.ResidenceBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you take part in Seoul.")},
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("Choose a district"),
        help_text=_("Where you live; if you live outside Seoul, where you work or study (optional)."),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("Prefer not to say")), *Citizen.Gender.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Citizen._meta.get_field("language").choices,
                                 widget=forms.RadioSelect)
    notify_by = forms.ChoiceField(
        label=_("Send me notifications by"), choices=Citizen.NotifyBy.choices, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address such as name@example.com.")},
    )

    @classmethod
    def initial_for(cls, citizen):
        return {
            "birth_date": citizen.birth_date,
            "residence_basis": citizen.residence_basis or Citizen.ResidenceBasis.LIVES,
            "district": citizen.district_id,
            "gender": citizen.gender,
            "language": citizen.language,
            "notify_by": citizen.notify_by,
            "email": citizen.email,
        }


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my personal data will be erased and this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )
