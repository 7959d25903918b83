"""What the demo's complaint history says (complaints/demo/history.py): a few ways of writing each
leaf category's complaint, the seasonal ones, and the stories the analysis pages should find.

Demo data, not interface text: stored as written, in Korean. `{place}` is filled with a place of
the district (PLACES), `{district}` with its Korean name. None of it mentions an emergency keyword
(싱크홀, 가스 냄새, 붕괴, 침수): only the one emergency complaint does, so only it raises an alert.
"""

PLACES = (
    "버스 정류장 앞", "주민센터 앞", "근린공원 입구", "지하철역 2번 출구", "초등학교 정문 앞", "전통시장 입구",
    "도서관 앞", "사거리", "아파트 단지 앞", "구청 민원실",
)  # fmt: skip

# Leaf category's service code → (title, description) variants.
TEXTS = {
    "public-wifi": (
        ("공공 와이파이 연결 불가", "{district} {place} 공공 와이파이(까치온)가 연결되지 않습니다."),
        (
            "와이파이 속도가 너무 느립니다",
            "{place}에서 공공 와이파이에 접속은 되는데 속도가 너무 느려 쓸 수가 없습니다.",
        ),
        ("와이파이 접속 화면 오류", "{district} {place} 공공 와이파이 접속 화면에서 오류가 나고 넘어가지 않습니다."),
    ),
    "smart-streetlight": (
        ("가로등이 꺼져 있습니다", "{district} {place} 스마트 가로등이 저녁에도 켜지지 않아 길이 어둡습니다."),
        ("가로등 센서 표시등 고장", "{place} 스마트 가로등의 환경 센서 표시등이 며칠째 꺼져 있습니다."),
        ("가로등이 깜빡입니다", "{district} {place} 가로등이 밤새 깜빡거려 눈이 아프고 잠을 설칩니다."),
    ),
    "smart-crosswalk": (
        ("바닥 신호등 고장", "{district} {place} 횡단보도 바닥형 보행신호등이 켜지지 않습니다."),
        ("음성 안내가 나오지 않습니다", "{place} 스마트 횡단보도 음성 안내기가 작동하지 않아 어르신들이 불안해합니다."),
        ("보행 신호 시간이 짧습니다", "{district} {place} 횡단보도 보행 신호가 너무 짧아 다 건너기 전에 바뀝니다."),
    ),
    "smart-shelter": (
        ("스마트 쉼터 출입문 고장", "{district} {place} 스마트 쉼터 자동문이 열리지 않습니다."),
        ("쉼터 충전기 고장", "{place} 스마트 쉼터의 휴대전화 충전기가 작동하지 않습니다."),
        ("정류장 안내 화면 꺼짐", "{district} {place} 스마트 정류장 버스 도착 안내 화면이 꺼져 있습니다."),
    ),
    "chatbot": (
        ("AI 상담 답변 오류", "AI 상담에 주차 요금을 물었더니 엉뚱한 안내만 반복합니다."),
        ("챗봇이 연결되지 않습니다", "서울시 챗봇 상담 창이 열리지 않고 계속 대기 중으로 나옵니다."),
        ("챗봇 상담원 연결 요청", "챗봇이 질문을 이해하지 못하는데 상담원에게 연결하는 방법이 없습니다."),
    ),
    "digital-certificate": (
        ("전자증명서 저장 방법 문의", "모바일 전자증명서를 지갑 앱에 저장하는 방법을 알고 싶습니다."),
        ("전자증명서 제출 기관 문의", "블록체인 지갑에 있는 증명서를 어느 기관에 제출할 수 있는지 궁금합니다."),
    ),
    "digital-education": (
        (
            "디지털 배움터 수업 신청",
            "{district}에서 어르신 스마트폰 교육을 받을 수 있는 디지털 배움터를 알고 싶습니다.",
        ),
        ("키오스크 교육 문의", "부모님께서 키오스크 사용법을 배우고 싶어 하시는데 {district} 수업 일정이 궁금합니다."),
        ("디지털 배움터 강사 문의", "디지털 배움터 수업 시간과 준비물을 알고 싶습니다."),
    ),
    "kiosk-accessibility": (
        ("키오스크 글자 크기 제안", "{place} 키오스크 글자가 너무 작습니다. 큰 글씨 모드를 제안합니다."),
        ("키오스크 음성 안내 제안", "시각장애인을 위해 무인 민원발급기에 음성 안내와 점자 버튼을 넣어 주세요."),
    ),
    "open-data-request": (
        ("주차장 실시간 데이터 개방 요청", "공영주차장 실시간 주차 가능 대수를 열린데이터로 개방해 주세요."),
        ("따릉이 이용 데이터 개방 요청", "따릉이 대여소별 시간대 이용 자료를 공공데이터로 제공해 주시면 좋겠습니다."),
        ("소음 측정 데이터 개방 요청", "{district} 생활 소음 측정 자료를 열린데이터광장에 공개해 주세요."),
    ),
    "open-data-error": (
        ("열린데이터 좌표 오류", "열린데이터광장 따릉이 대여소 자료에 좌표가 한강 위로 찍힌 곳이 있습니다."),
        ("데이터 갱신 중단", "열린데이터광장의 대기질 자료가 지난달부터 갱신되지 않습니다."),
        ("데이터 파일이 열리지 않습니다", "열린데이터광장에서 내려받은 파일의 한글이 깨져서 열리지 않습니다."),
    ),
    "map-error": (
        ("S-Map 건물 정보 오류", "{district} {place} 근처 철거된 건물이 S-Map 3차원 지도에 그대로 나옵니다."),
        ("지도 도로 정보 오류", "{place} 새로 난 도로가 S-Map 지도에 아직 없습니다."),
        ("지도 시설 위치 오류", "S-Map에서 {district} {place} 공공시설 위치가 실제와 다르게 표시됩니다."),
    ),
    "smart-city-idea": (
        ("스마트 횡단보도 확대 제안", "{district} 통학로마다 스마트 횡단보도를 설치하면 좋겠습니다."),
        ("공공 와이파이 확대 제안", "{district} {place}에도 공공 와이파이를 설치해 주시기를 제안합니다."),
        ("스마트 쉼터 설치 제안", "{place}에 스마트 쉼터를 설치해 주시면 어르신들이 편하게 기다리실 수 있겠습니다."),
    ),
    "data-law": (
        (
            "CCTV 영상 열람 기준 문의",
            "제 차량이 찍힌 CCTV 영상을 열람할 수 있는지 개인정보 보호법상 기준이 궁금합니다.",
        ),
        ("위치정보 수집 동의 문의", "서울시 앱이 위치정보를 수집할 때 어떤 동의가 필요한지 해석을 요청합니다."),
    ),
    "ordinance-law": (
        (
            "스마트도시 조례 적용 문의",
            "스마트도시 조례의 시민 참여 조항이 자치구 사업에도 적용되는지 해석을 요청합니다.",
        ),
        ("조례상 데이터 공개 범위 문의", "스마트도시 조례에 따른 도시 데이터 공개 범위가 궁금합니다."),
    ),
    "general-inquiry": (
        ("스마트도시정책관 위치 문의", "스마트도시정책관 사무실 위치와 방문 가능한 시간을 알고 싶습니다."),
        ("담당 부서 문의", "스마트 가로등 설치 사업은 어느 부서에서 맡고 있는지 알려 주세요."),
        ("사업 설명회 일정 문의", "스마트도시 시민 설명회가 언제 열리는지 알고 싶습니다."),
    ),
}

