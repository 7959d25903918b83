"""Demo documents: the Seoul Smart City and Informationalization Ordinance in two versions, and the
Smart City master plan. Idempotent (documents by slug, versions by number).

The texts are illustrative, not the law: they carry no article numbers and say so at the top. The
real ordinance is published on the national law information centre (www.law.go.kr).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..models import Document, DocumentVersion, OrgUnit

SEOUL = ZoneInfo("Asia/Seoul")

NOTICE_KO = ("※ 데모용 예시 본문입니다. 실제 조례의 조문 번호와 문구가 아니며, 정확한 내용은 "
             "국가법령정보센터(www.law.go.kr)의 자치법규에서 확인하십시오.")
NOTICE_EN = ("※ An illustrative demo text, not the ordinance's actual articles or wording. The official text "
             "is on the National Law Information Center (www.law.go.kr), under local laws.")

ORDINANCE_V1_KO = f"""{NOTICE_KO}

제1장 총칙
(목적) 이 조례는 「스마트도시 조성 및 산업진흥 등에 관한 법률」과 「지능정보화 기본법」에 따라 서울특별시의 스마트도시 조성과 정보화 추진에 필요한 사항을 정함을 목적으로 한다.
(정의) 이 조례에서 사용하는 용어의 뜻은 관계 법령에서 정하는 바에 따른다.
(시장의 책무) 시장은 시민 누구나 스마트도시 서비스를 차별 없이 이용할 수 있도록 노력하여야 한다.

제2장 스마트도시계획
(기본계획) 시장은 5년마다 스마트도시 기본계획을 수립하여야 한다.
(시행계획) 시장은 기본계획에 따라 해마다 시행계획을 수립하여 시행한다.

제3장 스마트도시위원회
(설치) 스마트도시와 정보화에 관한 주요 사항을 심의하기 위하여 서울특별시 스마트도시위원회를 둔다.
(구성) 위원회는 위원장을 포함하여 22명 이내의 위원으로 구성한다.
(임기) 위촉 위원의 임기는 2년으로 한다."""

ORDINANCE_V2_KO = f"""{NOTICE_KO}

제1장 총칙
(목적) 이 조례는 「스마트도시 조성 및 산업진흥 등에 관한 법률」과 「지능정보화 기본법」에 따라 서울특별시의 스마트도시 조성과 정보화 추진에 필요한 사항을 정함을 목적으로 한다.
(정의) 이 조례에서 사용하는 용어의 뜻은 관계 법령에서 정하는 바에 따른다.
(시장의 책무) 시장은 시민 누구나 스마트도시 서비스를 차별 없이 이용할 수 있도록 노력하여야 한다.
(디지털 취약계층 지원) 시장은 고령자와 장애인 등이 스마트도시 서비스를 이용할 수 있도록 교육과 대체 수단을 제공하여야 한다.

제2장 스마트도시계획
(기본계획) 시장은 5년마다 스마트도시 기본계획을 수립하여야 한다.
(시행계획) 시장은 기본계획에 따라 해마다 시행계획을 수립하여 시행한다.
(데이터 개방) 시장은 스마트도시 서비스로 생산된 데이터를 개인정보를 보호하면서 시민에게 개방하여야 한다.

제3장 스마트도시위원회
(설치) 스마트도시와 정보화에 관한 주요 사항을 심의하기 위하여 서울특별시 스마트도시위원회를 둔다.
(구성) 위원회는 위원장을 포함하여 22명 이내의 위원으로 구성하며, 당연직 위원은 5명, 위촉 위원은 17명으로 한다.
(임기) 위촉 위원의 임기는 2년으로 하며, 한 차례만 연임할 수 있다."""

ORDINANCE_V1_EN = f"""{NOTICE_EN}

Chapter 1 General provisions
(Purpose) This ordinance sets out what the Seoul Metropolitan Government needs to build a smart city and advance informatisation, under the Smart City Act and the Framework Act on Intelligent Informatization.
(Definitions) Terms used in this ordinance have the meaning given in the relevant laws.
(Duty of the Mayor) The Mayor shall strive to let every citizen use smart city services without discrimination.

Chapter 2 Smart city plans
(Master plan) The Mayor shall draw up a smart city master plan every five years.
(Implementation plans) The Mayor shall draw up and carry out a yearly implementation plan under the master plan.

Chapter 3 Smart City Committee
(Establishment) A Seoul Smart City Committee is established to deliberate on major matters of the smart city and informatisation.
(Composition) The committee has no more than 22 members, including its chair.
(Term) Commissioned members serve a term of two years."""

ORDINANCE_V2_EN = f"""{NOTICE_EN}

Chapter 1 General provisions
(Purpose) This ordinance sets out what the Seoul Metropolitan Government needs to build a smart city and advance informatisation, under the Smart City Act and the Framework Act on Intelligent Informatization.
(Definitions) Terms used in this ordinance have the meaning given in the relevant laws.
(Duty of the Mayor) The Mayor shall strive to let every citizen use smart city services without discrimination.
(Support for the digitally excluded) The Mayor shall provide training and alternative channels so that older people, people with disabilities and others can use smart city services.

Chapter 2 Smart city plans
(Master plan) The Mayor shall draw up a smart city master plan every five years.
(Implementation plans) The Mayor shall draw up and carry out a yearly implementation plan under the master plan.
(Open data) The Mayor shall open the data produced by smart city services to citizens while protecting personal information.

