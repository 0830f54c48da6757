"""The yearly work summary draft: built only from the records (each figure with its source and a link that
opens exactly its records), on screen and as Word, refused to those outside the committee office."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from activities.models import TripStop
from activities.tests.factories import KindFactory
from dashboard import summary
from dashboard.summary import Fact, Name

from . import year as gen

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(orgs, users):
    data = gen.build(orgs, users)
    trip = gen._activity(
        orgs,
        gen.at(2025, 4, 14),
        kind=KindFactory(name="调研视察", is_trip=True),
        title="赴南宁、桂林国情教育",
    )
    for i, city in enumerate(["南宁", "桂林"]):
        TripStop.objects.create(
            activity=trip,
            order=i + 1,
            city=city,
            start_date=dt.date(2025, 4, 14 + i),
            end_date=dt.date(2025, 4, 15 + i),
        )
    gen._invite(trip, data.p1, "checked_in")
    help_trip = gen._activity(
        orgs,
        gen.at(2025, 10, 23),
        kind=KindFactory(name="帮扶"),
        title="湛江吴川帮扶活动",
        place="湛江市吴川市王村港镇",
        support_amount=240000,
        support_note="捐资助学",
    )
    data.trip, data.help_trip = trip, help_trip
    return data


def _draft(user):
    return summary.build(user=user, year=gen.YEAR, organisation_name="港澳台侨外事委员会")


def _text(draft) -> str:
    return "\n".join([draft.intro.text] + [p.text for s in draft.sections for p in s.paragraphs])


def test_the_draft_tells_the_year_from_the_records(year, users):
    text = _text(_draft(users["staff"]))
    # activities: 5 held (the cancelled one is left out); attendance 7 of 11 invitations (陈大文's at another
    # committee's activity included: his attendance wherever it took place)
    assert "全年组织各类活动5场" in text and "签到参加活动7人次，出勤率63.6%" in text
    assert "赴南宁、桂林等地开展调研视察（2站）" in text
    # proposals of 2025 and what came of them
    assert "提交提案5件" in text and "A类2件、B类0件、C类0件" in text
    assert "满意1件、基本满意1件、不满意0件" in text
    assert "《关于建设社区球场的提案》被市体育局采纳。已建成社区球场三处，已于2025年9月1日落实完成。" in text
    # opinion reports, requests, visits, donations
    assert "报送社情民意信息4篇，被采用3篇（省级1篇、市级2篇），获领导批示1篇" in text
    assert "登记诉求4件，已协助解决1件（涉及子女入学）" in text
    assert "全年走访1次（一对一面谈1次），覆盖委员、顾问2人，覆盖率50.0%" in text
    assert "在湛江市吴川市王村港镇捐资24万元" in text and "合计捐资24万元" in text


def test_every_figure_has_a_source_and_opens_exactly_its_records(client, year, users):
    client.force_login(users["staff"])
    draft = _draft(users["staff"])
    assert [f.n for f in draft.facts] == list(range(1, len(draft.facts) + 1))
    counted = 0
    for fact in draft.facts:
        assert fact.source and fact.label and fact.url, fact
        response = client.get(fact.url)
        assert response.status_code == 200, fact
        page = response.context.get("page") if response.context else None
        if page is not None and fact.value.isdigit() and "summary" not in fact.url:
            assert page.paginator.count == int(fact.value), (fact.label, fact.url)
            counted += 1
    assert counted >= 15
    # every figure in the text is a cited fact: the words around them carry no numbers of their own
    for section in draft.sections:
        for paragraph in section.paragraphs:
            for part in paragraph.parts:
                if isinstance(part, Fact | Name):
                    continue  # figures (cited), and the records' own titles, names and outcome texts
                assert not re.search(r"\d", part.replace(str(gen.YEAR), "")), part


def test_the_page_cites_each_figure_and_lists_the_sources(client, year, users):
    client.force_login(users["staff"])
    html = client.get(reverse("dashboard:summary"), {"year": gen.YEAR}).content.decode()
    assert "港澳台侨外事委员会2025年工作总结（草稿）" in html or "2025年工作总结（草稿）" in html
    assert re.search(
        r'<span class="fact">5</span><sup class="fact-ref"><a href="#fact-\d+">\[\d+\]</a></sup>', html
    )
    assert 'id="summary-sources"' in html and "proposal_list(year=2025, reply_class=A)" in html
    assert "下载 Word" in html


def test_the_word_draft_holds_the_same_text_and_the_sources(client, year, users):
    from docx import Document

    client.force_login(users["staff"])
    response = client.get(reverse("dashboard:summary_docx"), {"year": gen.YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "2025" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in doc.paragraphs]
    draft = _draft(users["staff"])
    assert paragraphs[0].endswith("2025年工作总结（草稿）")
    assert "一、加强思想政治引领，组织学习考察" in paragraphs
    assert any("提交提案5件" in p for p in paragraphs)
    table = doc.tables[0]
    assert len(table.rows) == len(draft.facts) + 1
    assert [c.text for c in table.rows[0].cells] == ["编号", "数字", "含义", "来源"]


def test_a_traditional_chinese_reader_gets_the_word_draft_in_traditional(client, year, users):
    from docx import Document

    staff = users["staff"]
    staff.script = "hant"
    staff.save()
    client.force_login(staff)
    doc = Document(io.BytesIO(client.get(reverse("dashboard:summary_docx"), {"year": gen.YEAR}).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "工作總結（草稿）" in text and "組織學習考察" in text and "组织" not in text
    html = client.get(reverse("dashboard:summary"), {"year": gen.YEAR}).content.decode()
    assert "年度工作總結" in html


def test_a_year_without_records_says_so_instead_of_inventing(client, users):
    text = _text(summary.build(user=users["staff"], year=2019, organisation_name="港澳台侨外事委员会"))
    assert "2019年平台上没有已举办的活动记录" in text and "2019年平台上没有提交的提案记录" in text
    assert "没有走访、诉求、联谊或捐赠记录" in text


@pytest.mark.parametrize("role", ["member", "advisor", "unit", "partner"])
def test_only_the_committee_office_may_read_or_download_the_summary(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("dashboard:summary")).status_code == 403
    response = client.get(reverse("dashboard:summary_docx"))
    assert response.status_code == 403
    assert "只有委员会领导和工作人员可以下载年度工作总结" in response.content.decode()


def test_the_summary_query_count_does_not_grow_with_the_records(
    client, year, orgs, users, django_assert_max_num_queries
):
    client.force_login(users["staff"])
    url = reverse("dashboard:summary") + f"?year={gen.YEAR}"
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    trip_kind = KindFactory(name="国情教育", is_trip=True)
    for i in range(4):
        trip = gen._activity(
            orgs, gen.at(2025, 5 + i, 3), kind=trip_kind, place=f"地点{i}", support_amount=1000
        )
        for j in range(3):
            TripStop.objects.create(
                activity=trip,
                order=j,
                city=f"城市{i}{j}",
                start_date=trip.starts_at.date(),
                end_date=trip.starts_at.date(),
            )
        gen._invite(trip, year.p2, "checked_in")
    with django_assert_max_num_queries(60) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_consultation_meetings_and_research_topics_are_told_from_their_records(client, orgs, users):
    from consultations import services as cs
    from consultations.tests.factories import make_meeting, make_topic, select

    staff = users["staff"]
    from consultations.models import Meeting

    meeting = make_meeting(staff, title="市领导与港澳委员座谈会")  # topics are collected before it …
    select(staff, make_topic(users["member"], meeting, title="支持港澳青年在穗创新创业"))
    make_topic(users["advisor"], meeting, title="华侨历史建筑保护")
    Meeting.objects.filter(pk=meeting.pk).update(date=dt.date(2025, 1, 7))  # … and it took place in 2025
    cs.research_create(
        actor=staff,
        title="港澳药械通扩容研究",
        lead_body=orgs.province,
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 9, 30),
        partners=[orgs.district],
    )
    draft = _draft(staff)
    text = _text(draft)
    assert "全年召开协商会议1次" in text
    assert "1月7日召开市领导与港澳委员座谈会，会前征集选题2个，协商确定1个，安排发言0篇" in text
    assert (
        "加强与天河区政协、省政协等单位的协作，开展课题研究1项：《港澳药械通扩容研究》" in text
    )  # lead body too
    client.force_login(staff)
    meetings = next(f for f in draft.facts if f.label == "协商会议")
    assert client.get(meetings.url).context["page"].paginator.count == 1
