"""What the seeded complaints are about: the units that handle them, the categories citizens pick
(with their legal type, default unit, extra questions and share of the volume), and Korean text
for titles, descriptions, answers and rejections, assembled with a seeded random generator.

The shares follow what Seoul reports of its complaints: parking, roads, rubbish and noise make
most of the volume; road management is the busiest unit (the officials' queue the benchmark
measures). Unit codes start with "bench-" so that they never meet a real or a demo unit.
"""

# code, parent code, Korean name, English name (a bureau has no parent; its divisions handle complaints)
UNITS = [
    ("bench-transport-office", None, "교통실", "Transportation Office"),
    ("bench-road-management", "bench-transport-office", "도로관리과", "Road Management Division"),
    ("bench-pedestrian-policy", "bench-transport-office", "보행정책과", "Pedestrian Policy Division"),
    ("bench-parking-planning", "bench-transport-office", "주차계획과", "Parking Planning Division"),
    ("bench-bus-policy", "bench-transport-office", "버스정책과", "Bus Policy Division"),
    ("bench-traffic-operations", "bench-transport-office", "교통운영과", "Traffic Operations Division"),
    ("bench-climate-environment", None, "기후환경본부", "Climate and Environment Headquarters"),
    ("bench-resource-recycling", "bench-climate-environment", "자원순환과", "Resource Recycling Division"),
    ("bench-air-quality", "bench-climate-environment", "대기정책과", "Air Quality Policy Division"),
    ("bench-living-environment", "bench-climate-environment", "생활환경과", "Living Environment Division"),
    ("bench-parks-bureau", None, "푸른도시여가국", "Parks and Leisure Bureau"),
    ("bench-parks", "bench-parks-bureau", "공원조성과", "Parks Division"),
    ("bench-landscape", "bench-parks-bureau", "조경과", "Landscape Division"),
    ("bench-safety-office", None, "안전총괄실", "Safety Management Office"),
    ("bench-facility-safety", "bench-safety-office", "시설안전과", "Facility Safety Division"),
    ("bench-sewerage", "bench-safety-office", "하수관리과", "Sewerage Division"),
    ("bench-flood-control", "bench-safety-office", "치수안전과", "Flood Control Division"),
    ("bench-housing-office", None, "주택실", "Housing Office"),
    ("bench-housing-policy", "bench-housing-office", "주택정책과", "Housing Policy Division"),
    ("bench-building-planning", "bench-housing-office", "건축기획과", "Building Planning Division"),
    ("bench-welfare-office", None, "복지실", "Welfare Office"),
    ("bench-welfare-policy", "bench-welfare-office", "복지정책과", "Welfare Policy Division"),
    ("bench-senior-welfare", "bench-welfare-office", "어르신복지과", "Senior Welfare Division"),
    ("bench-small-business", "bench-welfare-office", "소상공인정책과", "Small Business Policy Division"),
    # The bureau M-Voting's seeder also uses (same code, same names).
    ("bench-citizen-communication", None, "시민소통기획관", "Citizen Communication Office"),
    ("bench-citizen-service", "bench-citizen-communication", "시민봉사담당관", "Citizen Service Office"),
]

# Questions some categories ask: code → (Korean prompt, English prompt, kind, required, choices)
QUESTIONS = {
    "size": ("파손 크기는 어느 정도인가요?", "How large is the damage?", "choice", True,
             [("small", "손바닥 크기", "Palm-sized"), ("medium", "발 크기", "Foot-sized"),
              ("large", "그보다 큼", "Larger")]),
    "plate": ("차량 번호(알면)", "Vehicle plate (if known)", "text", False, []),
    "route": ("버스 노선 번호", "Bus route number", "text", True, []),
    "when": ("주로 언제 발생하나요?", "When does it mostly happen?", "choice", False,
             [("day", "낮", "Daytime"), ("evening", "저녁", "Evening"), ("night", "심야", "Late at night")]),
    "pole": ("가로등 관리번호(기둥에 표시)", "Streetlight number (on the pole)", "text", False, []),
    "depth": ("물이 찬 깊이(cm)", "Depth of the water (cm)", "number", False, []),
    "kinds": ("해당하는 것을 모두 고르세요", "Pick all that apply", "multichoice", False,
              [("bags", "종량제 봉투", "Rubbish bags"), ("bulky", "대형 폐기물", "Bulky waste"),
               ("food", "음식물", "Food waste")]),
}  # fmt: skip

