"""Pages: who sees what, the action forms, refusals, exports and fixed query counts."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from core.errors import DomainError

from .. import services
from ..models import Proposal, ProposalStatus
from . import factories as f

pytestmark = pytest.mark.django_db


def test_member_drafts_through_the_form_and_sees_similar_proposals(client, users, orgs):
    f.submitted(users, title="关于增加广州滑板场建设的提案")
    login_client(client, users["member"])
    r = client.post(
        reverse("proposals:create"),
        {
            "title": "建设城市滑板公园",
            "body": "滑板场地不足，建议建设滑板公园。",
            "timing": "regular",
            "proposer_kind": "member",
        },
    )
    assert r.status_code == 302
    p = Proposal.objects.get(title="建设城市滑板公园")
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    similar = reverse("proposals:similar_of", args=[p.pk])
    assert "正在查找相似提案" in page and f'hx-get="{similar}"' in page  # loaded after the page
    section = client.get(similar).content.decode()
    assert "相似提案" in section and "关于增加广州滑板场建设的提案" in section
    r = client.post(reverse("proposals:similar"), {"title": "滑板场", "body": "滑板"})
    assert "关于增加广州滑板场建设的提案" in r.content.decode()


def test_too_long_proposal_is_refused_on_the_form(client, users, orgs):
    f.seat(users["member"].person)
    login_client(client, users["member"])
    r = client.post(
        reverse("proposals:create"),
        {"title": "案由", "body": "字" * 200_000, "timing": "regular", "proposer_kind": "member"},
    )
    assert r.status_code == 200
    assert "不能超过" in r.content.decode()
    assert Proposal.objects.count() == 0


def test_member_submits_and_staff_files_through_action_endpoints(client, users, orgs, session):
    p = f.draft(users)
    login_client(client, users["member"])
    assert client.post(reverse("proposals:act", args=[p.pk, "submit"]), {}).status_code == 302
    login_client(client, users["staff"])
    r = client.post(reverse("proposals:act", args=[p.pk, "file"]), {"file-note": "符合立案条件"})
    assert r.status_code == 302
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.FILED


def test_illegal_transition_shows_chinese_message_and_changes_nothing(client, users, orgs):
    p = f.draft(users)
    login_client(client, users["staff"])
    r = client.post(reverse("proposals:act", args=[p.pk, "file"]), {})
    assert r.status_code == 400
    assert "不能执行" in r.content.decode()
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.DRAFT


def test_member_may_not_file_a_proposal(client, users, orgs):
    p = f.submitted(users)
    login_client(client, users["member"])
    r = client.post(reverse("proposals:act", args=[p.pk, "file"]), {})
    assert r.status_code == 403
    assert "工作人员" in r.content.decode()


def test_unit_not_assigned_gets_404(client, users, orgs, session):
    p = f.filed(users, orgs)
    services.proposal_assign(actor=users["staff"], proposal=p, lead=orgs.planning)
    login_client(client, users["unit"])
    assert client.get(reverse("proposals:detail", args=[p.pk])).status_code == 404
    assert client.post(reverse("proposals:act", args=[p.pk, "reply"]), {}).status_code == 404


def test_other_committee_staff_gets_404(client, users, orgs):
    p = f.draft(users)
    login_client(client, users["other_staff"])
    assert client.get(reverse("proposals:detail", args=[p.pk])).status_code == 404


def test_unit_worklist_shows_only_assigned_with_deadlines(client, users, orgs, session):
    mine = f.handling(users, orgs)
    login_client(client, users["unit"])
    page = client.get(reverse("proposals:unit_work")).content.decode()
    assert mine.title in page and f"{mine.reply_due:%Y-%m-%d}" in page


def test_unit_worklist_pages_soonest_deadline_first(client, users, orgs, session):
    """A department's work list is paged (50 a page, or as chosen): 21 proposals at 20 a page are two pages,
    the soonest deadlines on the first."""
    import datetime as dt

    today = timezone.localdate()
    rows = [f.handling(users, orgs, title=f"承办提案{i:02d}", co=False) for i in range(21)]
    for i, p in enumerate(rows):
        Proposal.objects.filter(pk=p.pk).update(reply_due=today + dt.timedelta(days=i))
    login_client(client, users["unit"])
    first = client.get(reverse("proposals:unit_work") + "?per_page=20").content.decode()
    second = client.get(reverse("proposals:unit_work") + "?per_page=20&page=2").content.decode()
    assert (
        "共 21 条" in first and "承办提案00" in first and "承办提案19" in first and "承办提案20" not in first
    )
    assert "承办提案20" in second and "承办提案00" not in second


@pytest.mark.parametrize("n", [3, 12])
def test_list_query_count_does_not_grow_with_rows(client, users, orgs, n, django_assert_max_num_queries):
    f.many(users, orgs, n)
    login_client(client, users["staff"])
    with django_assert_max_num_queries(14):
        r = client.get(reverse("proposals:list"))
    assert r.content.decode().count("测试承办单位") >= min(n, 20)


@pytest.mark.parametrize("n", [3, 12])
def test_register_export_query_count_is_fixed(client, users, orgs, n, django_assert_max_num_queries):
    from openpyxl import load_workbook

    f.many(users, orgs, n)
    login_client(client, users["staff"])
    with django_assert_max_num_queries(8):
        r = client.get(reverse("proposals:export") + "?status=handling")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row == n + 1
    assert ws.cell(2, 8).value.startswith("测试承办单位")


def test_register_export_survives_a_control_character_already_stored(client, users, orgs):
    """Issue 11, defect 1: a title stored with \\x0b made every register export answer 500."""
    from openpyxl import load_workbook

    p = f.draft(users, title="关于增加滑板场\x0b建设的提案")
    Proposal.objects.filter(pk=p.pk).update(title="关于增加滑板场\x0b建设的提案")  # as stored before the fix
    login_client(client, users["staff"])
    r = client.get(reverse("proposals:export"))
    assert r.status_code == 200
    titles = [c.value for c in load_workbook(io.BytesIO(r.content)).active["B"]]
    assert "关于增加滑板场建设的提案" in titles


def test_member_cannot_export(client, users, orgs):
    login_client(client, users["member"])
    assert client.get(reverse("proposals:export")).status_code == 403


def test_pdf_has_the_formal_sections(client, users, orgs, session):
    p = f.replied(users, orgs)
    login_client(client, users["staff"])
    r = client.get(reverse("proposals:pdf", args=[p.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    from django.template.loader import render_to_string

    html = render_to_string("proposals/pdf.html", {"p": p, "cosigners": [], "replies": [], "assignments": []})
    for heading in ("案由", "提案人", "联名人", "正文", "办理情况", "答复"):
        assert heading in html


def test_public_replies_need_no_login_and_hide_contacts(client, users, orgs, session):
    p = f.handling(users, orgs, co=False)
    services.reply_save(
        actor=users["unit"],
        proposal=p,
        reply_class="A",
        body="已建成。联系人李先生，电话 13812345678，邮箱 li@example.cn",
        contact="李先生 020-83331234",
    )
    services.reply_submit(actor=users["unit"], proposal=p)
    services.reply_review(actor=users["staff"], proposal=p, approve=True)
    r = client.get("/public/proposals/replies/")
    page = r.content.decode()
    assert r.status_code == 200 and "已建成" in page
    assert "13812345678" not in page and "li@example.cn" not in page and "83331234" not in page


def test_deadline_board_lists_overdue_by_unit(client, users, orgs, session):
    import datetime as dt

    p = f.handling(users, orgs)
    Proposal.objects.filter(pk=p.pk).update(reply_due=dt.date(2020, 1, 1))
    login_client(client, users["leader"])
    page = client.get(reverse("proposals:deadlines")).content.decode()
    assert "市体育局" in page and "逾期" in page and p.title in page


def test_deadline_board_shows_each_units_most_urgent_and_links_to_all(
    client, users, orgs, session, monkeypatch
):
    """A unit with more late proposals than the board shows: its card counts them all, lists the most overdue
    first, and its "全部" link opens the proposal list with exactly that many."""
    import datetime as dt

    from .. import selectors

    monkeypatch.setattr(selectors, "BOARD_ROWS", 2)
    today = timezone.localdate()
    late = [f.handling(users, orgs, title=f"逾期提案{i}") for i in range(3)]
    soon = f.handling(users, orgs, title="临期提案")
    for i, p in enumerate(late):
        Proposal.objects.filter(pk=p.pk).update(reply_due=today - dt.timedelta(days=10 - i))
    Proposal.objects.filter(pk=soon.pk).update(reply_due=today + dt.timedelta(days=3))
    login_client(client, users["leader"])
    page = client.get(reverse("proposals:deadlines")).content.decode()
    assert "逾期 3" in page and "临期 1" in page
    assert (
        page.index("逾期提案0") < page.index("逾期提案1") and "逾期提案2" not in page and "临期提案" in page
    )
    more = re.search(r'href="([^"]*due=overdue[^"]*)">全部逾期 3 件', page).group(1).replace("&amp;", "&")
    listed = client.get(more).content.decode()
    assert (
        all(f"逾期提案{i}" in listed for i in range(3)) and "临期提案" not in listed and "共 3 件" in listed
    )


def test_person_section_lists_proposals_and_outcome(rf, users, orgs, session):
    from django.utils import timezone

    from ..views import person_section

    p = f.replied(users, orgs)
    services.outcome_record(
        actor=users["staff"], proposal=p, actions="建成", completed=True, completed_on=timezone.localdate()
    )
    request = rf.get("/")
    request.user = users["staff"]
    sections = person_section(request, users["member"].person)
    assert sections and "已完成" in sections[0]["html"]


def test_a_handling_unit_reassigning_gets_403_whatever_it_posts(client, users, orgs, session):
    """Permission first (core.actions): the unit may not pass a proposal on, so neither a malformed form
    nor a proposal in another state earns it anything but 403 with the reason."""
    p = f.handling(users, orgs)
    login_client(client, users["unit"])
    url = reverse("proposals:act", args=[p.pk, "reassign"])
    r = client.post(url, {"reassign-assignment": "not-a-number", "reassign-new_unit": "x"})
    assert r.status_code == 403
    assert "承办单位不能自行转办" in r.content.decode()
    r = client.post(reverse("proposals:act", args=[p.pk, "file"]), {})  # wrong state as well
    assert r.status_code == 403


def test_an_action_in_the_wrong_state_is_refused_in_chinese_before_its_form(client, users, orgs, session):
    p = f.handling(users, orgs)
    login_client(client, users["staff"])
    r = client.post(reverse("proposals:act", args=[p.pk, "file"]), {"file-session": "garbage"})
    assert r.status_code == 400
    assert "当前状态为“办理中”，不能执行“立案”" in r.content.decode()
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.HANDLING


def test_a_key_proposal_is_not_offered_key_again_and_its_timeline_shows_key_and_number(client, users, orgs):
    p = f.handling(users, orgs)
    login_client(client, users["staff"])
    url = reverse("proposals:detail", args=[p.pk])
    assert "确定为重点提案" in client.get(url).content.decode()
    services.proposal_designate_key(
        actor=users["staff"], proposal=p, supervisors=[users["leader"]], note="市领导督办"
    )
    html = client.get(url).content.decode()
    assert 'id="act-key"' not in html
    timeline = html[html.index('id="timeline"') :]
    assert "确定为重点提案" in timeline and "市领导督办" in timeline
    p.refresh_from_db()
    assert f"立案：{p.number_label}" in timeline
    with pytest.raises(DomainError, match="已是重点提案"):
        services.proposal_designate_key(actor=users["staff"], proposal=p, supervisors=[users["leader"]])


def test_units_of_a_closed_proposal_show_closed_and_the_lead_unit_comes_first(client, users, orgs):
    p = f.replied(users, orgs)
    services.proposal_close(actor=users["staff"], proposal=p, note="已办结")
    login_client(client, users["staff"])
    html = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    units = html[html.index("<h2>承办单位</h2>") : html.index("</table>", html.index("<h2>承办单位</h2>"))]
    assert "已办结" in units and "承办中" not in units
    q = f.handling(users, orgs, title="关于增加夜间公交的提案")
    listing = client.get(reverse("proposals:list"), {"q": "夜间公交"}).content.decode()
    row = listing[listing.index("关于增加夜间公交的提案") :]
    assert q.pk and row.index("市体育局") < row.index("市规划和自然资源局")


def test_the_similar_section_is_loaded_after_the_page_and_only_for_who_may_see_it(client, users, orgs):
    """The page holds a placeholder; the section answers the office (and the author while writing) with the
    matches and the suggested units, nothing when nothing is similar, and refuses everyone else."""
    from proposals.tests import factories as f

    f.filed(users, orgs)  # 关于增加广州滑板场建设的提案, in the index
    p = f.submitted(users, title="关于新建滑板场的提案")
    url = reverse("proposals:similar_of", args=[p.pk])
    client.force_login(users["staff"])
    assert "关于增加广州滑板场建设的提案" in client.get(url).content.decode()
    lonely = f.submitted(users, title="关于某某事项的提案", body="没有任何相同词语的正文内容。")
    assert client.get(reverse("proposals:similar_of", args=[lonely.pk])).content == b""
    client.force_login(users["member"])  # the author, no longer writing: no section, refused
    assert 'id="similar"' not in client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(users["other_staff"])
    assert client.get(url).status_code == 404
