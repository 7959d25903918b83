"""The tokeniser of the trending issues on real Korean, English and mixed samples."""

import pytest
from django.core.cache import cache

from complaints.models import TrendStopWord
from complaints.terms import BUILT_IN_STOP_WORDS, stop_words, stop_words_changed, terms_of, terms_of_many


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Proper and common nouns; 싱크 + 홀 written together are one compound term.
        ("강남역 사거리에 싱크홀이 생겼어요", {"강남역", "사거리", "싱크홀"}),
        # Written apart: two nouns; the verb and adjective are not terms.
        ("가스 냄새가 심하게 납니다", {"가스", "냄새"}),
        # Written together: one compound, the parts not counted besides it.
        ("가스냄새가 나요", {"가스냄새"}),
        ("보도블록이 깨져 있습니다.", {"보도블록"}),
        ("음식물쓰레기 무단투기 신고합니다", {"음식물쓰레기", "무단투기"}),
        # English: lowercased words of 3+ letters, function words dropped.
        ("The streetlight on Main Street is broken and the road is dark",
         {"streetlight", "main", "street", "broken", "road", "dark"}),
        # Mixed: Latin words lowercased, 요청 (a stop word) and "please", "the" dropped.
        ("CCTV 설치 요청합니다 please fix the bus stop", {"cctv", "설치", "fix", "bus", "stop"}),
        # Emoji and punctuation are not terms.
        ("🚧 도로 공사 소음 😡 너무 시끄러워요!!", {"도로", "공사", "소음"}),
        # Full-width letters read as ASCII.
        ("ＣＣＴＶ가 고장났어요", {"cctv", "고장"}),
        # Only stop words.
        ("서울시 민원 처리 관련 문의 부탁드립니다", set()),
        # Single-syllable nouns (집, 앞, 길, 물) are dropped.
        ("집 앞 길에 물이 샙니다", set()),
        ("", set()),
        ("   ", set()),
    ],
)
def test_terms_of_samples(text, expected):
    assert terms_of(text, stop=BUILT_IN_STOP_WORDS) == expected


def test_a_batch_gives_the_same_terms_as_one_text_at_a_time():
    texts = ["강남역 사거리에 싱크홀이 생겼어요", "", "가스냄새가 나요"]
    assert terms_of_many(texts, stop=BUILT_IN_STOP_WORDS) == [{"강남역", "사거리", "싱크홀"}, set(), {"가스냄새"}]


def test_terms_of_none_is_empty():
    assert terms_of(None, stop=BUILT_IN_STOP_WORDS) == set()


@pytest.mark.django_db
def test_stop_words_come_from_the_settings_and_the_admin(settings):
    cache.delete("complaints:trend-stop-words:v1")
    settings.COMPLAINT_TREND_STOP_WORDS = ["사거리", "  Bus "]
    TrendStopWord.objects.create(word="싱크홀")
    stop_words_changed()

    assert terms_of("강남역 사거리에 싱크홀이 생겼어요") == {"강남역"}
    assert terms_of("the bus stop") == {"stop"}
    assert {"사거리", "bus", "싱크홀", "민원"} <= stop_words()


@pytest.mark.django_db
def test_a_new_stop_word_counts_once_the_cache_is_cleared():
    stop_words_changed()
    assert terms_of("싱크홀 발생") == {"싱크홀", "발생"}
    TrendStopWord.objects.create(word="발생")
    assert terms_of("싱크홀 발생") == {"싱크홀", "발생"}  # still cached
    stop_words_changed()
    assert terms_of("싱크홀 발생") == {"싱크홀"}
