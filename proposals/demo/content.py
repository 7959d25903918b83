"""The demo's words: categories, proposals at every stage, comments, arguments and Seoul asks.

Realistic Korean as Seoul's citizens write on Democratic Seoul; the people are invented.
"""

# slug, Korean name, English name, the unit (governance.demo.org or SEOUL_BUREAUS) that answers
CATEGORIES = [
    ("transport", "교통", "Transport", "transport-office"),
    ("environment", "환경·기후", "Environment and climate", "climate-environment-hq"),
    ("welfare", "복지", "Welfare", "welfare-office"),
    ("housing", "주택·도시계획", "Housing and urban planning", "housing-office"),
    ("culture", "문화·관광", "Culture and tourism", "culture-hq"),
    ("safety", "안전", "Safety", "safety-office"),
    ("smart-city", "스마트도시·디지털", "Smart city and digital", "smart-city-policy-division"),
]

# Seoul's own bureaus that answer the demo proposals (code, Korean, English, mandate).
SEOUL_BUREAUS = [
    ("transport-office", "교통실", "Transportation Office", "대중교통, 도로, 보행과 자전거 정책을 맡습니다."),
    ("climate-environment-hq", "기후환경본부", "Climate and Environment Headquarters",
     "기후 대응, 대기질, 자원순환과 공원 녹지를 맡습니다."),
    ("welfare-office", "복지실", "Welfare Office", "돌봄, 어르신·장애인 복지와 1인 가구 지원을 맡습니다."),
    ("housing-office", "주택실", "Housing Office", "공공주택과 주거 지원, 정비사업을 맡습니다."),
    ("culture-hq", "문화본부", "Culture Headquarters", "문화시설, 축제와 도서관 정책을 맡습니다."),
    ("safety-office", "안전총괄실", "Safety Office", "재난 안전과 시설물 안전 관리를 맡습니다."),
]

