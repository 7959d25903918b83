"""The member's notice of the city's answer is registered and renders on both channels, in Korean
and in English, for a concern and for a plain note."""

from datetime import date

import pytest

from budgeting.notifications import KIND_LABELS
from notifications.kinds import get_kind

KIND = "budget_implementation_answer"
BASE = {"project_id": 7, "title": "그늘막 설치", "year": 2026, "note": "안전펜스가 없습니다.",
        "answer": "다음 주까지 설치합니다.", "written_on": date(2027, 3, 2)}


def test_the_kind_is_registered():
    assert KIND in KIND_LABELS and get_kind(KIND).channels == ("sms", "email")


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("raises_concern", [True, False])
def test_it_renders(language, raises_concern):
    kind = get_kind(KIND)
    context = {**BASE, "raises_concern": raises_concern}
    _subject, sms = kind.render("sms", context, language=language)
    subject, body = kind.render("email", context, language=language)
    assert "그늘막 설치" in sms and "그늘막 설치" in subject
    assert "안전펜스가 없습니다." in body and "다음 주까지 설치합니다." in body and "2027-03-02" in body
    assert "{%" not in sms + body and "None" not in sms + body


def test_the_english_texts_say_what_was_answered():
    kind = get_kind(KIND)
    _subject, sms = kind.render("sms", {**BASE, "raises_concern": True}, language="en")
    assert "answered the concern you raised" in sms
    _subject, sms = kind.render("sms", {**BASE, "raises_concern": False}, language="en")
    assert "answered your monitoring note" in sms
