"""The world of the authorization matrix (test_authorization_matrix.py): one of each role, and real
objects for every URL parameter, each object with an owner where the site has owners.

Roles: anonymous, citizen (signed in, consented, profile complete, phone not verified), verified
citizen, official of unit A, official of unit B (staff with an org assignment and no model
permission: what the back office opens to them comes from the unit), committee member (a verified
citizen serving on the committee of an open review item), superuser. A second verified citizen,
the stranger, owns the "someone else's" objects.

Unit A's complaint is filed by the verified citizen, unit B's by the stranger; each carries unique
markers (description, name, email) that the leak checks look for in every response.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

ROLES = ("anonymous", "citizen", "verified", "official_a", "official_b", "member", "superuser")

# Text that identifies a complaint or a person: it appears only where that party may look.
MARKER_A = "AUTHZMARKERUNITA7731"
MARKER_B = "AUTHZMARKERUNITB8842"
NAME_VERIFIED = "김검증7731"
NAME_STRANGER = "박타인8842"
EMAIL_VERIFIED = "verified-7731@authz.example"
EMAIL_STRANGER = "stranger-8842@authz.example"
PHONE_STRANGER = "+821077008842"


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)
    # objects[kind][owner role] for the objects that have an owner ("stranger" for not-owned).
    owned: dict = field(default_factory=dict)


def _person(*, phone, verified=True, name="", email="", district="11680", **fields):
    from citizens.consents import purposes
    from citizens.models import Citizen, District
    from citizens.services import consent_record

    person = Citizen.objects.create_user(phone=phone, notify_by=Citizen.NotifyBy.SMS, **fields)
    person.district = District.objects.get(code=district)
    person.residence_basis = Citizen.ResidenceBasis.LIVES
    person.birth_date = date(1985, 3, 1)
    person.gender = "female"
    person.profile_completed_at = timezone.now()
    if name:
        person.name = name
    if email:
        person.email = email
    if verified:
        person.phone_verified_at = timezone.now()
    person.save()
    consent_record(citizen=person, answers={item.key: True for item in purposes()})
    return Citizen.objects.get(pk=person.pk)


def _official(unit, phone, email):
    from governance.models import OrgAssignment

    person = _person(phone=phone, email=email, is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


def build_world() -> World:
    from citizens.districts import load_seoul_districts
    from citizens.models import Citizen, District

    if District.objects.count() < 25:
        load_seoul_districts(District)

    from governance.models import OrgUnit

    # Two bureaus: an official of one sees nothing of the other (units below one's own count).
    unit_a = OrgUnit.objects.create(code="authz-roads", kind=OrgUnit.Kind.BUREAU, name_ko="교통실",
                                    name_en="Transportation Office")  # fmt: skip
    unit_b = OrgUnit.objects.create(code="authz-parks", kind=OrgUnit.Kind.BUREAU, name_ko="푸른도시여가국",
                                    name_en="Parks and Leisure Bureau")  # fmt: skip
    superuser = Citizen.objects.create_superuser(email="authz-root@seoul.example", password=None)
    users = {
        "citizen": _person(phone="+821077001111", verified=False),
        "verified": _person(phone="+821077007731", name=NAME_VERIFIED, email=EMAIL_VERIFIED),
        "stranger": _person(phone=PHONE_STRANGER, name=NAME_STRANGER, email=EMAIL_STRANGER),
        "official_a": _official(unit_a, "+821077002221", "official-a@authz.example"),
        "official_b": _official(unit_b, "+821077002222", "official-b@authz.example"),
        "member": _person(phone="+821077003333"),
        "superuser": superuser,
    }
    world = World(users=users)
    world.objects.update(unit_a=unit_a, unit_b=unit_b)
    _governance(world)
    _proposals(world)
    _voting(world)
    _budgeting(world)
    _complaints(world)
    _admin_objects(world)
    return world


def _governance(world):
    from governance import demo
    from governance.models import (
        AgendaItem,
        Committee,
        Document,
        DrawRecord,
        Meeting,
        Membership,
        ResearchProject,
    )

    demo.seed()
    item = AgendaItem.objects.filter(status=AgendaItem.Status.OPEN).order_by("pk").first()
    item.review_deadline = timezone.now() + timedelta(days=7)
    item.save(update_fields=["review_deadline"])
    today = timezone.localdate()
    Membership.objects.create(
        committee=item.committee, person=world.users["member"], public_name="위원 권한", kind=Membership.Kind.COMMISSIONED,
        term_start=today - timedelta(days=30), term_end=today + timedelta(days=700),
    )
    world.objects.update(
        item=item,
        committee=Committee.objects.order_by("pk").first(),
        meeting=Meeting.objects.order_by("pk").first(),
        draw=DrawRecord.objects.select_related("committee").order_by("pk").first(),
        document=Document.objects.order_by("pk").first(),
        research=ResearchProject.objects.order_by("pk").first(),
    )


def _proposals(world):
    from django.utils import timezone

    from citizens.models import District
    from proposals.models import Category, Proposal, Question
    from proposals.services import proposal_create_draft, proposal_publish
    from proposals.services.comments import comment_post
    from proposals.services.debate import debate_take_stance

    category = Category.objects.create(slug="authz-roads", name_ko="도로", name_en="Roads",
                                       default_unit=world.objects["unit_a"])  # fmt: skip
    gangnam = District.objects.get(code="11680")
    drafts, published, comments = {}, {}, {}
    for owner in ("verified", "stranger"):
        author = world.users[owner]
        drafts[owner] = proposal_create_draft(author=author, title=f"초안 {owner}", body="초안 본문입니다.",
                                              category=category, district=gangnam)  # fmt: skip
        draft = proposal_create_draft(author=author, title=f"제안 {owner}", body="공개된 제안입니다.",
                                      category=category, district=gangnam)  # fmt: skip
        published[owner] = proposal_publish(author=author, proposal=draft)
    for owner in ("verified", "stranger"):
        comments[owner] = comment_post(author=world.users[owner], proposal=published["stranger"], body=f"댓글 {owner}")
    now = timezone.now()
    Proposal.objects.filter(pk=published["stranger"].pk).update(
        status=Proposal.Status.IN_DEBATE, debate_opens_at=now - timedelta(days=1), debate_closes_at=now + timedelta(days=29)
    )
    stances = {
        owner: debate_take_stance(citizen=world.users[owner], proposal=Proposal.objects.get(pk=published["stranger"].pk),
                                  stance="for", argument=f"토론 의견 {owner}입니다. 근거를 들어 설명합니다.")
        for owner in ("verified", "stranger")
    }  # fmt: skip
    question = Question.objects.create(
        title="시가 묻습니다", body="의견을 주세요.", kind=Question.Kind.YES_NO, unit=world.objects["unit_a"],
        created_by=world.users["superuser"], status=Question.Status.OPEN, opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    world.owned.update(draft=drafts, proposal=published, comment=comments, stance=stances)
    world.objects.update(debate=published["stranger"], question=question)


def _voting(world):
    from voting.services import poll_create, poll_publish

    now = timezone.now()
    poll = poll_create(
        actor=world.users["superuser"], kind="policy", title="심야 버스 노선 확대",
        options=[{"label": "찬성"}, {"label": "반대"}], opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7), org_unit=world.objects["unit_a"], now=now - timedelta(hours=2),
    )
    world.objects["poll"] = poll_publish(actor=world.users["superuser"], poll=poll, now=now - timedelta(hours=1))


def _budgeting(world):
    from budgeting.models import PHASE_ORDER, Cycle, Phase, Pot, Sector
    from budgeting.services.projects import project_create, project_submit
    from governance.models import Committee

    committee = Committee.objects.create(slug="authz-pb", kind=Committee.Kind.BUDGET, name_ko="시민참여예산위원회",
                                         name_en="PB Committee", max_members=300)  # fmt: skip
    cycle = Cycle.objects.create(year=timezone.localdate().year, title_ko="시민참여예산", title_en="PB",
                                 org_unit=world.objects["unit_a"], committee=committee)  # fmt: skip
    pot = Pot.objects.create(cycle=cycle, name_ko="시 전체", name_en="City-wide", total=1_000_000_000,
                             project_cap=300_000_000)  # fmt: skip
    sector = Sector.objects.create(cycle=cycle, slug="welfare", name_ko="복지", name_en="Welfare")
    now = timezone.now()
    for position, kind in enumerate(PHASE_ORDER):
        starts_at = now - timedelta(days=5) + timedelta(days=10 * position)
        Phase.objects.create(cycle=cycle, kind=kind, starts_at=starts_at, ends_at=starts_at + timedelta(days=10))
    drafts = {}
    for owner in ("verified", "stranger"):
        drafts[owner] = project_create(
            actor=world.users[owner], cycle=cycle, pot=pot, sector=sector, title=f"사업 {owner}",
            description="동네 쉼터를 만들어 주세요.", location="역삼동 공원", estimated_cost=50_000_000,
        )
    submitted = project_create(actor=world.users["stranger"], cycle=cycle, pot=pot, sector=sector, title="제출된 사업",
                               description="공원 그늘막 설치", location="역삼동", estimated_cost=40_000_000)  # fmt: skip
    world.owned["project"] = drafts
    world.objects.update(cycle=cycle, pot=pot, project=project_submit(actor=world.users["stranger"], project=submitted))


def _complaints(world):
    from complaints.models import Category, ComplaintType
    from complaints.services.intake import Filer, Location, complaint_file

    categories = {
        "a": Category.objects.create(service_code="authz-pothole", name_ko="도로 파손", name_en="Pothole",
                                     complaint_type=ComplaintType.GRIEVANCE, default_unit=world.objects["unit_a"]),
        "b": Category.objects.create(service_code="authz-park", name_ko="공원 제안", name_en="Park suggestion",
                                     complaint_type=ComplaintType.SUGGESTION, default_unit=world.objects["unit_b"]),
    }  # fmt: skip
    city_hall = Location(latitude=37.566535, longitude=126.977969)
    complaint_a = complaint_file(channel="web", category=categories["a"], filer=Filer(citizen=world.users["verified"]),
                                 description=f"보도블록이 깨져 있습니다. {MARKER_A}", location=city_hall)  # fmt: skip
    complaint_b = complaint_file(channel="web", category=categories["b"], filer=Filer(citizen=world.users["stranger"]),
                                 description=f"공원에 그늘막을 놓아 주세요. {MARKER_B}", location=city_hall)  # fmt: skip
    own_citizen = complaint_file(channel="web", category=categories["a"], filer=Filer(citizen=world.users["citizen"]),
                                 description="가로등이 꺼져 있습니다.", location=city_hall)  # fmt: skip
    world.owned["complaint"] = {"verified": complaint_a, "stranger": complaint_b, "citizen": own_citizen}
    world.objects.update(complaint_a=complaint_a, complaint_b=complaint_b, complaint_category=categories["a"])


def _admin_objects(world):
    """One object of each model the back office registers (the first one, or the world's own)."""
    from django.contrib import admin

    chosen = {
        "complaints.complaint": world.objects["complaint_a"],
        "citizens.citizen": world.users["stranger"],
        "proposals.proposal": world.owned["proposal"]["stranger"],
        "budgeting.project": world.objects["project"],
        "voting.poll": world.objects["poll"],
        "governance.agendaitem": world.objects["item"],
    }
    objects = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        objects[label] = chosen.get(label) or model._default_manager.order_by("pk").first()
    world.objects["admin"] = objects
    world.objects["content_type"] = ContentType.objects.get_for_model(world.owned["proposal"]["stranger"])


# --- The URL patterns, one entry per pattern (Korean; English repeats them under /en/) ----------

ADMIN_ACTIONS = ("changelist", "add", "history", "delete", "change")


def url_patterns():
    """Yield (key, route, callback) for every URL pattern: the key is the pattern's namespaced
    name, or "admin:<app>_<model>_redirect" for the admin's unnamed object URL."""
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import LocalePrefixPattern

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                part = "" if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry.url_patterns, prefix + part, inner)
            else:
                route = prefix + str(entry.pattern)
                name = entry.name
                if name is None and route.startswith("admin/") and route.endswith("/<path:object_id>/"):
                    app, model = route.split("/")[1:3]
                    name = f"{app}_{model}_redirect"
                elif name is None and route == "admin/(?P<url>.*)$":
                    name = "catch_all"
                yield f"{namespace}{name}", route, entry.callback

    yield from walk(get_resolver().url_patterns, "", "")


