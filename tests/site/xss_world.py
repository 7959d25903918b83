"""The demo site with a cross-site scripting payload in every text that people write.

`build_world()` loads the demo data (the `seed_demo` command: every channel, every state), then
overwrites the text fields of its rows with payloads of tests/site/xss_corpus.py, rotating them so
that every payload lands in many fields and every field carries many payloads. The texts go in with
`update()`, past the services' own checks (proposals refuse tags at the door, for one): the pages
must stay safe whatever reached the database — an import, an older version of a form, the admin.
Each field has a slot number, so a marker names the payload and the field.

`crawl()` walks the site from the URL list of tests/site/urlwalk.py and the links, htmx URLs and
GET forms of each page it fetches, a few pages per URL shape, so both the unit tests (Django's
client) and the browser tests (the URLs it found) see every page that shows the texts.
"""

import re
from unittest import mock
from urllib.parse import urlsplit

from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command

from .markup import parse
from .urlwalk import all_urls
from .xss_corpus import MARKER_RE, PAYLOADS

# Text that citizens, officials and committee members write, and that some page, export or message
# shows. Codes, hashes, keys and phone numbers are left alone: no form writes them.
TARGETS = {
    "citizens.Citizen": ["name"],
    "notifications.Notification": ["subject", "body"],
    "governance.Committee": ["name_ko", "name_en", "legal_basis_ko", "legal_basis_en", "mandate_ko", "mandate_en"],
    "governance.Membership": ["public_name", "affiliation_ko", "affiliation_en", "expertise_ko", "expertise_en"],
    "governance.Document": ["title_ko", "title_en", "summary_ko", "summary_en"],
    "governance.DocumentVersion": ["body_ko", "body_en", "changelog_ko", "changelog_en"],
    "governance.Meeting": ["title_ko", "title_en", "place_ko", "place_en", "minutes_ko", "minutes_en"],
    "governance.AgendaItem": ["title_ko", "title_en", "description_ko", "description_en", "resolution_ko",
                              "resolution_en"],
    "governance.OrgUnit": ["name_ko", "name_en", "mandate_ko", "mandate_en"],
    "governance.OrgAssignment": ["title_ko", "title_en"],
    "governance.ResearchProject": ["title_ko", "title_en", "summary_ko", "summary_en", "policy_ko", "policy_en"],
    "governance.ResearchOutput": ["title_ko", "title_en"],
    "governance.Review": ["opinion"],
    "governance.ConflictDeclaration": ["reason"],
    "proposals.Category": ["name_ko", "name_en"],
    "proposals.Proposal": ["title", "body", "answer_reason", "implementation_plan", "promotion_reason", "mayor_answer",
                           "image_alt"],
    "proposals.Assignment": ["reason"],
    "proposals.StageChange": ["reason"],
    "proposals.Comment": ["body", "moderation_reason"],
    "proposals.DebateStance": ["argument"],
    "proposals.Milestone": ["title", "description"],
    "proposals.Question": ["title", "body", "conclusion"],
    "proposals.QuestionOpinion": ["body"],
    "voting.Poll": ["title", "description", "close_reason", "rejection_reason", "hidden_reason"],
    "voting.PollOption": ["label", "description", "image_alt"],
    "voting.PolicyReflection": ["note"],
    "voting.PollReport": ["detail"],
    "budgeting.Cycle": ["title_ko", "title_en", "description_ko", "description_en", "source_name", "assembly_note",
                        "council_note"],
    "budgeting.Pot": ["name_ko", "name_en"],
    "budgeting.Sector": ["name_ko", "name_en"],
    "budgeting.EligibilityDeclaration": ["place"],
    "budgeting.Project": ["title", "summary", "description", "location", "beneficiaries", "image_alt", "legal_review",
                          "technical_review", "cost_reason", "infeasible_reason"],
    "budgeting.Milestone": ["title_ko", "title_en", "note_ko", "note_en"],
    "budgeting.ImplementationNote": ["author_name", "body", "answer"],
    "budgeting.ProjectResult": ["adjustment_reason"],
    "complaints.Category": ["name_ko", "name_en", "description_ko", "description_en", "notice_ko", "notice_en"],
    "complaints.CategoryQuestion": ["prompt_ko", "prompt_en"],
    "complaints.Complaint": ["title", "description", "address", "contact_name", "answer", "rejection_reason",
                             "rejection_remedy"],
    "complaints.ComplaintPhoto": ["alt"],
    "complaints.ComplaintEvent": ["note"],
    "complaints.Transfer": ["reason", "dispute_reason"],
    "complaints.Satisfaction": ["comment"],
    "complaints.TermCount": ["term"],
    "complaints.Trend": ["term"],
    "complaints.HolidayChange": ["name", "basis"],
    "complaints.Open311Key": ["name"],
}

