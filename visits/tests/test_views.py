import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import SensitiveAccessLog
from members.tests.factories import PersonFactory
from visits import services
from visits.models import Request, Visit

from .factories import make_request, make_visit, persons, seat

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


# ---- refusals: nothing leaked ----


def test_a_member_cannot_read_another_members_request(client, users, orgs, advisor_person):
    req = make_request(users["staff"], advisor_person, title="商铺牌照")
    _login(client, users["member"])
    response = client.get(reverse("visits:request_detail", args=[req.pk]))
    assert response.status_code == 404
    assert "商铺牌照" not in response.content.decode()
    assert "商铺牌照" not in client.get(reverse("visits:request_list")).content.decode()


def test_a_member_cannot_open_visits_or_their_notes(client, users, member_person):
    visit = make_visit(users["leader"], [member_person], notes="谈话内容", confidential_notes="内部评价")
    _login(client, users["member"])
    response = client.get(reverse("visits:detail", args=[visit.pk]))
    assert response.status_code == 403
    assert "内部评价" not in response.content.decode() and "谈话内容" not in response.content.decode()
    assert client.get(reverse("visits:list")).status_code == 403


def test_staff_do_not_see_confidential_notes_on_the_page_or_in_history(client, users, member_person):
    visit = make_visit(users["leader"], [member_person], confidential_notes="内部评价")
    _login(client, users["staff"])
    html = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "内部评价" not in html and "仅领导可见" not in html
    history = client.get(reverse("core:history", args=["visits", "visit", visit.pk])).content.decode()
    assert "内部评价" not in history
    _login(client, users["leader"])
    assert "内部评价" in client.get(reverse("visits:detail", args=[visit.pk])).content.decode()


def test_another_committees_staff_get_404_for_our_visits(client, users, member_person):
    visit = make_visit(users["leader"], [member_person])
    _login(client, users["other_staff"])
    assert client.get(reverse("visits:detail", args=[visit.pk])).status_code == 404


def test_a_member_cannot_close_his_own_request(client, users, member_person):
    req = make_request(users["member"], member_person)
    _login(client, users["member"])
    response = client.post(
        reverse("visits:request_transition", args=[req.pk]), {"target": "solved", "note": "好了"}
    )
    assert response.status_code == 403
    assert "只有工作人员和领导可以办结诉求" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "open"


def test_marking_a_future_visit_done_shows_a_chinese_refusal(client, users, member_person, today):
    _login(client, users["leader"])
    tomorrow = today + dt.timedelta(days=1)
    response = client.post(
        reverse("visits:create"),
        {
            "done": "on",
            "date": tomorrow.isoformat(),
            "mode": "phone",
            "visitors": [users["leader"].pk],
            "persons": [member_person.pk],
        },
    )
    assert response.status_code == 200
    assert "不能登记为已走访" in response.content.decode()
    assert not Visit.objects.exists()


def test_solving_without_a_resolution_is_refused_on_the_page(client, users, member_person):
    req = make_request(users["staff"], member_person)
    _login(client, users["staff"])
    response = client.post(
        reverse("visits:request_transition", args=[req.pk]), {"target": "solved", "note": ""}, follow=True
    )
    assert "需要填写说明" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "open"


# ---- journeys ----


