"""The debate's pages: htmx and plain posts, bad input, wrong methods and ids, the arguments page."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from proposals.models import ArgumentRating, DebateStance, Proposal
from proposals.services.debate import argument_rate_helpful, debate_take_stance

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def stance_url(proposal):
    return reverse("proposals:debate_stance", kwargs={"pk": proposal.pk})


def arguments_url(proposal):
    return reverse("proposals:debate_arguments", kwargs={"pk": proposal.pk})


def helpful_url(stance):
    return reverse("proposals:argument_helpful", kwargs={"stance_id": stance.pk})


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def citizen(client, make_participant):
    person = make_participant()
    client.force_login(person)
    return person


@pytest.fixture
def argument(debate, make_citizen):
    return debate_take_stance(
        citizen=make_citizen(name="이서울"), proposal=debate, stance="against", argument="예산이 부족합니다."
    )


# --- Taking a stance ----------------------------------------------------------------------------


def test_a_plain_post_takes_the_stance_and_returns_to_the_page(client, citizen, debate):
    back = arguments_url(debate)
    response = client.post(stance_url(debate), {"stance": "for", "argument": "찬성합니다.\n꼭 필요해요.", "next": back})
    assert response.status_code == 302 and response["Location"] == f"{back}#debate"
    assert flashed(response) == ["Your stance is saved. You can change it until the debate closes."]
    stance = DebateStance.objects.get(proposal=debate, citizen=citizen)
    assert (stance.stance, stance.argument) == ("for", "찬성합니다.\n꼭 필요해요.")
    assert Proposal.objects.get(pk=debate.pk).debate_participant_count == 1


def test_a_foreign_next_is_not_followed(client, citizen, debate):
    response = client.post(stance_url(debate), {"stance": "for", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert response["Location"].endswith("#debate") and f"/{debate.pk}/" in response["Location"]


@pytest.mark.parametrize("bad", ["1e309", "-92", "proposals:index", "detail"])
def test_a_next_that_is_not_a_path_is_ignored(client, citizen, debate, argument, bad):
    """Found by the fuzzer: redirect() took a bare word in `next` for a view's name (a 500)."""
    detail = reverse("proposals:detail", kwargs={"pk": debate.pk})
    response = client.post(stance_url(debate), {"stance": "for", "next": bad})
    assert response.status_code == 302 and response["Location"] == f"{detail}#debate"
    response = client.post(stance_url(debate), {"stance": "maybe", "next": bad})  # refused: back all the same
    assert response.status_code == 302 and response["Location"] == f"{detail}#debate"
    response = client.post(helpful_url(argument), {"rated": "1", "next": bad})
    assert response.status_code == 302 and response["Location"] == f"{detail}#argument-{argument.pk}"


