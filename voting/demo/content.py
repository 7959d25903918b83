"""The demo's polls: city policy votes and citizens' polls at every stage, as Seoul's M-Voting
shows them. Realistic Korean; the people and the numbers are invented.

Each poll: its kind and question, `stage` (draft, pending, rejected, upcoming, open, closed) with
its days (`opened` days ago or `opens_in` days from now, and `closes` days from now, negative for
the past), how many of the demo crowd vote (`ballots`, among those the audience admits) and how
they lean (`weights`, one per option), and what else happened to it.
"""

# The unit (governance.demo.org, or the bureaus the proposals demo adds) that runs each policy vote;
# a missing one leaves the vote without a unit (then only a superuser runs it).
POLLS = [
    {
        "key": "han-river-smoking",
        "kind": "policy",
        "unit": "climate-environment-hq",
        "title": "한강공원에 지정 흡연구역을 두는 방안, 어떻게 생각하십니까?",
        "description": "한강공원은 2023년부터 전면 금연구역이지만 곳곳에서 흡연 민원이 이어지고 있습니다. "
        "공원 출입구 부근에 밀폐형 흡연부스를 두고 나머지 구역의 단속을 강화하는 방안을 검토하고 있습니다.\n"
        "시민 여러분의 의견을 들려주세요.",
        "question_type": "single",
        "options": [
            ("흡연부스를 설치하고 그 밖의 구역은 단속을 강화한다", "출입구 부근 10곳에 밀폐형 부스를 둡니다."),
            ("전면 금연을 유지하고 단속만 강화한다", ""),
            ("잘 모르겠다", ""),
        ],
        "stage": "open", "opened": 4, "closes": 10, "ballots": 120, "weights": [5, 4, 1],
    },
    {
        "key": "night-culture",
        "kind": "policy",
        "unit": "culture-hq",
        "title": "2027년 서울 야간 문화행사, 어떤 프로그램을 늘리면 좋을까요? (최대 3개)",
        "description": "퇴근 후에도 즐길 수 있는 야간 문화 프로그램을 늘리려 합니다. 가장 참여하고 싶은 "
        "프로그램을 세 개까지 골라 주세요. 중간 결과는 투표가 끝난 뒤 공개합니다.",
        "question_type": "multiple", "max_choices": 3, "results_visibility": "after_close",
        "options": [
            ("시립도서관 야간 개관", "평일 밤 10시까지"),
            ("한강 달빛 야시장", "봄·가을 금·토요일"),
            ("궁궐 야간 관람 확대", ""),
            ("시립미술관 야간 개장", "매주 수요일"),
            ("심야 거리 공연", ""),
            ("서울 야간 걷기 축제", "한양도성 순성길"),
        ],
        "stage": "open", "opened": 6, "closes": 8, "ballots": 90, "weights": [4, 5, 3, 2, 2, 3],
    },
    {
        "key": "sdot-priorities",
        "kind": "policy",
        "unit": "smart-city-policy-division",
        "title": "도시데이터 센서(S-DoT) 추가 설치, 우선순위를 정해 주세요",
        "description": "미세먼지·소음·유동인구를 재는 도시데이터 센서를 300대 더 설치합니다. 먼저 설치할 "
        "장소의 순위를 매겨 주세요 (최대 4순위까지). 결과는 보르다 점수와 즉석 결선 방식으로 함께 공개합니다.",
        "question_type": "ranked", "max_choices": 4,
        "options": [
            ("어린이보호구역", "초등학교 주변 300m"),
            ("버스정류장", "중앙버스전용차로 정류장"),
            ("전통시장", ""),
            ("공원·산책로", ""),
            ("지하보도", ""),
        ],
        "stage": "closed", "opened": 40, "closes": -26, "ballots": 150, "weights": [6, 5, 2, 3, 1],
        "demo_vote": True,
        "reflection": (
            "reflected",
            "투표 결과 1순위인 어린이보호구역과 2순위 버스정류장부터 2026년 상반기에 센서 300대를 설치하고, "
            "측정값을 열린데이터광장에 실시간으로 공개합니다.",
            "https://data.seoul.go.kr/",
        ),
    },
    {
        "key": "late-night-subway",
        "kind": "policy",
        "unit": "transport-office",
        "title": "지하철 심야 연장 운행(새벽 1시) 재개에 찬성하십니까?",
        "description": "코로나19 이후 중단된 지하철 심야 연장 운행을 다시 시작하는 방안입니다. 연장 운행에는 "
        "연간 약 100억 원의 운영비가 듭니다.",
        "question_type": "single",
        "options": [("찬성", ""), ("반대", ""), ("금요일에만 연장하면 좋겠다", "")],
        "stage": "closed", "opened": 60, "closes": -46, "ballots": 100, "weights": [5, 2, 4],
        "reflection": (
            "partly",
            "금요일에 한해 2호선과 5호선부터 새벽 1시까지 연장 운행합니다. 이용 현황을 보고 다른 노선으로 "
            "넓힐지 정합니다.",
            "",
        ),
    },
    {
        "key": "gyeongui-line-forest",
        "kind": "policy",
        "unit": "transport-office",
        "title": "경의선숲길 주변 도로, 주말 차 없는 거리 확대에 찬성하십니까?",
        "description": "마포구·서대문구 주민께 여쭙니다. 경의선숲길과 맞닿은 이면도로를 주말에 차 없는 거리로 "
        "운영하는 구간을 늘리는 방안입니다.",
        "question_type": "single",
        "options": [("찬성", ""), ("반대", ""), ("일요일에만 찬성", "")],
        "districts": ["11440", "11410"], "eligible_population": 640000,
        "stage": "closed", "opened": 20, "closes": -10, "ballots": 60, "weights": [4, 3, 2],
    },
    {
        "key": "kids-cafe-hours",
        "kind": "policy",
        "unit": "welfare-office",
        "title": "서울형 키즈카페 운영 시간, 언제 늘리면 좋을까요?",
        "description": "맞벌이 가정의 이용 편의를 위해 서울형 키즈카페 운영 시간을 조정하려 합니다.",
        "question_type": "single",
        "options": [("평일 저녁 8시까지", ""), ("주말 오전 9시부터", ""), ("지금처럼 유지", "")],
        "min_age": 19,
        "stage": "upcoming", "opens_in": 5, "closes": 19,
    },
    {
        "key": "smart-expo",
        "kind": "policy",
        "unit": "smart-city-policy-division",
        "access": "onsite",
        "title": "서울 스마트라이프위크 현장 투표: 가장 먼저 만나고 싶은 서비스는?",
        "description": "박람회장에서 QR 코드를 찍어 투표해 주세요. 행사 기간에만 투표할 수 있습니다.",
        "question_type": "single",
        "options": [
            ("AI 민원 상담 챗봇", ""),
            ("약자와 동행하는 스마트 횡단보도", ""),
            ("자율주행 심야버스", ""),
            ("스마트 쉼터", ""),
        ],
        "stage": "open", "opened": 1, "closes": 2, "ballots": 30, "weights": [3, 4, 5, 2],
    },
    {
        "key": "chicken-poll",
        "kind": "citizen",
        "title": "망원동 최고의 치킨집은 어디인가요?",
        "description": "망원동 주민 여러분, 동네 치킨집 중 어디가 제일 맛있나요? 재미로 하는 투표입니다.",
        "question_type": "single",
        "options": [("망원시장 옛날통닭", ""), ("골목 안 수제치킨", ""), ("새로 생긴 프랜차이즈", "")],
        "stage": "open", "opened": 3, "closes": 11, "ballots": 40, "weights": [4, 3, 2],
        "reports": [
            ("advertising", "프랜차이즈 홍보 같습니다. 특정 가게 이름이 반복됩니다."),
            ("advertising", ""),
            ("groundless_attack", "다른 가게를 깎아내리는 설명이 있습니다."),
        ],
    },
    {
        "key": "book-club",
        "kind": "citizen",
        "access": "room",
        "title": "청년 독서모임 '한 페이지': 다음 달에 함께 읽을 책 (최대 2권)",
        "description": "모임 회원만 참여하는 비공개 투표입니다. 단톡방에 공유한 방 코드로 들어와 주세요.",
        "question_type": "multiple", "max_choices": 2,
        "options": [("소년이 온다", "한강"), ("불편한 편의점", "김호연"), ("물고기는 존재하지 않는다", "룰루 밀러"),
                    ("도둑맞은 집중력", "요한 하리")],
        "stage": "open", "opened": 2, "closes": 5, "ballots": 15, "weights": [3, 2, 2, 3],
    },
    {
        "key": "flea-market",
        "kind": "citizen",
        "title": "망원한강공원 주말 플리마켓, 몇 시에 열면 좋을까요?",
        "description": "주민 모임에서 준비하는 주말 플리마켓의 운영 시간을 정하려 합니다.",
        "question_type": "single",
        "options": [("오전 10시 ~ 오후 2시", ""), ("오후 2시 ~ 6시", ""), ("오후 5시 ~ 9시", "")],
        "stage": "upcoming", "opens_in": 3, "closes": 10,
    },
    {
        "key": "library-name",
        "kind": "citizen",
        "proposer": "demo",
        "title": "새로 여는 동네 작은도서관 이름을 골라 주세요",
        "description": "우리 동네에 새로 여는 작은도서관의 이름 후보입니다. 마음에 드는 순서대로 골라 주세요 "
        "(최대 3순위).",
        "question_type": "ranked", "max_choices": 3,
        "options": [("책마루", ""), ("숲속책방", ""), ("한뼘도서관", ""), ("이음서재", "")],
        "stage": "closed", "opened": 15, "closes": -5, "ballots": 60, "weights": [4, 3, 2, 4],
        "demo_vote": True,
    },
    {
        "key": "cup-deposit",
        "kind": "citizen",
        "proposer": "demo",
        "title": "성수동 카페거리 일회용컵 보증금제 시범 운영, 찬성하시나요?",
        "description": "성수동 카페거리에서 일회용컵에 300원 보증금을 붙이고 반납하면 돌려주는 제도를 시범 "
        "운영해 보면 어떨까요?",
        "question_type": "single",
        "options": [("찬성", ""), ("반대", ""), ("매장 자율에 맡기자", "")],
        "stage": "pending", "opens_in": 4, "closes": 18,
    },
    {
        "key": "academy-survey",
        "kind": "citizen",
        "title": "강남 ○○학원 여름방학 특강, 어떤 과목을 원하세요?",
        "description": "수강 신청 전에 원하는 과목을 조사합니다. 투표하신 분께 할인 쿠폰을 드립니다.",
        "question_type": "single",
        "options": [("수학", ""), ("영어", ""), ("과학", "")],
        "stage": "rejected", "opens_in": 2, "closes": 12,
        "rejection": "특정 업체의 영업·홍보를 위한 투표는 엠보팅 운영 원칙에 따라 게시할 수 없습니다.",
    },
    {
        "key": "youth-rent",
        "kind": "policy",
        "unit": "housing-office",
        "title": "청년 월세 지원 대상 확대안 (작성 중)",
        "description": "청년 월세 지원 소득 기준을 중위소득 150%까지 넓히는 방안에 대한 정책투표 초안입니다.",
        "question_type": "single",
        "options": [("찬성", ""), ("반대", "")],
        "stage": "draft", "opens_in": 20, "closes": 34,
    },
]
