"""iCalendar (RFC 5545) feeds of committee meetings, written by hand: the format is small and the
rules that matter are few — CRLF line ends, lines folded at 75 octets (never inside a UTF-8
character), TEXT values escaped (backslash, semicolon, comma, newline) and stripped of other control
characters, times in UTC. UIDs are minted under the portal's public host, so that they stay the same
whatever address a client fetched the feed from."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

PRODID = "-//Seoul Metropolitan Government//Citizen Participation Portal//KO"
LINE_OCTETS = 75
# Control characters are not allowed in TEXT (RFC 5545 3.3.11); newlines are escaped instead.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    text = CONTROL_CHARACTERS.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuation lines starting with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    parts, current, limit = [], b"", LINE_OCTETS
    for character in line:
        octets = character.encode("utf-8")
        if len(current) + len(octets) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", LINE_OCTETS - 1  # the leading space of a continuation line counts
        current += octets
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def content_line(name: str, value: str) -> str:
    return fold(f"{name}:{value}")


def uid_domain() -> str:
    """The host of settings.PUBLIC_BASE_URL: never the request's Host header, which a client chooses."""
    return urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"


def sequence(meeting) -> int:
    """The event's revision (RFC 5545 3.8.7.4): a meeting changes state once, when it is cancelled.
    (Meetings keep no modification time, so the feed carries DTSTAMP only, no LAST-MODIFIED.)"""
    return 1 if meeting.status == meeting.Status.CANCELLED else 0


def meeting_event(meeting, *, url: str, stamp: datetime) -> list[str]:
    committee = meeting.committee
    description = [committee.name]
    agenda = getattr(meeting, "public_agenda", None) or []
    if agenda:
        description.append(_("Agenda:"))
        description.extend(f"{index}. {item.title}" for index, item in enumerate(agenda, start=1))
    description.append(url)
    location = meeting.place or (_("Online") if meeting.online else "")
    lines = [
        "BEGIN:VEVENT",
        content_line("UID", f"meeting-{meeting.pk}@{uid_domain()}"),
        content_line("DTSTAMP", utc_stamp(stamp)),
        f"SEQUENCE:{sequence(meeting)}",
        content_line("DTSTART", utc_stamp(meeting.starts_at)),
    ]
    if meeting.ends_at:
        lines.append(content_line("DTEND", utc_stamp(meeting.ends_at)))
    lines += [
        content_line("SUMMARY", escape_text(f"{committee.name}: {meeting.title}")),
        content_line("DESCRIPTION", escape_text("\n".join(description))),
    ]
    if location:
        lines.append(content_line("LOCATION", escape_text(location)))
    lines += [
        content_line("URL", url),
        content_line("STATUS", "CANCELLED" if meeting.status == meeting.Status.CANCELLED else "CONFIRMED"),
        "END:VEVENT",
    ]
    return lines


def calendar(meetings, *, name: str, url_for, stamp: datetime) -> str:
    """The feed as text. `url_for(meeting)` gives each meeting's absolute URL; UIDs use the public
    host (uid_domain()), so a meeting keeps its UID whichever address served the feed."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        content_line("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        content_line("X-WR-CALNAME", escape_text(name)),
        "X-WR-TIMEZONE:Asia/Seoul",
    ]
    for meeting in meetings:
        lines.extend(meeting_event(meeting, url=url_for(meeting), stamp=stamp))
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