def test_an_htmx_post_gets_the_refreshed_section_with_a_spoken_confirmation(client, citizen, debate):
    response = client.post(stance_url(debate), {"stance": "against", "argument": "반대합니다."}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="debate-body"')
    assert 'id="debate-live" hx-swap-oob="innerHTML"' in html
    assert "Your stance is saved." in html
    assert "1 citizen has taken part." in html
    assert "You took part on" in html and "your stance: Against" in html
    assert "반대합니다." in html  # the strongest argument against, and the prefilled form
    assert flashed(response) == []


def test_changing_the_stance_through_the_page(client, citizen, debate):
    client.post(stance_url(debate), {"stance": "for"})
    client.post(stance_url(debate), {"stance": "undecided", "argument": "고민 중입니다."})
    stance = DebateStance.objects.get(proposal=debate, citizen=citizen)
    assert (stance.stance, stance.argument) == ("undecided", "고민 중입니다.")
    assert Proposal.objects.get(pk=debate.pk).debate_participant_count == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stance": "maybe"}, "Choose for, against or undecided."),
        ({}, "Choose for, against or undecided."),
        ({"stance": "for", "argument": "x" * 3001}, "at most 3000 characters long (it has 3001)"),
        ({"stance": "for", "argument": "<img src=x onerror=alert(1)>"}, "remove the HTML tags"),
    ],
)
def test_bad_input_is_refused_with_a_reason(client, citizen, debate, data, message):
    plain = client.post(stance_url(debate), data)
    if data.get("argument"):  # the typed text comes back on a page of its own
        assert plain.status_code == 400 and message in plain.content.decode()
    else:
        assert plain.status_code == 302 and any(message in text for text in flashed(plain))
    fragment = client.post(stance_url(debate), data, **HTMX)
    assert fragment.status_code == 400
    assert message in fragment.content.decode()
    assert 'role="alert"' in fragment.content.decode()  # the form's error summary
    assert not DebateStance.objects.exists() and Proposal.objects.get(pk=debate.pk).debate_participant_count == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stance": "for", "argument": "가" * 3001}, "at most 3000 characters long (it has 3001)"),
        ({"stance": "against", "argument": "제 생각은 <b>반대</b>입니다."}, "remove the HTML tags"),
        (
            {"stance": "sideways", "argument": "입장을 잘못 골랐지만 논거는 씁니다."},
            "Choose for, against or undecided.",
        ),
    ],
)
def test_without_javascript_a_refused_argument_keeps_what_was_typed(client, citizen, debate, data, message):
    back = arguments_url(debate)
    response = client.post(stance_url(debate), {**data, "next": back})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your stance was not saved." in html and message in html and 'role="alert"' in html
    assert f'action="{stance_url(debate)}"' in html and f'name="next" value="{back}"' in html
    typed = data["argument"].replace("<", "&lt;").replace(">", "&gt;")
    assert f"{typed}</textarea>" in html  # kept, and escaped
    assert "<b>" not in html
    assert f'href="{back}#debate"' in html  # back to the page the form was sent from
    assert flashed(response) == []  # the page says it; no message waits for the next page
    assert not DebateStance.objects.exists()


def test_the_htmx_refusal_escapes_what_was_typed(client, citizen, debate):
    response = client.post(stance_url(debate), {"stance": "for", "argument": "<script>alert(1)</script>"}, **HTMX)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_closed_debate_refuses_with_its_reason(client, citizen, make_proposal):
    proposal = make_proposal("debate_expired")
    response = client.post(stance_url(proposal), {"stance": "for"}, **HTMX)
    assert response.status_code == 400
    assert "The debate has closed" in response.content.decode()
    assert not DebateStance.objects.exists()


def test_an_unverified_participant_is_told_to_verify(client, make_participant, debate):
    client.force_login(make_participant(verified=False))
    response = client.post(stance_url(debate), {"stance": "for"})
    assert response.status_code == 302
    assert flashed(response) == ["Verify your mobile phone before taking part in the debate."]
    assert not DebateStance.objects.exists()


def comes_back_to(location):
    """The `next` of a redirect to the sign-in or an onboarding page."""
    return parse_qs(urlsplit(location).query)["next"][0]


def test_a_visitor_is_sent_to_sign_in(client, debate):
    response = client.post(stance_url(debate), {"stance": "for"})
    assert response.status_code == 302 and reverse("citizens:signin") in response["Location"]
    assert not DebateStance.objects.exists()


def test_a_visitor_comes_back_to_the_proposal_not_to_the_post_endpoint(client, debate):
    response = client.post(stance_url(debate), {"stance": "for"})
    assert response["Location"].startswith(reverse("citizens:signin"))
    back = comes_back_to(response["Location"])
    assert back == f"{detail_url(debate)}#debate"
    assert client.get(back.split("#")[0]).status_code == 200  # not a 405 after signing in
    # From the arguments page, back there.
    response = client.post(stance_url(debate), {"stance": "for", "next": arguments_url(debate)})
    assert comes_back_to(response["Location"]) == f"{arguments_url(debate)}#debate"


