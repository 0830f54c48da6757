"""Defect 5 (issue 11): a form opened earlier no longer overwrites a newer change silently. Saving it shows who
changed which fields and keeps both the newer record and the user's text; saving again is deliberate."""

import pytest
from django.urls import reverse

from members.tests.factories import PersonFactory
from proposals.models import Proposal
from proposals.tests.factories import draft

pytestmark = pytest.mark.django_db


def _opened(client, url) -> dict:
    """What the browser would post back: the form as opened (its initial values, the hidden version)."""
    form = client.get(url).context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_an_older_person_form_does_not_overwrite_a_newer_change(client, users, orgs):
    person = PersonFactory(owner_org=orgs.committee, employer="甲公司", titles="董事")
    url = reverse("members:edit", args=[person.pk])
    client.force_login(users["staff"])
    tab_one = _opened(client, url)
    tab_two = _opened(client, url)
    assert client.post(url, {**tab_two, "employer": "乙公司"}).status_code == 302

    response = client.post(url, {**tab_one, "titles": "主席"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "您打开此页后" in html and "工作单位" in html and "尚未保存" in html
    person.refresh_from_db()
    assert (person.employer, person.titles) == ("乙公司", "董事")

    # Saving the re-shown form again is the user's deliberate choice: their text now wins.
    again = {**tab_one, "titles": "主席", "version": response.context["form"].data["version"]}
    assert client.post(url, again).status_code == 302
    person.refresh_from_db()
    assert person.titles == "主席"


def test_a_members_draft_open_in_two_tabs_keeps_the_first_save(client, users):
    proposal = draft(users)
    url = reverse("proposals:edit", args=[proposal.pk])
    client.force_login(users["member"])
    tab_one = _opened(client, url)
    tab_two = _opened(client, url)
    assert (
        client.post(url, {**tab_one, "body": tab_one["body"] + "第一个标签页补充的建议。"}).status_code == 302
    )

    response = client.post(url, {**tab_two, "title": "关于改名的提案"})
    assert response.status_code == 200
    assert "正文" in response.content.decode() and "您打开此页后" in response.content.decode()
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.body.endswith("第一个标签页补充的建议。") and proposal.title != "关于改名的提案"


def test_a_form_saved_without_anyone_else_changing_the_record_just_saves(client, users):
    proposal = draft(users)
    url = reverse("proposals:edit", args=[proposal.pk])
    client.force_login(users["member"])
    assert client.post(url, {**_opened(client, url), "title": "关于社区滑板场的提案"}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).title == "关于社区滑板场的提案"
