"""The routing classifier: Korean tokenised into morphemes, a naive Bayes that beats the
majority-class baseline on held-out complaints of a labelled fixture, `complaints_train_router`
storing the model, and routing that follows a confident suggestion and keeps the category's
default unit otherwise."""

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from complaints import classifier
from complaints.models import Complaint, ComplaintType, RouterModel
from complaints.routing import current_model, forget_model, route
from complaints.services.router_training import router_training_samples
from governance.models import OrgUnit

FIXTURE = Path(__file__).parent / "fixtures" / "routing_complaints.json"
SEED = 2026
CLEAR_TEXTS = {
    "parking": "아파트 정문 앞에 불법주차 차량이 매일 세워져 있어 소방차가 못 들어옵니다. 단속해 주세요.",
    "noise": "윗집 층간소음 때문에 밤마다 잠을 못 잡니다. 쿵쿵거리는 소리가 너무 심해요.",
    "waste": "골목에 쓰레기 무단투기가 심하고 음식물 쓰레기 냄새가 납니다. 수거해 주세요.",
    "water": "비만 오면 빗물받이가 막혀 하수구 물이 역류하고 악취가 납니다.",
}
VAGUE_TEXT = "빨리 처리해 주세요. 너무 불편합니다."


@pytest.fixture(autouse=True)
def _fresh_routing_model():
    # The model in use is cached (shared cache and this process): no test sees another's.
    forget_model()
    yield
    forget_model()


def fixture_data():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def labelled_samples():
    """(text, unit number) pairs of the fixture, units numbered in their order there."""
    data = fixture_data()
    numbers = {key: number for number, key in enumerate(data["units"], start=1)}
    return [(row["text"], numbers[row["unit"]]) for row in data["complaints"]], numbers


# --- The classifier on its own (no database) -------------------------------------------------


def test_the_fixture_is_varied_and_covers_six_units():
    data = fixture_data()
    texts = [row["text"] for row in data["complaints"]]
    assert 300 <= len(texts) <= 600
    assert len(set(texts)) == len(texts)
    per_unit = {key: sum(row["unit"] == key for row in data["complaints"]) for key in data["units"]}
    assert len(per_unit) == 6 and min(per_unit.values()) >= 40
    # Not one template with the nouns swapped: few complaints share their first three words.
    openings = {" ".join(text.split()[:3]) for text in texts}
    assert len(openings) > 0.95 * len(texts)


def test_korean_is_cut_into_morphemes_and_particles_and_endings_are_dropped():
    found = classifier.tokens("도로에 포트홀이 생겨서 CCTV로 확인해 주세요. 시끄러워요", classifier.KIWI)
    assert "도로" in found and "도로에" not in found
    assert "생기" in found  # the verb stem of 생겨서
    assert "시끄럽" in found  # an irregular adjective's stem
    assert "cctv" in found  # a foreign word, lowercased
    assert not {"에", "이", "서", "요", "주"} & set(found)  # particles, endings, auxiliaries
    english = classifier.tokens("The Pothole on my STREET", classifier.KIWI)
    assert {"pothole", "street"} <= set(english)


def test_the_fallback_tokeniser_takes_syllable_bigrams_and_words():
    found = classifier.tokens("보도블록이 깨졌어요 Pothole!", classifier.BIGRAMS)
    assert {"보도", "도블", "블록", "록이", "보도블록이", "pothole"} <= set(found)
    with pytest.raises(LookupError):
        classifier.tokens("도로", "no-such-tokeniser")


@pytest.mark.parametrize("tokenizer", [classifier.KIWI, classifier.BIGRAMS])
def test_held_out_accuracy_beats_the_majority_class_baseline(tokenizer):
    samples, _numbers = labelled_samples()
    training, held_out = classifier.split(samples, holdout=0.2, seed=SEED)
    parameters = classifier.train(training, tokenizer=tokenizer)
    evaluation = classifier.evaluate(parameters, held_out)
    assert evaluation.total == len(held_out) > 50
    assert evaluation.accuracy > evaluation.baseline_accuracy
    # Not by a hair: six units give a baseline near 1/6; the classifier gets most of them right.
    assert evaluation.baseline_accuracy < 0.25
    assert evaluation.accuracy >= 0.7


def test_the_split_is_stratified_and_deterministic():
    samples, numbers = labelled_samples()
    training, held_out = classifier.split(samples, holdout=0.2, seed=SEED)
    assert sorted(training + held_out) == sorted(samples)
    assert (training, held_out) == classifier.split(samples, holdout=0.2, seed=SEED)
    assert (training, held_out) != classifier.split(samples, holdout=0.2, seed=SEED + 1)
    for unit in numbers.values():
        total = sum(label == unit for _text, label in samples)
        kept_out = sum(label == unit for _text, label in held_out)
        assert abs(kept_out - 0.2 * total) <= 1
    with pytest.raises(ValueError):
        classifier.split(samples, holdout=1.5, seed=SEED)