def test_an_htmx_visitor_is_sent_to_sign_in_by_a_full_page_redirect(client, debate, argument):
    for url in (stance_url(debate), helpful_url(argument)):
        response = client.post(url, {"stance": "for", "rated": "1"}, **HTMX)
        assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("citizens:signin"))
        assert comes_back_to(response["HX-Redirect"]).startswith(detail_url(debate))
        assert b"<form" not in response.content  # no sign-in page swapped into the section
    assert not ArgumentRating.objects.exists() and DebateStance.objects.count() == 1


def test_a_signed_in_citizen_without_consent_is_sent_to_consent(client, make_citizen, debate):
    client.force_login(make_citizen())
    response = client.post(stance_url(debate), {"stance": "for"})
    assert response.status_code == 302 and reverse("citizens:consent") in response["Location"]
    # and then to the proposal, not to the POST endpoint (a 405)
    assert comes_back_to(response["Location"]) == f"{detail_url(debate)}#debate"
    htmx = client.post(stance_url(debate), {"stance": "for"}, **HTMX)
    assert htmx.status_code == 200 and htmx["HX-Redirect"].startswith(reverse("citizens:consent"))
    assert comes_back_to(htmx["HX-Redirect"]) == f"{detail_url(debate)}#debate"
    assert not DebateStance.objects.exists()


def test_a_citizen_without_a_profile_rates_after_the_profile_at_the_argument(client, make_citizen, argument, debate):
    from citizens.consents import purposes
    from citizens.services import consent_record

    person = make_citizen()
    consent_record(citizen=person, answers={item.key: True for item in purposes()})
    client.force_login(person)
    response = client.post(helpful_url(argument), {"rated": "1", "next": arguments_url(debate)})
    assert response.status_code == 302 and reverse("citizens:profile") in response["Location"]
    assert comes_back_to(response["Location"]) == f"{arguments_url(debate)}#argument-{argument.pk}"
    assert not ArgumentRating.objects.exists()


@pytest.mark.parametrize("anonymous", [True, False])
def test_get_on_the_post_endpoints_is_not_allowed(client, make_participant, argument, debate, anonymous):
    if not anonymous:
        client.force_login(make_participant())
    assert client.get(stance_url(debate)).status_code == 405
    assert client.get(helpful_url(argument)).status_code == 405


def test_unknown_ids_drafts_and_proposals_without_debate_are_not_found(client, citizen, make_proposal):
    draft, open_proposal = make_proposal("draft"), make_proposal("open")
    missing = Proposal.objects.order_by("-pk").first().pk + 1
    for pk in (missing, draft.pk, open_proposal.pk):
        assert client.post(reverse("proposals:debate_stance", kwargs={"pk": pk}), {"stance": "for"}).status_code == 404
        assert client.get(reverse("proposals:debate_arguments", kwargs={"pk": pk})).status_code == 404
    missing_stance = reverse("proposals:argument_helpful", kwargs={"stance_id": 987654})
    assert client.post(missing_stance).status_code == 404


# --- Helpful ratings ----------------------------------------------------------------------------


