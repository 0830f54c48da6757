import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.sensitive import log_reveal
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_access_log_lists_reveals_for_admin_and_exports(client, users):
    person = users["member"].person
    log_reveal(user=users["staff"], obj=person, field="证件号码", ip="10.0.0.8")
    client.force_login(users["admin"])
    html = client.get(reverse("core:access_log")).content.decode()
    assert "证件号码" in html and users["staff"].display_name in html and "陈大文" in html
    response = client.get(reverse("core:access_log"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert (ws["C2"].value, ws["D2"].value, ws["E2"].value) == ("查看明文", "陈大文", "证件号码")


@pytest.mark.parametrize("role", ["staff", "leader", "member", "unit"])
def test_access_log_is_refused_to_everyone_but_admin(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("core:access_log")).status_code == 403


def test_access_log_bad_date_gets_chinese_message(client, users):
    client.force_login(users["admin"])
    html = client.get(reverse("core:access_log"), {"from": "2026-13-45"}).content.decode()
    assert "起始日期格式不正确" in html


def test_home_and_notification_pages_have_flat_query_counts(client, users, django_assert_max_num_queries):
    for i in range(30):
        notify([users["staff"]], "test", title=f"通知{i}")
    client.force_login(users["staff"])
    client.get("/")  # warm the per-process caches (content types) so the count is the steady state
    # Session, user, then one COUNT per app that shows home cards (organisations, members, activities,
    # opinions, ideas …) and the unread badge: the budget grows by one when an app adds its cards; then one
    # query per empty work queue of the staff's home (core/tests/test_home_queues.py pins full queues).
    # Counts read off indexes, one query each (aggregates over every visible row grew with the data): activities'
    # upcoming count (staff see the leave queue with its count, no card), proposals' three cards.
    with django_assert_max_num_queries(18):  # + proposals, + visits, + the queues
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_organisation_list_sorts_by_allowed_columns_only(client, users, orgs):
    client.force_login(users["staff"])
    html = client.get(reverse("organisations:list"), {"sort": "-name"}).content.decode()
    assert html.index("香港广州社团总会") < html.index("广东省政协")
    # an unknown sort key falls back to the tree order instead of failing
    assert client.get(reverse("organisations:list"), {"sort": "password"}).status_code == 200


def test_menu_only_shows_what_the_role_may_view(client, users):
    client.force_login(users["member"])
    html = client.get("/").content.decode()
    assert "用户管理" not in html and "敏感信息访问记录" not in html
    client.force_login(users["admin"])
    html = client.get("/").content.decode()
    assert "用户管理" in html and "敏感信息访问记录" in html
    # Each role's menu is built once per process: the member's after the admin's is still the member's, and
    # the item of the page shown is marked wherever the menu was built.
    client.force_login(users["member"])
    html = client.get(reverse("proposals:list")).content.decode()
    assert "用户管理" not in html and f'<a href="{reverse("proposals:list")}" class="active">提案</a>' in html


def test_home_shows_sections_from_apps_in_order_above_the_cards(client, users, monkeypatch):
    """Apps put work queues on the home page through `home_sections(request)`; lower `order` comes first."""
    from django.apps import apps
    from django.utils.html import format_html

    config = apps.get_app_config("core")
    monkeypatch.setattr(
        config,
        "home_sections",
        lambda request: [
            {"title": "后显示的队列", "html": format_html("<p>{}</p>", "乙"), "order": 20},
            {"title": "先显示的队列", "html": format_html("<p>{}</p>", request.user.username), "order": 10},
        ],
        raising=False,
    )
    client.force_login(users["staff"])
    html = client.get("/").content.decode()
    assert html.index("先显示的队列") < html.index("后显示的队列")
    assert f"<p>{users['staff'].username}</p>" in html
