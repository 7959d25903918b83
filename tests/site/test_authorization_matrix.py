"""The authorization matrix: every URL pattern of the project × every role (anonymous, citizen,
verified citizen, official of unit A, official of unit B, committee member, superuser) × owner or
not (where the URL names an owned object) → the status the table below says, for GET and POST.

The table is written by hand from the product's rules (DESIGN.md, */rules.py), not derived from
the views; a URL pattern without a row fails test_every_url_pattern_has_a_row, so the matrix
stays complete as apps add URLs. Every response is also searched for the other party's private
markers (authz_grid.py): an official never sees another unit's complaint, a citizen never sees
another citizen's complaint, name, email or phone.

Status classes: "200" any success; "login" redirect to the citizens' sign-in; "admin_login"
redirect to the back office's sign-in; "redirect" any other redirect (the onboarding step, the
page after a form, the admin's "no such record"); otherwise the status code.
"""

import re

import pytest
from django.db import transaction

from .authz_grid import (
    EMAIL_STRANGER,
    EMAIL_VERIFIED,
    MARKER_A,
    MARKER_B,
    NAME_STRANGER,
    NAME_VERIFIED,
    PARAMETERS,
    PHONE_STRANGER,
    ROLES,
    build_world,
    owner_cases,
    path_for,
    signed_in_client,
    status_class,
    url_patterns,
)

OK, LOGIN, ADMIN_LOGIN, REDIRECT = "200", "login", "admin_login", "redirect"
BAD, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, CONFLICT = "400", "403", "404", "405", "409"
# The superuser account has no consent or profile: participants' pages send it to that step.
ONBOARDING = REDIRECT
NON_STAFF = ("anonymous", "citizen", "verified", "member")


class Rule:
    """Expected status per (role, case); case is "own", "other" or "-" (no owned object)."""

    def __init__(self, name, by_role, by_case=None):
        self.name, self.by_role, self.by_case = name, dict(by_role), dict(by_case or {})

    def expected(self, role, case):
        return self.by_case.get((role, case), self.by_role[role])

    def but(self, **overrides):
        """A copy with some roles' statuses changed; `verified_own=...` names a (role, case)."""
        by_role, by_case = dict(self.by_role), dict(self.by_case)
        for name, status in overrides.items():
            role, _, case = name.rpartition("_") if name.endswith(("_own", "_other")) else (name, "", "")
            if case:
                by_case[(role, case)] = status
            else:
                by_role[role] = status
        return Rule(f"{self.name}*", by_role, by_case)


def every(status):
    return Rule(f"every {status}", dict.fromkeys(ROLES, status))


def public(ok=OK):
    return Rule("PUBLIC", dict.fromkeys(ROLES, ok))


def signed_in(ok=OK):
    return Rule("SIGNED_IN", {**dict.fromkeys(ROLES, ok), "anonymous": LOGIN})


def participant(ok=OK):
    """Signed in, consent given and profile complete (citizens.access.participant_required)."""
    return signed_in(ok).but(superuser=ONBOARDING)


def verified(ok=OK, unverified=FORBIDDEN):
    return participant(ok).but(citizen=unverified)


def owner(ok=OK, other=NOT_FOUND):
    """The owner's object answers; anyone else's is not there for them (404) or refused (403)."""
    rule = Rule("OWNER", {**dict.fromkeys(ROLES, other), "anonymous": LOGIN, "superuser": ONBOARDING})
    return rule.but(citizen_own=ok, verified_own=ok)


def committee(ok=OK, other=FORBIDDEN):
    return Rule("COMMITTEE", {**dict.fromkeys(ROLES, other), "anonymous": LOGIN, "member": ok,
                              "superuser": ONBOARDING})  # fmt: skip


def unit_official(ok=OK, other=FORBIDDEN):
    """The cycle's (or object's) unit A and the superuser; anyone else is refused."""
    return Rule("UNIT_OFFICIAL", {**dict.fromkeys(ROLES, other), "anonymous": LOGIN, "official_a": ok, "superuser": ok})