def test_rating_without_javascript(client, citizen, argument, debate):
    back = arguments_url(debate)
    response = client.post(helpful_url(argument), {"rated": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == f"{back}#argument-{argument.pk}"
    assert flashed(response) == ["You rated this argument helpful."]
    assert DebateStance.objects.get(pk=argument.pk).helpful_count == 1
    # The page was open twice: the same request again keeps the rating.
    client.post(helpful_url(argument), {"rated": "1", "next": back})
    assert DebateStance.objects.get(pk=argument.pk).helpful_count == 1
    response = client.post(helpful_url(argument), {"rated": "0", "next": back}, follow=True)
    assert [str(message) for message in response.context["messages"]][-1] == "You took back your helpful rating."
    assert DebateStance.objects.get(pk=argument.pk).helpful_count == 0


def test_rating_with_htmx_swaps_the_button(client, citizen, argument):
    response = client.post(helpful_url(argument), {"rated": "1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<div id="helpful-{argument.pk}"')
    assert 'aria-pressed="true"' in html and '<span class="debate-helpful-count">1</span>' in html
    assert 'name="rated" value="0"' in html  # the next press takes it back
    assert "You rated this argument helpful." in html and 'hx-swap-oob="innerHTML"' in html
    toggled = client.post(helpful_url(argument), **HTMX)  # no `rated`: a toggle
    assert 'aria-pressed="false"' in toggled.content.decode()
    assert not ArgumentRating.objects.exists()


def test_rating_the_own_argument_is_refused(client, make_participant, debate):
    writer = make_participant()
    own = debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="제 논거입니다.")
    client.force_login(writer)
    response = client.post(helpful_url(own), {"rated": "1"}, **HTMX)
    assert response.status_code == 400 and "You cannot rate your own argument." in response.content.decode()
    plain = client.post(helpful_url(own), {"rated": "1"})
    assert plain.status_code == 302 and flashed(plain) == ["You cannot rate your own argument."]
    assert not ArgumentRating.objects.exists()


def test_a_stance_without_argument_cannot_be_rated(client, citizen, debate, make_citizen):
    silent = debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for")
    response = client.post(helpful_url(silent), {"rated": "1"}, **HTMX)
    assert response.status_code == 400 and "This stance has no argument to rate." in response.content.decode()


def test_a_rating_value_that_is_not_understood(client, citizen, argument):
    response = client.post(helpful_url(argument), {"rated": "yes please"}, **HTMX)
    assert response.status_code == 400 and "The rating was not understood" in response.content.decode()
    assert not ArgumentRating.objects.exists()


def test_a_visitor_who_rates_is_sent_to_sign_in(client, argument, debate):
    response = client.post(helpful_url(argument), {"rated": "1"})
    assert response.status_code == 302 and reverse("citizens:signin") in response["Location"]
    assert comes_back_to(response["Location"]) == f"{detail_url(debate)}#argument-{argument.pk}"


def test_a_visitor_who_rates_an_unknown_argument_comes_back_to_the_list(client):
    response = client.post(reverse("proposals:argument_helpful", kwargs={"stance_id": 987654}), {"rated": "1"})
    assert response.status_code == 302 and comes_back_to(response["Location"]) == reverse("proposals:index")


# --- The arguments page -------------------------------------------------------------------------


@pytest.fixture
def many_arguments(debate, make_citizen):
    start = debate.debate_opens_at + timedelta(minutes=5)
    stances = []
    for index in range(25):
        side = ["for", "against", "undecided"][index % 3]
        stance = debate_take_stance(citizen=make_citizen(), proposal=debate, stance=side, argument=f"논거 {index:02d}")
        DebateStance.objects.filter(pk=stance.pk).update(
            created_at=start + timedelta(minutes=index), helpful_count=index % 4
        )
        stances.append(stance)
    debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for")  # no argument: not listed
    return stances


def listed(response):
    return [stance.argument for stance in response.context["page_obj"].object_list]


def test_the_arguments_page_is_public_and_paginated(client, debate, many_arguments):
    response = client.get(arguments_url(debate))
    assert response.status_code == 200
    html = response.content.decode()
    assert "25 arguments" in html and "Page 1 of 2" in html
    assert len(listed(response)) == 20
    assert 'name="rated"' not in html  # a visitor sees the counts, not the buttons
    assert "Rated helpful by" in html
    assert len(listed(client.get(arguments_url(debate), {"page": 2}))) == 5
    assert len(listed(client.get(arguments_url(debate), {"page": "last-one"}))) == 20


def test_filter_by_side_and_sort(client, debate, many_arguments):
    against = listed(client.get(arguments_url(debate), {"side": "against", "sort": "newest"}))
    assert against == [f"논거 {index:02d}" for index in range(24, -1, -1) if index % 3 == 1]
    helpful = listed(client.get(arguments_url(debate), {"side": "for"}))
    # Most helpful first (index % 4), between equals the earlier.
    expected = sorted((index for index in range(25) if index % 3 == 0), key=lambda index: (-(index % 4), index))
    assert helpful == [f"논거 {index:02d}" for index in expected]


def test_a_filter_that_is_not_understood_is_dropped_with_a_message(client, debate, many_arguments):
    response = client.get(arguments_url(debate), {"side": "sideways", "sort": "loudest"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This is not a side of the debate; showing all sides." in html
    assert "This order is not known; showing the most helpful first." in html
    assert len(listed(response)) == 20


def test_a_signed_in_citizen_sees_the_helpful_buttons_and_their_ratings(client, citizen, debate, many_arguments):
    argument_rate_helpful(citizen=citizen, stance=many_arguments[3])
    html = client.get(arguments_url(debate)).content.decode()
    assert html.count('aria-pressed="true"') == 1 and html.count('aria-pressed="false"') == 19
    assert 'id="debate-live"' in html


def test_citizen_text_is_escaped_and_links_are_clickable(client, debate, make_citizen):
    debate_take_stance(
        citizen=make_citizen(),
        proposal=debate,
        stance="for",
        argument="자료: https://data.seoul.go.kr 참고\n비용 < 편익 & 효과",
    )
    html = client.get(arguments_url(debate)).content.decode()
    assert '<a href="https://data.seoul.go.kr"' in html
    assert "비용 &lt; 편익 &amp; 효과" in html and "참고<br>" in html


# --- On the proposal's page ---------------------------------------------------------------------


def detail_url(proposal):
    return reverse("proposals:detail", kwargs={"pk": proposal.pk})


def test_the_proposal_page_shows_the_debate_to_a_visitor_with_a_sign_in_link(client, debate, argument):
    html = client.get(detail_url(debate)).content.decode()
    assert 'id="debate"' in html and 'id="debate-live"' in html and "Public debate" in html
    assert "예산이 부족합니다." in html and "이서울" not in html
    assert "Sign in to take part in the debate." in html and 'name="stance"' not in html


def test_the_proposal_page_offers_the_form_prefilled_to_a_participant(client, citizen, debate):
    debate_take_stance(citizen=citizen, proposal=debate, stance="undecided", argument="조금 더 지켜보겠습니다.")
    html = client.get(detail_url(debate)).content.decode()
    assert 'value="undecided" id="debate_stance_2" required checked' in html
    assert "조금 더 지켜보겠습니다.</textarea>" in html
    assert f'name="next" value="{detail_url(debate)}"' in html
    assert "Save my stance" in html


def test_a_proposal_without_debate_has_no_debate_section(client, make_proposal):
    assert 'id="debate"' not in client.get(detail_url(make_proposal("open"))).content.decode()


def test_a_closed_debate_shows_its_result(client, citizen, make_proposal):
    proposal = make_proposal("debate_closed")
    html = client.get(detail_url(proposal)).content.decode()
    assert "The debate ran from" in html and 'name="stance"' not in html
    assert "The debate has closed" in html


@pytest.mark.parametrize("state", ["debate_closed", "debate_expired"])
def test_a_closed_debate_tells_a_visitor_it_is_closed_not_to_sign_in(client, make_proposal, state):
    html = client.get(detail_url(make_proposal(state))).content.decode()
    assert "The debate has closed" in html
    assert "Sign in to take part in the debate." not in html


def test_the_form_warns_that_changing_the_stance_clears_the_ratings(client, citizen, debate, make_citizen):
    own = debate_take_stance(citizen=citizen, proposal=debate, stance="for", argument="자전거가 필요합니다.")
    argument_rate_helpful(citizen=make_citizen(), stance=own)
    html = client.get(detail_url(debate)).content.decode()
    assert "1 participant rated your argument helpful: changing its text or your stance clears that rating." in html
    assert "keeps" not in html
