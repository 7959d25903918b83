"""What the demo's complaints are about: categories handled by the demo organisation's units (the
Smart City Policy Bureau's divisions and teams, governance/demo/org.py), their Open311 service
codes and extra questions, and the stories of about sixty complaints, each ending in a state.

Demo data, not interface text: stored as written, in Korean with English names where the models
keep both. Fictitious people and places only (district points are drawn inside the boundaries).
"""

# code, parent code, Korean name, English name, type, default unit (governance demo), needs a
# location, questions: (code, Korean prompt, English prompt, kind, required, choices)
CATEGORIES = [
    ("smart-infrastructure", None, "스마트 인프라", "Smart infrastructure", "grievance", "iot-team", False, ()),
    ("public-wifi", "smart-infrastructure", "공공 와이파이 장애", "Public Wi-Fi outage", "grievance", "iot-team", True, (
        ("symptom", "어떤 증상인가요?", "What happens?", "choice", True,
         [("no-signal", "신호가 잡히지 않음", "No signal"), ("slow", "매우 느림", "Very slow"),
          ("login", "접속 화면 오류", "The sign-in page fails")]),
    )),
    ("smart-streetlight", "smart-infrastructure", "스마트 가로등·센서 고장", "Smart streetlight or sensor fault",
     "on_site", "iot-team", True, (
        ("pole", "가로등 관리번호(기둥에 표시)", "Streetlight number (on the pole)", "text", False, []),
    )),
    ("smart-crosswalk", "smart-infrastructure", "스마트 횡단보도 고장", "Smart crosswalk fault", "on_site", "iot-team",
     True, ()),
    ("smart-shelter", "smart-infrastructure", "스마트 쉼터·정류장 불편", "Smart shelter or bus stop", "grievance",
     "digital-cooperation-team", True, ()),
    ("digital-services", None, "디지털 서비스", "Digital services", "inquiry", "ai-team", False, ()),
    ("chatbot", "digital-services", "AI 상담·챗봇 불편", "AI chatbot problem", "grievance", "ai-team", False, ()),
    ("digital-certificate", "digital-services", "전자증명서·블록체인 지갑 문의", "Digital certificates and wallet",
     "inquiry", "blockchain-team", False, ()),
    ("digital-education", "digital-services", "디지털 배움터 문의", "Digital skills classes", "inquiry",
     "digital-cooperation-team", False, (
        ("age-group", "수강하실 분의 연령대", "Age group of the learner", "choice", False,
         [("senior", "65세 이상", "65 and over"), ("adult", "성인", "Adult"), ("youth", "청소년", "Youth")]),
    )),
    ("kiosk-accessibility", "digital-services", "키오스크 접근성 제안", "Kiosk accessibility suggestion",
     "suggestion", "digital-cooperation-team", False, ()),
    ("data-and-maps", None, "데이터·지도", "Data and maps", "grievance", "big-data-team", False, ()),
    ("open-data-request", "data-and-maps", "공공데이터 개방 요청", "Open data request", "suggestion", "big-data-team",
     False, ()),
    ("open-data-error", "data-and-maps", "열린데이터 오류 신고", "Error in open data", "grievance", "big-data-team",
     False, (
        ("dataset", "데이터셋 이름", "Name of the dataset", "text", True, []),
    )),
    ("map-error", "data-and-maps", "S-Map 지도 오류", "Error on the S-Map", "grievance", "spatial-data-team", True, ()),
    ("policy-and-law", None, "정책·법령", "Policy and law", "inquiry", "smart-city-policy-division", False, ()),
    ("smart-city-idea", "policy-and-law", "스마트도시 정책 제안", "Smart city policy suggestion", "suggestion",
     "smart-city-policy-division", False, ()),
    ("data-law", "policy-and-law", "개인정보·위치정보 법령 해석", "Personal and location data law", "legal",
     "data-policy-division", False, ()),
    ("ordinance-law", "policy-and-law", "스마트도시 조례 해석", "Smart city ordinance", "legal",
     "smart-city-policy-division", False, ()),
    ("general-inquiry", "policy-and-law", "일반 문의", "General inquiry", "inquiry", "smart-city-policy-division",
     False, ()),
]  # fmt: skip