# code, parent code, Korean name, English name, type, unit code, needs a location, share of the
# volume (per mille of leaf categories), question codes. A parent is a group: complaints go to leaves.
CATEGORIES = [
    ("roads", None, "도로·교통", "Roads and traffic", "grievance", "bench-road-management", False, 0, ()),
    ("pothole", "roads", "도로 파손", "Pothole or damaged road", "grievance", "bench-road-management", True, 90, ("size",)),
    ("sidewalk", "roads", "보도블록 파손", "Damaged pavement", "grievance", "bench-pedestrian-policy", True, 40, ()),
    ("road-obstruction", "roads", "도로 적치물", "Obstruction on the road", "on_site", "bench-road-management", True, 35, ()),
    ("illegal-parking", "roads", "불법 주정차", "Illegal parking", "on_site", "bench-parking-planning", True, 120, ("plate",)),
    ("traffic-signal", "roads", "신호등 고장", "Traffic light out of order", "on_site", "bench-traffic-operations", True, 25, ()),
    ("bus-service", "roads", "버스 이용 불편", "Bus service", "grievance", "bench-bus-policy", False, 45, ("route",)),
    ("bus-stop", "roads", "버스정류소 시설", "Bus stop facilities", "grievance", "bench-bus-policy", True, 15, ()),
    ("parking-idea", "roads", "주차 정책 제안", "Parking policy suggestion", "suggestion", "bench-parking-planning", False, 10, ()),
    ("environment", None, "환경·청소", "Environment and cleaning", "grievance", "bench-resource-recycling", False, 0, ()),
    ("litter", "environment", "쓰레기 무단투기", "Fly-tipping", "on_site", "bench-resource-recycling", True, 95, ("kinds",)),
    ("recycling-pickup", "environment", "재활용품 수거", "Recycling collection", "grievance", "bench-resource-recycling", True, 40, ()),
    ("noise", "environment", "생활 소음", "Noise", "grievance", "bench-living-environment", True, 70, ("when",)),
    ("odor", "environment", "악취", "Bad smell", "grievance", "bench-living-environment", True, 20, ()),
    ("air-quality", "environment", "미세먼지·대기질 문의", "Air quality inquiry", "inquiry", "bench-air-quality", False, 10, ()),
    ("construction-dust", "environment", "공사장 먼지", "Dust from a building site", "grievance", "bench-air-quality", True, 20, ()),
    ("parks-green", None, "공원·녹지", "Parks and green space", "grievance", "bench-parks", False, 0, ()),
    ("park-facility", "parks-green", "공원 시설 파손", "Damaged park facility", "grievance", "bench-parks", True, 25, ()),
    ("street-tree", "parks-green", "가로수 정비", "Street trees", "grievance", "bench-landscape", True, 20, ()),
    ("park-idea", "parks-green", "공원 이용 제안", "Park suggestion", "suggestion", "bench-parks", False, 8, ()),
    ("safety", None, "안전", "Safety", "grievance", "bench-facility-safety", False, 0, ()),
    ("streetlight", "safety", "가로등 고장", "Streetlight out", "on_site", "bench-facility-safety", True, 40, ("pole",)),
    ("manhole", "safety", "맨홀·빗물받이", "Manhole or drain", "on_site", "bench-sewerage", True, 20, ()),
    ("flooding", "safety", "침수 피해", "Flooding", "on_site", "bench-flood-control", True, 10, ("depth",)),
    ("unsafe-building", "safety", "위험 시설물", "Unsafe structure", "grievance", "bench-building-planning", True, 10, ()),
    ("safety-idea", "safety", "안전 제안", "Safety suggestion", "suggestion", "bench-facility-safety", False, 8, ()),
    ("housing", None, "주택·건축", "Housing and building", "inquiry", "bench-housing-policy", False, 0, ()),
    ("housing-inquiry", "housing", "주택 정책 문의", "Housing policy inquiry", "inquiry", "bench-housing-policy", False, 30, ()),
    ("building-law", "housing", "건축 법령 해석", "Building law interpretation", "legal", "bench-building-planning", False, 8, ()),
    ("lease-law", "housing", "임대차 법령 해석", "Lease law interpretation", "legal", "bench-housing-policy", False, 8, ()),
    ("illegal-building", "housing", "불법 건축물", "Unauthorised building", "grievance", "bench-building-planning", True, 15, ()),
    ("welfare", None, "복지", "Welfare", "inquiry", "bench-welfare-policy", False, 0, ()),
    ("welfare-inquiry", "welfare", "복지 서비스 문의", "Welfare services inquiry", "inquiry", "bench-welfare-policy", False, 30, ()),
    ("senior-care", "welfare", "어르신 돌봄", "Care for older people", "grievance", "bench-senior-welfare", False, 15, ()),
    ("benefit-law", "welfare", "복지 급여 법령 해석", "Benefits law interpretation", "legal", "bench-welfare-policy", False, 5, ()),
    ("welfare-idea", "welfare", "복지 제안", "Welfare suggestion", "suggestion", "bench-welfare-policy", False, 7, ()),
    ("economy", None, "경제·일자리", "Economy and jobs", "inquiry", "bench-small-business", False, 0, ()),
    ("small-business", "economy", "소상공인 지원 문의", "Small business support", "inquiry", "bench-small-business", False, 15, ()),
    ("market-idea", "economy", "전통시장 제안", "Traditional market suggestion", "suggestion", "bench-small-business", False, 5, ()),
    ("city-hall", None, "행정·기타", "City administration and other", "inquiry", "bench-citizen-service", False, 0, ()),
    ("civil-service", "city-hall", "민원 서비스 불편", "Complaint about a city service", "grievance", "bench-citizen-service", False, 25, ()),
    ("city-idea", "city-hall", "시정 제안", "Suggestion for the city", "suggestion", "bench-citizen-service", False, 20, ()),
    ("general-inquiry", "city-hall", "일반 문의", "General inquiry", "inquiry", "bench-citizen-service", False, 45, ()),
    ("ordinance-law", "city-hall", "조례 해석", "Ordinance interpretation", "legal", "bench-citizen-service", False, 5, ()),
]  # fmt: skip

