"""A proposal's page folds its actions and builds an action's form only when the user opens it (issue 13,
throughput): htmx asks the action's URL for the form; without JavaScript `?open=<name>` renders it in place.
Opening an action is checked like acting: invisible 404, no right 403, wrong state a Chinese refusal."""

import re

import pytest
from django.urls import reverse

from conftest import login_client

from ..models import Proposal, ProposalStatus
from . import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
REVIEW_FIELDS = ("file-note", "file-session", "merge-into", "convert-note", "return-note", "not_file-reason")


def _fields(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', html))


def _page(client, p, **query):
    return client.get(reverse("proposals:detail", args=[p.pk]), query)


def test_the_review_page_shows_every_action_folded_without_its_form(
    client, users, orgs, session, django_assert_max_num_queries
):
    p = f.submitted(users)
    staff = login_client(client, users["staff"])
    with django_assert_max_num_queries(17):  # 21 when every form was built and the similar ones looked up
        html = _page(staff, p).content.decode()
    for name in ("file", "merge", "convert", "return", "not_file"):
        url = reverse("proposals:act", args=[p.pk, name])
        assert f'<details class="card" id="act-{name}" hx-get="{url}" hx-trigger="toggle once"' in html
        assert f'href="?open={name}#act-{name}"' in html  # without JavaScript
    assert not _fields(html) & set(REVIEW_FIELDS)
    assert "/act/" not in "".join(re.findall(r"<form[^>]*>", html))  # no action form on the page yet


def test_opening_an_action_loads_its_form_alone(client, users, orgs, session):
    p = f.submitted(users)
    staff = login_client(client, users["staff"])
    url = reverse("proposals:act", args=[p.pk, "merge"])
    r = staff.get(url, headers=HTMX)
    assert r.status_code == 200 and "HX-Request" in r["Vary"]
    html = r.content.decode()
    assert html.startswith(f'<form method="post" action="{url}" data-confirm="确定并案？">')
    assert {"csrfmiddlewaretoken", "merge-into", "merge-note"} <= _fields(html)
    assert 'data-picker-url="/proposals/search/?merge_for=' in html  # the searchable picker, not a list
    assert "<h1" not in html and "file-note" not in html  # the form alone, that action's only
    assert (
        'class="btn danger" name="go" value="not_file"'
        in staff.get(reverse("proposals:act", args=[p.pk, "not_file"]), headers=HTMX).content.decode()
    )
    draft = f.draft(users)
    member = login_client(client, users["member"])
    attach = member.get(reverse("proposals:act", args=[draft.pk, "attach"]), headers=HTMX).content.decode()
    assert 'enctype="multipart/form-data"' in attach and 'type="file" name="attach-file"' in attach


def test_without_javascript_opening_an_action_renders_its_form_on_the_page(client, users, orgs, session):
    p = f.submitted(users)
    staff = login_client(client, users["staff"])
    r = staff.get(reverse("proposals:act", args=[p.pk, "file"]))
    page = reverse("proposals:detail", args=[p.pk])
    assert r.status_code == 302 and r.url == f"{page}?open=file#act-file"
    html = staff.get(r.url).content.decode()
    assert '<details class="card" id="act-file" open>' in html
    assert {"file-note", "file-session"} <= _fields(html)
    assert not _fields(html) & {"merge-into", "not_file-reason"}  # the others stay folded


def test_a_home_queue_links_to_the_action_with_its_form_open(client, users, orgs, session):
    p = f.reply_review(users, orgs)
    staff = login_client(client, users["staff"])
    link = f"{reverse('proposals:detail', args=[p.pk])}?open=review_reply#act-review_reply"
    assert f'href="{link}"' in staff.get("/").content.decode()
    assert "review_reply-approve" in _fields(staff.get(link).content.decode())


def test_opening_an_action_is_refused_like_acting(client, users, orgs, session):
    p = f.submitted(users)
    url = reverse("proposals:act", args=[p.pk, "file"])
    member = login_client(client, users["member"])  # the author may see it, not file it
    for headers in (HTMX, {}):
        r = member.get(url, headers=headers)
        assert r.status_code == 403 and "file-note" not in r.content.decode()
    other = login_client(client, users["other_staff"])  # another committee does not see it
    assert other.get(url, headers=HTMX).status_code == 404
    staff = login_client(client, users["staff"])
    assert staff.get(reverse("proposals:act", args=[p.pk, "nonsense"]), headers=HTMX).status_code == 404
    handling = f.handling(users, orgs)
    wrong = reverse("proposals:act", args=[handling.pk, "file"])
    page = reverse("proposals:detail", args=[handling.pk])
    r = staff.get(wrong, headers=HTMX)
    assert r.status_code == 409 and r["HX-Redirect"] == page  # htmx goes back to the page as it is now
    assert "file-note" not in r.content.decode()
    r = staff.get(wrong)
    assert r.status_code == 302 and r.url == page
    html = staff.get(page).content.decode()
    assert "当前状态为“办理中”，不能执行“立案”" in html and "file-note" not in html


def test_a_refused_form_comes_back_open_with_its_errors(client, users, orgs, session):
    p = f.submitted(users)
    staff = login_client(client, users["staff"])
    r = staff.post(reverse("proposals:act", args=[p.pk, "merge"]), {"merge-into": p.pk})  # not itself
    assert r.status_code == 400
    html = r.content.decode()
    assert '<details class="card" id="act-merge" open>' in html and 'class="error"' in html
    assert "merge-into" in _fields(html) and "file-note" not in _fields(html)
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.SUBMITTED


@pytest.mark.parametrize("name", ["file", "merge", "return"])
def test_opening_an_action_reads_the_proposal_without_the_pages_related_tables(
    client, users, orgs, session, name, django_assert_max_num_queries
):
    """The form alone: the proposal with its author, session and owner, not the 13 related tables of the
    page (cosigners, assignments, replies, ratings …), which the page after the action loads again."""
    p = f.submitted(users)
    staff = login_client(client, users["staff"])
    with django_assert_max_num_queries(6):  # 14–16 when it loaded the page's record
        r = staff.get(reverse("proposals:act", args=[p.pk, name]), headers=HTMX)
    assert r.status_code == 200 and r.content.decode().startswith("<form")