def test_parameters_are_compact_json_and_rare_tokens_are_pruned():
    samples, _numbers = labelled_samples()
    parameters = classifier.train(samples)
    encoded = json.dumps(parameters, ensure_ascii=False)
    assert json.loads(encoded) == parameters
    assert len(encoded) < 100_000
    # A token of a single complaint is not kept; one of several is.
    assert "항타기" not in parameters["tokens"]  # once, in a noise complaint
    assert "주차" in parameters["tokens"]
    assert parameters["tokenizer"] == classifier.KIWI
    assert sorted(parameters["units"]) == parameters["units"] and len(parameters["units"]) == 6
    assert classifier.train(samples) == parameters  # deterministic


def test_prediction_gives_the_unit_and_its_posterior_probability():
    samples, numbers = labelled_samples()
    parameters = classifier.train(samples)
    for key, text in CLEAR_TEXTS.items():
        unit, confidence = classifier.predict(parameters, text)
        assert unit == numbers[key]
        assert 0.6 <= confidence <= 1.0
    unit, confidence = classifier.predict(parameters, VAGUE_TEXT)
    assert confidence < 0.6
    # Nothing the model knows: no prediction (routing keeps the default unit).
    assert classifier.predict(parameters, "12345 !!! ...") is None
    assert classifier.predict({}, CLEAR_TEXTS["noise"]) is None
    assert classifier.predict({**parameters, "tokenizer": "retired-tokeniser"}, CLEAR_TEXTS["noise"]) is None


# --- Training from handled complaints, and routing with the stored model ---------------------


@pytest.fixture
def fixture_units(roads, parks):
    """The fixture's units: the conftest's roads and parks divisions, and four more."""
    units = {}
    for key, spec in fixture_data()["units"].items():
        existing = OrgUnit.objects.filter(code=spec["code"]).first()
        units[key] = existing or OrgUnit.objects.create(code=spec["code"], kind=OrgUnit.Kind.DIVISION,
                                                       parent=roads.parent, name_ko=spec["name_ko"],
                                                       name_en=spec["name_en"])  # fmt: skip
    assert units["roads"] == roads and units["parks"] == parks
    return units


def handled_complaints(rows, units, category, *, status=Complaint.Status.ANSWERED, start=1):
    """Complaints of the fixture's rows, answered by their unit (bulk: the services are tested
    elsewhere; here they are training data)."""
    now = timezone.now()
    complaints = [
        Complaint(
            tracking_number=f"2024-{number:07d}", channel="web", category=category,
            complaint_type=category.complaint_type, description=row["text"], title=row["text"][:60],
            status=status, unit=units[row["unit"]], received_at=now - timedelta(days=40),
            due_at=now - timedelta(days=30), answer="처리했습니다.", answered_at=now - timedelta(days=31),
        )  # fmt: skip
        for number, row in enumerate(rows, start=start)
    ]
    return Complaint.objects.bulk_create(complaints)


@pytest.fixture
def trained(fixture_units, pothole):
    handled_complaints(fixture_data()["complaints"], fixture_units, pothole)
    out = StringIO()
    call_command("complaints_train_router", "--seed", str(SEED), stdout=out)
    return RouterModel.objects.get(), out.getvalue()


def test_the_command_trains_on_handled_complaints_and_stores_the_figures(trained):
    model, output = trained
    total = len(fixture_data()["complaints"])
    assert model.samples + model.held_out == total
    assert abs(model.held_out - 0.2 * total) <= 6
    assert model.accuracy > model.baseline_accuracy
    assert model.threshold == 0.6
    assert model.parameters["tokenizer"] == classifier.KIWI
    assert f"{model.accuracy:.1%}" in output and f"{model.baseline_accuracy:.1%}" in output
    assert "In use" in output
    assert current_model() == model


def test_routing_follows_a_confident_suggestion_and_keeps_the_default_for_vague_text(
    trained, fixture_units, file_complaint, pothole, django_capture_on_commit_callbacks
):
    # Intake files to the default unit; the suggestion is applied by a task once the filing
    # commits (tests run it eagerly, as the embedded site does): tests/complaints/test_routing_task.py.
    assert pothole.default_unit == fixture_units["roads"]
    for key, text in CLEAR_TEXTS.items():
        with django_capture_on_commit_callbacks(execute=True):
            filed = file_complaint(description=text)
        complaint = Complaint.objects.get(pk=filed.pk)
        assert complaint.events.get(kind="received").unit == fixture_units["roads"], key  # where intake put it
        assert complaint.unit == fixture_units[key], key
        assert complaint.suggested_unit == fixture_units[key]
        assert complaint.suggestion_confidence >= 0.6
    with django_capture_on_commit_callbacks(execute=True):
        vague = file_complaint(description=VAGUE_TEXT)
    vague.refresh_from_db()
    assert vague.unit == fixture_units["roads"]
    assert vague.suggestion_confidence is None or vague.suggestion_confidence < 0.6