def test_leader_records_a_visit_with_two_requests(client, users, member_person, today):
    _login(client, users["leader"])
    response = client.post(
        reverse("visits:create"),
        {
            "done": "on",
            "date": today.isoformat(),
            "mode": "home",
            "visitors": [users["leader"].pk],
            "persons": [member_person.pk],
            "topics": "在穗生活",
            "confidential_notes": "可重点培养",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.status == "done"
    url = reverse("visits:request_create") + f"?visit={visit.pk}"
    for title in ("子女入学", "港澳药械通"):
        client.post(
            url,
            {
                "visit": visit.pk,
                "person": member_person.pk,
                "category": "other",
                "title": title,
                "description": "详情",
            },
        )
    assert set(visit.requests.values_list("title", flat=True)) == {"子女入学", "港澳药械通"}


def test_member_sees_his_request_solved_on_my_requests(client, users, member_person):
    req = make_request(users["staff"], member_person)
    services.request_transition(actor=users["staff"], request=req, target="solved", note="已安排插班就读")
    _login(client, users["member"])
    html = client.get(reverse("visits:request_list")).content.decode()
    assert "我的诉求" in html and "已解决" in html
    detail = client.get(reverse("visits:request_detail", args=[req.pk])).content.decode()
    assert "已安排插班就读" in detail and "欢迎反馈" in detail
    client.post(reverse("visits:request_thank", args=[req.pk]), {"note": "谢谢！"})
    req.refresh_from_db()
    assert req.thanks_note == "谢谢！"


def test_member_raises_a_request_from_his_phone(client, users, member_person):
    _login(client, users["member"])
    response = client.post(
        reverse("visits:request_create"),
        {"category": "travel", "title": "回乡证续期", "description": "想了解办理地点"},
    )
    req = Request.objects.get()
    assert response.status_code == 302 and req.person == member_person and req.status == "open"


def test_coverage_page_shows_who_is_still_unvisited(client, users, member_person, advisor_person):
    make_visit(users["leader"], [member_person])
    _login(client, users["leader"])
    html = client.get(reverse("visits:coverage")).content.decode()
    assert "黄侨心" in html and "从未走访" in html
    assert "50.0%" in html


def test_coverage_page_shows_a_planned_visit_instead_of_arrange(
    client, users, member_person, advisor_person, today
):
    make_visit(users["leader"], [advisor_person], date=today + dt.timedelta(days=5), done=False)
    _login(client, users["leader"])
    html = client.get(reverse("visits:coverage")).content.decode()
    row = html[html.index("黄侨心") : html.index("</tr>", html.index("黄侨心"))]
    planned = (today + dt.timedelta(days=5)).strftime("%Y-%m-%d")
    assert f"已计划 {planned}" in row and "安排走访" not in row


def test_contact_phone_is_masked_on_the_organisation_page_and_reveal_logged(client, users, orgs):
    services.liaison_link_save(actor=users["staff"], organisation=orgs.association, liaison=users["leader"])
    contact = services.liaison_contact_create(
        actor=users["staff"],
        organisation=orgs.association,
        name="何联络",
        position="秘书长",
        phone="91234567",
    )
    _login(client, users["staff"])
    html = client.get(reverse("organisations:detail", args=[orgs.association.pk])).content.decode()
    assert "何联络" in html and "+852 91****67" in html and "9123" not in html
    response = client.post(reverse("visits:contact_reveal", args=[contact.pk]))
    assert "+852 9123 4567" in response.content.decode()
    assert SensitiveAccessLog.objects.filter(field="phone").count() == 1
    _login(client, users["member"])
    html = client.get(reverse("organisations:detail", args=[orgs.association.pk])).content.decode()
    assert "何联络" not in html
    assert client.post(reverse("visits:contact_reveal", args=[contact.pk])).status_code in (403, 404)


def test_request_export_has_the_filtered_rows(client, users, member_person, advisor_person):
    make_request(users["staff"], member_person, title="学位")
    make_request(users["staff"], advisor_person, title="牌照", category="business")
    _login(client, users["staff"])
    response = client.get(reverse("visits:request_export"), {"category": "business"})
    ws = load_workbook(io.BytesIO(response.content)).active
    titles = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert titles == ["牌照"]


# ---- query counts: independent of the number of rows ----


def _visits(users, orgs, n):
    today = timezone.localdate()
    people = persons(n, orgs.committee, prefix=f"对象{n}-")
    seat(people, orgs.city)  # in the year's visit plan
    for i, p in enumerate(people):
        visit = make_visit(
            users["leader"], [p, people[i - 1]], visitors=[users["leader"], users["staff"]], topics=f"主题{i}"
        )
        make_request(
            users["leader"], p, visit=visit, owner=users["staff"], deadline=today - dt.timedelta(days=1)
        )


@pytest.mark.parametrize(
    "url",
    [
        "visits:list",
        "visits:export",
        "visits:request_list",
        "visits:request_overdue",
        "visits:request_export",
        "visits:coverage",
        "visits:plan",
        "visits:liaison",
        "visits:liaison_events",
        "visits:liaison_event_export",
    ],
)
def test_page_query_count_does_not_grow_with_rows(
    url, client, users, orgs, django_assert_max_num_queries, today
):
    _login(client, users["leader"])
    _visits(users, orgs, 3)
    _links(users, orgs, 2)
    services.visit_plan_create(actor=users["leader"], year=today.year)
    with django_assert_max_num_queries(40) as few:
        assert client.get(reverse(url)).status_code == 200
    _visits(users, orgs, 25)
    _links(users, orgs, 20)
    services.visit_plan_create(actor=users["leader"], year=today.year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url)).status_code == 200


def _links(users, orgs, n):
    today = timezone.localdate()
    from organisations.tests.factories import OrganisationFactory

    for i in range(n):
        org = OrganisationFactory(name=f"联谊社团{n}-{i}", kind="association", level="none")
        services.liaison_link_save(actor=users["staff"], organisation=org, liaison=users["leader"])
        services.liaison_contact_create(
            actor=users["staff"], organisation=org, name=f"联络人{i}", phone="020 8888 1234"
        )
        services.liaison_event_create(
            actor=users["staff"],
            date=today,
            kind="meeting",
            title=f"座谈{i}",
            organisations=[org],
            participants=[users["staff"]],
        )


def test_my_requests_query_count_does_not_grow(client, users, member_person, django_assert_max_num_queries):
    _login(client, users["member"])
    make_request(users["staff"], member_person)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("visits:request_list"))
    for i in range(20):
        make_request(users["staff"], member_person, title=f"诉求{i}", owner=users["staff"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("visits:request_list"))


def test_coverage_query_count_is_fixed_for_many_persons(client, users, orgs, django_assert_num_queries):
    _login(client, users["leader"])
    client.get(reverse("visits:coverage"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("visits:coverage"))
    PersonFactory.create_batch(120, owner_org=orgs.committee)
    _visits(users, orgs, 10)
    # The few fit on the first page and are not counted; 120 more are counted once (one query), not per row.
    with django_assert_num_queries(len(few.captured_queries) + 1):
        client.get(reverse("visits:coverage"))


def test_home_cards_show_a_members_open_requests_and_a_leaders_overdue_ones(
    client, users, member_person, today
):
    make_request(users["staff"], member_person, owner=users["staff"], deadline=today - dt.timedelta(days=3))
    _login(client, users["member"])
    assert "我的诉求（未办结）" in client.get("/").content.decode()
    _login(client, users["leader"])
    html = client.get("/").content.decode()
    assert "超期诉求" in html and "待办诉求" in html


def test_staff_turn_a_request_into_a_proposal_from_its_page(client, users, orgs, member_person):
    seat([member_person], orgs.city)  # only a current member may author the proposal
    req = make_request(users["staff"], member_person, title="增加港澳居民就医便利")
    _login(client, users["staff"])
    assert "转为提案草稿" in client.get(reverse("visits:request_detail", args=[req.pk])).content.decode()
    client.post(reverse("visits:request_to_proposal", args=[req.pk]))
    req.refresh_from_db()
    assert req.proposal_id
    html = client.get(reverse("visits:request_detail", args=[req.pk])).content.decode()
    assert "由此形成的提案" in html and reverse("proposals:detail", args=[req.proposal_id]) in html


def test_the_member_sees_the_joint_proposal_their_request_was_merged_into(client, users, orgs, member_person):
    """The 港澳药械通 request linked to the merged #2 instead of the surviving #5, which its member could not see."""
    from proposals import services as ps
    from proposals.tests.factories import plenary_session, submitted

    plenary_session(orgs)
    seat([member_person], orgs.city)  # only a current member may author the proposal
    req = make_request(users["staff"], member_person, title="港澳药械通")
    _login(client, users["staff"])
    client.post(reverse("visits:request_to_proposal", args=[req.pk]))
    req.refresh_from_db()
    ps.proposal_submit(actor=users["staff"], proposal=req.proposal)
    joint = submitted(
        users, title="关于推进港澳药械通的提案", author=PersonFactory(name="李委员", owner_org=orgs.committee)
    )
    ps.proposal_merge(actor=users["staff"], proposal=req.proposal, into=joint)
    joint = ps.proposal_file(actor=users["staff"], proposal=joint)
    _login(client, users["member"])
    html = client.get(reverse("visits:request_detail", args=[req.pk])).content.decode()
    assert "《关于推进港澳药械通的提案》" in html and joint.number_label in html
    assert "原提案已并入此提案一并办理" in html and f"立案：{joint.number_label}" in html


def test_profile_shows_visits_received_and_requests_to_office_and_to_the_member(client, users, member_person):
    make_visit(users["leader"], [member_person], topics="了解在穗生活", confidential_notes="内部评价")
    make_request(users["staff"], member_person, title="回乡证续期")
    url = reverse("members:detail", args=[member_person.pk])
    _login(client, users["staff"])
    html = client.get(url).content.decode()
    assert "接受走访" in html and "了解在穗生活" in html and "回乡证续期" in html
    _login(client, users["member"])
    html = client.get(url).content.decode()
    assert "回乡证续期" in html and "内部评价" not in html and "了解在穗生活" not in html


def test_visit_search_finds_traditional_input(client, users, member_person):
    make_visit(users["leader"], [member_person], topics="了解子女教育")
    _login(client, users["staff"])
    html = client.get(reverse("visits:list"), {"q": "子女教育"}).content.decode()
    assert "了解子女教育" in html
    html = client.get(reverse("visits:list"), {"q": "陳大文"}).content.decode()
    assert "了解子女教育" in html


def test_organisation_page_query_count_does_not_grow(
    client, users, orgs, django_assert_max_num_queries, today
):
    services.liaison_link_save(actor=users["staff"], organisation=orgs.association, liaison=users["leader"])
    _login(client, users["staff"])
    url = reverse("organisations:detail", args=[orgs.association.pk])

    def add(i):
        services.liaison_contact_create(
            actor=users["staff"], organisation=orgs.association, name=f"人{i}", phone="+852 6123 4567"
        )
        services.liaison_event_create(
            actor=users["staff"], date=today, kind="meeting", title=f"会{i}", organisations=[orgs.association]
        )

    add(0)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(1, 16):
        add(i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_member_moving_their_own_request_is_refused_before_its_state_is_told(client, users, member_person):
    """Permission first (core.workflow.check): closing a request is the office's, so a member hears 403 —
    not "it is already solved" — whatever state the request is in."""
    req = make_request(users["staff"], member_person)
    services.request_transition(actor=users["staff"], request=req, target="solved", note="已安排")
    _login(client, users["member"])
    r = client.post(reverse("visits:request_transition", args=[req.pk]), {"target": "solved", "note": "x"})
    assert r.status_code == 403
    r = client.post(reverse("visits:request_transition", args=[req.pk]), {"target": "in_progress"})
    assert r.status_code == 403
    assert Request.objects.get(pk=req.pk).status == "solved"


def test_recording_a_visit_twice_is_refused_in_chinese(client, users, member_person):
    visit = make_visit(users["leader"], [member_person])
    _login(client, users["leader"])
    r = client.post(reverse("visits:record", args=[visit.pk]), {"date": "garbage"}, follow=True)
    assert "当前状态为“已走访”，不能执行“记录走访”" in r.content.decode()


def test_a_helping_body_finds_the_request_on_its_home_page_and_answers_it(client, users, orgs, member_person):
    """A request's helping body reached nobody: its users get a notification, a queue and a way to answer."""
    from notifications.models import Notification

    req = make_request(users["staff"], member_person, title="子女插班入学", helping_org=orgs.sports)
    unit = users["unit"]
    assert Notification.objects.filter(recipient=unit, event="request.help").exists()
    _login(client, unit)
    assert "请本单位协助的诉求（1）" in client.get("/").content.decode()
    assert "子女插班入学" in client.get(reverse("visits:request_list")).content.decode()
    assert "发送答复" in client.get(reverse("visits:request_detail", args=[req.pk])).content.decode()
    client.post(reverse("visits:request_help", args=[req.pk]), {"text": "已联系学校，可于9月插班。"})
    step = req.steps.get()
    assert step.text == "市体育局答复：已联系学校，可于9月插班。" and step.author == unit
    assert Notification.objects.filter(recipient=users["member"], event="request.step").exists()
    _login(client, users["member"])
    assert "可于9月插班" in client.get(reverse("visits:request_detail", args=[req.pk])).content.decode()


def test_another_body_cannot_see_or_answer_a_request(client, users, orgs, member_person):
    from accounts.tests.factories import UserFactory

    req = make_request(users["staff"], member_person, helping_org=orgs.sports)
    other = UserFactory(username="planner", role="unit", organisation=orgs.planning)
    _login(client, other)
    assert client.get(reverse("visits:request_detail", args=[req.pk])).status_code == 404
    assert client.post(reverse("visits:request_help", args=[req.pk]), {"text": "x"}).status_code == 404
    assert not req.steps.exists()