# --- Requests ---------------------------------------------------------------------------------

OWNED_KINDS = {"draft", "proposal", "comment", "stance", "project", "complaint"}


def owner_cases(world, role, kind):
    """[(case, object)]: "own" when the world gives `role` an object of `kind`, and "other" (the
    stranger's); a URL without an owned object has the single case "-"."""
    if kind is None:
        return [("-", None)]
    cases = []
    if role in world.owned[kind]:
        cases.append(("own", world.owned[kind][role]))
    cases.append(("other", world.owned[kind]["stranger"]))
    return cases


def signed_in_client(world, role):
    from django.test import Client

    from citizens.backends import PASSWORD_BACKEND, PHONE_CODE_BACKEND

    client = Client(raise_request_exception=False)
    if role != "anonymous":
        # Officials and the superuser sign in with a password (the back office asks for one);
        # citizens and committee members with an SMS code.
        backend = PASSWORD_BACKEND if role in ("official_a", "official_b", "superuser") else PHONE_CODE_BACKEND
        client.force_login(world.users[role], backend=backend)
    return client


def status_class(response) -> str:
    """"200" for any success, "login" / "admin_login" for a redirect to a sign-in page,
    "redirect" for another redirect, else the status code."""
    from django.urls import reverse

    code = response.status_code
    if 200 <= code < 300:
        return "200"
    if code in (301, 302, 303, 307):
        location = response.headers.get("Location", "")
        if location.startswith("/admin/login/"):
            return "admin_login"
        if location.split("?")[0] in (reverse("citizens:signin"), "/en" + reverse("citizens:signin")):
            return "login"
        return "redirect"
    return str(code)


