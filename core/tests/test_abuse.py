"""Defect 10 (issue 11): the citizen form's human check reveals nothing and is single-use; password spraying
from one address is throttled across user names; an uploaded .html/.svg is never stored or served as a page;
a request's description has a length limit."""

import base64
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import DomainError
from ideas import captcha
from ideas.models import Idea
from ideas.tests.test_views import SUBMIT, _form
from proposals import services as proposal_services
from proposals.tests.factories import draft
from visits import services as visit_services
from visits.services import REQUEST_DESCRIPTION_MAX

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n"


def test_the_human_checks_token_does_not_contain_its_answer():
    question, token = captcha.new_challenge()
    a, b = (int(n) for n in re.findall(r"\d", question))
    payload = token.split(":")[0]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(decoded) == {"n", "h"}
    assert str(a + b) not in json.dumps(decoded).replace(decoded["n"], "").replace(decoded["h"], "")
    assert captcha.check(token, str(a + b))


def test_a_human_check_token_is_used_once_right_or_wrong():
    question, token = captcha.new_challenge()
    answer = str(sum(int(n) for n in re.findall(r"\d", question)))
    assert captcha.check(token, answer) and not captcha.check(token, answer)
    question, token = captcha.new_challenge()
    assert not captcha.check(token, "99")
    assert not captcha.check(token, str(sum(int(n) for n in re.findall(r"\d", question))))


def test_a_replayed_citizen_form_is_refused(client, orgs):
    data = _form(client)
    assert client.post(SUBMIT, data).status_code == 302
    again = client.post(SUBMIT, {**data, "title": "再提交一次"})
    assert again.status_code == 400 and "验证问题回答不正确" in again.content.decode()
    assert Idea.objects.count() == 1


def test_password_spraying_from_one_address_is_paused_across_user_names(client, users, settings):
    settings.TONGXIN_LOGIN_FAILURES_PER_ADDRESS = 4
    url = reverse("accounts:login")
    for name in (
        "staff",
        "member",
        "leader",
        "admin",
    ):  # one wrong password each: axes alone would not stop it
        assert (
            "用户名或密码不正确"
            in client.post(url, {"username": name, "password": "Summer2026!"}).content.decode()
        )
    response = client.post(url, {"username": "advisor", "password": "Passw0rd!x"})
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = client.post(url, {"username": "advisor", "password": "Passw0rd!x"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("报告.html", "报告.pdf"),
        ("logo.svg", "logo.pdf"),
        ("x.pdf.htm", "x.pdf.pdf"),
        ("../../etc/a\x00.pdf", "a.pdf"),
    ],
)
def test_an_upload_named_like_a_page_is_stored_and_served_by_what_it_is(client, users, name, stored):
    proposal = draft(users)
    att = proposal_services.attachment_add(
        actor=users["member"],
        proposal=proposal,
        upload=SimpleUploadedFile(name, PDF, content_type="text/html"),
    )
    assert att.name == stored
    client.force_login(users["member"])
    response = client.get(reverse("proposals:attachment", args=[proposal.pk, att.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_request_description_over_the_limit_is_refused_with_the_count(users):
    member_person = users["member"].person
    with pytest.raises(DomainError) as exc:
        visit_services.request_create(
            actor=users["staff"], person=member_person, category="school", title="插班",
            description="很" * (REQUEST_DESCRIPTION_MAX + 1),
        )  # fmt: skip
    assert exc.value.field == "description" and str(REQUEST_DESCRIPTION_MAX + 1) in exc.value.message
