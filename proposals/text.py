"""Citizens' text as the portal takes it: plain text with line breaks, never HTML.

Pages show it escaped, with line breaks and links made clickable (the `linebreaksbr` and
`urlize` filters); refusing tags at the door also keeps them out of the exports and the SMS.
"""

import re

from django.utils.translation import gettext_lazy as _

from .errors import ProposalError

# "<" followed by a letter, "/", "!" or "?" opens a tag, a comment or a declaration; "a < b" does not.
HTML_TAG_RE = re.compile(r"<[A-Za-z/!?]")


def contains_html(value: str) -> bool:
    return bool(HTML_TAG_RE.search(value or ""))


def clean_text(value, *, field_name, label, max_length, required=True) -> str:
    """Normalise line endings and trim; refuse empty (when required), oversized or HTML text."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        if not required:
            return ""
        raise ProposalError(_("Write the %(field)s.") % {"field": label}, field=field_name)
    if len(text) > max_length:
        raise ProposalError(
            _("The %(field)s may be at most %(max)s characters long (it has %(length)s).")
            % {"field": label, "max": max_length, "length": len(text)},
            field=field_name,
        )
    if contains_html(text):
        raise ProposalError(
            _("The %(field)s is plain text: remove the HTML tags (text such as <b> or </p>).") % {"field": label},
            field=field_name,
        )
    return text