_STAFF_CODES = {
    "O": (OK, OK, OK),  # every official, whatever their unit
    "S": (FORBIDDEN, FORBIDDEN, OK),  # the superuser only
    "N": (FORBIDDEN, FORBIDDEN, FORBIDDEN),  # nobody: the back office offers no such page
    "U": (OK, REDIRECT, OK),  # unit A's object: hidden from unit B ("no such record")
    "H": (REDIRECT, REDIRECT, OK),  # an object no official's queryset holds
    "-": (REDIRECT, REDIRECT, REDIRECT),  # no such object in the world, or the admin's redirect URL
    "S-": (FORBIDDEN, FORBIDDEN, REDIRECT),  # superuser only, and no such object
}


def admin(code):
    """A back-office page: non-staff go to the back office's sign-in; `code` is a letter of
    _STAFF_CODES or three statuses "official_a official_b superuser"."""
    a, b, su = _STAFF_CODES[code] if code in _STAFF_CODES else code.split()
    return Rule(f"ADMIN {code}", {**dict.fromkeys(NON_STAFF, ADMIN_LOGIN), "official_a": a, "official_b": b,
                                  "superuser": su})  # fmt: skip


class Row:
    def __init__(self, get, post=None):
        self.get, self.post = get, post


# --- The table ---------------------------------------------------------------------------------
# URL name → Row(GET rule, POST rule). POST is sent with no data: a role past the permission
# check gets the form's answer (200 re-rendered, 400, 409 or a redirect), anyone else a refusal.

WEBHOOK_404 = Row(every(NOT_FOUND), every(NOT_FOUND))  # anymail answers only the ESP configured

