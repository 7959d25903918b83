"""Demo deliberations: agenda items before the Smart City and PB committees, with reviews and one
closed item. Runs after the committees demo; without its committees it does nothing. Idempotent:
items are found by committee and Korean title, reviews and closing happen only once, through the
services (so the audit log has them too)."""

from contextlib import suppress
from datetime import timedelta

from django.utils import timezone

from ..models import AgendaItem, Committee, Membership, Review
from ..selectors.reviews import active_memberships
from ..services.agenda import agenda_item_close
from ..services.reviews import ReviewError, review_submit

SMART_CITY = "smart-city-committee"
PB = "participatory-budget-committee"

OPINIONS = [
    ("approve", 85, "목표와 추진 일정이 구체적이며 시민 체감 효과가 큽니다.",),
    ("revise", 70, "취지에 공감하나 개인정보 보호 대책을 보완해야 합니다.",),
    ("approve", 90, "기존 인프라를 활용하여 비용 대비 효과가 높습니다.",),
    ("reject", 40, "유사 사업과 중복되므로 통합 추진이 바람직합니다.",),
]


def _items(now):
    return [
        (SMART_CITY, {
            "title_ko": "제3차 스마트도시 기본계획(2026~2030) 초안 심의",
            "title_en": "Deliberation on the draft 3rd Smart City Master Plan (2026–2030)",
            "description_ko": (
                "「서울특별시 스마트도시 및 정보화 조례」에 따라 5년마다 수립하는 스마트도시 기본계획의 초안입니다. "
                "데이터 기반 행정, 디지털 포용, 스마트 인프라 분야의 추진 과제를 검토해 주십시오."
            ),
            "description_en": (
                "The draft of the Smart City Master Plan drawn up every five years under the Seoul Smart City and "
                "Informationalization Ordinance. Please review the tasks on data-driven administration, digital "
                "inclusion and smart infrastructure."
            ),
            "asks_score": False, "review_deadline": now + timedelta(days=10), "is_public": False,
        }, False),
        (SMART_CITY, {
            "title_ko": "S-DoT 도시데이터 센서 확대 사업 정책 평가",
            "title_en": "Policy evaluation of the S-DoT urban data sensor expansion",
            "description_ko": "도시데이터 센서(S-DoT) 1,100개소 운영 결과와 확대 계획에 대한 위원회 의견을 구합니다.",
            "description_en": (
                "The committee's opinion on the results of 1,100 S-DoT urban data sensors and their expansion."
            ),
            "asks_score": False, "review_deadline": None, "is_public": True,
        }, True),
        (PB, {
            "title_ko": "시민참여예산 사업 심사: 어르신 디지털 배움터 확대",
            "title_en": "PB project review: more digital learning centres for older residents",
            "description_ko": (
                "자치구 복지관 25곳에 디지털 기기 교육 공간을 조성하는 사업(예산 4억 원)입니다. 0~100점으로 평가해 주십시오."
            ),
            "description_en": (
                "Digital device classes in 25 district welfare centres (KRW 400 million). Score it from 0 to 100."
            ),
            "asks_score": True, "score_min": 0, "score_max": 100, "review_deadline": now + timedelta(days=1),
            "is_public": False,
        }, False),
    ]


def _review(membership, item, index):
    recommendation, score, opinion = OPINIONS[index % len(OPINIONS)]
    if Review.objects.filter(item=item, membership__person_id=membership.person_id).exists():
        return
    # A rerun after the deadline is refused: the demo keeps what it has.
    with suppress(ReviewError):
        review_submit(actor=membership.person, item=item, recommendation=recommendation,
                      score=score if item.asks_score else None, opinion=opinion)


def seed():
    committees = {committee.slug: committee for committee in Committee.objects.filter(slug__in=[SMART_CITY, PB])}
    if not committees:
        return
    now = timezone.now()
    for slug, fields, close in _items(now):
        committee = committees.get(slug)
        if committee is None:
            continue
        item, _created = AgendaItem.objects.get_or_create(committee=committee, title_ko=fields["title_ko"],
                                                          defaults=fields)
        members = list(active_memberships().filter(committee=committee).select_related("person").order_by("pk"))
        # Some members have reviewed, the others have not yet (the reminders have someone to remind).
        for index, membership in enumerate(members[: max(1, len(members) // 2)]):
            if item.status == AgendaItem.Status.OPEN:
                _review(membership, item, index)
        secretary = next((m for m in members if m.role == Membership.Role.SECRETARY), None)
        if close and secretary is not None and item.status == AgendaItem.Status.OPEN:
            agenda_item_close(
                actor=secretary.person, item=item, outcome=AgendaItem.Outcome.APPROVED,
                resolution_ko="S-DoT 센서 확대를 원안대로 권고하되, 수집 데이터의 공개 범위를 분기마다 점검할 것.",
                resolution_en="The committee recommends the expansion as proposed, with a quarterly review of which "
                              "collected data are published.",
                votes_for=len(members) - 1 if members else None, votes_against=0, votes_abstain=1 if members else None,
            )