# What the complaints say, per category: title templates and the body's core sentence.
SUBJECTS = {
    "pothole": ("도로가 움푹 패여 있습니다", "차도에 깊게 패인 곳이 있어 차량이 파손될 위험이 있습니다"),
    "sidewalk": ("보도블록이 깨져 있습니다", "보도블록이 들뜨고 깨져서 걸려 넘어질 뻔했습니다"),
    "road-obstruction": ("도로에 적치물이 있습니다", "공사 자재가 도로를 막고 있어 통행이 어렵습니다"),
    "illegal-parking": ("불법 주차 차량 신고", "차량이 소화전 앞과 횡단보도에 계속 주차되어 있습니다"),
    "traffic-signal": ("신호등이 작동하지 않습니다", "보행 신호등이 꺼져 있어 아이들이 위험하게 건너고 있습니다"),
    "bus-service": ("버스 배차 간격이 너무 깁니다", "출근 시간에 버스가 30분 넘게 오지 않고 정류장을 그냥 지나칩니다"),
    "bus-stop": ("정류장 안내기가 고장났습니다", "버스 도착 안내 단말기가 며칠째 꺼져 있습니다"),
    "parking-idea": ("거주자 우선 주차 확대 제안", "주택가 주차난이 심해 거주자 우선 주차 구역을 늘려 주셨으면 합니다"),
    "litter": ("쓰레기가 무단으로 버려져 있습니다", "골목에 쓰레기 봉투와 가구가 며칠째 쌓여 악취가 납니다"),
    "recycling-pickup": ("재활용품이 수거되지 않았습니다", "수거일이 지났는데 재활용품이 그대로 남아 있습니다"),
    "noise": ("심야 소음이 심합니다", "밤늦게까지 공사와 음악 소리 때문에 잠을 잘 수 없습니다"),
    "odor": ("하수구 악취가 납니다", "빗물받이에서 악취가 올라와 창문을 열 수 없습니다"),
    "air-quality": ("미세먼지 측정값 문의", "동네 미세먼지 수치가 높은데 측정소 자료를 어디서 볼 수 있는지 궁금합니다"),
    "construction-dust": ("공사장 먼지가 날립니다", "공사장에 방진막이 없어 먼지가 주택가로 날아옵니다"),
    "park-facility": ("공원 운동기구가 고장났습니다", "공원 운동기구의 나사가 빠져 흔들려 다칠 것 같습니다"),
    "street-tree": ("가로수 가지가 전선에 닿습니다", "가로수 가지가 너무 자라 간판과 전선을 가리고 있습니다"),
    "park-idea": ("공원에 그늘막 설치 제안", "여름에 쉴 곳이 없어 공원에 그늘막과 벤치를 더 설치해 주셨으면 합니다"),
    "streetlight": ("가로등이 꺼져 있습니다", "가로등이 꺼져 밤길이 너무 어둡고 무섭습니다"),
    "manhole": ("맨홀 뚜껑이 흔들립니다", "차가 지날 때마다 맨홀 뚜껑이 덜컹거리고 들려 있습니다"),
    "flooding": ("비가 오면 도로가 잠깁니다", "비만 오면 빗물이 빠지지 않아 도로와 반지하가 잠깁니다"),
    "unsafe-building": ("담장이 기울어 위험합니다", "오래된 담장이 기울어 무너질 것 같아 지나가기 무섭습니다"),
    "safety-idea": ("통학로 안전 펜스 제안", "초등학교 통학로에 안전 펜스를 설치해 주시기를 제안합니다"),
    "housing-inquiry": ("청년 임대주택 신청 문의", "청년 안심주택 신청 자격과 일정을 알고 싶습니다"),
    "building-law": ("증축 허가 기준 해석 요청", "단독주택 옥상 증축이 건축법상 허가 대상인지 해석을 요청합니다"),
    "lease-law": ("전세 계약 갱신 관련 문의", "계약갱신청구권을 행사할 수 있는 기간에 대해 법령 해석을 요청합니다"),
    "illegal-building": ("불법 건축물 신고", "옥상에 허가 없이 가건물을 지어 사용하고 있습니다"),
    "welfare-inquiry": ("기초연금 신청 문의", "부모님 기초연금 신청 방법과 필요한 서류를 알고 싶습니다"),
    "senior-care": ("어르신 돌봄 서비스 불편", "돌봄 서비스 방문 일정이 자주 바뀌어 불편합니다"),
    "benefit-law": ("주거급여 기준 해석 요청", "주거급여 소득 기준에 관한 조항의 해석을 요청합니다"),
    "welfare-idea": ("경로당 프로그램 제안", "경로당에 디지털 교육 프로그램을 마련해 주시기를 제안합니다"),
    "small-business": ("소상공인 대출 지원 문의", "소상공인 경영안정자금 신청 조건이 궁금합니다"),
    "market-idea": ("전통시장 주차장 제안", "전통시장 이용객을 위해 공영주차장을 만들어 주셨으면 합니다"),
    "civil-service": ("민원 처리가 늦어 불편합니다", "지난달 신청한 민원이 아직 처리되지 않아 답답합니다"),
    "city-idea": ("시정 제안드립니다", "시민 의견을 더 쉽게 낼 수 있도록 온라인 창구를 개선해 주세요"),
    "general-inquiry": ("시청 운영 시간 문의", "시청 민원실 운영 시간과 주차 가능 여부를 알고 싶습니다"),
    "ordinance-law": ("조례 조항 해석 요청", "서울시 조례의 지원 대상 조항이 어떻게 적용되는지 해석을 요청합니다"),
}
OPENINGS = ("안녕하세요.", "수고 많으십니다.", "민원 드립니다.", "", "", "도와주세요.")
PLACE_HINTS = (
    "{district} {road} 근처", "{station} {exit}번 출구 앞", "{district} 주민센터 맞은편", "{road} 사거리",
    "{district} {road} 골목", "{station} 버스 정류장 옆",
)  # fmt: skip
ROADS = (
    "세종대로", "테헤란로", "올림픽로", "도봉로", "동일로", "남부순환로", "시흥대로", "양화로", "한강대로",
    "왕십리로", "천호대로", "강남대로", "통일로", "망우로", "노해로", "신촌로", "영동대로", "목동로",
)  # fmt: skip
STATIONS = ("강남역", "신촌역", "잠실역", "노원역", "사당역", "신림역", "합정역", "수유역", "천호역", "서울역")
CLOSINGS = (
    "빠른 조치 부탁드립니다.", "확인 부탁드립니다.", "답변 기다리겠습니다.", "개선해 주시면 감사하겠습니다.",
    "벌써 여러 번 같은 일이 있었습니다.", "",
)  # fmt: skip
ANSWERS = (
    "현장을 확인하여 {date}에 조치를 완료하였습니다. 불편을 드려 죄송합니다.",
    "말씀하신 내용을 검토하여 담당 부서에서 {date}까지 정비할 예정입니다.",
    "문의하신 사항은 관련 규정에 따라 다음과 같이 안내드립니다. 자세한 내용은 담당 부서로 연락 주시기 바랍니다.",
    "제안해 주신 의견은 내년도 사업 계획 수립 시 적극 검토하겠습니다. 소중한 의견 감사합니다.",
    "해당 위치를 점검하여 보수를 마쳤으며, 재발하지 않도록 정기 순찰을 강화하겠습니다.",
)  # fmt: skip
REJECTIONS = (
    ("서울시 소관이 아닌 사안으로 처리할 수 없습니다.", "관할 기관(국민권익위원회 등)에 다시 신청하실 수 있습니다."),
    ("동일한 내용의 민원이 이미 처리되어 다시 처리하지 않습니다.", "처리 결과에 이의가 있으시면 통지를 받은 날부터 90일 이내에 이의신청하실 수 있습니다."),
    ("민원 내용이 구체적이지 않아 처리할 수 없습니다.", "내용을 보완하여 다시 신청하시거나 90일 이내에 이의신청하실 수 있습니다."),
)  # fmt: skip
TRANSFER_REASONS = ("소관 부서가 아니어서 이송합니다.", "현장 관리 부서로 이송합니다.", "담당 업무 조정으로 이송합니다.")
DISPUTE_REASONS = ("우리 부서 소관이 아닙니다.", "시설 관리 주체가 다른 부서입니다.")
RATING_COMMENTS = ("빨리 처리해 주셔서 감사합니다.", "", "", "답변이 구체적이지 않습니다.", "조치가 아직 안 되었습니다.")


