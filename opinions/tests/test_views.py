import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.tests.factories import PersonFactory
from opinions.models import OpinionReport, ReportStatus
from opinions.tests.factories import OpinionReportFactory

pytestmark = pytest.mark.django_db
S = ReportStatus


def _many(orgs, n):
    for i in range(n):
        author = PersonFactory(owner_org=orgs.committee)
        OpinionReportFactory(author=author, owner_org=orgs.committee, status=S.SUBMITTED, title=f"報告{i}")


def test_member_writes_and_submits_a_report_from_the_form(client, users):
    client.force_login(users["member"])
    response = client.post(
        reverse("opinions:create"),
        {
            "title": "港澳居民办理社保",
            "situation": "情况",
            "analysis": "分析",
            "suggestion": "建议",
            "submit": "1",
        },
    )
    report = OpinionReport.objects.get()
    assert response.status_code == 302
    assert report.status == S.SUBMITTED and report.author == users["member"].person


def test_over_long_text_is_shown_next_to_the_field_and_nothing_saved(client, users):
    client.force_login(users["member"])
    response = client.post(
        reverse("opinions:create"),
        {"title": "长", "situation": "字" * 1501, "analysis": "", "suggestion": ""},
    )
    assert "不能超过 1500 字" in response.content.decode()
    assert not OpinionReport.objects.exists()


def test_member_sees_only_their_own_reports(client, users, orgs, draft):
    OpinionReportFactory(
        author=PersonFactory(owner_org=orgs.committee), owner_org=orgs.committee, title="别人的"
    )
    client.force_login(users["member"])
    html = client.get(reverse("opinions:list")).content.decode()
    assert draft.title in html and "别人的" not in html


def test_another_members_report_is_a_404(client, users, orgs):
    other = OpinionReportFactory(author=PersonFactory(owner_org=orgs.committee), owner_org=orgs.committee)
    client.force_login(users["member"])
    assert client.get(reverse("opinions:detail", args=[other.pk])).status_code == 404


def test_member_is_refused_processing_with_a_chinese_reason(client, users, draft):
    OpinionReport.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    client.force_login(users["member"])
    response = client.post(reverse("opinions:transition", args=[draft.pk]), {"target": "accepted"})
    assert response.status_code == 403
    assert "只有工作人员" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_staff_sends_up_with_level_from_the_detail_page(client, users, draft):
    OpinionReport.objects.filter(pk=draft.pk).update(status=S.EDITED)
    client.force_login(users["staff"])
    page = client.get(reverse("opinions:detail", args=[draft.pk])).content.decode()
    assert "上报" in page
    client.post(
        reverse("opinions:transition", args=[draft.pk]),
        {"target": "sent_up", "level": "city", "organisation": "广州市政协"},
    )
    draft.refresh_from_db()
    assert (draft.status, draft.sent_up_level, draft.sent_up_to) == (S.SENT_UP, "city", "广州市政协")


def test_staff_search_finds_traditional_input(client, users, orgs):
    OpinionReportFactory(author=users["member"].person, owner_org=orgs.committee, title="关于跨境医疗的建议",
                         search_text="关于跨境医疗的建议")  # fmt: skip
    OpinionReportFactory(
        author=users["member"].person, owner_org=orgs.committee, title="其他", search_text="其他"
    )
    client.force_login(users["staff"])
    html = client.get(reverse("opinions:list"), {"q": "跨境醫療"}).content.decode()
    assert "关于跨境医疗的建议" in html and ">其他<" not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_register_query_count_does_not_grow(client, users, orgs, rows, django_assert_max_num_queries):
    _many(orgs, rows)
    client.force_login(users["staff"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("opinions:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_export_query_count_does_not_grow_and_keeps_filters(
    client, users, orgs, rows, django_assert_max_num_queries
):
    _many(orgs, rows)
    OpinionReportFactory(
        author=users["member"].person, owner_org=orgs.committee, status=S.DRAFT, title="草稿一篇"
    )
    client.force_login(users["staff"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("opinions:export"), {"status": "submitted"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(titles) == rows and "草稿一篇" not in titles


def test_member_may_not_export(client, users):
    client.force_login(users["member"])
    assert client.get(reverse("opinions:export")).status_code == 403


def test_home_card_counts_a_members_own_reports(client, users, draft):
    client.force_login(users["member"])
    html = client.get("/").content.decode()
    assert "我的社情民意" in html


def test_home_card_counts_waiting_reports_for_staff(client, users, orgs):
    _many(orgs, 2)
    client.force_login(users["staff"])
    html = client.get("/").content.decode()
    assert "待受理社情民意" in html


def test_a_members_profile_lists_their_reports_and_claimed_ideas(client, users, orgs, draft):
    from ideas.models import IdeaStatus
    from ideas.tests.factories import IdeaFactory

    IdeaFactory(
        owner_org=orgs.committee, status=IdeaStatus.CLAIMED, claimed_by=draft.author, title="认领的金点子"
    )
    client.force_login(users["staff"])
    html = client.get(reverse("members:detail", args=[draft.author.pk])).content.decode()
    assert "社情民意信息" in html and draft.title in html
    assert "认领的百姓提案" in html and "认领的金点子" in html


def test_register_sorts_by_a_column_and_ignores_unknown_keys(client, users, orgs):
    OpinionReportFactory(author=users["member"].person, owner_org=orgs.committee, title="甲报告")
    OpinionReportFactory(author=users["member"].person, owner_org=orgs.committee, title="乙报告")
    client.force_login(users["staff"])
    up = client.get(reverse("opinions:list"), {"sort": "title"}).content.decode()
    down = client.get(reverse("opinions:list"), {"sort": "-title"}).content.decode()
    assert (up.index("甲报告") < up.index("乙报告")) != (down.index("甲报告") < down.index("乙报告"))
    assert client.get(reverse("opinions:list"), {"sort": "password"}).status_code == 200


def test_an_author_accepting_their_own_report_gets_403_before_the_form_is_read(client, users, draft):
    """Permission first (core.workflow.check): accepting is the office's, so a malformed post earns 403."""
    OpinionReport.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    client.force_login(users["member"])
    r = client.post(reverse("opinions:transition", args=[draft.pk]), {"target": "accepted", "date": "no"})
    assert r.status_code == 403
    assert OpinionReport.objects.get(pk=draft.pk).status == S.SUBMITTED