Chapter 3 Smart City Committee
(Establishment) A Seoul Smart City Committee is established to deliberate on major matters of the smart city and informatisation.
(Composition) The committee has no more than 22 members, including its chair: 5 ex officio members and 17 commissioned members.
(Term) Commissioned members serve a term of two years, renewable once."""

MASTER_PLAN_KO = """※ 데모용 예시 본문입니다. 실제 기본계획의 내용과 수치가 아닙니다.

비전: 시민과 함께 만드는 스마트 서울

추진 전략
1. 시민 참여: 리빙랩과 온라인 참여 채널로 시민이 과제를 제안하고 평가합니다.
2. 데이터 기반 행정: 도시 데이터를 모으고 개방하여 정책 결정에 활용합니다.
3. 디지털 포용: 누구도 소외되지 않도록 디지털 취약계층을 지원합니다.
4. 신기술 실증: 사물인터넷, 블록체인, 인공지능, 빅데이터, 공간정보 기술을 도시 문제 해결에 시험합니다.

추진 체계
스마트도시정책관이 계획을 총괄하고, 스마트도시위원회가 심의하며, 서울연구원과 서울디지털재단이 연구와 실증을 맡습니다."""

MASTER_PLAN_EN = """※ An illustrative demo text, not the contents or figures of the actual master plan.

Vision: a smart Seoul made with its citizens

Strategies
1. Citizen participation: citizens propose and evaluate projects through living labs and online channels.
2. Data-driven administration: city data is collected, opened and used in policy decisions.
3. Digital inclusion: support for the digitally excluded, so that no one is left behind.
4. New technology pilots: IoT, blockchain, AI, big data and spatial data are tried on the city's problems.

Governance
The Smart City Policy Bureau leads the plan, the Smart City Committee deliberates on it, and The Seoul Institute and the Seoul Digital Foundation carry out research and pilots."""

DOCUMENTS = [
    {
        "slug": "seoul-smart-city-ordinance",
        "kind": Document.Kind.ORDINANCE,
        "title_ko": "서울특별시 스마트도시 및 정보화 조례",
        "title_en": "Seoul Smart City and Informationalization Ordinance",
        "summary_ko": "서울시 스마트도시 조성과 정보화, 스마트도시위원회에 관한 조례입니다 (데모 본문).",
        "summary_en": "The ordinance on Seoul's smart city, informatisation and the Smart City Committee "
                      "(demo text).",
        "owner": "smart-city-policy-division",
        "period": (None, None),
        "versions": [
            {"body_ko": ORDINANCE_V1_KO, "body_en": ORDINANCE_V1_EN,
             "changelog_ko": "제정 (데모용 예시)", "changelog_en": "Enacted (illustrative demo)",
             "effective_on": date(2023, 1, 1), "published_at": datetime(2022, 12, 20, 10, 0, tzinfo=SEOUL)},
            {"body_ko": ORDINANCE_V2_KO, "body_en": ORDINANCE_V2_EN,
             "changelog_ko": "- 위원회 구성에 당연직 위원 5명, 위촉 위원 17명을 명시\n- 위촉 위원의 연임을 한 차례로 제한\n"
                             "- 디지털 취약계층 지원과 데이터 개방 조항 신설\n(데모용 예시 개정)",
             "changelog_en": "- The committee's composition names 5 ex officio and 17 commissioned members\n"
                             "- Commissioned members may be renewed once only\n"
                             "- New provisions on support for the digitally excluded and on open data\n"
                             "(illustrative demo amendment)",
             "effective_on": date(2025, 1, 1), "published_at": datetime(2024, 12, 20, 10, 0, tzinfo=SEOUL)},
        ],
    },
    {
        "slug": "smart-city-master-plan",
        "kind": Document.Kind.MASTER_PLAN,
        "title_ko": "서울특별시 스마트도시 기본계획",
        "title_en": "Seoul Smart City Master Plan",
        "summary_ko": "5년마다 수립하는 서울시 스마트도시 기본계획입니다 (데모 본문).",
        "summary_en": "Seoul's smart city master plan, drawn up every five years (demo text).",
        "owner": "smart-city-policy-division",
        "period": (2025, 2029),
        "versions": [
            {"body_ko": MASTER_PLAN_KO, "body_en": MASTER_PLAN_EN,
             "changelog_ko": "수립 (데모용 예시)", "changelog_en": "Adopted (illustrative demo)",
             "effective_on": date(2025, 1, 1), "published_at": datetime(2024, 12, 27, 10, 0, tzinfo=SEOUL)},
        ],
    },
]


def seed():
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in={spec["owner"] for spec in DOCUMENTS})}
    for spec in DOCUMENTS:
        start, end = spec["period"]
        document, _created = Document.objects.update_or_create(
            slug=spec["slug"],
            defaults={"kind": spec["kind"], "title_ko": spec["title_ko"], "title_en": spec["title_en"],
                      "summary_ko": spec["summary_ko"], "summary_en": spec["summary_en"],
                      "owner_unit": units[spec["owner"]], "period_start_year": start, "period_end_year": end},
        )
        for number, version in enumerate(spec["versions"], start=1):
            DocumentVersion.objects.update_or_create(document=document, number=number, defaults=version)
