"""Every form of the site gets hostile input (control and NUL characters, markup, overlong text,
wrong types, repeated and missing fields, impossible numbers and dates, junk files) as the role
that can reach it: the answer is never a 500, and a refused submission writes nothing.

The form pages of the apps whose state needs their own fixtures are fuzzed beside this module
(test_forms_<app>.py) with the same harness. Left out: the forms of the Django admin (its
ModelForms and the action forms in proposals/forms/admin.py, CommentModerationForm,
budgeting's NoteAnswerForm, voting/admin/forms.py), which only staff reach and which call the
same services. opendata and notifications have no forms (a provider webhook is not one).
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from citizens.backends import PASSWORD_BACKEND
from tests.complaints.conftest import (  # noqa: F401 -- fixtures, found by name
    CITY_HALL,
    citizen,
    guest,
    make_citizen,
    make_official,
    participant,
    pothole,
    roads,
    roads_official,
)

from .strategies import FUZZ_SETTINGS, JUNK_FILES, hostile_form

pytestmark = pytest.mark.django_db

# The apps whose rows a refused submission must leave as they were.
WATCHED_APPS = ("citizens", "notifications", "audit", "governance", "proposals", "voting", "budgeting", "complaints")


# Where a visitor without the right session or profile is sent instead of the form.
ONBOARDING = ("/signin/", "/me/consent/", "/me/profile/", "/admin/login/")


@dataclass
class FormTarget:
    """One form as the fuzzer posts it: where, which fields (and plausible values for some, so
    that a submission now and then reaches the service), which file fields, and what a success
    looks like (by default a redirect; a form answered in place says otherwise)."""

    url: str
    fields: list
    plausible: dict = field(default_factory=dict)
    files: tuple = ()
    method: str = "post"
    headers: dict = field(default_factory=dict)
    succeeded: object = None  # response -> bool; None: any 3xx

    def success(self, response) -> bool:
        if self.succeeded is not None:
            return self.succeeded(response)
        return 300 <= response.status_code < 400


def succeeded_by_message(response) -> bool:
    """For a form answered by a redirect either way: a success leaves a success message."""
    from django.contrib.messages import constants, get_messages

    return any(message.level == constants.SUCCESS for message in get_messages(response.wsgi_request))


def _watched_models():
    return [model for app in WATCHED_APPS for model in apps.get_app_config(app).get_models()
            if not model._meta.proxy]  # fmt: skip


def _counts(models) -> dict:
    """Every watched table's row count, in one query (the fuzzer counts twice per submission)."""
    from django.db import connection

    quote = connection.ops.quote_name
    select = ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")  # noqa: S608 -- table names from the models, not input
        row = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, row, strict=True)}


def fuzz_form(client, target: FormTarget, server_errors, *, sign_in=None):
    """Post hostile data to `target` (bounded by FUZZ_SETTINGS), each submission in a savepoint
    rolled back after it, signed in again by `sign_in(client)` each time."""
    models = _watched_models()
    client.raise_request_exception = False
    refused = []
    uploads = st.lists(JUNK_FILES, max_size=2) if target.files else st.just([])

    @FUZZ_SETTINGS
    @given(data=hostile_form(target.fields, required=target.plausible), files=uploads)
    def run(data, files):
        with transaction.atomic():
            if sign_in:
                sign_in(client)
            before = _counts(models)
            body = dict(data)
            for name, (filename, content) in zip(target.files, files, strict=False):
                body[name] = SimpleUploadedFile(filename, content)
            send = client.get if target.method == "get" else client.post
            response = send(target.url, body, headers=target.headers)
            assert not server_errors, server_errors
            assert response.status_code < 500, (response.status_code, data)
            if 300 <= response.status_code < 400:
                # A redirect to sign in or to onboarding means the fuzzer never reached the form.
                location = response.headers.get("Location", "")
                assert urlsplit(location).path not in ONBOARDING, (location, data)
            if not target.success(response):
                refused.append(response.status_code)
                after = _counts(models)
                changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
                assert not changed, f"a refused submission ({response.status_code}) wrote {changed}: {data!r}"
            transaction.set_rollback(True)

    run()
    # The form was reached and refused some of the input (the check above did run).
    assert refused, f"every submission to {target.url} counted as a success"