DEMO_PROPOSER_PHONE = "+821000000001"
DEMO_SECRETARY_PHONE = "+821000000100"
DEMO_OFFICIAL_EMAIL = "official@demo.seoul.example"


def _light_complaint_history(*, official, crowd, app, now):
    """The demo's complaint history without its thousands of complaints (a minute of seeding):
    the situation room, its keywords and the analysis built on the sixty demo complaints."""
    from complaints.demo import history

    room = history._situation_room()
    history._emergency_keywords(room)
    history.analyse(now=now)
    return True


def seed_demo():
    with mock.patch("complaints.demo.history.seed", _light_complaint_history):
        call_command("seed_demo", force=True, stdout=None)


def inject_payloads() -> dict[str, str]:
    """Overwrite the targets' texts with payloads; return {marker: stored text}."""
    texts = {}
    slot = 0
    for label, field_names in TARGETS.items():
        model = apps.get_model(label)
        rows = list(model.objects.order_by("pk"))
        unique = _unique_fields(model)
        for field_name in field_names:
            slot += 1
            field = model._meta.get_field(field_name)
            if not rows:
                continue
            for index, row in enumerate(rows):
                if not getattr(row, field_name):
                    continue  # empty stays empty: constraints tie some texts to states
                text = _fitting_text(field, index * 7 + slot * 5, slot, room=8 if field_name in unique else 0)
                if text is None:
                    break
                texts[_marker_of(text)] = text
                setattr(row, field_name, f"{text} {row.pk}" if field_name in unique else text)
        model.objects.bulk_update(rows, field_names, batch_size=500)
    texts.update(_inject_complaint_answers(slot + 1))
    cache.clear()
    return texts


def _marker_of(text):
    return MARKER_RE.search(text).group(0)


def _unique_fields(model):
    """Fields whose value must differ between rows, alone or with others: the row's id is appended."""
    names = {field.name for field in model._meta.concrete_fields if field.unique}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    for together in model._meta.unique_together:
        names.update(together)
    return names


def _fitting_text(field, start, slot, *, room=0):
    limit = getattr(field, "max_length", None)
    for offset in range(len(PAYLOADS)):
        text = PAYLOADS[(start + offset) % len(PAYLOADS)].text(slot)
        if limit is None or len(text) + room <= limit:
            return text
    return None


def _inject_complaint_answers(slot):
    """The answers to a category's questions: free text of the citizen's, kept in a JSON field."""
    complaint_model = apps.get_model("complaints.Complaint")
    texts = {}
    rows = [row for row in complaint_model.objects.order_by("pk") if row.answers]
    for index, row in enumerate(rows):
        text = PAYLOADS[(index * 3) % len(PAYLOADS)].text(slot)
        texts[_marker_of(text)] = text
        row.answers = {key: (text if isinstance(value, str) else value) for key, value in row.answers.items()}
    complaint_model.objects.bulk_update(rows, ["answers"], batch_size=500)
    return texts


def build_world() -> dict[str, str]:
    seed_demo()
    return inject_payloads()


# --- Who looks ---------------------------------------------------------------------------------------


def demo_users():
    from citizens.models import Citizen, email_blind_index, phone_blind_index

    return {
        "citizen": Citizen.objects.get(phone_index=phone_blind_index(DEMO_PROPOSER_PHONE)),
        "committee secretary": Citizen.objects.get(phone_index=phone_blind_index(DEMO_SECRETARY_PHONE)),
        "official": Citizen.objects.get(email_index=email_blind_index(DEMO_OFFICIAL_EMAIL)),
    }


# --- The crawl ---------------------------------------------------------------------------------------

# Signing out would end the crawl's session; an admin's delete page only asks for a confirmation.
SKIP = re.compile(r"signout|logout|/static/|/media/|/__debug__/|/jsi18n/|/i18n/setlang|/admin/.*/delete/")
# One page per URL shape is enough for most (ids and tokens make the shape); a detail page shows
# different parts in different states, so a few of each.
NUMBER_OR_TOKEN = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+|[A-Za-z0-9_-]{20,}")


def shape(url):
    parts = urlsplit(url)
    query_names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return NUMBER_OR_TOKEN.sub("N", parts.path), tuple(query_names)


def links(content, base_path):
    """Same-site GET URLs a page points to: links, htmx GETs and GET forms (submitted as they are)."""
    found = []
    page = parse(content)
    for element in page.iter():
        for name in ("href", "hx-get", "data-hx-get"):
            value = element.get(name)
            if value and element.tag != "link":
                found.append(value)
        if element.tag == "form" and (element.get("method") or "get").lower() == "get":
            found.append(element.get("action") or base_path)
    urls = []
    for value in found:
        value = value.split("#", 1)[0].strip()
        if not value:
            continue
        if value.startswith("?"):
            value = base_path + value
        if not value.startswith("/") or value.startswith("//") or SKIP.search(value):
            continue
        urls.append(value)
    return urls