EXPECTED = {
    # Machine-facing endpoints: their own credentials (signatures, API keys), never a session.
    "healthz": Row(public(), public()),
    "set_language": Row(every(REDIRECT), every(REDIRECT)),
    "notifications:twilio_status": Row(every(NOT_ALLOWED), every(FORBIDDEN)),
    "complaints_inbound:sms": Row(every(NOT_ALLOWED), every(FORBIDDEN)),
    "open311:discovery": Row(public(), every(NOT_ALLOWED)),
    "open311:services": Row(public(), every(NOT_ALLOWED)),
    "open311:service_definition": Row(public(), every(NOT_ALLOWED)),
    "open311:requests": Row(public(), every(FORBIDDEN)),  # POST needs an API key
    # A complaint not yet public is in no one's Open311 answer, its filer's included.
    "open311:request": Row(every(NOT_FOUND), every(NOT_ALLOWED)),
    "open311:token": Row(every(NOT_FOUND), every(NOT_ALLOWED)),
    "open311:openapi": Row(public(), every(NOT_ALLOWED)),
    "open311:unknown": Row(every(NOT_FOUND), every(NOT_FOUND)),
    # Public pages.
    "home": Row(public(), public()),
    "privacy": Row(public(), public()),
    "audit:index": Row(public(), public()),
    "audit:head_json": Row(public(), every(NOT_ALLOWED)),
    # Citizens: sign-in, and the signed-in citizen's own data (no object in the URL: their own).
    "citizens:signin": Row(every(REDIRECT).but(anonymous=OK), every(REDIRECT).but(anonymous=OK)),
    "citizens:signin_code": Row(every(LOGIN), every(LOGIN)),  # no code asked in this session
    "citizens:signout": Row(every(NOT_ALLOWED), every(REDIRECT)),
    "citizens:me": Row(participant(), participant()),
    "citizens:consent": Row(signed_in(), signed_in()),
    "citizens:profile": Row(signed_in().but(superuser=ONBOARDING), signed_in().but(superuser=ONBOARDING)),
    "citizens:export": Row(signed_in(), signed_in()),
    "citizens:delete": Row(signed_in(), signed_in()),
    # Democratic Seoul.
    "proposals:index": Row(public(), every(NOT_ALLOWED)),
    "proposals:new": Row(participant(), verified()),
    "proposals:similar": Row(public(), every(NOT_ALLOWED)),
    "proposals:export_csv": Row(public(), every(NOT_ALLOWED)),
    "proposals:export_json": Row(public(), every(NOT_ALLOWED)),
    "proposals:awaiting_answer": Row(public(), every(NOT_ALLOWED)),
    "proposals:detail": Row(public(), every(NOT_ALLOWED)),
    "proposals:edit": Row(owner(), owner()),
    "proposals:publish": Row(owner(), owner(REDIRECT)),
    "proposals:support": Row(every(NOT_ALLOWED), participant(REDIRECT)),
    "proposals:withdraw": Row(every(NOT_ALLOWED), participant(REDIRECT)),
    "proposals:follow": Row(every(NOT_ALLOWED), participant(REDIRECT)),
    "proposals:image": Row(every(NOT_FOUND), every(NOT_ALLOWED)),  # the proposal has no image
    "proposals:comments": Row(every(REDIRECT), participant(BAD)),
    # Anyone may read a comment; only its author edits it (403: the comment itself is public).
    "proposals:comment_edit": Row(owner(other=FORBIDDEN), owner(BAD, other=FORBIDDEN)),
    "proposals:comment_report": Row(every(NOT_ALLOWED), owner(REDIRECT, other=REDIRECT)),
    "proposals:debate_stance": Row(every(NOT_ALLOWED), participant(REDIRECT)),
    "proposals:debate_arguments": Row(public(), every(NOT_ALLOWED)),
    "proposals:argument_helpful": Row(every(NOT_ALLOWED), owner(REDIRECT, other=REDIRECT)),
    "proposals:questions": Row(public(), every(NOT_ALLOWED)),
    "proposals:question": Row(public(), every(NOT_ALLOWED)),
    "proposals:question_vote": Row(participant(REDIRECT), participant(BAD)),
    "proposals:question_opinion": Row(participant(REDIRECT), participant(BAD)),
    # M-Voting.
    "voting:index": Row(public(), every(NOT_ALLOWED)),
    "voting:propose": Row(participant(), verified(BAD)),
    "voting:room": Row(public(), every(BAD)),
    "voting:detail": Row(public(), every(NOT_ALLOWED)),
    "voting:cast": Row(every(NOT_ALLOWED), verified(BAD)),
    "voting:receipt_page": Row(public(), every(NOT_ALLOWED)),
    "voting:receipt": Row(every(NOT_ALLOWED), every(BAD)),
    "voting:onsite": Row(every(NOT_FOUND), every(NOT_ALLOWED)),  # a wrong token
    "voting:qr": Row(signed_in(NOT_FOUND), every(NOT_ALLOWED)),  # not an on-site poll
    "voting:report": Row(participant(NOT_FOUND), participant(NOT_FOUND)),  # policy polls are not reported
    "voting:option_image": Row(every(NOT_FOUND), every(NOT_ALLOWED)),
    "voting:results": Row(public(), every(NOT_ALLOWED)),
    "voting:results_csv": Row(public(), every(NOT_ALLOWED)),
    "voting:ledger": Row(public(), every(NOT_ALLOWED)),
    "voting:verify": Row(public(), every(BAD)),
    "voting:policy": Row(public(), every(NOT_ALLOWED)),
    # Participatory budgeting (public officials may not propose or vote: DESIGN.md).
    "budgeting:index": Row(public(), public()),
    "budgeting:cycle": Row(public(), public()),
    "budgeting:projects": Row(public(), every(NOT_ALLOWED)),
    "budgeting:propose": Row(participant(), verified(BAD).but(official_a=FORBIDDEN, official_b=FORBIDDEN)),
    "budgeting:implementation": Row(public(), every(NOT_ALLOWED)),
    # A draft is its proposer's alone.
    "budgeting:project": Row(owner().but(anonymous=NOT_FOUND, superuser=NOT_FOUND), every(NOT_ALLOWED)),
    "budgeting:project_edit": Row(owner(), owner(BAD)),
    "budgeting:project_submit": Row(owner(), owner(REDIRECT)),
    "budgeting:project_withdraw": Row(owner(), owner(CONFLICT)),  # a draft is not withdrawn
    "budgeting:project_image": Row(every(NOT_FOUND), every(NOT_ALLOWED)),
    "budgeting:my_projects": Row(participant(), participant(NOT_ALLOWED)),
    "budgeting:eligibility": Row(verified().but(official_a=FORBIDDEN, official_b=FORBIDDEN),
                                 verified(BAD).but(official_a=FORBIDDEN, official_b=FORBIDDEN)),  # fmt: skip
    "budgeting:ballot": Row(public(), participant(FORBIDDEN)),  # the vote has not opened
    "budgeting:ballot_meter": Row(public(), every(NOT_ALLOWED)),
    "budgeting:receipt": Row(public(), every(NOT_ALLOWED)),
    "budgeting:verify": Row(public(), every(BAD)),
    # Results before publication: the cycle's unit previews them; others find nothing.
    "budgeting:results": Row(unit_official(other=NOT_FOUND).but(anonymous=NOT_FOUND), every(NOT_ALLOWED)),
    "budgeting:pot_results": Row(unit_official(other=NOT_FOUND).but(anonymous=NOT_FOUND), every(NOT_ALLOWED)),
    "budgeting:monitoring": Row(unit_official(), unit_official(BAD)),
    # Civil complaints: the citizens' side. A complaint's pages are its filer's alone (404 to
    # anyone else, officials included: they work in the back office).
    "complaints:index": Row(public(), every(NOT_ALLOWED)),
    "complaints:new": Row(public().but(superuser=ONBOARDING), public().but(superuser=ONBOARDING)),
    "complaints:categories": Row(public(), every(NOT_ALLOWED)),
    "complaints:category_fields": Row(public(), every(NOT_ALLOWED)),
    "complaints:nearby": Row(public(), every(NOT_ALLOWED)),
    "complaints:guest_code": Row(every(NOT_ALLOWED), every(REDIRECT)),
    "complaints:track": Row(public(), public()),
    "complaints:claim": Row(every(REDIRECT), every(NOT_ALLOWED)),  # the link is the filer's key
    "complaints:list": Row(public(), every(NOT_ALLOWED)),
    "complaints:map": Row(public(), every(NOT_ALLOWED)),
    "complaints:map_data": Row(public(), every(NOT_ALLOWED)),
    "complaints:boundaries": Row(public(), every(NOT_ALLOWED)),
    "complaints:stats": Row(public(), every(NOT_ALLOWED)),
    "complaints:stats_csv": Row(public(), every(NOT_ALLOWED)),
    "complaints:trends": Row(public(), every(NOT_ALLOWED)),
    "complaints:density": Row(public(), every(NOT_ALLOWED)),
    "complaints:density_cells": Row(public(), every(NOT_ALLOWED)),
    "complaints:detail": Row(owner().but(anonymous=NOT_FOUND, superuser=NOT_FOUND), every(NOT_ALLOWED)),
    "complaints:filed": Row(owner().but(anonymous=NOT_FOUND, superuser=NOT_FOUND), every(NOT_ALLOWED)),
    "complaints:follow": Row(owner().but(anonymous=NOT_FOUND), owner(REDIRECT).but(anonymous=NOT_FOUND)),
    "complaints:rate": Row(every(NOT_ALLOWED), owner(BAD).but(anonymous=NOT_FOUND, superuser=NOT_FOUND)),
    "complaints:reopen": Row(every(NOT_ALLOWED), owner(BAD).but(anonymous=NOT_FOUND, superuser=NOT_FOUND)),
    "complaints:photo": Row(every(NOT_FOUND), every(NOT_ALLOWED)),  # no photo, even for the filer
    # Open data.
    "opendata:index": Row(public(), every(NOT_ALLOWED)),
    "opendata:dictionary_json": Row(public(), every(NOT_ALLOWED)),
    "opendata:csv": Row(public(), every(NOT_ALLOWED)),
    "opendata:json": Row(public(), every(NOT_ALLOWED)),
    "opendata:dataset": Row(public(), every(NOT_ALLOWED)),
    # Governance records: public.
    "governance:index": Row(public(), public()),
    "governance:org_chart": Row(public(), public()),
    "governance:org_unit": Row(public(), public()),
    "governance:research_list": Row(public(), public()),
    "governance:research_detail": Row(public(), public()),
    "governance:document_list": Row(public(), public()),
    "governance:document_detail": Row(public(), public()),
    "governance:document_diff": Row(every(BAD), every(BAD)),  # no versions named
    "governance:committee_list": Row(public(), public()),
    "governance:committee_detail": Row(public(), public()),
    "governance:committee_volunteer": Row(every(NOT_ALLOWED), participant(REDIRECT).but(superuser=REDIRECT)),
    "governance:committee_draws": Row(public(), public()),
    "governance:draw_data": Row(public(), public()),
    "governance:committee_meetings": Row(public(), public()),
    "governance:committee_meetings_ics": Row(public(), public()),
    "governance:meeting_detail": Row(public(), public()),
    "governance:meetings_ics": Row(public(), public()),
    # The committee members' review workspace: an item is shown to its committee's members only.
    "review:index": Row(committee(), committee()),
    "review:item": Row(committee(other=NOT_FOUND), committee(other=NOT_FOUND)),
    "review:conflict": Row(committee(other=NOT_FOUND), committee(other=NOT_FOUND)),
    "review:close": Row(committee(FORBIDDEN, other=NOT_FOUND), committee(FORBIDDEN, other=NOT_FOUND)),  # not secretary
    # The back office: its own pages.
    "admin:index": Row(admin("O")),
    "admin:login": Row(every(OK).but(official_a=REDIRECT, official_b=REDIRECT, superuser=REDIRECT), public()),
    "admin:logout": Row(every(REDIRECT).but(official_a=NOT_ALLOWED, official_b=NOT_ALLOWED, superuser=NOT_ALLOWED),
                        every(REDIRECT).but(official_a=OK, official_b=OK, superuser=OK)),  # fmt: skip
    "admin:password_change": Row(admin("O")),
    "admin:password_change_done": Row(admin("O")),
    "admin:autocomplete": Row(admin("N")),  # no field named
    "admin:jsi18n": Row(admin("O")),
    "admin:view_on_site": Row(admin("404 404 404")),  # proposals have no get_absolute_url
    "admin:app_list": Row(admin("O")),
    "admin:catch_all": Row(admin("404 404 404")),
    # The back office: its custom pages (moves and views), GET and POST.
    "admin:citizens_citizen_personal_data": Row(admin("405 405 405"), admin("404 404 200")),
    "admin:governance_document_publish": Row(admin("404 404 200"), admin("404 404 200")),
    "admin:proposals_proposal_answer": Row(admin("404 404 redirect"), admin("404 404 200")),
    "admin:proposals_proposal_reassign": Row(admin("404 404 redirect"), admin("404 404 200")),
    "admin:proposals_proposal_promote": Row(admin("404 404 redirect"), admin("404 404 200")),
    "admin:proposals_proposal_mayor_answer": Row(admin("404 404 redirect"), admin("404 404 200")),
    # The poll is unit A's: unit B's official does not find it; moves the state forbids redirect.
    "admin:voting_poll_publish": Row(admin("redirect 404 redirect"), admin("200 404 200")),
    "admin:voting_poll_approve": Row(admin("403 404 redirect"), admin("403 404 200")),
    "admin:voting_poll_reject": Row(admin("403 404 redirect"), admin("403 404 200")),
    "admin:voting_poll_close_early": Row(admin("200 404 200"), admin("200 404 200")),
    "admin:voting_poll_hide": Row(admin("403 404 200"), admin("403 404 200")),
    "admin:voting_poll_unhide": Row(admin("403 404 redirect"), admin("403 404 200")),
    "admin:voting_poll_reflect": Row(admin("redirect 404 redirect"), admin("200 404 200")),
    "admin:voting_pollreport_hide_poll": Row(admin("404 404 404"), admin("404 404 404")),  # no report
    "admin:voting_pollreport_dismiss": Row(admin("404 404 404"), admin("404 404 404")),
    "admin:budgeting_budgetparticipation_paper_ballot": Row(admin("N"), admin("N")),  # the vote is not open
    "admin:budgeting_cycle_assembly": Row(admin("200 404 200"), admin("409 404 409")),
    "admin:budgeting_cycle_council": Row(admin("200 404 200"), admin("400 404 400")),
    "admin:budgeting_project_department": Row(admin("200 404 200"), admin("200 404 200")),
    "admin:budgeting_project_feasibility": Row(admin("403 404 403"), admin("403 404 403")),
    "admin:budgeting_project_committee": Row(admin("403 404 403"), admin("403 404 403")),
    "admin:budgeting_project_scores": Row(admin("redirect 404 redirect"), admin("200 404 200")),
    "admin:budgeting_project_add_milestone": Row(admin("403 404 403"), admin("403 404 403")),
    "admin:budgeting_milestone_progress": Row(admin("404 404 404"), admin("404 404 404")),  # no milestone
    "admin:budgeting_cycle_count": Row(admin("403 404 403"), admin("403 404 403")),
    "admin:budgeting_cycle_publish": Row(admin("403 404 403"), admin("403 404 403")),
    "admin:budgeting_implementationnote_answer": Row(admin("404 404 404"), admin("404 404 404")),
    "admin:complaints_complaint_triage_queue": Row(admin("S"), admin("S")),  # the intake desk's
    "admin:complaints_complaint_coordination_queue": Row(admin("S"), admin("S")),
    "admin:complaints_complaint_file_for_caller": Row(admin("S"), admin("S")),
    # Figures of the official's own units (the leak checks look into them).
    "admin:complaints_complaint_stats": Row(admin("O"), admin("O")),
    "admin:complaints_complaint_stats_csv": Row(admin("O"), admin("O")),
    "admin:complaints_complaint_trends": Row(admin("O"), admin("O")),
    "admin:complaints_complaint_clusters": Row(admin("O"), admin("-")),
    # Complaint A is unit A's: unit B's official finds nothing (404), whatever the move.
    "admin:complaints_complaint_personal_data": Row(admin("405 405 405"), admin("200 404 200")),
    "admin:complaints_complaint_photo": Row(admin("404 404 404"), admin("404 404 404")),
    "admin:complaints_complaint_triage": Row(admin("403 404 redirect"), admin("403 404 200")),
    "admin:complaints_complaint_assign": Row(admin("200 404 200"), admin("redirect 404 redirect")),
    "admin:complaints_complaint_start": Row(admin("redirect 404 redirect"), admin("200 404 200")),
    "admin:complaints_complaint_transfer": Row(admin("200 404 200"), admin("200 404 200")),
    "admin:complaints_complaint_accept_transfer": Row(admin("403 404 redirect"), admin("403 404 200")),
    "admin:complaints_complaint_dispute_transfer": Row(admin("403 404 403"), admin("403 404 403")),
    "admin:complaints_complaint_coordinate": Row(admin("403 404 redirect"), admin("403 404 200")),
    "admin:complaints_complaint_answer": Row(admin("200 404 200"), admin("200 404 200")),
    "admin:complaints_complaint_reject": Row(admin("200 404 200"), admin("200 404 200")),
    "admin:complaints_complaint_mark_duplicate": Row(admin("200 404 200"), admin("200 404 200")),
    "admin:complaints_complaint_close": Row(admin("redirect 404 redirect"), admin("200 404 200")),
}
EXPECTED.update(dict.fromkeys((*(f"anymail:{esp}_tracking_webhook" for esp in ("amazon_ses", "brevo", "mailersend", "mailgun", "mailjet", "mailtrap", "postal", "postmark", "resend", "sendgrid", "sendinblue", "sparkpost", "unisender_go", "mandrill")), "anymail:mandrill_webhook", *(f"complaints_inbound:{esp}_inbound_webhook" for esp in ("amazon_ses", "brevo", "mailersend", "mailgun", "mailjet", "mailtrap", "postal", "postmark", "sendgrid", "sendinblue", "sparkpost", "resend"))), WEBHOOK_404))  # fmt: skip