# Seasonal complaints of the smart shelters (in the months the shelters' rise is drawn from).
SUMMER_SHELTER = (
    ("스마트 쉼터 냉방 고장", "{district} {place} 스마트 쉼터 에어컨이 작동하지 않아 안이 바깥보다 덥습니다."),
    ("쉼터가 너무 덥습니다", "{place} 스마트 쉼터 냉방기가 꺼져 있어 기다리기 힘듭니다."),
)
WINTER_SHELTER = (
    ("스마트 쉼터 난방 고장", "{district} {place} 스마트 쉼터 온열 의자가 따뜻해지지 않습니다."),
    ("쉼터 난방기 고장", "{place} 스마트 쉼터 난방기가 꺼져 있어 너무 춥습니다."),
)

# The term rising in the last week, by the season the demo runs in: (months, category, term,
# texts). The term is in every text; in the four weeks before it appears about once a week.
RISING = (
    ((6, 7, 8, 9), "smart-shelter", "무더위쉼터", (
        ("무더위쉼터 냉방 중단", "폭염 특보인데 {district} {place} 무더위쉼터 냉방기가 멈췄습니다."),
        ("무더위쉼터가 닫혀 있습니다", "{place} 무더위쉼터 문이 잠겨 있어 더위를 피할 곳이 없습니다."),
        ("무더위쉼터 운영 시간 문의", "폭염이 계속되는데 {district} 무더위쉼터를 밤에도 열어 주세요."),
    )),
    ((12, 1, 2), "smart-shelter", "한파쉼터", (
        ("한파쉼터 난방 중단", "한파 특보인데 {district} {place} 한파쉼터 난방기가 멈췄습니다."),
        ("한파쉼터가 닫혀 있습니다", "{place} 한파쉼터 문이 잠겨 있어 추위를 피할 곳이 없습니다."),
        ("한파쉼터 운영 시간 문의", "강추위가 계속되는데 {district} 한파쉼터를 밤에도 열어 주세요."),
    )),
    ((3, 4, 5, 10, 11), "smart-streetlight", "미세먼지", (
        ("미세먼지 전광판 꺼짐", "미세먼지 경보인데 {district} {place} 가로등 미세먼지 전광판이 꺼져 있습니다."),
        ("미세먼지 수치가 이상합니다", "{place} 스마트 가로등 미세먼지 수치가 하루 종일 0으로 나옵니다."),
        ("미세먼지 측정기 고장", "{district} {place} 미세먼지 측정 센서가 고장 나 경보가 나오지 않습니다."),
    )),
)  # fmt: skip