def test_below_the_threshold_the_default_unit_stands_and_the_suggestion_is_kept(trained, fixture_units, pothole):
    model, _output = trained
    text = CLEAR_TEXTS["parking"]
    _unit, confidence = classifier.predict(model.parameters, text)
    RouterModel.objects.filter(pk=model.pk).update(threshold=confidence + 0.001)
    forget_model()
    suggestion = route(category=pothole, title="", description=text)
    assert suggestion.unit == fixture_units["roads"]
    assert suggestion.suggested_unit == fixture_units["parking"]
    assert suggestion.confidence == round(confidence, 4)
    RouterModel.objects.filter(pk=model.pk).update(threshold=confidence)
    forget_model()
    assert route(category=pothole, title="", description=text).unit == fixture_units["parking"]


def test_a_suggested_unit_no_longer_active_leaves_the_default(trained, fixture_units, pothole):
    OrgUnit.objects.filter(pk=fixture_units["parking"].pk).update(is_active=False)
    suggestion = route(category=pothole, title="", description=CLEAR_TEXTS["parking"])
    assert suggestion.unit == fixture_units["roads"] and suggestion.suggested_unit is None


def test_a_model_that_does_not_beat_its_baseline_routes_nothing(trained, fixture_units, pothole):
    good, _output = trained
    worse = RouterModel.objects.create(
        trained_at=timezone.now() + timedelta(minutes=1), samples=10, held_out=2, accuracy=0.1,
        baseline_accuracy=0.5, threshold=0.0, parameters=good.parameters,
    )  # fmt: skip
    forget_model()
    assert current_model() == good  # the newest useful one, not the newest
    RouterModel.objects.filter(pk=good.pk).delete()
    forget_model()
    assert current_model() is None
    assert route(category=pothole, title="", description=CLEAR_TEXTS["parking"]).unit == fixture_units["roads"]
    assert worse.beats_baseline is False


def test_only_handled_complaints_of_active_units_are_learnt_from(fixture_units, pothole):
    rows = fixture_data()["complaints"]
    parking_rows = [row for row in rows if row["unit"] == "parking"]
    noise_rows = [row for row in rows if row["unit"] == "noise"]
    handled_complaints(parking_rows[:2], fixture_units, pothole, start=1)
    for number, status in enumerate((Complaint.Status.ASSIGNED, Complaint.Status.IN_PROGRESS,
                                     Complaint.Status.CLOSED), start=10):  # fmt: skip
        handled_complaints(noise_rows[number : number + 1], fixture_units, pothole, status=status, start=number)
    # Not learnt from: still waiting at intake, rejected (no unit answered it).
    handled_complaints(parking_rows[5:6], fixture_units, pothole, status=Complaint.Status.RECEIVED, start=20)
    Complaint.objects.create(tracking_number="2023-0000001", channel="web", category=pothole,
                             complaint_type=ComplaintType.GRIEVANCE, description="주차 문제", status="rejected",
                             unit=fixture_units["parking"], due_at=timezone.now(), rejection_reason="x",
                             rejection_remedy="y")  # fmt: skip
    samples = router_training_samples()
    assert sorted(unit for _text, unit in samples) == sorted([fixture_units["parking"].pk] * 2
                                                             + [fixture_units["noise"].pk] * 3)  # fmt: skip
    # The text routing reads at intake: the title, then the description.
    title, description = samples[0][0].split("\n", 1)
    assert title == description[:60]
    # A unit closed down is not suggested any more, so it is not learnt either.
    OrgUnit.objects.filter(pk=fixture_units["noise"].pk).update(is_active=False)
    assert [unit for _text, unit in router_training_samples()] == [fixture_units["parking"].pk] * 2


def test_the_command_refuses_too_few_complaints(fixture_units, pothole):
    handled_complaints(fixture_data()["complaints"][::40], fixture_units, pothole)
    with translation.override("en"), pytest.raises(CommandError, match="at least 50"):
        call_command("complaints_train_router", stdout=StringIO())
    assert not RouterModel.objects.exists()


def test_the_command_refuses_a_single_unit(fixture_units, pothole):
    roads_rows = [row for row in fixture_data()["complaints"] if row["unit"] == "roads"]
    handled_complaints(roads_rows, fixture_units, pothole)
    with translation.override("en"), pytest.raises(CommandError, match="same unit"):
        call_command("complaints_train_router", "--min-samples", "10", stdout=StringIO())
    assert not RouterModel.objects.exists()


@pytest.mark.parametrize("arguments", [["--threshold", "1.5"], ["--holdout", "0"], ["--holdout", "x"],
                                       ["--min-samples", "1"], ["--max-samples", "0"]])  # fmt: skip
def test_the_command_refuses_bad_options(arguments, fixture_units, pothole):
    handled_complaints(fixture_data()["complaints"], fixture_units, pothole)
    with pytest.raises(CommandError):
        call_command("complaints_train_router", *arguments, stdout=StringIO())
    assert not RouterModel.objects.exists()


def test_the_command_trains_with_a_random_seed_and_prints_it(fixture_units, pothole):
    handled_complaints(fixture_data()["complaints"], fixture_units, pothole)
    out = StringIO()
    call_command("complaints_train_router", "--threshold", "0.8", "--holdout", "0.25", stdout=out)
    model = RouterModel.objects.get()
    assert model.threshold == 0.8
    assert abs(model.held_out - 0.25 * (model.samples + model.held_out)) <= 6
    assert "seed " in out.getvalue()
