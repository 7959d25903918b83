"""Routing's suggestion out of the web process: intake (and triage) files a complaint to its
category's default unit, and once that commits the `suggest_unit` task on the text queue asks the
classifier; a confident suggestion moves the complaint only while it is as intake left it. The
classifier (and the Korean analyser it loads) never runs in the process that files."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit.models import AuditEvent
from complaints import classifier, routing
from complaints.models import Category, Complaint, ComplaintEvent, ComplaintType, RouterModel
from complaints.routing import complaint_follow_suggestion, forget_model
from complaints.services.handling import complaint_assign, complaint_transfer
from complaints.services.intake import Filer, complaint_complete_triage, complaint_file_for_triage
from complaints.tasks import suggest_unit
from governance.models import OrgUnit
from seoul_portal.celery import app
from tests.broker_support import worker_database_url

ROOT = Path(__file__).resolve().parents[2]
# Under the fallback tokeniser (syllable bigrams), "주차" is in any text about 불법주차 and
# "보도" in any about a 보도: the hand-made model below gives 0.9 and 0.55 to the parking unit.
PARKING_TEXT = "불법주차 차량 때문에 골목을 지나갈 수 없습니다."
UNSURE_TEXT = "보도가 좁아서 다니기 어렵습니다."


@pytest.fixture(autouse=True)
def _fresh_routing_model():
    forget_model()
    yield
    forget_model()


@pytest.fixture
def parking(roads):
    return OrgUnit.objects.create(code="parking", kind=OrgUnit.Kind.DIVISION, parent=roads.parent,
                                  name_ko="주차계획과", name_en="Parking Planning Division")  # fmt: skip


def store_model(units, likelihoods, *, tokenizer=classifier.BIGRAMS, threshold=0.6) -> RouterModel:
    """A routing model in use, written by hand: `likelihoods` maps a token to one probability per
    unit (equal priors), so a text whose only known token is `token` gets their normalised share."""
    parameters = {
        "format": classifier.FORMAT_VERSION, "kind": "multinomial_naive_bayes", "tokenizer": tokenizer,
        "alpha": 1.0, "min_count": 1, "units": [unit.pk for unit in units],
        "log_priors": [math.log(1 / len(units))] * len(units),
        "tokens": {token: [math.log(p) for p in probabilities] for token, probabilities in likelihoods.items()},
    }  # fmt: skip
    model = RouterModel.objects.create(samples=100, held_out=20, accuracy=0.9, baseline_accuracy=0.5,
                                       threshold=threshold, parameters=parameters)  # fmt: skip
    forget_model()
    return model


@pytest.fixture
def model(parking, roads):
    return store_model([parking, roads], {"주차": [0.9, 0.1], "보도": [0.55, 0.45]})


def routed_events(complaint):
    return list(ComplaintEvent.objects.filter(complaint=complaint, kind=ComplaintEvent.Kind.ROUTED))


def route_audits(complaint):
    return list(AuditEvent.objects.filter(action="complaint.route", target_id=str(complaint.pk)))


# --- Intake files to the default unit; the task moves it once the filing commits ---------------


def test_intake_files_to_the_default_unit_and_the_task_follows_after_commit(
    model, file_complaint, roads, parking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        filed = file_complaint(description=PARKING_TEXT)
        # Inside intake's transaction: the default unit, no suggestion yet.
        committed = Complaint.objects.get(pk=filed.pk)
        assert committed.unit == roads and committed.suggested_unit is None
        assert committed.suggestion_confidence is None
    assert not routed_events(filed)
    for callback in callbacks:  # the commit: the task runs (eagerly in tests)
        callback()
    complaint = Complaint.objects.get(pk=filed.pk)
    assert complaint.unit == parking
    assert complaint.suggested_unit == parking and complaint.suggestion_confidence == 0.9
    assert complaint.status == Complaint.Status.RECEIVED
    # The history: received at the default unit, then routed by the system (no official).
    assert complaint.events.get(kind=ComplaintEvent.Kind.RECEIVED).unit == roads
    (event,) = routed_events(complaint)
    assert event.unit == parking and event.actor is None and not event.is_public and event.note == "90%"
    (audit,) = route_audits(complaint)
    assert audit.actor_id is None and audit.summary == {"from": roads.pk, "to": parking.pk, "confidence": 0.9}


def test_the_task_moves_a_complaint_to_a_confident_suggestion(model, file_complaint, roads, parking):
    complaint = file_complaint(description=PARKING_TEXT)  # its on-commit task never runs in this test
    before = Complaint.objects.get(pk=complaint.pk).updated_at
    suggest_unit.delay(complaint.pk, roads.pk)
    complaint.refresh_from_db()
    assert (complaint.unit, complaint.suggested_unit, complaint.suggestion_confidence) == (parking, parking, 0.9)
    assert complaint.updated_at > before  # the rollups see the change
    # Repeated (a redelivered task): nothing more happens.
    assert complaint_follow_suggestion(complaint_id=complaint.pk, routed_unit_id=roads.pk) is False
    assert len(routed_events(complaint)) == 1 and len(route_audits(complaint)) == 1


def test_a_suggestion_below_the_threshold_leaves_the_default_unit(model, file_complaint, roads, parking):
    complaint = file_complaint(description=UNSURE_TEXT)
    assert complaint_follow_suggestion(complaint_id=complaint.pk, routed_unit_id=roads.pk) is False
    complaint.refresh_from_db()
    assert complaint.unit == roads
    # Kept for the officials to see, as before.
    assert complaint.suggested_unit == parking and complaint.suggestion_confidence == 0.55
    assert not routed_events(complaint) and not route_audits(complaint)


def test_the_model_s_threshold_decides(parking, roads, file_complaint):
    store_model([parking, roads], {"주차": [0.9, 0.1]}, threshold=0.95)
    complaint = file_complaint(description=PARKING_TEXT)
    complaint_follow_suggestion(complaint_id=complaint.pk, routed_unit_id=roads.pk)
    complaint.refresh_from_db()
    assert complaint.unit == roads and complaint.suggested_unit == parking


def test_without_a_model_or_a_known_word_nothing_changes(file_complaint, roads, parking):
    complaint = file_complaint(description=PARKING_TEXT)
    assert complaint_follow_suggestion(complaint_id=complaint.pk, routed_unit_id=roads.pk) is False
    store_model([parking, roads], {"신호등": [0.9, 0.1]})
    assert complaint_follow_suggestion(complaint_id=complaint.pk, routed_unit_id=roads.pk) is False
    complaint.refresh_from_db()
    assert complaint.unit == roads and complaint.suggested_unit is None and complaint.suggestion_confidence is None
    assert complaint_follow_suggestion(complaint_id=987654, routed_unit_id=roads.pk) is False


# --- An official's move wins -------------------------------------------------------------------


@pytest.mark.parametrize("move", ["transfer", "assign"])
def test_a_complaint_an_official_already_moved_is_left_alone(move, model, file_complaint, roads, parks, parking,
                                                             roads_official):  # fmt: skip
    complaint = file_complaint(description=PARKING_TEXT)
    if move == "transfer":
        complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="공원 안의 주차장입니다.")
        expected = (Complaint.Status.TRANSFERRED, parks)
    else:
        complaint_assign(actor=roads_official, complaint=complaint)
        expected = (Complaint.Status.ASSIGNED, roads)
    suggest_unit.delay(complaint.pk, roads.pk)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.unit) == expected
    assert complaint.suggested_unit is None and complaint.suggestion_confidence is None
    assert not routed_events(complaint) and not route_audits(complaint)


def test_a_move_committed_while_the_classifier_runs_wins(model, file_complaint, roads, parks, roads_official,
                                                          monkeypatch):  # fmt: skip
    """The official transfers the complaint after the task read it and before it writes: the
    conditional update finds it no longer as intake left it."""
    complaint = file_complaint(description=PARKING_TEXT)
    classify = routing.route

    def classify_while_an_official_transfers(**text):
        complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="공원 관리 민원입니다.")
        return classify(**text)

    monkeypatch.setattr(routing, "route", classify_while_an_official_transfers)
    assert complaint_follow_suggestion(complaint_id=complaint.pk, routed_unit_id=roads.pk) is False
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.TRANSFERRED and complaint.unit == parks
    assert complaint.suggested_unit is None
    assert not routed_events(complaint) and not route_audits(complaint)


def test_a_complaint_no_longer_at_the_unit_intake_gave_it_is_left_alone(model, file_complaint, roads, parks):
    complaint = file_complaint(description=PARKING_TEXT)
    Complaint.objects.filter(pk=complaint.pk).update(unit=parks)
    assert complaint_follow_suggestion(complaint_id=complaint.pk, routed_unit_id=roads.pk) is False
    complaint.refresh_from_db()
    assert complaint.unit == parks and complaint.suggested_unit is None


# --- Triage, the second way a complaint gets its unit -------------------------------------------


def test_triage_files_to_the_default_unit_and_the_task_follows(model, guest, intake_desk, pothole, roads, parking,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    complaint = complaint_file_for_triage(channel="sms", description=PARKING_TEXT, filer=Filer(contact=guest))
    with django_capture_on_commit_callbacks() as callbacks:
        triaged = complaint_complete_triage(actor=intake_desk, complaint=complaint, category=pothole, title="불법주차")
        assert Complaint.objects.get(pk=complaint.pk).unit == roads
    assert triaged.unit == roads and triaged.suggested_unit is None
    for callback in callbacks:
        callback()
    complaint.refresh_from_db()
    assert complaint.unit == parking and complaint.suggested_unit == parking
    operator, system = routed_events(complaint)
    assert (operator.unit, operator.actor) == (roads, intake_desk)
    assert (system.unit, system.actor) == (parking, None)
    assert AuditEvent.objects.filter(action="complaint.triage", target_id=str(complaint.pk)).count() == 1
    assert len(route_audits(complaint)) == 1


def test_the_task_runs_on_the_text_queue():
    assert app.amqp.router.route({}, "complaints.tasks.suggest_unit", args=(), kwargs={})["queue"].name == "text"


# --- The process that files never loads the Korean analyser -------------------------------------

FILING_PROCESS = """
import json, sys
import django

