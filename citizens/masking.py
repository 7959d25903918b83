"""Personal data as the back office shows it until an official opens it (audit.access_log):
a name's middle, a phone's middle digits, an email's local part and host name hidden."""

from collections.abc import Callable

from django.utils.translation import gettext

from .phones import mask_phone

__all__ = [
    "OPEN_PERMISSION", "citizen_label", "mask_email", "mask_name", "mask_phone", "may_open_personal_data",
    "record_personal_data_access", "register_access_writer",
]


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 남궁민수 → 남**수, 김철 → 김*; each word of a Latin name alike."""
    masked = []
    for word in (name or "").split():
        if len(word) <= 2:
            masked.append(word[0] + "*")
        else:
            masked.append(word[0] + "*" * (len(word) - 2) + word[-1])
    return " ".join(masked)


def mask_email(email: str) -> str:
    """hong@example.com → h***@e******.com"""
    local, _at, domain = (email or "").partition("@")
    if not local or not domain:
        return ""
    host, dot, suffix = domain.rpartition(".")
    if not host:
        host, dot, suffix = domain, "", ""
    return f"{local[0]}***@{host[0]}{'*' * max(len(host) - 1, 1)}{dot}{suffix}"


def citizen_label(citizen) -> str:
    """A citizen in a list or on another record's page, without their personal data: the masked
    name, else the masked phone, else the account number (Citizen.__str__ shows the name)."""
    if citizen is None:
        return "-"
    if citizen.erased_at:
        return gettext("Deleted account")
    return mask_name(citizen.name) or citizen.masked_phone or f"#{citizen.pk}"


# Opening masked data is logged by the staff access log of the audit app, a layer above: it
# registers its writer here in its ready(); citizens only knows the function's shape:
#     writer(*, actor, target, items: list[str], ip) -> None   (in the caller's transaction)
OPEN_PERMISSION = "audit.open_personal_data"
_access_writer: list[Callable] = []


def register_access_writer(writer: Callable):
    _access_writer[:] = [writer]


def record_personal_data_access(*, actor, target, items, ip=None):
    if not _access_writer:
        # Never show the data unlogged.
        raise RuntimeError("No staff access log is registered (is the audit app installed?)")
    _access_writer[0](actor=actor, target=target, items=items, ip=ip)


def may_open_personal_data(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(OPEN_PERMISSION))
