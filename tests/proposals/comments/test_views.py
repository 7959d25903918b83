"""The comment pages over HTTP: htmx fragments and plain forms, refusals, bad input, who may do what."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Comment, CommentReport
from proposals.services.comments import comment_post, comment_report

from .conftest import HTMX, set_state

pytestmark = pytest.mark.django_db


def section_url(proposal, page=None):
    url = reverse("proposals:comments", kwargs={"pk": proposal.pk})
    return f"{url}?comments_page={page}" if page else url


def detail(proposal, page=1, anchor="comments"):
    return f"{reverse('proposals:detail', kwargs={'pk': proposal.pk})}?comments_page={page}#{anchor}"


def edit_url(comment):
    return reverse("proposals:comment_edit", kwargs={"comment_id": comment.pk})


def report_url(comment):
    return reverse("proposals:comment_report", kwargs={"comment_id": comment.pk})


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def as_reader(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def as_commenter(client, commenter):
    client.force_login(commenter)
    return client


# --- Reading ----------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_section(client, published, comment):
    page = client.get(reverse("proposals:detail", kwargs={"pk": published.pk})).content.decode()
    assert 'id="comments"' in page and 'aria-live="polite"' in page
    assert "좋은 제안입니다.<br>" in page and 'href="https://news.seoul.go.kr"' in page
    assert "Sign in to write a comment" in page


def test_htmx_turns_the_pages_of_comments(client, published, commenter):
    for number in range(25):
        comment_post(
            author=commenter,
            proposal=published,
            body=f"의견 번호 {number:02d}",
            now=timezone.now() - timedelta(minutes=100 - number),
        )

    first = client.get(section_url(published), **HTMX)
    second = client.get(section_url(published, 2), **HTMX)

    assert first.status_code == second.status_code == 200
    assert "<html" not in second.content.decode()
    assert "의견 번호 24" in first.content.decode() and "의견 번호 04" not in first.content.decode()
    assert "의견 번호 04" in second.content.decode() and "의견 번호 05" not in second.content.decode()
    assert 'hx-swap-oob="innerHTML"' in second.content.decode()


def test_without_htmx_the_section_url_goes_to_the_proposals_page(client, published):
    response = client.get(section_url(published, 3))
    assert response.status_code == 302 and response["Location"] == detail(published, 3)
    assert client.get(section_url(published) + "?comments_page=x")["Location"] == detail(published, 1)


def test_the_comments_of_a_draft_or_an_unknown_proposal_are_not_found(client, draft):
    assert client.get(section_url(draft), **HTMX).status_code == 404
    assert client.get(reverse("proposals:comments", kwargs={"pk": 999999}), **HTMX).status_code == 404


def test_a_page_of_comments_costs_the_same_queries_for_2_or_60(as_reader, published, commenter, category, reader):
    from proposals.services import proposal_create_draft, proposal_publish

    small = proposal_publish(
        author=commenter,
        proposal=proposal_create_draft(author=commenter, title="작은 제안", body="본문", category=category),
    )
    for proposal, count in ((small, 1), (published, 30)):
        for number in range(count):
            top = comment_post(author=commenter, proposal=proposal, body=f"의견 {number}")
            comment_post(author=reader, proposal=proposal, body=f"답글 {number}", parent=top)

    counts = []
    for proposal in (small, published):
        with CaptureQueriesContext(connection) as captured:
            assert as_reader.get(section_url(proposal), **HTMX).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Writing ----------------------------------------------------------------------------------------


def test_htmx_posts_a_comment_and_gets_the_refreshed_section(as_reader, published, reader):
    response = as_reader.post(section_url(published), {"body": "버스 배차 간격도 줄여 주세요."}, **HTMX)

    assert response.status_code == 200
    comment = Comment.objects.get(proposal=published)
    assert (comment.author_id, comment.body) == (reader.pk, "버스 배차 간격도 줄여 주세요.")
    text = response.content.decode()
    assert f'id="comment-{comment.pk}"' in text and "Your comment is posted." in text
    assert "<html" not in text


def test_a_plain_post_redirects_to_the_comment_with_a_message(as_reader, published):
    response = as_reader.post(section_url(published), {"body": "자바스크립트 없이 씁니다."})

    comment = Comment.objects.get(proposal=published)
    assert response.status_code == 302 and response["Location"] == detail(published, 1, f"comment-{comment.pk}")
    assert flashed(response) == ["Your comment is posted."]


def test_a_reply_lands_on_its_parents_page(as_reader, published, commenter):
    old = comment_post(author=commenter, proposal=published, body="오래된 의견", now=timezone.now() - timedelta(days=1))
    for number in range(20):
        comment_post(author=commenter, proposal=published, body=f"새 의견 {number}")

    plain = as_reader.post(section_url(published), {"body": "답글입니다.", "parent": old.pk})
    reply = Comment.objects.get(parent=old)
    assert plain["Location"] == detail(published, 2, f"comment-{reply.pk}")
    assert flashed(plain) == ["Your reply is posted."]

    htmx = as_reader.post(section_url(published), {"body": "htmx 답글", "parent": old.pk}, **HTMX)
    assert htmx.status_code == 200 and "htmx 답글" in htmx.content.decode() and "오래된 의견" in htmx.content.decode()


@pytest.mark.parametrize(
    ("case", "data", "message"),
    [
        ("empty", {"body": "  "}, "Write your comment."),
        ("missing", {}, "Write your comment."),
        ("oversized", {"body": "가" * 2001}, "The comment may be at most 2000 characters long (it has 2001)."),
        ("html", {"body": "<img src=x onerror=alert(1)>"}, "The comment is plain text: remove the HTML tags"),
        ("unknown_parent", {"body": "답글", "parent": "999999"}, "The comment you are replying to does not exist."),
        ("bad_parent", {"body": "답글", "parent": "abc"}, "The comment you are replying to does not exist."),
        ("other_proposal", {"body": "답글", "parent": "OTHER"}, "The comment you are replying to belongs to another"),
        ("reply_to_reply", {"body": "답글", "parent": "REPLY"}, "Replies are one level deep"),
    ],
)
def test_refused_posts(case, data, message, as_reader, published, comment, commenter, category):
    from proposals.services import proposal_create_draft, proposal_publish

    if data.get("parent") == "OTHER":
        other = proposal_publish(
            author=commenter,
            proposal=proposal_create_draft(author=commenter, title="다른 제안", body="본문", category=category),
        )
        data["parent"] = comment_post(author=commenter, proposal=other, body="다른 제안의 의견").pk
    elif data.get("parent") == "REPLY":
        data["parent"] = comment_post(author=commenter, proposal=published, body="답글", parent=comment).pk
    count = Comment.objects.count()

    htmx = as_reader.post(section_url(published), data, **HTMX)
    plain = as_reader.post(section_url(published), data)

    assert Comment.objects.count() == count
    assert htmx.status_code == 400 and message in htmx.content.decode().replace("&#x27;", "'")
    if case in {"empty", "missing", "oversized", "html"}:
        # The text comes back on a page of its own, to be corrected.
        assert plain.status_code == 400 and message in plain.content.decode()
        if case == "oversized":
            assert "가" * 2001 in plain.content.decode()
        if case == "html":
            assert "&lt;img src=x onerror=alert(1)&gt;" in plain.content.decode()
    else:
        assert plain.status_code == 302 and plain["Location"].startswith(
            reverse("proposals:detail", kwargs={"pk": published.pk})
        )
        assert any(text.startswith(message) for text in flashed(plain))


def test_a_refused_reply_opens_its_form_with_the_error(as_reader, published, comment):
    response = as_reader.post(section_url(published), {"body": "", "parent": comment.pk}, **HTMX)
    text = response.content.decode()
    assert response.status_code == 400 and '<details class="proposal-comment-reply" open>' in text
    assert f'id="id_reply{comment.pk}_body"' in text and 'aria-invalid="true"' in text


def test_an_unverified_citizen_is_told_to_verify(client, participant, published):
    client.force_login(participant(verified=False))
    htmx = client.post(section_url(published), {"body": "의견"}, **HTMX)
    plain = client.post(section_url(published), {"body": "의견"})
    assert htmx.status_code == 400 and "Verify your mobile phone" in htmx.content.decode()
    assert plain.status_code == 302 and flashed(plain) == ["Verify your mobile phone before writing a comment."]
    assert not Comment.objects.exists()


def test_a_visitor_is_sent_to_sign_in_and_back_to_the_proposal(client, published):
    plain = client.post(section_url(published), {"body": "의견"})
    htmx = client.post(section_url(published), {"body": "의견"}, **HTMX)

    signin = reverse("citizens:signin")
    assert plain.status_code == 302 and plain["Location"].startswith(signin)
    assert f"next=/en/proposals/{published.pk}/" in plain["Location"]
    assert htmx.status_code == 200 and htmx["HX-Redirect"].startswith(signin)
    assert not Comment.objects.exists()


def test_a_citizen_who_has_not_consented_is_sent_to_the_consent_page(client, make_citizen, published):
    client.force_login(make_citizen())
    response = client.post(section_url(published), {"body": "의견"})
    assert response.status_code == 302 and reverse("citizens:consent") in response["Location"]


def comes_back_to(location):
    return parse_qs(urlsplit(location).query)["next"][0]


def test_onboarding_brings_the_citizen_back_to_the_proposal_not_to_a_post_endpoint(
    client, make_citizen, published, comment
):
    client.force_login(make_citizen())
    posted = client.post(section_url(published), {"body": "의견"})
    assert comes_back_to(posted["Location"]) == detail(published)
    reported = client.post(report_url(comment), {"reason": "spam"})
    assert reported["Location"].startswith(reverse("citizens:consent"))
    assert comes_back_to(reported["Location"]) == detail(published, anchor=f"comment-{comment.pk}")
    assert client.get(comes_back_to(reported["Location"]).split("#")[0]).status_code == 200  # not a 405
    htmx = client.post(report_url(comment), {"reason": "spam"}, **HTMX)
    assert htmx.status_code == 200 and htmx["HX-Redirect"].startswith(reverse("citizens:consent"))
    assert comes_back_to(htmx["HX-Redirect"]) == detail(published, anchor=f"comment-{comment.pk}")
    # Editing answers GET: it is where the citizen comes back to.
    edit = client.get(edit_url(comment))
    assert comes_back_to(edit["Location"]) == edit_url(comment)
    assert not CommentReport.objects.exists() and Comment.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(as_reader, published, comment, method):
    assert getattr(as_reader, method)(section_url(published)).status_code == 405
    assert getattr(as_reader, method)(report_url(comment)).status_code == 405


def test_get_on_the_report_endpoint_is_not_allowed(client, as_reader, comment):
    assert as_reader.get(report_url(comment)).status_code == 405


# --- Editing ----------------------------------------------------------------------------------------


def test_the_author_edits_in_place_with_htmx(as_commenter, comment):
    form = as_commenter.get(edit_url(comment), **HTMX)
    assert form.status_code == 200 and f'id="id_edit{comment.pk}_body"' in form.content.decode()

    saved = as_commenter.post(edit_url(comment), {"body": "고쳐 쓴 의견"}, **HTMX)

    comment.refresh_from_db()
    assert comment.body == "고쳐 쓴 의견" and comment.edited_at is not None
    text = saved.content.decode()
    assert saved.status_code == 200 and "고쳐 쓴 의견" in text and "(edited)" in text
    assert "Your comment is updated." in text


def test_the_author_edits_without_javascript(as_commenter, comment, published):
    page = as_commenter.get(edit_url(comment))
    assert page.status_code == 200 and "Edit your comment" in page.content.decode()

    saved = as_commenter.post(edit_url(comment), {"body": "고쳐 쓴 의견"})

    assert saved.status_code == 302 and saved["Location"] == detail(published, 1, f"comment-{comment.pk}")
    assert flashed(saved) == ["Your comment is updated."]


def test_an_edit_with_bad_text_keeps_the_form(as_commenter, comment):
    htmx = as_commenter.post(edit_url(comment), {"body": "<p>태그</p>"}, **HTMX)
    plain = as_commenter.post(edit_url(comment), {"body": ""})
    assert htmx.status_code == 400 and "plain text" in htmx.content.decode()
    assert plain.status_code == 400 and "Write your comment." in plain.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == comment.body


def test_after_fifteen_minutes_the_edit_is_refused_clearly(as_commenter, comment):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    message = "A comment can be edited for 15 minutes after it is posted; that time has passed."

    page = as_commenter.get(edit_url(comment))
    htmx = as_commenter.get(edit_url(comment), **HTMX)
    post = as_commenter.post(edit_url(comment), {"body": "늦은 수정"})
    htmx_post = as_commenter.post(edit_url(comment), {"body": "늦은 수정"}, **HTMX)

    assert page.status_code == 403 and message in page.content.decode() and "<textarea" not in page.content.decode()
    assert htmx.status_code == 400 and message in htmx.content.decode()
    assert post.status_code == 302 and flashed(post) == [message]
    assert htmx_post.status_code == 400
    assert Comment.objects.get(pk=comment.pk).body == comment.body


def test_unknown_comments_are_not_found(as_reader):
    assert as_reader.get(reverse("proposals:comment_edit", kwargs={"comment_id": 999999})).status_code == 404
    assert (
        as_reader.post(
            reverse("proposals:comment_report", kwargs={"comment_id": 999999}), {"reason": "spam"}
        ).status_code
        == 404
    )


# --- Reporting --------------------------------------------------------------------------------------


def test_htmx_reports_a_comment(as_reader, comment):
    response = as_reader.post(report_url(comment), {"reason": "spam"}, **HTMX)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Thank you for your report. A moderator will review the comment." in text
    assert "You reported this comment." in text and f'id="comment-{comment.pk}"' in text
    assert CommentReport.objects.filter(comment=comment, reason="spam").count() == 1


def test_the_third_report_hides_the_comment_on_the_page(client, comment, participant, published):
    for citizen in (participant(), participant()):
        comment_report(reporter=citizen, comment=comment, reason="abuse")
    client.force_login(participant())

    response = client.post(report_url(comment), {"reason": "abuse"}, **HTMX)

    text = response.content.decode()
    assert "The comment is hidden until a moderator reviews it." in text
    assert "This comment was reported and is being reviewed." in text and "좋은 제안입니다." not in text
    page = client.get(reverse("proposals:detail", kwargs={"pk": published.pk})).content.decode()
    assert "This comment was reported and is being reviewed." in page and "좋은 제안입니다." not in page


def test_a_plain_report_redirects_with_a_message(as_reader, comment, published):
    response = as_reader.post(report_url(comment), {"reason": "off_topic"})
    assert response.status_code == 302 and response["Location"] == detail(published, 1, f"comment-{comment.pk}")
    assert flashed(response) == ["Thank you for your report. A moderator will review the comment."]


@pytest.mark.parametrize(
    ("case", "data", "message"),
    [
        ("no_reason", {}, "Choose why you are reporting this comment."),
        ("bad_reason", {"reason": "boring"}, "Choose why you are reporting this comment."),
        ("twice", {"reason": "spam"}, "You have already reported this comment."),
        ("own", {"reason": "spam"}, "You cannot report your own comment."),
    ],
)
def test_refused_reports(case, data, message, client, reader, commenter, comment):
    if case == "twice":
        comment_report(reporter=reader, comment=comment, reason="abuse")
    client.force_login(commenter if case == "own" else reader)
    count = CommentReport.objects.count()

    htmx = client.post(report_url(comment), data, **HTMX)
    plain = client.post(report_url(comment), data)

    assert htmx.status_code == 400 and message in htmx.content.decode()
    assert plain.status_code == 302 and flashed(plain) == [message]
    assert CommentReport.objects.count() == count


def test_a_visitor_who_reports_signs_in_and_comes_back_to_the_comment(client, comment, published):
    response = client.post(report_url(comment), {"reason": "spam"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("citizens:signin"))
    assert f"comment-{comment.pk}" in response["Location"] and "report" not in response["Location"]


# --- Who may do what, over HTTP ---------------------------------------------------------------------

ROLES = ["anonymous", "unverified", "citizen", "author", "staff_without_perm", "moderator", "superuser"]
STATES = ["visible", "hidden", "removed"]
REPORTERS = {"citizen", "staff_without_perm", "moderator"}


@pytest.fixture
def people(participant, commenter, make_moderator):
    from django.contrib.auth.models import Permission

    moderator = participant(is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="change_comment"))
    return {
        "anonymous": None,
        "unverified": participant(verified=False),
        "citizen": participant(),
        "author": commenter,
        "staff_without_perm": participant(is_staff=True),
        "moderator": moderator,
        "superuser": participant(verified=False, is_staff=True, is_superuser=True),
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_the_view_grid(role, state, client, people, comment):
    set_state(comment, state)
    if people[role] is not None:
        client.force_login(people[role])

    edit = client.get(edit_url(comment))
    report = client.post(report_url(comment), {"reason": "spam"})

    if role == "anonymous":
        assert edit.status_code == report.status_code == 302
        assert edit["Location"].startswith(reverse("citizens:signin"))
    elif role == "author":
        assert edit.status_code == (200 if state == "visible" else 403)
    else:
        assert edit.status_code == 403
    reported = CommentReport.objects.filter(comment=comment).exists()
    assert reported is (role in REPORTERS and state == "visible")
    section = client.get(section_url(comment.proposal), **HTMX).content.decode()
    assert ("좋은 제안입니다." in section) is (state == "visible")
    assert ("개인정보가 포함되어 삭제했습니다." in section) is (state == "removed")