# The back office's model pages, GET: changelist, add, change, history, delete, and the unnamed
# object URL (which redirects to the change page). Codes as in _STAFF_CODES. Officials hold no
# model permission: what they open comes from their unit (querysets scoped to it).
ADMIN_MODELS = {
    "citizens.district": "S N S S N -",
    "citizens.citizen": "S S S S N -",
    "notifications.notification": "S N S S N -",
    "notifications.contact": "S N S- - S- -",
    "audit.auditevent": "S N S S N -",
    "audit.personaldataaccess": "S N S- - N -",
    "governance.committee": "S S S H N -",
    "governance.membership": "S S S H N -",
    "governance.volunteer": "S N S H N -",
    "governance.drawrecord": "S N S H N -",
    "governance.orgunit": "S S S 403,redirect,200 N -",
    "governance.document": "S S S H N -",
    "governance.meeting": "S S S H N -",
    "governance.researchproject": "S S S H S -",
    "governance.agendaitem": "S S S H S -",
    "governance.review": "S N S H N -",
    "governance.conflictdeclaration": "S N S- - N -",
    "proposals.comment": "S N S S N -",
    "proposals.debatestance": "S N S S N -",
    "proposals.milestone": "O O - - N -",
    "proposals.proposal": "O N H H N -",  # the stranger's open proposal: no unit answers it yet
    "proposals.category": "S S S S S -",
    "proposals.question": "O O U U N -",
    "proposals.questionopinion": "O N - - N -",
    "voting.poll": "O O U U N -",
    "voting.pollreport": "S N S- - N -",
    "budgeting.budgetparticipation": "O N - - N -",
    "budgeting.project": "O N U U N -",
    "budgeting.milestone": "O N - - N -",
    "budgeting.cycle": "O O U U N -",
    "budgeting.implementationnote": "O N - - N -",
    "complaints.category": "S S S S N -",
    "complaints.complaint": "O N 200,404,200 200,404,200 N -",  # 404, not the admin's redirect
    "complaints.emergencykeyword": "S S S- - S- -",
    "complaints.emergencyalert": "O N - - N -",
    "complaints.trendstopword": "S S S- - S- -",
    "complaints.holidaychange": "S S S- - S- -",
    "complaints.open311key": "S S S- - N -",
    "auth.group": "S S S- - S- -",
}