# Each proposal: its stage in the demo and what happened to it. `supports` is how many citizens
# of the demo crowd supported it; `stances` how many took part in its debate.
PROPOSALS = [
    {
        "key": "late-night-bus",
        "title": "심야 올빼미버스 노선을 강남·송파 방면으로 확대해 주세요",
        "body": "자정 이후 강남역에서 송파 방면으로 가는 심야버스가 N13 한 노선뿐이라 30분 넘게 기다리는 일이 "
        "많습니다.\n야간 근무자와 청년들이 택시비 부담 없이 귀가할 수 있도록 올빼미버스 노선을 늘리고 "
        "배차 간격을 줄여 주세요.\n\n참고: https://news.seoul.go.kr/traffic/",
        "category": "transport", "district": "11680", "stage": "open", "days_ago": 6, "supports": 34,
    },
    {
        "key": "school-zone-crossing",
        "title": "어린이보호구역 횡단보도에 바닥 신호등을 설치해 주세요",
        "body": "스마트폰을 보며 걷는 아이들이 많아 신호를 놓치는 일이 잦습니다. 초등학교 앞 횡단보도부터 "
        "바닥형 보행신호등을 설치해 주시기 바랍니다.",
        "category": "safety", "district": "11440", "stage": "open", "days_ago": 27, "supports": 46,
    },
    {
        "key": "pet-park",
        "title": "한강공원에 반려견 놀이터를 더 만들어 주세요",
        "body": "뚝섬 한강공원 외에는 목줄을 풀 수 있는 공간이 거의 없습니다. 반려인과 비반려인이 모두 편하도록 "
        "울타리가 있는 놀이터를 권역마다 하나씩 만들어 주세요.",
        "category": "environment", "district": None, "stage": "closed_insufficient", "days_ago": 45, "supports": 17,
    },
    {
        "key": "single-household-meals",
        "title": "1인 가구 어르신을 위한 동네 공유부엌을 운영해 주세요",
        "body": "혼자 사시는 어르신들이 끼니를 거르는 경우가 많습니다. 주민센터 유휴 공간에 공유부엌을 만들어 "
        "함께 요리하고 식사하는 프로그램을 운영하면 고립감도 줄일 수 있습니다.",
        "category": "welfare", "district": "11200", "stage": "under_review", "days_ago": 36, "supports": 58,
    },
    {
        "key": "bike-lanes",
        "title": "따릉이 전용 자전거도로를 끊기지 않게 연결해 주세요",
        "body": "자전거도로가 중간에 끊겨 차도로 나가야 하는 구간이 많아 위험합니다. 출퇴근 주요 구간부터 "
        "자전거도로 단절 구간을 연결해 주세요.",
        "category": "transport", "district": "11560", "stage": "overdue", "days_ago": 95, "supports": 63,
    },
    {
        "key": "rooftop-solar",
        "title": "공공임대주택 옥상에 태양광 발전 설비를 설치해 주세요",
        "body": "공공임대주택 옥상 대부분이 비어 있습니다. 태양광 설비를 설치해 공용 전기료를 줄이고, 남는 전기는 "
        "입주민 관리비 절감에 써 주시기 바랍니다.",
        "category": "housing", "district": "11350", "stage": "answered_not_accepted", "days_ago": 75, "supports": 72,
        "answer": ("not_accepted", "옥상 방수층 보수 주기와 구조 안전 진단 결과 현재 단지 대부분은 하중 여유가 부족합니다. "
                   "신규 단지는 설계 단계부터 태양광을 반영하고 있습니다.", ""),
    },
    {
        "key": "library-hours",
        "title": "시립도서관 평일 야간 개관 시간을 밤 10시까지 늘려 주세요",
        "body": "직장인은 퇴근 후 도서관에 가면 한 시간도 머물 수 없습니다. 평일 야간 개관을 밤 10시까지 "
        "늘려 주세요.",
        "category": "culture", "district": "11140", "stage": "implemented", "days_ago": 220, "supports": 88,
        "answer": ("accepted", "", "서울도서관과 권역별 시립도서관 4곳부터 평일 22시까지 연장 개관합니다. "
                   "야간 인력은 기간제 사서 채용으로 확보합니다."),
        "milestones": [
            ("연장 개관 예산 확보", 170, 100),
            ("야간 사서 채용", 120, 100),
            ("서울도서관 연장 개관 시작", 60, 100),
        ],
    },
    {
        "key": "air-quality-sensors",
        "title": "우리 동네 미세먼지를 골목 단위로 알려 주세요",
        "body": "구 단위 측정소 수치는 우리 골목의 실제 공기와 다릅니다. 스마트 가로등이나 버스정류장에 "
        "간이 측정기를 달아 골목 단위 미세먼지 지도를 공개해 주세요.",
        "category": "smart-city", "district": "11230", "stage": "implementing", "days_ago": 160, "supports": 91,
        "answer": ("partially_accepted", "전 지역 설치는 어렵지만 시범 자치구부터 확대합니다.",
                   "스마트서울 도시데이터 센서(S-DoT)를 시범 자치구 골목까지 늘리고 측정값을 열린데이터광장에 "
                   "공개합니다."),
        "milestones": [
            ("시범 자치구 선정", 120, 100),
            ("센서 200대 추가 설치", 40, 60),
            ("골목 단위 미세먼지 지도 공개", -30, 0),
        ],
    },
    {
        "key": "four-day-school",
        "title": "서울시 공공기관부터 주 4.5일제를 시범 도입해 주세요",
        "body": "일과 삶의 균형을 위해 서울시 투자·출연기관부터 금요일 오후 근무를 줄이는 주 4.5일제를 시범 "
        "운영하고 생산성 변화를 공개해 주세요.",
        "category": "welfare", "district": None, "stage": "in_debate", "days_ago": 70, "supports": 124,
        "answer": ("partially_accepted", "전면 도입 전 효과를 검증해야 합니다.",
                   "희망 기관 2곳에서 6개월 시범 운영 후 결과를 공개합니다."),
        "stances": 60,
    },
    {
        "key": "han-river-swimming",
        "title": "한강에서 수영할 수 있는 야외 수영장을 만들어 주세요",
        "body": "파리 센강처럼 한강 수질을 개선해 여름철에 안전하게 수영할 수 있는 구역을 만들어 주세요.",
        "category": "environment", "district": None, "stage": "awaiting_mayor", "days_ago": 160, "supports": 140,
        "answer": ("already_in_place", "여의도 한강공원 등에서 수상 레저 시설을 운영 중입니다.", ""),
        "stances": 1000,
    },
    {
        "key": "public-wifi",
        "title": "지하철 역사와 버스에 무료 공공와이파이를 빠짐없이 깔아 주세요",
        "body": "공공와이파이가 잡히지 않는 버스와 역사가 아직 많습니다. 누구나 요금 걱정 없이 인터넷을 쓸 수 "
        "있게 해 주세요.",
        "category": "smart-city", "district": None, "stage": "mayor_answered", "days_ago": 200, "supports": 150,
        "answer": ("accepted", "", "2027년까지 시내버스 전 차량과 지하철 전 역사에 공공와이파이를 설치합니다."),
        "stances": 1000,
        "mayor_answer": "시민 여러분의 뜻에 따라 공공와이파이를 서울의 기본 인프라로 만들겠습니다. 2027년까지 "
        "모든 시내버스와 지하철 역사에 설치를 마치고, 설치 현황을 매 분기 공개하겠습니다.",
    },
    {
        "key": "draft-playground",
        "title": "놀이터 그늘막 설치 (작성 중)",
        "body": "여름철 놀이터 미끄럼틀이 너무 뜨겁습니다.",
        "category": "safety", "district": "11680", "stage": "draft", "days_ago": 1, "supports": 0,
    },
]

