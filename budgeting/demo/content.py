"""The demo's cycles and projects: illustrative, written like Seoul's participatory-budget
projects (the titles, costs and places are examples, not real proposals)."""

SECTORS = [
    # slug, Korean, English, subcommittee slug (governance demo) or None (the full committee)
    ("welfare", "복지·여성", "Welfare and women", "pb-welfare-subcommittee"),
    ("transport", "교통·안전·환경", "Transport, safety and environment", "pb-transport-subcommittee"),
    ("culture", "문화·관광", "Culture and tourism", None),
    ("economy", "경제·일자리", "Economy and jobs", None),
]

# district code → (Korean, English)
DISTRICT_POTS = {
    "11110": ("종로구", "Jongno-gu"),
    "11440": ("마포구", "Mapo-gu"),
    "11680": ("강남구", "Gangnam-gu"),
}

# Seoul's pots (city-wide KRW 37.5 bn, 1 bn a project) scaled down to the demo's dozen projects, so
# that not every project fits and the results show a cut-off line.
CITY_POT = {"total": 2_500_000_000, "project_cap": 1_000_000_000}
DISTRICT_POT = {"total": 300_000_000, "project_cap": 250_000_000}

# pot ("" = city-wide, else a district code), sector, title, summary, cost, beneficiaries
CURRENT_PROJECTS = [
    ("", "welfare", "어르신 디지털 배움터 확대", "동 주민센터 20곳에 어르신을 위한 스마트폰·키오스크 교실을 엽니다.",
     450_000_000, "65세 이상 어르신 약 8,000명"),
    ("", "transport", "어린이 보호구역 스마트 횡단보도", "초등학교 앞 횡단보도 60곳에 보행 신호 음성 안내와 바닥 신호등을 설치합니다.",
     900_000_000, "초등학생과 보호자"),
    ("", "transport", "한강 자전거길 야간 조명 개선", "어두운 구간 12km에 저전력 조명을 설치합니다.", 700_000_000,
     "자전거 이용 시민"),
    ("", "culture", "동네 작은도서관 주말 프로그램", "작은도서관 40곳에서 주말 독서·공예 프로그램을 운영합니다.",
     300_000_000, "어린이와 가족"),
    ("", "economy", "청년 창업 공유 작업실", "빈 점포를 청년 창업자를 위한 공유 작업실로 바꿉니다.", 800_000_000,
     "39세 이하 예비 창업자"),
    ("", "welfare", "1인 가구 안부 확인 서비스", "고독사 위험이 있는 1인 가구에 주 2회 안부 전화와 방문을 합니다.",
     600_000_000, "중장년 1인 가구 3,000세대"),
    ("11680", "transport", "양재천 산책로 미끄럼 방지 포장", "경사 구간 1.2km를 미끄럼 방지 포장으로 바꿉니다.",
     180_000_000, "산책로 이용 주민"),
    ("11680", "welfare", "경로당 냉난방기 교체", "오래된 경로당 15곳의 냉난방기를 교체합니다.", 150_000_000,
     "경로당 이용 어르신"),
    ("11680", "culture", "공원 야외 작은 음악회", "봄·가을 공원에서 주민 음악회를 열 차례 엽니다.", 60_000_000, "주민 누구나"),
    ("11110", "culture", "북촌 골목 안내 표지 정비", "골목 안내 표지를 한·영·중·일 4개 언어로 바꿉니다.", 90_000_000,
     "주민과 방문객"),
    ("11110", "transport", "통학로 보행 안전 펜스", "초등학교 통학로 800m에 보행자 안전 펜스를 설치합니다.", 220_000_000,
     "초등학생"),
    ("11110", "economy", "전통시장 공동 배송", "전통시장 상인의 공동 배송 서비스를 1년간 지원합니다.", 120_000_000,
     "시장 상인 200명"),
    ("11440", "transport", "경의선숲길 쓰레기 분리배출함", "숲길 30곳에 분리배출함을 설치합니다.", 80_000_000,
     "숲길 이용 시민"),
    ("11440", "welfare", "다함께돌봄 방학 프로그램", "방학 중 돌봄센터의 급식과 체험 프로그램을 지원합니다.", 140_000_000,
     "초등학생 300명"),
    ("11440", "culture", "망원 한강공원 버스킹 무대", "주말 버스킹 무대와 음향 장비를 마련합니다.", 70_000_000, "청년 예술인"),
]

# The finished cycle: what was funded, with its implementation.
PAST_PROJECTS = [
    ("", "welfare", "공공 체육시설 무장애 출입구", "구립 체육시설 18곳의 출입구를 휠체어로 드나들 수 있게 고칩니다.",
     850_000_000, "장애인과 어르신"),
    ("", "transport", "버스정류장 온열 의자", "버스정류장 300곳에 겨울철 온열 의자를 설치합니다.", 600_000_000,
     "버스 이용 시민"),
    ("", "culture", "찾아가는 동네 영화관", "공원과 광장에서 여름밤 영화 상영을 엽니다.", 250_000_000, "주민 누구나"),
    ("", "economy", "중장년 디지털 재취업 교육", "50대 이상 구직자를 위한 디지털 직무 교육을 엽니다.", 500_000_000,
     "50세 이상 구직자 600명"),
    ("", "transport", "골목길 CCTV 사각지대 해소", "주거지 골목 사각지대 80곳에 CCTV를 설치합니다.", 950_000_000,
     "주거지 주민"),
    ("11680", "welfare", "공동육아나눔터 장난감 도서관", "장난감 대여 공간을 두 곳 엽니다.", 120_000_000, "영유아 가정"),
    ("11680", "transport", "대치동 학원가 보행 신호 연장", "학원가 횡단보도 보행 신호를 늘리고 안내원을 둡니다.", 90_000_000,
     "학생"),
    ("11110", "culture", "종묘 주변 야간 경관 조명", "담장길 야간 경관 조명을 설치합니다.", 200_000_000, "주민과 방문객"),
    ("11440", "transport", "홍대 앞 공유 킥보드 주차 구역", "킥보드 전용 주차 구역 40곳을 표시합니다.", 60_000_000,
     "보행자"),
]

MILESTONES = [
    # (title Korean, title English, months after the council, progress)
    ("설계 완료", "Design completed", 2, 100),
    ("공사·설치 시작", "Works started", 4, 100),
    ("시범 운영", "Trial operation", 7, 60),
    ("완료 및 주민 평가", "Completion and residents' review", 10, 0),
]
