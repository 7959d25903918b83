"""Realistic Korean text for seeded data: names, proposals, comments, debate arguments, answers.

Everything is assembled from the pools below with a seeded `random.Random`, so a seed gives the
same data every time. Names are random combinations of common syllables, tied to no real person;
places are public places (districts, stations, parks).
"""

# Surnames weighted roughly by their share in Korea (census 2015).
SURNAMES = (
    ("김", 215),
    ("이", 147),
    ("박", 84),
    ("최", 47),
    ("정", 44),
    ("강", 24),
    ("조", 21),
    ("윤", 21),
    ("장", 20),
    ("임", 17),
    ("한", 15),
    ("오", 15),
    ("서", 15),
    ("신", 14),
    ("권", 14),
    ("황", 14),
    ("안", 14),
    ("송", 13),
    ("류", 12),
    ("전", 11),
    ("홍", 11),
    ("고", 9),
    ("문", 9),
    ("양", 9),
    ("손", 9),
    ("배", 8),
    ("백", 8),
    ("허", 6),
    ("유", 6),
    ("남", 6),
    ("심", 5),
    ("노", 4),
    ("하", 4),
    ("곽", 4),
    ("성", 4),
    ("차", 4),
    ("주", 4),
    ("우", 4),
)
GIVEN_FIRST = "민서지수하예도현준주시은유채서다윤건우태성영정혜승재동상경진선미소나연아"
GIVEN_SECOND = "준우서윤민아은지호현연진수희영원빈율훈석혁철숙자경주미나람솔린"

STATIONS = (
    "강남역",
    "신촌역",
    "홍대입구역",
    "잠실역",
    "노원역",
    "사당역",
    "구로디지털단지역",
    "신림역",
    "건대입구역",
    "왕십리역",
    "합정역",
    "여의도역",
    "수유역",
    "천호역",
    "목동역",
    "서울역",
    "종로3가역",
    "미아사거리역",
    "고속터미널역",
    "영등포구청역",
    "연신내역",
    "상봉역",
    "불광역",
    "신도림역",
    "을지로입구역",
)
PLACES = (
    "우리 동네",
    "아파트 단지 앞",
    "주민센터 앞",
    "초등학교 통학로",
    "전통시장 입구",
    "근린공원",
    "한강공원",
    "버스 정류장",
    "골목길",
    "구청 앞 사거리",
    "도서관 주변",
    "대학가",
    "산책로",
    "지하철 출구 앞",
)
TIMES = ("출퇴근 시간", "늦은 밤", "주말 오후", "비 오는 날", "한여름 낮", "겨울철 새벽", "아침 등굣길")

# category slug → topics (the noun phrase a proposal is about) and what the proposer asks for.
TOPICS = {
    "transport": (
        "심야버스 노선",
        "따릉이 대여소",
        "자전거 전용도로",
        "버스 정류장 온열의자",
        "마을버스 배차 간격",
        "지하철역 엘리베이터",
        "공영주차장",
        "전동킥보드 주차 구역",
        "횡단보도 신호 시간",
        "어린이 보호구역 단속 카메라",
    ),
    "environment": (
        "가로수 그늘막",
        "미세먼지 쉼터",
        "한강공원 분리수거함",
        "음식물 쓰레기 수거함",
        "일회용컵 보증금제",
        "빗물 저금통",
        "도시 숲",
        "옥상 정원",
        "폐건전지 수거함",
        "하천 산책로 수질 관리",
    ),
    "welfare": (
        "어르신 무더위 쉼터",
        "경로당 프로그램",
        "장애인 콜택시",
        "한부모 가정 돌봄",
        "청년 월세 지원",
        "무료 급식소",
        "고립 가구 안부 확인",
        "아이 돌봄 서비스",
        "발달장애인 주간 활동",
        "노인 일자리",
    ),
    "safety": (
        "골목길 가로등",
        "방범 CCTV",
        "여성 안심귀갓길",
        "공중화장실 비상벨",
        "반지하 침수 방지 차수판",
        "어린이 통학로 보행 안전",
        "자동심장충격기",
        "공사장 안전 펜스",
        "산사태 위험 경고 표지",
        "불법 주정차 단속",
    ),
    "culture": (
        "구립 도서관 야간 개방",
        "작은 도서관",
        "공공 체육시설 예약",
        "거리 공연 공간",
        "한강 야시장",
        "생활체육 프로그램",
        "동네 문화센터 강좌",
        "공공 미술관 관람 시간",
        "반려견 놀이터",
        "마을 축제",
    ),
    "economy": (
        "전통시장 주차 지원",
        "청년 창업 공간",
        "공공 배달앱",
        "서울사랑상품권",
        "골목상권 활성화",
        "소상공인 임대료 지원",
        "중장년 재취업 교육",
        "공유 주방",
        "사회적 기업 판로",
        "지하상가 빈 점포",
    ),
    "housing": (
        "공공임대주택 공급",
        "노후 주택 집수리 지원",
        "재개발 주민 설명회",
        "층간소음 상담",
        "빈집 활용",
        "전세사기 피해 상담",
        "청년 주택 입주 조건",
        "경사로 없는 주택가",
        "주택가 쓰레기 배출 장소",
        "공동주택 관리비 공개",
    ),
    "education": (
        "방과후 돌봄교실",
        "평생학습 강좌",
        "청소년 진로체험",
        "어린이 코딩 교육",
        "마을 배움터",
        "다문화 가정 한국어 교실",
        "어르신 디지털 교육",
        "학교 운동장 개방",
        "청소년 자습 공간",
        "공공 영어 도서관",
    ),
    "health": (
        "공공 심야 약국",
        "보건소 야간 진료",
        "청년 마음건강 상담",
        "치매안심센터",
        "산후조리 비용 지원",
        "어린이 공공 전문 진료센터",
        "금연 구역 확대",
        "방문 건강 관리",
        "예방접종 안내 문자",
        "감염병 정보 공개",
    ),
    "administration": (
        "무인 민원발급기",
        "외국인 주민 통역 서비스",
        "쉬운 행정 용어",
        "주민참여예산 설명회",
        "120 다산콜 채팅 상담",
        "구청 민원실 운영 시간",
        "공공데이터 개방",
        "모바일 주민등록 발급",
        "시정 정보 큰 글씨 안내",
        "온라인 민원 처리 현황",
    ),
}

