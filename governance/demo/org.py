"""Demo organisation: the Smart City Policy Bureau as control tower, its divisions and teams, and
the two affiliated institutions that do the city's smart-city research. Idempotent (by code).

The structure follows the one the city describes for Smart Seoul; the second division and the
team names are illustrative. Contact data is the city's and the institutes' public channels only.
"""

from datetime import date

from citizens.models import Citizen, email_blind_index

from ..models import OrgAssignment, OrgUnit
from ..services.org import org_unit_check_placement

SMG_PHONE = "02-120"  # the Dasan Call Center, Seoul's public line for every department
SMG_WEBSITE = "https://www.seoul.go.kr"

# code, kind, parent code, Korean name, English name, Korean mandate, English mandate, extra fields
UNITS = [
    (
        "smart-city-policy-bureau", OrgUnit.Kind.BUREAU, None, "스마트도시정책관", "Smart City Policy Bureau",
        "서울시 스마트도시 정책의 컨트롤타워로서 스마트도시 기본계획을 총괄하고, 실·국과 투자·출연기관의 "
        "디지털 사업을 조정합니다.",
        "The control tower of Smart Seoul: leads the smart city master plan and coordinates the digital "
        "projects of the city's offices and affiliated institutions.",
        {"phone": SMG_PHONE, "website": SMG_WEBSITE, "order": 1},
    ),
    (
        "smart-city-policy-division", OrgUnit.Kind.DIVISION, "smart-city-policy-bureau", "스마트도시정책과",
        "Smart City Policy Division",
        "스마트도시 정책과 조례, 기본계획의 수립과 평가를 맡고 스마트도시위원회를 운영합니다.",
        "Drafts and evaluates smart city policy, the ordinance and the master plan, and runs the Smart City "
        "Committee.",
        {"phone": SMG_PHONE, "website": SMG_WEBSITE, "order": 1},
    ),
    (
        "digital-cooperation-team", OrgUnit.Kind.TEAM, "smart-city-policy-division", "디지털협력팀",
        "Digital Cooperation Team",
        "자치구, 중앙정부, 해외 도시와의 스마트도시 협력과 시민 참여형 리빙랩을 담당합니다.",
        "Smart city cooperation with the districts, the national government and cities abroad, and "
        "citizen living labs.",
        {"order": 1},
    ),
    (
        "iot-team", OrgUnit.Kind.TEAM, "smart-city-policy-division", "사물인터넷팀", "Internet of Things Team",
        "도시 데이터 센서와 사물인터넷 통신망을 구축·운영합니다.",
        "Builds and runs the city's data sensors and Internet of Things networks.",
        {"order": 2},
    ),
    (
        "blockchain-team", OrgUnit.Kind.TEAM, "smart-city-policy-division", "블록체인팀", "Blockchain Team",
        "행정 서비스의 블록체인 적용과 참여 기록의 검증 가능성을 담당합니다.",
        "Applies blockchain to city services and keeps participation records verifiable.",
        {"order": 3},
    ),
    (
        "data-policy-division", OrgUnit.Kind.DIVISION, "smart-city-policy-bureau", "데이터정책과",
        "Data Policy Division",
        "데이터 기반 행정과 공공데이터 개방, 인공지능 활용 정책을 맡습니다.",
        "Data-driven administration, open public data and the city's use of artificial intelligence.",
        {"phone": SMG_PHONE, "website": SMG_WEBSITE, "order": 2},
    ),
    (
        "ai-team", OrgUnit.Kind.TEAM, "data-policy-division", "인공지능팀", "Artificial Intelligence Team",
        "민원 분석, 행정 업무 자동화 등 인공지능 서비스를 기획하고 검증합니다.",
        "Plans and tests AI services such as complaint analysis and the automation of routine work.",
        {"order": 1},
    ),
    (
        "big-data-team", OrgUnit.Kind.TEAM, "data-policy-division", "빅데이터팀", "Big Data Team",
        "도시 데이터를 모아 분석하고 열린데이터광장으로 개방합니다.",
        "Collects and analyses city data and opens it through the Seoul Open Data Plaza.",
        {"order": 2},
    ),
    (
        "spatial-data-team", OrgUnit.Kind.TEAM, "data-policy-division", "공간정보팀", "Spatial Data Team",
        "3차원 공간정보와 디지털트윈(S-Map)을 구축하고 도시계획에 활용하도록 지원합니다.",
        "Builds 3D spatial data and the S-Map digital twin, and supports their use in urban planning.",
        {"order": 3},
    ),
    (
        "seoul-institute", OrgUnit.Kind.AFFILIATE, None, "서울연구원", "The Seoul Institute",
        "서울시의 도시 정책을 연구하는 출연 연구기관으로, 스마트도시 정책 연구를 수행합니다.",
        "The city's policy research institute; carries out urban and smart city policy research.",
        {"website": "https://www.si.re.kr", "order": 10},
    ),
    (
        "seoul-digital-foundation", OrgUnit.Kind.AFFILIATE, None, "서울디지털재단", "Seoul Digital Foundation",
        "서울시 출연기관으로 디지털 기술 연구와 시민 디지털 역량 강화, 스마트도시 기술 실증을 담당합니다.",
        "A foundation of the city for digital technology research, citizens' digital skills and smart city "
        "pilots.",
        {"website": "https://sdf.seoul.kr", "order": 11},
    ),
]