django.setup()
import seoul_portal.urls  # every app's views, forms, selectors and admin, as a web worker imports them

report = {"after_imports": "kiwipiepy" in sys.modules}
from citizens.models import Citizen
from complaints import tasks
from complaints.models import Category, Complaint
from complaints.services.intake import Filer, complaint_complete_triage, complaint_file

from celery.app.task import Task

published = []
# A web worker publishes its tasks to the broker (none runs in it): here they are recorded.
Task.apply_async = lambda task, args=None, kwargs=None, **options: published.append([task.name, args])
arguments = json.loads(sys.argv[1])
category = Category.objects.get(service_code=arguments["category"])
filed = complaint_file(channel="web", category=category, description=arguments["text"], filer=Filer())
complaint_complete_triage(actor=Citizen.objects.get(pk=arguments["operator"]),
                          complaint=Complaint.objects.get(pk=arguments["triage"]), category=category)
report["after_intake"] = "kiwipiepy" in sys.modules
report["published"] = [args for name, args in published if name == "complaints.tasks.suggest_unit"]
report["filed"] = filed.pk
# The control: the task itself does load the analyser here (the check above could fail).
tasks.suggest_unit(*report["published"][0])
report["after_task"] = "kiwipiepy" in sys.modules
report["unit_after_task"] = Complaint.objects.get(pk=filed.pk).unit_id
print(json.dumps(report))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_intake_and_triage_do_not_load_the_korean_analyser(roads, parking, guest, intake_desk):
    pytest.importorskip("kiwipiepy")
    category = Category.objects.create(service_code="illegal-parking", name_ko="불법 주차", name_en="Illegal parking",
                                       complaint_type=ComplaintType.GRIEVANCE, default_unit=roads)  # fmt: skip
    # A model of the Korean analyser's tokens: applying it would load kiwipiepy.
    store_model([parking, roads], {"주차": [0.9, 0.1]}, tokenizer=classifier.KIWI)
    waiting = complaint_file_for_triage(channel="sms", description=PARKING_TEXT, filer=Filer(contact=guest))
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_REPLICA_URL")}  # fmt: skip
    environment.update(DJANGO_SETTINGS_MODULE="seoul_portal.settings", DATABASE_URL=worker_database_url(),
                       DATABASE_POOL_MIN="1", PYTHONPATH=str(ROOT))  # fmt: skip
    arguments = {"category": category.service_code, "text": PARKING_TEXT, "operator": intake_desk.pk,
                 "triage": waiting.pk}  # fmt: skip
    finished = subprocess.run(  # noqa: S603 -- this interpreter, our script
        [sys.executable, "-c", FILING_PROCESS, json.dumps(arguments)], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    report = json.loads(finished.stdout.strip().splitlines()[-1])
    assert report["after_imports"] is False
    assert report["after_intake"] is False
    assert report["published"] == [[report["filed"], roads.pk], [waiting.pk, roads.pk]]
    assert report["after_task"] is True and report["unit_after_task"] == parking.pk
