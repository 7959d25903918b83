"""The kinds of notification: what each one says on which channel.

Apps register their kinds in their AppConfig.ready():

    from notifications.kinds import NotificationKind, register_kind

    register_kind(NotificationKind.from_folder("proposal_answered", label=_("Proposal answered")))

`from_folder` expects templates/notifications/<key>/sms.txt, email_subject.txt and
email_body.txt; pass `sms=False` or `email=False` for a kind that uses one channel only.
A kind is `sensitive` when its text must not outlive delivery (verification codes).
"""

from dataclasses import dataclass

from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SMS = "sms"
EMAIL = "email"


class UnknownKind(LookupError):
    pass


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    sms_template: str | None = None
    email_subject_template: str | None = None
    email_body_template: str | None = None
    sensitive: bool = False

    def __post_init__(self):
        if bool(self.email_subject_template) != bool(self.email_body_template):
            raise ValueError(f"Kind {self.key!r}: an email needs both a subject and a body template.")
        if not self.channels:
            raise ValueError(f"Kind {self.key!r} has no template for any channel.")

    @classmethod
    def from_folder(cls, key, *, label, sms=True, email=True, sensitive=False):
        folder = f"notifications/{key}"
        return cls(
            key=key,
            label=label,
            sms_template=f"{folder}/sms.txt" if sms else None,
            email_subject_template=f"{folder}/email_subject.txt" if email else None,
            email_body_template=f"{folder}/email_body.txt" if email else None,
            sensitive=sensitive,
        )

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(
            channel
            for channel, template in ((SMS, self.sms_template), (EMAIL, self.email_body_template))
            if template
        )

    def render(self, channel, context, *, language) -> tuple[str, str]:
        """(subject, body) in the recipient's language; SMS has no subject."""
        with translation.override(language):
            if channel == SMS:
                return "", _render_text(self.sms_template, context)
            subject = " ".join(_render_text(self.email_subject_template, context).split())
            return subject, _render_text(self.email_body_template, context)


def _render_text(template_name, context) -> str:
    # Messages are plain text: HTML escaping would turn "R&D" into "R&amp;D" on a phone.
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False)).strip()


_kinds: dict[str, NotificationKind] = {}

VERIFICATION_CODE = NotificationKind.from_folder(
    "verification_code", label=_("Verification code"), email=False, sensitive=True
)


def register_kind(kind: NotificationKind) -> NotificationKind:
    _kinds[kind.key] = kind
    return kind


def unregister_kind(key: str):
    _kinds.pop(key, None)


def get_kind(key: str) -> NotificationKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownKind(f"No notification kind {key!r} is registered.") from None


def registered_kinds() -> list[NotificationKind]:
    return [_kinds[key] for key in sorted(_kinds)]


def sensitive_kind_keys() -> list[str]:
    return [kind.key for kind in _kinds.values() if kind.sensitive]


def is_sensitive(key: str) -> bool:
    # A kind no longer registered (an app removed) is treated as not sensitive rather than
    # failing a delivery that already happened.
    kind = _kinds.get(key)
    return bool(kind and kind.sensitive)


def label_for(key: str) -> str:
    kind = _kinds.get(key)
    return kind.label if kind else key
