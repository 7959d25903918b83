"""The site shell: language, header, channels, language switcher, messages, landmarks."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from seoul_portal.channels import CHANNELS

pytestmark = pytest.mark.django_db


def test_home_is_korean_at_the_root(get_page):
    response, page = get_page("/")
    assert response.status_code == 200
    assert page.find("html").get("lang") == "ko"


def test_home_is_english_under_en(get_page):
    response, page = get_page("/en/")
    assert response.status_code == 200
    assert page.find("html").get("lang") == "en"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_home_shows_each_channel_in_the_page_language(get_page, language):
    prefix = "" if language == "ko" else "/en"
    _, page = get_page(f"{prefix}/")
    channel_list = page.find("ul", class_="site-channel-list")
    cards = channel_list.find_all("li", class_="structured-item")
    assert len(cards) == len(CHANNELS)
    with translation.override(language):
        for card, channel in zip(cards, CHANNELS, strict=True):
            link = card.find("a")
            assert link.get("href") == reverse(channel.url_name)
            assert link.text == str(channel.name)
            assert card.find("p", class_="c-txt").text == " ".join(str(channel.summary).split())


def test_home_has_one_h1_and_headings_in_order(get_page):
    _, page = get_page("/")
    main = page.find("main")
    headings = [int(element.tag[1]) for element in main.iter() if element.tag in {"h1", "h2", "h3", "h4"}]
    assert headings[0] == 1
    assert headings.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in zip(headings, headings[1:], strict=False))


def test_landmarks_and_skip_link(get_page):
    _, page = get_page("/")
    skip = page.find("div", id="krds-skip-link").find("a")
    assert skip.get("href") == "#main-content"
    assert page.find("main", id="main-content") is not None
    assert page.find("header", id="krds-header") is not None
    assert page.find("footer", id="krds-footer") is not None
    assert page.find("nav", class_="krds-main-menu").get("aria-label")


def test_header_lists_the_five_channels(get_page):
    _, page = get_page("/en/")
    menu = page.find("nav", class_="krds-main-menu")
    with translation.override("en"):
        expected = [(reverse(channel.url_name), str(channel.name)) for channel in CHANNELS]
    assert [(a.get("href"), a.text) for a in menu.find_all("a")] == expected


def test_header_marks_the_current_channel(get_page):
    _, page = get_page(reverse("budgeting:index"))
    current = page.find("nav", class_="krds-main-menu").find_all("a", aria_current=True)
    assert [a.get("href") for a in current] == [reverse("budgeting:index")]


def test_anonymous_header_offers_sign_in(get_page):
    _, page = get_page("/")
    actions = page.find("div", class_="header-actions")
    signin = actions.find("a", class_="login")
    assert signin.get("href").startswith(reverse("citizens:signin"))
    assert actions.find("form") is None


def test_signed_in_header_offers_my_seoul_and_a_sign_out_form(client, citizen):
    from .markup import parse

    client.force_login(citizen)
    page = parse(client.get("/").content)
    actions = page.find("div", class_="header-actions")
    assert actions.find("a", class_="my").get("href") == reverse("citizens:me")
    form = actions.find("form")
    assert form.get("method") == "post"
    assert form.get("action") == reverse("citizens:signout")
    assert form.find("input", name="csrfmiddlewaretoken").get("value")
    assert form.find("button", type="submit") is not None
    assert actions.find("a", class_="login") is None


def test_footer_links_the_privacy_policy(get_page):
    _, page = get_page("/")
    assert page.find("footer").find("a", href=reverse("privacy")) is not None


def test_htmx_sends_the_csrf_token(client):
    from .markup import parse

    response = client.get("/")
    headers = json.loads(parse(response.content).find("body").get("hx-headers"))
    assert headers["X-CSRFToken"]
    assert response.cookies["csrftoken"].value


@pytest.mark.parametrize(
    ("path", "korean", "english"),
    [
        ("/", "/", "/en/"),
        ("/en/", "/", "/en/"),
        ("/privacy/", "/privacy/", "/en/privacy/"),
        ("/en/privacy/", "/privacy/", "/en/privacy/"),
        ("/proposals/?page=2", "/proposals/?page=2", "/en/proposals/?page=2"),
    ],
)
def test_language_switcher_links_to_the_same_page_in_each_language(get_page, path, korean, english):
    _, page = get_page(path)
    switcher = page.find("nav", class_="site-language")
    links = {a.get("lang"): a for a in switcher.find_all("a")}
    assert links["ko"].get("href") == korean
    assert links["en"].get("href") == english
    current = "en" if path.startswith("/en/") else "ko"
    assert [lang for lang, a in links.items() if a.get("aria-current")] == [current]


def test_language_switcher_on_a_missing_page_goes_to_the_other_home(get_page):
    response, page = get_page("/en/no-such-page/")
    assert response.status_code == 404
    links = {a.get("lang"): a.get("href") for a in page.find("nav", class_="site-language").find_all("a")}
    assert links == {"ko": "/", "en": "/en/no-such-page/"}


def test_alternate_language_links_in_head(get_page):
    _, page = get_page("/privacy/")
    alternates = {link.get("hreflang"): link.get("href") for link in page.find_all("link", rel="alternate")}
    assert alternates == {"ko": "/privacy/", "en": "/en/privacy/"}


# Channels whose services have not opened yet show the landing page with its notice.
NOT_YET_OPEN = [channel for channel in CHANNELS if channel.slug not in {"governance", "proposals", "voting"}]


@pytest.mark.parametrize("channel", NOT_YET_OPEN, ids=lambda channel: channel.slug)
def test_channel_landing_page(get_page, channel):
    response, page = get_page(reverse(channel.url_name))
    assert response.status_code == 200
    with translation.override("ko"):
        name = str(channel.name)
    assert page.find("h1").text == name
    crumbs = page.find("nav", id="breadcrumb").find_all("li")
    assert crumbs[0].find("a").get("href") == "/"
    assert crumbs[-1].find(aria_current="page").text == name
    assert page.find("div", class_="site-notice") is not None


def test_privacy_policy_covers_what_the_law_asks(get_page):
    response, page = get_page("/en/privacy/")
    assert response.status_code == 200
    sections = {section.get("id") for section in page.find("article").find_all("section")}
    assert {
        "purposes", "items", "retention", "destruction", "third-parties", "children",
        "rights", "security", "officer", "remedies",
    } <= sections
    text = page.find("article").text
    assert "resident registration numbers" in text
    assert "under 14" in text


@pytest.mark.urls("tests.site.error_urls")
def test_messages_render_as_krds_alerts(get_page):
    _, page = get_page("/test-messages/")
    alerts = page.find("div", id="site-messages").find_all("div", class_="critical-ban")
    roles = [(alert.get("role"), alert.find("p").text) for alert in alerts]
    assert roles == [
        ("status", "Saved."),
        ("status", "For your information."),
        ("alert", "Careful."),
        ("alert", "That went wrong."),
    ]


def test_the_message_region_is_on_every_page_for_htmx(get_page):
    _, page = get_page("/")
    assert page.find("div", id="site-messages") is not None


def test_admin_login_is_branded(get_page):
    response, page = get_page("/admin/login/")
    assert response.status_code == 200
    stylesheets = [link.get("href") for link in page.find_all("link", rel="stylesheet")]
    assert any("pretendard-gov" in href for href in stylesheets)
    assert any(href.endswith("css/admin.css") for href in stylesheets)
    assert page.find("div", id="site-name").text


@pytest.mark.django_db
def test_governance_hub_links_every_part(get_page):
    response, page = get_page(reverse("governance:index"))
    assert response.status_code == 200
    assert page.find("h1").text == "위원회와 기록"
    links = {link.get("href") for link in page.find("main").find_all("a")}
    for name in ("org_chart", "committee_list", "research_list", "document_list"):
        assert reverse(f"governance:{name}") in links
    assert page.find("nav", id="breadcrumb").find_all("li")[-1].find(aria_current="page").text == "위원회와 기록"