class ComplaintText:
    """Titles, descriptions and answers bound to one random generator and the district names."""

    def __init__(self, rng, district_names: dict):
        self.rng = rng
        self.district_names = district_names  # code → Korean name
        self._names = list(district_names.values()) or ["서울"]

    def place(self, district_code=None) -> str:
        rng = self.rng
        district = self.district_names.get(district_code) if district_code else rng.choice(self._names)
        return rng.choice(PLACE_HINTS).format(
            district=district, road=rng.choice(ROADS), station=rng.choice(STATIONS), exit=rng.randint(1, 8)
        )

    def address(self, district_code) -> str:
        rng = self.rng
        district = self.district_names.get(district_code, "")
        return f"서울특별시 {district} {rng.choice(ROADS)} {rng.randint(1, 300)}".replace("  ", " ")

    def complaint(self, category_code, district_code=None) -> tuple[str, str]:
        rng = self.rng
        title, core = SUBJECTS[category_code]
        place = self.place(district_code)
        parts = [rng.choice(OPENINGS), f"{place}에 관한 민원입니다.", f"{core}.", rng.choice(CLOSINGS)]
        return f"{place} {title}"[:120], " ".join(part for part in parts if part)

    def answer(self, when) -> str:
        return self.rng.choice(ANSWERS).format(date=f"{when:%m월 %d일}")

    def rejection(self) -> tuple[str, str]:
        return self.rng.choice(REJECTIONS)