# --- Paths: each pattern's parameters filled with the world's objects ------------------------

def _tracking(obj):
    return {"tracking_number": obj.tracking_number}


def _claim_token(world, obj):
    from complaints.notifications import filer_link_token

    return {"token": filer_link_token(obj)}


# key -> (owned kind or None, kwargs(world, owned object)); keys not here take no parameter.
PARAMETERS = {
    "proposals:detail": ("proposal", lambda w, o: {"pk": o.pk}),
    "proposals:edit": ("draft", lambda w, o: {"pk": o.pk}),
    "proposals:publish": ("draft", lambda w, o: {"pk": o.pk}),
    "proposals:support": (None, lambda w, o: {"pk": w.owned["proposal"]["verified"].pk}),
    "proposals:withdraw": (None, lambda w, o: {"pk": w.owned["proposal"]["verified"].pk}),
    "proposals:follow": (None, lambda w, o: {"pk": w.owned["proposal"]["verified"].pk}),
    "proposals:image": (None, lambda w, o: {"pk": w.owned["proposal"]["verified"].pk}),
    "proposals:comments": (None, lambda w, o: {"pk": w.objects["debate"].pk}),
    "proposals:comment_edit": ("comment", lambda w, o: {"comment_id": o.pk}),
    "proposals:comment_report": ("comment", lambda w, o: {"comment_id": o.pk}),
    "proposals:debate_stance": (None, lambda w, o: {"pk": w.objects["debate"].pk}),
    "proposals:debate_arguments": (None, lambda w, o: {"pk": w.objects["debate"].pk}),
    "proposals:argument_helpful": ("stance", lambda w, o: {"stance_id": o.pk}),
    "proposals:question": (None, lambda w, o: {"pk": w.objects["question"].pk}),
    "proposals:question_vote": (None, lambda w, o: {"pk": w.objects["question"].pk}),
    "proposals:question_opinion": (None, lambda w, o: {"pk": w.objects["question"].pk}),
    "voting:onsite": (None, lambda w, o: {"pk": w.objects["poll"].pk, "token": "not-the-token"}),
    "voting:option_image": (None, lambda w, o: {"pk": w.objects["poll"].pk, "position": 1}),
    "budgeting:pot_results": (None, lambda w, o: {"cycle": w.objects["cycle"].pk, "pot": w.objects["pot"].pk}),
    "budgeting:project": ("project", lambda w, o: {"pk": o.pk}),
    "budgeting:project_edit": ("project", lambda w, o: {"pk": o.pk}),
    "budgeting:project_submit": ("project", lambda w, o: {"pk": o.pk}),
    "budgeting:project_withdraw": ("project", lambda w, o: {"pk": o.pk}),
    "budgeting:project_image": (None, lambda w, o: {"pk": w.objects["project"].pk}),
    "complaints:claim": ("complaint", _claim_token),
    "complaints:stats_csv": (None, lambda w, o: {"table": "volume"}),
    "complaints:detail": ("complaint", lambda w, o: _tracking(o)),
    "complaints:filed": ("complaint", lambda w, o: _tracking(o)),
    "complaints:follow": ("complaint", lambda w, o: _tracking(o)),
    "complaints:rate": ("complaint", lambda w, o: _tracking(o)),
    "complaints:reopen": ("complaint", lambda w, o: _tracking(o)),
    "complaints:photo": ("complaint", lambda w, o: {**_tracking(o), "position": 1}),
    "open311:discovery": (None, lambda w, o: {"format": "json"}),
    "open311:services": (None, lambda w, o: {"format": "json"}),
    "open311:service_definition": (None, lambda w, o: {"service_code": "authz-pothole", "format": "json"}),
    "open311:requests": (None, lambda w, o: {"format": "json"}),
    "open311:request": ("complaint", lambda w, o: {"service_request_id": o.tracking_number, "format": "json"}),
    "open311:token": (None, lambda w, o: {"token": "not-a-token", "format": "json"}),
    "opendata:csv": (None, lambda w, o: {"slug": "complaints"}),
    "opendata:json": (None, lambda w, o: {"slug": "complaints"}),
    "opendata:dataset": (None, lambda w, o: {"slug": "complaints"}),
    "governance:org_unit": (None, lambda w, o: {"code": w.objects["unit_a"].code}),
    "governance:research_detail": (None, lambda w, o: {"slug": w.objects["research"].slug}),
    "governance:document_detail": (None, lambda w, o: {"slug": w.objects["document"].slug}),
    "governance:document_diff": (None, lambda w, o: {"slug": w.objects["document"].slug}),
    "governance:draw_data": (None, lambda w, o: {"slug": w.objects["draw"].committee.slug, "pk": w.objects["draw"].pk}),
    "governance:meeting_detail": (None, lambda w, o: {"pk": w.objects["meeting"].pk}),
    "review:item": (None, lambda w, o: {"pk": w.objects["item"].pk}),
    "review:conflict": (None, lambda w, o: {"pk": w.objects["item"].pk}),
    "review:close": (None, lambda w, o: {"pk": w.objects["item"].pk}),
    "admin:view_on_site": (None, lambda w, o: {"content_type_id": w.objects["content_type"].pk,
                                               "object_id": w.owned["proposal"]["stranger"].pk}),
    "admin:app_list": (None, lambda w, o: {"app_label": "complaints"}),
    "admin:budgeting_cycle_assembly": (None, lambda w, o: {"cycle_id": w.objects["cycle"].pk}),
    "admin:budgeting_cycle_council": (None, lambda w, o: {"cycle_id": w.objects["cycle"].pk}),
    "admin:complaints_complaint_stats_csv": (None, lambda w, o: {"table": "volume"}),
}
# The URL parameters named after a whole app's objects.
BY_PARAMETER = {
    "pk": {"voting": "poll", "budgeting": "project"},
    "cycle": {"budgeting": "cycle"},
    "slug": {"governance": "committee"},
}