COMMENTS = [
    ("정말 필요한 제안입니다. 저도 매일 밤 30분씩 기다려요.", ["저도 공감합니다. 특히 금요일은 더 심해요."]),
    ("예산이 어디서 나오는지도 함께 검토되면 좋겠습니다.", []),
    ("우리 구에서도 비슷한 사업을 하고 있는데 반응이 좋습니다.", ["어느 구인지 알려 주실 수 있나요?"]),
    ("시범 운영부터 해 보고 확대하면 좋겠네요.", []),
]

# A comment three citizens reported: hidden pending moderation on the first proposal.
REPORTED_COMMENT = "이런 제안은 다 세금 낭비입니다. 제안한 사람 연락처 공개하세요 010-"

# The arguments of each debate (by proposal key), on each side.
ARGUMENTS = {
    "four-day-school": {
        "for": [
            "해외 사례에서 생산성이 유지되면서 직원 만족도가 크게 올랐습니다.",
            "공공기관이 먼저 시범 운영하면 민간에도 좋은 기준이 됩니다.",
            "출퇴근 혼잡이 분산되는 효과도 기대할 수 있습니다.",
        ],
        "against": [
            "민원 응대 공백이 생기지 않는지 먼저 확인해야 합니다.",
            "인력 충원 없이 시행하면 남은 직원에게 업무가 몰립니다.",
        ],
        "undecided": ["시범 결과를 보고 판단하고 싶습니다."],
    },
    "han-river-swimming": {
        "for": [
            "도심 한가운데서 수영할 수 있다면 여름철 한강이 시민의 피서지가 됩니다.",
            "수질 개선 목표가 생기면 하수 처리 투자도 앞당겨질 것입니다.",
        ],
        "against": [
            "장마철 수질 변동이 커서 안전 기준을 지키기 어렵습니다.",
            "유속이 빠른 구간이 많아 안전요원 배치 비용이 큽니다.",
        ],
        "undecided": ["기존 한강 수영장과 어떻게 다른지 설명이 더 필요합니다."],
    },
    "public-wifi": {
        "for": [
            "통신비 부담이 큰 어르신과 청소년에게 꼭 필요한 기본 서비스입니다.",
            "버스 이동 중에도 공공서비스를 이용할 수 있어 디지털 격차가 줄어듭니다.",
        ],
        "against": ["보안이 취약한 공공와이파이는 개인정보 유출 위험이 있습니다."],
        "undecided": ["설치 후 유지보수 비용이 얼마나 드는지 궁금합니다."],
    },
}

QUESTIONS = [
    {
        "key": "night-market",
        "kind": "yes_no",
        "title": "한강공원 야시장을 연중 운영하면 좋을까요?",
        "body": "봄·가을에만 열리는 한강 야시장을 겨울을 제외한 연중 운영하는 방안을 검토하고 있습니다. "
        "시민 여러분의 생각을 들려주세요.",
        "unit": "culture-hq", "open_for_days": 20, "opened_days_ago": 5, "yes": 40, "no": 18,
    },
    {
        "key": "car-free-day",
        "kind": "discussion",
        "title": "차 없는 날, 어떻게 운영하면 좋을까요?",
        "body": "매년 9월 '서울 차 없는 날'을 더 많은 시민이 즐길 수 있도록 운영 방식에 대한 의견을 받습니다.",
        "unit": "transport-office", "open_for_days": 14, "opened_days_ago": 30,
        "opinions": [
            "종로 말고 자치구별로 나눠서 하면 더 많은 사람이 참여할 수 있을 것 같아요.",
            "대중교통 무료 운행을 함께 하면 좋겠습니다.",
            "주말에 하면 상인들 피해가 적을 것 같습니다.",
        ],
        "conclusion": "의견을 반영해 올해는 자치구 3곳에서 동시에 운영하고, 당일 시내버스 요금을 면제합니다.",
    },
]