# The hotspot: one fault reported again and again at one crossing this week.
HOTSPOT = ("smart-crosswalk", (
    ("신림역 사거리 바닥 신호등 고장", "신림역 사거리 횡단보도 바닥 신호등이 또 꺼졌습니다. 밤에 특히 위험합니다."),
    ("신림역 횡단보도 신호등 꺼짐", "신림역 사거리 바닥형 보행신호등이 꺼져 있어 보행자들이 헷갈려 합니다."),
))  # fmt: skip
HOTSPOT_BEFORE = ("신림역 횡단보도 음성 안내 고장", "신림역 사거리 스마트 횡단보도 음성 안내기가 작동하지 않습니다.")

# Near-duplicates: one Wi-Fi outage at one bus stop, reported three times, waiting to be merged.
NEAR_DUPLICATES = ("public-wifi", (
    ("합정역 정류장 와이파이 끊김", "합정역 버스 정류장 공공 와이파이가 어제부터 연결되지 않습니다."),
    ("합정역 버스 정류장 와이파이 안 됨", "합정역 버스 정류장에서 공공 와이파이가 연결되지 않습니다. 확인 부탁드립니다."),
    ("합정역 정류장 공공 와이파이 불통", "합정역 버스 정류장 공공 와이파이가 연결되지 않아요."),
))  # fmt: skip

# The emergency: a complaint that names a keyword and alerts the unit on duty.
EMERGENCY = (
    "smart-crosswalk",
    "스마트 횡단보도 앞 도로 싱크홀",
    "종로구 종각역 앞 스마트 횡단보도 바로 옆 도로가 꺼져 싱크홀이 생겼습니다. 보행자가 빠질 위험이 있습니다.",
)

SECOND_RATING_COMMENT = "다시 확인해 주셔서 감사합니다."