# Each leaf category's complaint: a title and a description; the district's name is added to the title.
TEXTS = {
    "public-wifi": ("공공 와이파이가 끊깁니다", "버스 정류장 앞 공공 와이파이(까치온)가 며칠째 연결되지 않습니다. 확인 부탁드립니다."),
    "smart-streetlight": ("스마트 가로등이 꺼져 있습니다", "스마트 가로등이 밤새 꺼져 있고 옆의 미세먼지 센서 표시등도 꺼져 있습니다."),
    "smart-crosswalk": ("바닥 신호등이 켜지지 않습니다", "횡단보도 바닥형 보행신호등이 일부 켜지지 않아 아이들이 헷갈려 합니다."),
    "smart-shelter": ("스마트 쉼터 냉방이 안 됩니다", "스마트 쉼터의 냉방기가 작동하지 않고 출입문도 열리지 않습니다."),
    "chatbot": ("AI 상담이 엉뚱하게 답합니다", "AI 상담에서 주차 요금을 물었는데 전혀 다른 안내만 반복합니다."),
    "digital-certificate": ("전자증명서 발급 문의", "모바일 전자증명서를 지갑 앱에 저장하는 방법과 제출 가능한 기관이 궁금합니다."),
    "digital-education": ("디지털 배움터 수업 문의", "어머니께서 스마트폰 사용법을 배우고 싶어 하시는데 가까운 수업과 신청 방법을 알고 싶습니다."),
    "kiosk-accessibility": ("키오스크 글자 크기 제안", "주민센터 키오스크 글자가 너무 작습니다. 큰 글씨 모드와 음성 안내를 제안합니다."),
    "open-data-request": ("공영주차장 실시간 데이터 개방 요청", "공영주차장 실시간 주차 가능 대수를 열린데이터로 개방해 주시면 좋겠습니다."),
    "open-data-error": ("열린데이터 수치가 이상합니다", "열린데이터광장의 따릉이 대여소 자료에 좌표가 바다로 찍힌 곳이 있습니다."),
    "map-error": ("S-Map에 없는 건물이 나옵니다", "S-Map 3차원 지도에 철거된 건물이 그대로 나옵니다."),
    "smart-city-idea": ("스마트 횡단보도 확대 제안", "통학로마다 스마트 횡단보도를 설치하면 어린이 안전에 도움이 될 것 같습니다."),
    "data-law": ("CCTV 영상 열람 법령 문의", "제 차량이 찍힌 CCTV 영상을 열람할 수 있는지 개인정보 보호법상 기준을 알고 싶습니다."),
    "ordinance-law": ("스마트도시 조례 적용 문의", "스마트도시 조례의 시민 참여 조항이 자치구 사업에도 적용되는지 해석을 요청합니다."),
    "general-inquiry": ("스마트도시정책관 위치 문의", "스마트도시정책관 사무실 위치와 방문 가능한 시간을 알고 싶습니다."),
}
ANSWERS = (
    "현장을 점검하여 장비를 교체했습니다. 이용에 불편을 드려 죄송합니다.",
    "문의하신 내용은 다음과 같이 안내드립니다. 자세한 사항은 다산콜센터(120)로 문의해 주시기 바랍니다.",
    "제안해 주신 의견은 내년 사업 계획에 반영하도록 검토하겠습니다. 소중한 의견 감사합니다.",
    "확인 결과 자료 오류를 바로잡았으며 다음 갱신부터 반영됩니다.",
)
SECOND_ANSWER = "추가로 현장을 다시 확인하여 예비 장비까지 교체했습니다. 같은 문제가 생기면 다시 알려 주십시오."
REJECTION = (
    "서울시 소관이 아닌 민간 통신사 설비에 관한 민원입니다.",
    "해당 통신사 고객센터로 신청하시거나, 이 처분에 이의가 있으시면 통지를 받은 날부터 90일 이내에 이의신청하실 수 있습니다.",
)
TRANSFER_REASON = "현장 설비 관리 부서로 이송합니다."
DISPUTE_REASON = "해당 설비는 우리 팀 소관이 아닙니다."
REOPEN_REASON = "답변을 받았지만 여전히 같은 문제가 있습니다. 추가 답변을 요청합니다."

# (story, how many): what happens to the complaints, each ending in a state. Listed oldest first:
# `days` is how long ago the complaint came in (a few are old enough to be overdue or to have had
# their 30-day progress notice).
STORIES = [
    ("closed", 12, (60, 52, 45, 40, 33, 28, 21, 18, 15, 12, 9, 7)),
    ("closed_rated", 2, (25, 14)),
    ("closed_after_transfer", 1, (20,)),
    ("rejected", 4, (26, 11, 6, 3)),
    ("duplicate", 4, (19, 10, 5, 2)),
    ("answered", 6, (13, 8, 7, 5, 4, 2)),
    ("answered_late", 2, (24, 16)),
    ("answered_at_once", 2, (6, 1)),
    ("reopened", 2, (12, 9)),
    ("reanswered", 1, (17,)),
    ("in_progress", 5, (6, 4, 3, 2, 1)),
    ("in_progress_overdue", 2, (40, 22)),
    ("coordinated", 1, (8,)),
    ("transferred", 2, (3, 1)),
    ("disputed", 1, (4,)),
    ("assigned", 6, (5, 3, 2, 2, 1, 1)),
    ("received", 5, (1, 0.5, 0.3, 0.2, 0.1)),
    ("triage", 2, (0.25, 0.1)),
]
# The channels taken in turn (a story that needs one picks it: SMS or email for triage, the phone
# for an answer on the call, a signed-in citizen for a rating or a reopening).
CHANNELS = ("web", "mobile", "phone", "web", "sms", "open311", "email", "mobile", "web", "open311")