def _admin_model_row(key):
    match = re.fullmatch(r"admin:(\w+?)_(\w+)_(changelist|add|change|history|delete|redirect)", key)
    if not match or f"{match[1]}.{match[2]}" not in ADMIN_MODELS:
        return None
    codes = ADMIN_MODELS[f"{match[1]}.{match[2]}"].split()
    code = codes[("changelist", "add", "change", "history", "delete", "redirect").index(match[3])]
    return Row(admin(code.replace(",", " ")))


def row_for(key):
    return EXPECTED.get(key) or _admin_model_row(key)


PATTERNS = list(url_patterns())


def methods_of(row):
    return ("get", "post") if row.post is not None else ("get",)


def checks_of(world, key):
    """[(role, case, method, expected)] for one URL pattern."""
    row = row_for(key)
    kind = PARAMETERS.get(key, (None,))[0]
    checks = []
    for role in ROLES:
        for case, obj in owner_cases(world, role, kind):
            for method in methods_of(row):
                checks.append((role, case, obj, method, getattr(row, method).expected(role, case)))
    return checks


# --- What each role must never read ----------------------------------------------------------

_VERIFIED_PRIVATE = (MARKER_A, NAME_VERIFIED, EMAIL_VERIFIED)
_STRANGER_PRIVATE = (MARKER_B, NAME_STRANGER, EMAIL_STRANGER, PHONE_STRANGER, PHONE_STRANGER.replace("+82", "0"))
MUST_NOT_READ = {
    "anonymous": _VERIFIED_PRIVATE + _STRANGER_PRIVATE,
    "citizen": _VERIFIED_PRIVATE + _STRANGER_PRIVATE,
    "verified": _STRANGER_PRIVATE,
    "member": _VERIFIED_PRIVATE + _STRANGER_PRIVATE,
    # An official works on their unit's complaints; another unit's stay out of sight.
    "official_a": (MARKER_B, NAME_STRANGER, EMAIL_STRANGER),
    "official_b": (MARKER_A, NAME_VERIFIED, EMAIL_VERIFIED),
    "superuser": (),
}