def onboarded(person):
    """`person` with a completed profile and every consent given, as the participation pages want."""
    from datetime import date

    from django.utils import timezone

    from citizens.consents import purposes
    from citizens.models import Citizen, District
    from citizens.services import consent_record

    person.district = District.objects.get(code="11680")
    person.residence_basis = Citizen.ResidenceBasis.LIVES
    person.birth_date = date(1985, 3, 1)
    person.profile_completed_at = person.phone_verified_at = timezone.now()
    person.save()
    consent_record(citizen=person, answers={item.key: True for item in purposes()})
    return Citizen.objects.get(pk=person.pk)


def _as_citizen(person):
    def sign_in(client):
        client.force_login(person, backend="citizens.backends.StaffEmailBackend")

    return sign_in


def _as_staff(person):
    def sign_in(client):
        client.force_login(person, backend=PASSWORD_BACKEND)

    return sign_in


# citizens --------------------------------------------------------------------------------------


def test_sign_in_phone_form(client, server_errors):
    target = FormTarget(reverse("citizens:signin"), ["phone", "next"],
                        plausible={"phone": ["010-5550-1234", "01055501234"], "next": ["/", "//evil.example"]})  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_sign_in_code_form(client, server_errors):
    from citizens.views import SIGNIN_PHONE_KEY as key

    def sign_in(client):
        session = client.session
        session[key] = "+821055501234"
        session.save()

    target = FormTarget(reverse("citizens:signin_code"), ["code"], plausible={"code": ["123456", "000000"]})
    fuzz_form(client, target, server_errors, sign_in=sign_in)


def test_consent_form(client, server_errors, make_citizen):  # noqa: F811 -- a fixture imported above
    from citizens.consents import purposes

    person = make_citizen()
    keys = [item.key for item in purposes()]
    target = FormTarget(reverse("citizens:consent"), keys, plausible={key: ["on", "true", ""] for key in keys})
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(person))


def test_profile_form(client, server_errors, citizen):  # noqa: F811 -- a fixture imported above
    from citizens.forms import ProfileForm

    target = FormTarget(reverse("citizens:profile"), list(ProfileForm.base_fields), plausible={
        "birth_date": ["1985-03-01", "2030-01-01", "1850-01-01"], "residence_basis": ["lives", "works"],
        "district": ["11680", "99999"], "gender": ["female", "male", ""], "language": ["ko", "en", "fr"],
        "notify_by": ["sms", "email"], "email": ["me@example.org", ""],
    })  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(citizen))


def test_delete_account_form(client, server_errors, citizen):  # noqa: F811 -- a fixture imported above
    target = FormTarget(reverse("citizens:delete"), ["confirm"], plausible={"confirm": ["on", "yes", "삭제"]})
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(citizen))


def test_a_next_that_is_not_a_path_is_ignored(client, citizen):  # noqa: F811 -- a fixture imported above
    """Found by the fuzzer: redirect() took a bare word in `next` for a view's name (a 500)."""
    client.force_login(citizen, backend="citizens.backends.StaffEmailBackend")
    for bad in ("-92", "me", "citizens:me"):
        response = client.get(reverse("citizens:signin"), {"next": bad})
        assert response.status_code == 302
        assert response["Location"] == reverse("citizens:me")
    assert client.get(reverse("citizens:signin"), {"next": "/complaints/"})["Location"] == "/complaints/"


# audit -----------------------------------------------------------------------------------------


def test_receipt_check_form(client, server_errors):
    # A check reads only: whatever is posted, nothing is written.
    target = FormTarget(reverse("audit:index"), ["receipt"], plausible={"receipt": ["a" * 64, "0" * 64, "zz"]},
                        succeeded=lambda response: False)  # fmt: skip
    fuzz_form(client, target, server_errors)


# complaints ------------------------------------------------------------------------------------


def _intake_plausible(category_code):
    return {
        "category": [category_code, "nope"],
        "title": ["보도블록 파손", "<b>x</b>"],
        "description": ["보도블록이 깨져 있습니다.", " "],
        "address": ["서울특별시 중구 세종대로 110"],
        "latitude": [str(CITY_HALL[0]), "91", "1e309"],
        "longitude": [str(CITY_HALL[1]), "-181", "NaN"],
        "visibility": ["public", "private", "secret"],
        "contact_preference": ["sms", "email", "none", "pigeon"],
        "phone": ["010-5550-1234"],
        "code": ["123456"],
    }