# category slug, Korean name, English name, responsible unit (code, Korean, English).
CATEGORIES = (
    ("transport", "교통", "Transport", ("transport-office", "교통실", "Transport Office")),
    (
        "environment",
        "환경",
        "Environment",
        ("climate-environment-hq", "기후환경본부", "Climate and Environment Headquarters"),
    ),
    ("welfare", "복지", "Welfare", ("welfare-policy-office", "복지정책실", "Welfare Policy Office")),
    ("safety", "안전", "Safety", ("safety-office", "안전총괄실", "Safety Management Office")),
    ("culture", "문화·체육", "Culture and sports", ("culture-hq", "문화본부", "Culture Headquarters")),
    ("economy", "경제·일자리", "Economy and jobs", ("economic-policy-office", "경제정책실", "Economic Policy Office")),
    (
        "housing",
        "주택·도시",
        "Housing and urban planning",
        ("housing-policy-office", "주택정책실", "Housing Policy Office"),
    ),
    ("education", "교육", "Education", ("lifelong-education-bureau", "평생교육국", "Lifelong Education Bureau")),
    ("health", "보건", "Health", ("citizen-health-bureau", "시민건강국", "Citizens' Health Bureau")),
    ("administration", "행정", "Administration", ("administration-bureau", "행정국", "Administration Bureau")),
)

TITLES = (
    "{topic} 확대를 제안합니다",
    "{place} {topic} 개선이 필요합니다",
    "{topic}{eul} 늘려 주세요",
    "{district} {topic} 설치 요청",
    "{topic} 운영 방식을 바꿔 주세요",
    "{time} {topic} 문제 해결 방안",
    "{district}에도 {topic}{i} 필요합니다",
    "모두를 위한 {topic} 만들기",
)
OPENINGS = (
    "{district}에 사는 주민입니다.",
    "매일 {station} 근처를 지나다니는 직장인입니다.",
    "{district}에서 아이 둘을 키우고 있는 부모입니다.",
    "{place} 근처에서 작은 가게를 운영하고 있습니다.",
    "{district}에서 30년 넘게 살아온 어르신입니다.",
    "{station} 인근 대학에 다니는 학생입니다.",
)
PROBLEMS = (
    "{topic}{i} 부족해서 불편을 겪는 시민이 많습니다.",
    "특히 {time}에는 {place}에서 {topic} 문제가 더 심각합니다.",
    "지금의 {topic}{eun} 이용하기 어렵고 안내도 부족합니다.",
    "주변 주민들과 이야기해 보니 모두 {topic} 때문에 어려움을 겪고 있었습니다.",
    "다른 구에는 {topic}{i} 잘 갖춰져 있는데 우리 동네는 그렇지 않습니다.",
)
ASKS = (
    "{topic}{eul} 확대해 주시기 바랍니다.",
    "{place}부터 시범적으로 {topic}{eul} 도입해 주세요.",
    "{topic} 예산을 늘리고 운영 시간을 연장해 주셨으면 합니다.",
    "관련 부서에서 현장을 한번 살펴봐 주시기 바랍니다.",
    "주민 의견을 모아 {topic} 개선 계획을 세워 주세요.",
)
EXPECTATIONS = (
    "이렇게 되면 어르신과 아이들도 더 안전하고 편리하게 생활할 수 있을 것입니다.",
    "큰 예산이 들지 않으면서도 많은 시민이 혜택을 볼 수 있는 일이라고 생각합니다.",
    "서울이 더 살기 좋은 도시가 되는 데 도움이 될 것입니다.",
    "비슷한 사례가 다른 도시에서 좋은 성과를 냈다고 들었습니다.",
)
CLOSINGS = (
    "시민 여러분의 공감 부탁드립니다.",
    "좋은 의견이 있으면 댓글로 나누어 주세요.",
    "참고 자료: https://data.seoul.go.kr",
    "관련 기사: https://news.seoul.go.kr/welfare",
    "함께 목소리를 내 주시면 감사하겠습니다.",
)

