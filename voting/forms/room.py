"""The room-code form: a private-room poll is reached by its code."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ROOM_CODE_LENGTH

# Codes are read aloud and typed on phones: spaces and dashes do not matter, nor the case.
SEPARATORS = re.compile(r"[\s-]+")


def normalize_room_code(text) -> str:
    return SEPARATORS.sub("", text or "").upper()


class RoomCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Room code"),
        max_length=ROOM_CODE_LENGTH * 3,  # room for spaces and dashes between the characters
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Enter the room code.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not in the class: the text must be translated in the page's language.
        self.fields["code"].help_text = _("The %(length)d letters and digits the poll's organiser gave you.") % {
            "length": ROOM_CODE_LENGTH
        }

    def clean_code(self):
        code = normalize_room_code(self.cleaned_data["code"])
        if len(code) != ROOM_CODE_LENGTH:
            raise forms.ValidationError(
                _("A room code has %(length)d letters and digits.") % {"length": ROOM_CODE_LENGTH}
            )
        return code