# unit code, Korean position title, English position title: the heads shown on the chart.
HEADS = [
    ("smart-city-policy-bureau", "스마트도시정책관", "Director General for Smart City Policy"),
    ("smart-city-policy-division", "스마트도시정책과장", "Director of the Smart City Policy Division"),
    ("data-policy-division", "데이터정책과장", "Director of the Data Policy Division"),
    ("digital-cooperation-team", "디지털협력팀장", "Head of the Digital Cooperation Team"),
    ("iot-team", "사물인터넷팀장", "Head of the Internet of Things Team"),
    ("blockchain-team", "블록체인팀장", "Head of the Blockchain Team"),
    ("ai-team", "인공지능팀장", "Head of the Artificial Intelligence Team"),
    ("big-data-team", "빅데이터팀장", "Head of the Big Data Team"),
    ("spatial-data-team", "공간정보팀장", "Head of the Spatial Data Team"),
]
HEADS_SINCE = date(2025, 1, 1)


def seed():
    units = {}
    for code, kind, parent_code, name_ko, name_en, mandate_ko, mandate_en, extra in UNITS:
        parent = units[parent_code] if parent_code else None
        org_unit_check_placement(kind=kind, parent=parent)
        units[code], _created = OrgUnit.objects.update_or_create(
            code=code,
            defaults={"kind": kind, "parent": parent, "name_ko": name_ko, "name_en": name_en,
                      "mandate_ko": mandate_ko, "mandate_en": mandate_en, "is_active": True, **extra},
        )
    for code, title_ko, title_en in HEADS:
        official = _demo_official(code, title_ko)
        unit = units[code]
        current = OrgAssignment.objects.filter(unit=unit, role=OrgAssignment.Role.HEAD, ended_on__isnull=True).first()
        if current is None:
            OrgAssignment.objects.create(unit=unit, official=official, role=OrgAssignment.Role.HEAD,
                                         title_ko=title_ko, title_en=title_en, started_on=HEADS_SINCE)
        elif (current.title_ko, current.title_en) != (title_ko, title_en):
            current.title_ko, current.title_en = title_ko, title_en
            current.save(update_fields=["title_ko", "title_en"])
    return units


def _demo_official(code, title_ko):
    """A staff account per head, without a password (nobody signs in as them)."""
    email = f"head.{code}@demo.seoul.example"
    official = Citizen.objects.filter(email_index=email_blind_index(email)).first()
    if official is None:
        official = Citizen.objects.create_user(email=email, name=f"{title_ko} (데모)", is_staff=True)
    return official