def test_complaint_intake_form_as_citizen(client, server_errors, citizen, pothole):  # noqa: F811 -- a fixture imported above
    from complaints.forms.intake import IntakeForm

    target = FormTarget(reverse("complaints:new"), list(IntakeForm.base_fields), plausible=_intake_plausible("pothole"),
                        files=("photos", "photos"))  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(citizen))


def test_complaint_intake_form_as_guest(client, server_errors, pothole):  # noqa: F811 -- a fixture imported above
    from complaints.forms.intake import IntakeForm

    target = FormTarget(reverse("complaints:new"), list(IntakeForm.base_fields), plausible=_intake_plausible("pothole"),
                        files=("photos",))  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_guest_code_form(client, server_errors):
    # Sending a code is answered in place (200, or 400 with the reason) and may write the code.
    target = FormTarget(reverse("complaints:guest_code"), ["phone", "next"], headers={"HX-Request": "true"},
                        plausible={"phone": ["010-5550-1234", "02-120-0000"]},
                        succeeded=lambda response: response.status_code == 200)  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_track_form(client, server_errors, citizen, pothole):  # noqa: F811 -- a fixture imported above
    from complaints.services.intake import Filer, Location, complaint_file

    filed = complaint_file(channel="web", category=pothole, description="보도블록이 깨져 있습니다.",
                           filer=Filer(citizen=citizen), location=Location(*CITY_HALL))  # fmt: skip
    target = FormTarget(reverse("complaints:track"), ["number", "last4"],
                        plausible={"number": [filed.tracking_number, "2026-9999999"], "last4": ["0000", "12345"]})  # fmt: skip
    fuzz_form(client, target, server_errors)


@pytest.mark.parametrize(
    ("name", "form_path"),
    [("complaints:list", "complaints.forms.public.ComplaintFilterForm"),
     ("complaints:stats", "complaints.forms.stats.StatsFilterForm"),
     ("complaints:density", "complaints.forms.stats.StatsFilterForm")],
)  # fmt: skip
def test_complaint_filter_forms(client, server_errors, pothole, name, form_path):  # noqa: F811 -- a fixture imported above
    from django.utils.module_loading import import_string

    form = import_string(form_path)
    target = FormTarget(reverse(name), list(form.base_fields), method="get", succeeded=lambda response: False,
                        plausible={"since": ["2026-01-01"], "until": ["2025-01-01"], "start": ["2026-01-01"],
                                   "end": ["1999-01-01"], "period": ["month", "year", "decade"],
                                   "category": ["pothole"], "district": ["11680"]})  # fmt: skip
    fuzz_form(client, target, server_errors)


@pytest.fixture
def answered(citizen, pothole, roads_official):  # noqa: F811 -- a fixture imported above
    """The citizen's complaint, answered: the filer may rate it and ask for an additional answer."""
    from complaints.services.handling import complaint_answer, complaint_assign, complaint_start
    from complaints.services.intake import Filer, Location, complaint_file

    complaint = complaint_file(channel="web", category=pothole, description="보도블록이 깨져 있습니다.",
                               filer=Filer(citizen=citizen), location=Location(*CITY_HALL))  # fmt: skip
    complaint = complaint_assign(actor=roads_official, complaint=complaint)
    complaint = complaint_start(actor=roads_official, complaint=complaint)
    return complaint_answer(actor=roads_official, complaint=complaint, answer="보수했습니다.")


def test_rating_form(client, server_errors, citizen, answered):  # noqa: F811 -- a fixture imported above
    target = FormTarget(reverse("complaints:rate", args=[answered.tracking_number]), ["rating", "comment"],
                        plausible={"rating": ["1", "5", "0", "6"], "comment": ["감사합니다."]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(citizen))


def test_reopen_form(client, server_errors, citizen, answered):  # noqa: F811 -- a fixture imported above
    target = FormTarget(reverse("complaints:reopen", args=[answered.tracking_number]), ["reason"],
                        plausible={"reason": ["답변이 질문과 다릅니다."]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(citizen))
