"""`core.actions.run_and_tell`: the one helper behind the plain POST buttons of the archives (verify a donation,
resume a closing run) and of the visits (make the year's plan)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from core.actions import run_and_tell
from core.errors import DomainError, PermissionRefused


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _told(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_a_call_that_goes_through_tells_its_success_made_from_the_result():
    request = _request()
    assert run_and_tell(request, lambda: 3, lambda n: f"已生成 {n} 条。") is True
    assert run_and_tell(request, lambda: None, "已保存。") is True
    assert _told(request) == [("success", "已生成 3 条。"), ("success", "已保存。")]


def test_a_refusal_of_the_domain_becomes_its_chinese_message():
    def refuse():
        raise DomainError("已经核实，不能重复核实。")

    request = _request()
    assert run_and_tell(request, refuse, "已核实。") is False
    assert _told(request) == [("error", "已经核实，不能重复核实。")]


def test_a_refusal_of_permission_still_raises_so_the_page_is_a_403():
    def forbid():
        raise PermissionRefused()

    request = _request()
    with pytest.raises(PermissionRefused):
        run_and_tell(request, forbid, "已核实。")
    assert _told(request) == []


@pytest.mark.django_db
def test_the_visit_plan_button_tells_a_wrong_year_and_makes_a_right_one(client, users, orgs):
    import datetime as dt

    from members.models import TermRole
    from members.tests.factories import TermFactory

    term = TermFactory(
        cppcc=orgs.city, number=16, start_date=dt.date(2027, 1, 1), end_date=dt.date(2031, 12, 31)
    )
    for role in ("member", "advisor"):
        TermRole.objects.create(person=users[role].person, term=term, role=users[role].role)
    client.force_login(users["leader"])
    response = client.post(reverse("visits:plan_create"), {"year": "1999"}, follow=True)
    assert "年度不正确。" in response.content.decode()
    response = client.post(reverse("visits:plan_create"), {"year": "2030"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2030")
    assert "2030年度走访计划已生成，共 2 人。" in client.get(response["Location"]).content.decode()