def admin_model(key):
    """The registered model an admin URL name belongs to ("admin:complaints_complaint_assign" →
    "complaints.complaint"), or None."""
    from django.contrib import admin

    if not key.startswith("admin:"):
        return None
    name = key.removeprefix("admin:")
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model._meta.label_lower
    return None


def path_for(world, key, route, obj):
    from django.urls import reverse

    if key in PARAMETERS:
        kwargs = PARAMETERS[key][1](world, obj)
    else:
        kwargs = {}
        app = key.split(":")[0]
        for parameter in ("pk", "cycle", "slug", "object_id", "position", "table"):
            if f":{parameter}>" not in route and f"<{parameter}>" not in route:
                continue
            if parameter == "object_id":
                target = world.objects["admin"][admin_model(key)]
                kwargs[parameter] = target.pk if target is not None else 999999
            elif parameter == "position":
                kwargs[parameter] = 1
            else:
                value = world.objects[BY_PARAMETER[parameter][app]]
                kwargs[parameter] = value.slug if parameter == "slug" else value.pk
    if key.endswith("_redirect"):
        return f"/{route.replace('<path:object_id>', str(kwargs['object_id']))}"
    if key == "open311:unknown":
        return "/open311/v2/no-such-resource.json"
    if key == "admin:catch_all":
        return "/admin/no-such-page/"
    return reverse(key, kwargs=kwargs)