def response_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", errors="replace")


# --- The tests ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, built in a transaction rolled back when the module ends; each
    test runs in a savepoint inside it (pytest-django's `db`), each request in another."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = build_world()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def matrix_settings(settings, locmem_cache):
    """Rate limits stay out of the way: the matrix asks each page seven times in a row; and the
    world's comments stay editable however long after its building a test runs."""
    settings.PROPOSALS_COMMENT_EDIT_MINUTES = 24 * 60
    settings.OPEN_DATA_DOWNLOADS_PER_MINUTE = 10_000
    settings.OPEN_DATA_LIVE_STREAMS_PER_IP = 10_000
    return settings


def test_every_url_pattern_has_a_row():
    missing = [f"{key}  ({route})" for key, route, _callback in PATTERNS if row_for(key) is None]
    assert not missing, "URL patterns without a row in the authorization matrix:\n" + "\n".join(missing)


def test_the_matrix_is_complete_and_counted(world, db):
    """The figures of the matrix (run with -s to read them)."""
    checks = [check for key, _route, _callback in PATTERNS if row_for(key) for check in checks_of(world, key)]
    owned = sum(1 for key, _r, _c in PATTERNS if PARAMETERS.get(key, (None,))[0])
    print(f"\nauthorization matrix: {len(PATTERNS)} URL patterns ({owned} with an owned object) x {len(ROLES)} roles "
          f"x owner cases x methods = {len(checks)} requests checked")  # fmt: skip
    assert len(PATTERNS) >= 400
    assert len(checks) >= 3000


@pytest.mark.parametrize("key", [key for key, _route, _callback in PATTERNS], ids=str)
def test_pattern_answers_each_role_as_the_table_says(world, db, matrix_settings, key):
    route = next(route for k, route, _callback in PATTERNS if k == key)
    row = row_for(key)
    assert row is not None, f"no row for {key}"
    wrong, leaks = [], []
    clients = {}
    for role, case, obj, method, expected in checks_of(world, key):
        path = path_for(world, key, route, obj)
        client = clients.get(role) or clients.setdefault(role, signed_in_client(world, role))
        savepoint = transaction.savepoint()
        try:
            response = getattr(client, method)(path)
            got = status_class(response)
            text = response_text(response)
        finally:
            transaction.savepoint_rollback(savepoint)
        if got != expected:
            wrong.append(f"{method.upper()} {path} as {role}/{case}: expected {expected}, got {got}")
        leaks += [f"{method.upper()} {path} as {role}/{case} shows {marker!r}"
                  for marker in MUST_NOT_READ[role] if marker in text]  # fmt: skip
        if method == "post" or key in ("citizens:signout", "admin:logout"):
            clients.pop(role, None)  # a POST may have signed the role out: a fresh session next
    assert not wrong + leaks, "\n".join(wrong + leaks)


def test_admin_object_pages_follow_the_unit(world, db, matrix_settings):
    """Unit A's complaint: its official opens it, unit B's finds nothing; and the other way round
    for unit B's complaint (the matrix above uses unit A's)."""
    from django.urls import reverse

    for complaint, insider, outsider in ((world.objects["complaint_a"], "official_a", "official_b"),
                                         (world.objects["complaint_b"], "official_b", "official_a")):  # fmt: skip
        for name in ("change", "history"):
            url = reverse(f"admin:complaints_complaint_{name}", args=[complaint.pk])
            assert signed_in_client(world, insider).get(url).status_code == 200
            assert signed_in_client(world, outsider).get(url).status_code == 404
        url = reverse("admin:complaints_complaint_personal_data", args=[complaint.pk])
        assert signed_in_client(world, insider).post(url).status_code == 200
        assert signed_in_client(world, outsider).post(url).status_code == 404


LISTS_OF_COMPLAINTS = [
    "/admin/complaints/complaint/",
    "/admin/complaints/complaint/?q={a}",
    "/admin/complaints/complaint/?unit__id__exact={unit_a}",
    "/admin/complaints/complaint/stats/",
    "/admin/complaints/complaint/trends/",
    "/admin/complaints/complaint/near-duplicates/",
    "/admin/complaints/emergencyalert/",
    *(f"/admin/complaints/complaint/stats/{table}.csv" for table in (
        "volume", "categories", "districts", "channels", "handling", "backlog", "units", "satisfaction")),
    "/admin/audit/auditevent/",
    "/admin/notifications/notification/",
    "/complaints/list/",
    "/complaints/map/complaints.geojson",
    "/complaints/stats/",
    "/complaints/stats/map/cells.geojson",
    "/open311/v2/requests.json",
    "/open311/v2/requests/{a}.json",
    "/opendata/complaints.csv",
    "/opendata/complaints.json",
]  # fmt: skip


@pytest.mark.parametrize("url", LISTS_OF_COMPLAINTS)
def test_lists_of_complaints_keep_each_unit_to_its_own(world, db, matrix_settings, url):
    """Unit B's official never reads unit A's complaint (its text, its filer's name or email) in
    a list, a figure, an export or a search by its tracking number; nor does a citizen."""
    url = url.format(a=world.objects["complaint_a"].tracking_number, unit_a=world.objects["unit_a"].pk)
    for role in ("official_b", "citizen", "member", "anonymous"):
        text = response_text(signed_in_client(world, role).get(url))
        shown = [marker for marker in (MARKER_A, NAME_VERIFIED, EMAIL_VERIFIED) if marker in text]
        assert not shown, f"{url} shows unit A's complaint to {role}: {shown}"


def test_the_markers_are_there_for_those_who_may_see_them(world, db, matrix_settings):
    """The leak checks could fail: the markers are in the pages of those who may read them."""
    from django.urls import reverse

    complaint = world.objects["complaint_a"]
    own_page = signed_in_client(world, "verified").get(reverse("complaints:detail", args=[complaint.tracking_number]))
    assert MARKER_A in response_text(own_page)
    admin_page = signed_in_client(world, "official_a").get(
        reverse("admin:complaints_complaint_change", args=[complaint.pk])
    )
    assert MARKER_A in response_text(admin_page)