COMMENTS = (
    "저도 같은 생각입니다. 꼭 실현되었으면 좋겠어요.",
    "좋은 제안 감사합니다.",
    "예산이 얼마나 드는지 궁금합니다.",
    "우리 동네에도 꼭 필요합니다.",
    "{topic} 때문에 저도 불편했던 적이 많아요.",
    "취지는 좋지만 운영 인력이 충분할지 걱정입니다.",
    "다른 구에서 먼저 시행한 사례가 있는지 알아보면 좋겠습니다.",
    "아이 키우는 입장에서 정말 반가운 제안이에요.",
    "{time}에는 특히 더 필요하다고 생각합니다.",
    "구청에도 같은 민원을 넣었는데 아직 답이 없네요.",
    "공감합니다! 주변에도 알리겠습니다.",
    "현실적으로 어려운 부분도 있을 것 같아요. 단계적으로 하면 어떨까요?",
    "세금이 제대로 쓰이는 일이라면 찬성입니다.",
    "어르신들께도 꼭 필요한 일입니다.",
    "{place}에 먼저 시범 설치해 보면 좋겠네요.",
    "저는 조금 다른 의견입니다. 기존 시설을 먼저 정비하는 게 우선 아닐까요?",
    "자세한 설명 감사합니다. 많이 배웠습니다.",
    "이 제안이 꼭 부서 답변까지 갔으면 좋겠습니다.",
)
REPLIES = (
    "맞아요, 저도 그렇게 생각합니다.",
    "좋은 지적이네요.",
    "그 부분은 서울시 홈페이지에 자료가 있어요.",
    "동의합니다. 단계적으로 하는 게 현실적일 것 같아요.",
    "저는 조금 생각이 달라요. 우선순위를 정해야 할 것 같습니다.",
    "답글 감사합니다!",
    "저희 동네도 같은 상황입니다.",
)
ARGUMENTS_FOR = (
    "많은 시민이 매일 겪는 불편을 해결할 수 있습니다.",
    "적은 예산으로 큰 효과를 볼 수 있는 정책입니다.",
    "다른 도시의 사례를 보면 효과가 이미 검증되었습니다.",
    "취약계층에게 특히 도움이 되는 제안입니다.",
    "{topic}{eun} 서울의 경쟁력을 높이는 일입니다.",
)
ARGUMENTS_AGAINST = (
    "예산 대비 효과가 불분명합니다.",
    "기존 시설을 먼저 개선하는 것이 우선입니다.",
    "관리 인력과 유지 비용이 계속 들어갑니다.",
    "일부 지역에만 혜택이 돌아갈 수 있습니다.",
    "충분한 주민 의견 수렴이 먼저 필요합니다.",
)
ARGUMENTS_UNDECIDED = (
    "취지는 공감하지만 세부 계획을 더 보고 판단하고 싶습니다.",
    "시범 운영 결과를 보고 결정하면 좋겠습니다.",
)