def crawl(fetch, *, starts, per_shape=3, limit=700, admin=True, skip=None):
    """Fetch pages breadth first from `starts`; yield (url, what `fetch` returned) for each.

    `fetch(url)` returns (anything, the page's HTML or None): Django's client in the unit tests,
    a browser page in the browser tests."""
    seen_shapes = {}
    seen = set()
    queue = list(starts)
    fetched = 0
    while queue and fetched < limit:
        url = queue.pop(0)
        if url in seen or SKIP.search(url) or (skip and skip.search(url)) or (not admin and "/admin/" in url):
            continue
        seen.add(url)
        key = shape(url)
        # A query string is a filter or a page number of a list already seen, and the admin's
        # pages of one model share their templates: one of each shape.
        cap = 1 if key[1] or url.startswith("/admin/") else per_shape
        if seen_shapes.get(key, 0) >= cap:
            continue
        result, html = fetch(url)
        fetched += 1
        yield url, result
        if html:
            # Only a page counts: a sample URL of tests/site/urlwalk.py that is not found must
            # not take the place of a real page of the same shape.
            seen_shapes[key] = seen_shapes.get(key, 0) + 1
            queue.extend(links(html, urlsplit(url).path))


def client_fetch(client):
    def fetch(url):
        response = client.get(url)
        html = None
        if response.status_code == 200 and "html" in response.get("Content-Type", "") and not response.streaming:
            html = response.content
        return response, html

    return fetch


SAMPLE_SEGMENT = re.compile(r"^(?:1|x|[0-9a-f]{8}-[0-9a-f-]{27}|1+(?:-1+)+|.*\.x)$")


def start_urls(*, samples=True):
    """Where a crawl starts: the home pages and every URL of tests/site/urlwalk.py; without
    `samples`, only the URLs that take no parameter (a sample id names nothing in the demo)."""
    paths = [path for _language, path, _name in all_urls()]
    if not samples:
        paths = [path for path in paths if not any(SAMPLE_SEGMENT.match(part) for part in path.split("/"))]
    return ["/", "/en/", *paths]


# --- The forms ---------------------------------------------------------------------------------------

TEXT_INPUTS = {"text", "search", "url", ""}
KEPT_INPUTS = {"hidden", "email", "tel", "number", "date", "datetime-local", "time", "month", "week", "range",
               "color"}


def forms_of(content, page_path):
    """The forms of a page: (method, action, the form's own data, {text field name: maxlength}).
    What a person would send, before they type anything."""
    forms = []
    for form in parse(content).find_all("form"):
        method = (form.get("method") or "get").lower()
        action = (form.get("action") or page_path).split("#", 1)[0] or page_path
        if action.startswith("?"):
            action = page_path + action
        if not action.startswith("/") or action.startswith("//") or SKIP.search(action):
            continue
        data, texts, radios = {}, {}, set()
        submit = None
        for element in form.iter():
            name = element.get("name")
            if not name or "disabled" in element.attrs:
                continue
            if element.tag == "textarea":
                texts[name] = _maxlength(element)
            elif element.tag == "select":
                options = element.find_all("option")
                chosen = [option for option in options if "selected" in option.attrs] or [
                    option for option in options if option.get("value", option.text)][:1]
                if chosen:
                    data[name] = chosen[0].get("value", chosen[0].text)
            elif element.tag == "input":
                kind = (element.get("type") or "").lower()
                if kind in TEXT_INPUTS:
                    texts[name] = _maxlength(element)
                elif kind in KEPT_INPUTS and element.get("value") is not None:
                    data[name] = element.get("value")
                elif kind == "checkbox" and "checked" in element.attrs:
                    data.setdefault(name, []).append(element.get("value", "on"))
                elif kind == "radio" and ("checked" in element.attrs or name not in radios):
                    radios.add(name)
                    data[name] = element.get("value", "on")
                elif kind == "submit" and submit is None:
                    submit = (name, element.get("value", ""))
            elif element.tag == "button" and (element.get("type") or "submit") == "submit" and submit is None:
                submit = (name, element.get("value", ""))
        if submit:
            data[submit[0]] = submit[1]
        forms.append((method, action, data, texts))
    return forms


def _maxlength(element):
    try:
        return int(element.get("maxlength") or 0) or None
    except ValueError:
        return None


def filled(texts, slot, rotation=0):
    """The form's text fields filled with payloads (from slot `slot` up); returns (data, {marker: text})."""
    data, stored = {}, {}
    for offset, (name, limit) in enumerate(sorted(texts.items())):
        for attempt in range(len(PAYLOADS)):
            payload = PAYLOADS[(rotation + offset + attempt) % len(PAYLOADS)]
            text = payload.text(slot + offset)
            if limit is None or len(text) <= limit:
                data[name] = text
                stored[payload.marker(slot + offset)] = text
                break
    return data, stored