ANSWER_REASONS = {
    "accepted": "제안하신 내용의 필요성에 공감하여 내년도 사업에 반영하겠습니다. {topic} 관련 현장 조사를 거쳐 "
    "우선순위가 높은 지역부터 추진하겠습니다.",
    "partially_accepted": "제안의 취지에 공감하나 예산과 여건을 고려하여 일부 지역에 시범 적용한 뒤 확대 여부를 "
    "검토하겠습니다.",
    "not_accepted": "제안해 주셔서 감사합니다. 다만 {topic}{eun} 관계 법령상 시가 직접 추진하기 어렵고, 현재 "
    "유사 사업이 자치구에서 운영되고 있어 이번에는 반영하지 못하는 점 양해 부탁드립니다.",
    "already_in_place": "{topic}{eun} 이미 시에서 운영 중인 사업입니다. 시 누리집과 120 다산콜센터에서 자세한 "
    "안내를 받으실 수 있습니다.",
}
IMPLEMENTATION_PLANS = (
    "1단계: 현장 조사 및 수요 파악\n2단계: 예산 편성 및 설계\n3단계: 설치 및 운영 (연말 완료 목표)",
    "상반기 시범 운영 후 하반기 전 자치구로 확대 예정입니다.",
)
PROMOTION_REASONS = (
    "공감 수는 기준에 미치지 못했으나 시민 생활에 미치는 영향이 커 시민토론에 부칩니다.",
    "시민참여단 심사 결과 우수제안으로 선정되어 시민토론을 진행합니다.",
)
MAYOR_ANSWERS = (
    "시민토론에 참여해 주신 모든 분께 감사드립니다. 토론에서 모인 의견을 바탕으로 관련 부서와 함께 "
    "실행 계획을 마련하고, 추진 상황을 이 페이지에서 계속 알려 드리겠습니다.",
    "많은 시민께서 뜻을 모아 주셨습니다. 제안하신 {topic}{eul} 시정에 반영하도록 하겠습니다.",
)
MODERATION_REASONS = (
    "욕설과 비방이 포함되어 운영 원칙에 따라 삭제했습니다.",
    "광고성 게시물로 확인되어 삭제했습니다.",
    "다른 사람의 개인정보가 포함되어 삭제했습니다.",
)


def has_final_consonant(word: str) -> bool:
    """Whether the last Hangul syllable ends in a consonant (받침), which picks the particle."""
    last = word.rstrip()[-1:] or "가"
    code = ord(last) - 0xAC00
    if not 0 <= code < 11172:
        return False
    return code % 28 != 0


def particles(word: str) -> dict:
    """이/가, 을/를, 은/는 after `word`, as format fields {i}, {eul}, {eun}."""
    final = has_final_consonant(word)
    return {"i": "이" if final else "가", "eul": "을" if final else "를", "eun": "은" if final else "는"}


class KoreanText:
    """Text generators bound to one random generator and the district names of the database."""

    def __init__(self, rng, district_names):
        self.rng = rng
        self.districts = list(district_names) or ["서울"]
        self._surnames = [name for name, _ in SURNAMES]
        self._surname_weights = [weight for _, weight in SURNAMES]

    def name(self) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, weights=self._surname_weights)[0]
        return surname + rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)

    def _fields(self, topic, district=None):
        rng = self.rng
        return {
            "topic": topic,
            "district": district or rng.choice(self.districts),
            "station": rng.choice(STATIONS),
            "place": rng.choice(PLACES),
            "time": rng.choice(TIMES),
            **particles(topic),
        }

    def topic(self, category_slug) -> str:
        return self.rng.choice(TOPICS[category_slug])

    def title(self, topic, district=None) -> str:
        return self.rng.choice(TITLES).format(**self._fields(topic, district))[:150]

    def body(self, topic, district=None) -> str:
        rng = self.rng
        fields = self._fields(topic, district)
        first, second, third = (sentence.format(**fields) for sentence in rng.sample(PROBLEMS, 3))
        paragraphs = [
            rng.choice(OPENINGS).format(**fields) + " " + first,
            second + " " + third,
            rng.choice(ASKS).format(**fields) + " " + rng.choice(EXPECTATIONS),
            rng.choice(CLOSINGS),
        ]
        if rng.random() < 0.5:
            del paragraphs[1]
        return "\n\n".join(paragraphs)

    def comment(self, topic, *, reply=False) -> str:
        rng = self.rng
        if reply:
            return rng.choice(REPLIES)
        fields = self._fields(topic)
        count = 1 if rng.random() < 0.6 else 2
        return " ".join(sentence.format(**fields) for sentence in rng.sample(COMMENTS, count))

    def argument(self, topic, stance) -> str:
        pool = {"for": ARGUMENTS_FOR, "against": ARGUMENTS_AGAINST}.get(stance, ARGUMENTS_UNDECIDED)
        return self.rng.choice(pool).format(**particles(topic), topic=topic)

    def answer_reason(self, topic, answer_type) -> str:
        return ANSWER_REASONS[answer_type].format(topic=topic, **particles(topic))

    def implementation_plan(self) -> str:
        return self.rng.choice(IMPLEMENTATION_PLANS)

    def promotion_reason(self) -> str:
        return self.rng.choice(PROMOTION_REASONS)

    def mayor_answer(self, topic) -> str:
        return self.rng.choice(MAYOR_ANSWERS).format(topic=topic, **particles(topic))

    def moderation_reason(self) -> str:
        return self.rng.choice(MODERATION_REASONS)
