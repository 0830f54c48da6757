import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from core.errors import DomainError, PermissionRefused
from core.models import SensitiveAccessLog, TransitionLog
from notifications.models import Notification
from notifications.reminders import registered, run_rule
from visits import services
from visits.models import LiaisonContact, Request, RequestStatus, Visit, VisitStatus
from visits.selectors import coverage, liaison_network
from visits.workflows import REQUEST_ALLOWED

from .factories import make_request, make_visit, persons, seat

pytestmark = pytest.mark.django_db


# ---- visits ----


def test_a_visit_dated_in_the_future_cannot_be_recorded_as_done(users, member_person, tomorrow):
    with pytest.raises(DomainError, match="今天之后"):
        make_visit(users["leader"], [member_person], date=tomorrow, done=True)
    assert not Visit.objects.exists()


def test_a_planned_future_visit_cannot_be_marked_done_until_its_day(users, member_person, tomorrow):
    visit = make_visit(users["leader"], [member_person], date=tomorrow, done=False)
    with pytest.raises(DomainError, match="今天之后"):
        services.visit_record(actor=users["leader"], visit=visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert not TransitionLog.objects.filter(workflow="visit").exists()


def test_recording_a_planned_visit_logs_it_as_done(users, member_person, today):
    visit = make_visit(users["staff"], [member_person], date=today, done=False)
    services.visit_record(actor=users["staff"], visit=visit, notes="谈了子女入学")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.notes == "谈了子女入学"
    assert TransitionLog.objects.get(workflow="visit").target == "done"


def test_a_visit_can_cover_several_persons_and_visitors(users, member_person, advisor_person):
    visit = make_visit(
        users["leader"], [member_person, advisor_person], visitors=[users["leader"], users["staff"]]
    )
    assert set(visit.persons.values_list("name", flat=True)) == {"陈大文", "黄侨心"}
    assert visit.visitors.count() == 2


def test_only_leaders_and_staff_can_be_visitors(users, member_person):
    with pytest.raises(DomainError, match="不是领导或工作人员"):
        make_visit(users["leader"], [member_person], visitors=[users["member"]])


def test_staff_cannot_write_confidential_notes(users, member_person):
    with pytest.raises(DomainError, match="只有领导"):
        make_visit(users["staff"], [member_person], confidential_notes="家中有困难")


def test_confidential_notes_are_encrypted_at_rest(users, member_person):
    visit = make_visit(users["leader"], [member_person], confidential_notes="家中有困难")
    with connection.cursor() as cur:
        cur.execute("select confidential_notes from visits_visit where id = %s", [visit.pk])
        raw = cur.fetchone()[0]
    assert "困难" not in raw
    assert Visit.objects.get(pk=visit.pk).confidential_notes == "家中有困难"


def test_members_and_other_committees_cannot_log_visits(users, member_person):
    with pytest.raises(PermissionRefused):
        make_visit(users["member"], [member_person])
    with pytest.raises(DomainError, match="走访对象不存在"):
        make_visit(users["other_staff"], [member_person])


def test_a_cancelled_visit_needs_a_reason(users, member_person, tomorrow):
    visit = make_visit(users["leader"], [member_person], date=tomorrow, done=False)
    with pytest.raises(DomainError, match="需要填写说明"):
        services.visit_cancel(actor=users["leader"], visit=visit, reason=" ")
    services.visit_cancel(actor=users["leader"], visit=visit, reason="委员临时出差")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_a_photo_that_is_not_an_image_is_refused(users, member_person):
    visit = make_visit(users["leader"], [member_person])
    upload = SimpleUploadedFile("a.jpg", b"not really an image", content_type="image/jpeg")
    with pytest.raises(DomainError, match="类型不被接受"):
        services.visit_photo_add(actor=users["leader"], visit=visit, upload=upload)
    assert not visit.photos.exists()


# ---- requests ----


ALL = list(RequestStatus.values)


def _request_in(status, users, person) -> Request:
    req = make_request(users["staff"], person)
    Request.objects.filter(pk=req.pk).update(
        status=status, resolution="已有结果" if status in ("solved", "unsolvable") else ""
    )
    req.refresh_from_db()
    return req


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_request_transition_table(source, target, users, member_person):
    """Every pair of states: allowed pairs move (with a note), all others are refused and change nothing."""
    req = _request_in(source, users, member_person)
    if (source, target) in REQUEST_ALLOWED:
        req = services.request_transition(actor=users["staff"], request=req, target=target, note="说明")
        assert req.status == target
    else:
        with pytest.raises(DomainError):
            services.request_transition(actor=users["staff"], request=req, target=target, note="说明")
        req.refresh_from_db()
        assert req.status == source


def test_closing_as_solved_without_a_resolution_is_refused(users, member_person):
    req = make_request(users["staff"], member_person)
    with pytest.raises(DomainError, match="需要填写说明"):
        services.request_transition(actor=users["staff"], request=req, target="solved", note="")
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN
    assert not TransitionLog.objects.filter(workflow="request").exists()


def test_the_database_refuses_a_closed_request_without_resolution(users, member_person):
    from django.db import IntegrityError, transaction

    req = make_request(users["staff"], member_person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.filter(pk=req.pk).update(status="solved", resolution="")


def test_the_member_is_told_of_each_change(users, member_person, django_capture_on_commit_callbacks):
    req = make_request(users["staff"], member_person)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(actor=users["staff"], request=req, target="in_progress")
    services.request_step_add(actor=users["staff"], request=req, text="已致电市教育局")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(actor=users["staff"], request=req, target="solved", note="已安排插班")
    titles = list(
        Notification.objects.filter(recipient=users["member"]).order_by("id").values_list("title", flat=True)
    )
    assert titles == [
        "您的诉求“子女插班入学”正在办理。",
        "您的诉求“子女插班入学”有新进展",
        "您的诉求“子女插班入学”已解决。",
    ]


def test_starting_to_handle_an_unowned_request_makes_the_actor_its_owner(users, member_person):
    req = make_request(users["staff"], member_person)
    req = services.request_transition(actor=users["staff"], request=req, target="in_progress")
    assert req.owner == users["staff"]


def test_members_cannot_move_requests(users, member_person):
    req = make_request(users["member"], member_person)
    with pytest.raises(PermissionRefused):
        services.request_transition(actor=users["member"], request=req, target="solved", note="自己解决了")


def test_a_member_raises_a_request_only_for_himself(users, member_person, advisor_person, today):
    with pytest.raises(DomainError, match="只能为自己"):
        make_request(users["member"], advisor_person)
    req = make_request(users["member"], member_person, owner=users["leader"], deadline=today)
    assert req.owner is None and req.deadline is None  # the office assigns those
    assert Notification.objects.filter(recipient=users["staff"], event="request.raised").exists()


def test_a_request_from_a_visit_must_come_from_a_visited_person(users, member_person, advisor_person):
    visit = make_visit(users["leader"], [member_person])
    with pytest.raises(DomainError, match="不是这次走访的对象"):
        make_request(users["leader"], advisor_person, visit=visit)


def test_only_the_member_thanks_and_only_once_solved(users, member_person):
    req = make_request(users["staff"], member_person)
    with pytest.raises(PermissionRefused):
        services.request_thank(actor=users["member"], request=req, note="谢谢")
    req = services.request_transition(actor=users["staff"], request=req, target="solved", note="已办妥")
    services.request_thank(actor=users["member"], request=req, note="非常感谢")
    req.refresh_from_db()
    assert req.thanks_note == "非常感谢" and req.thanked_at


def test_no_steps_on_a_closed_request(users, member_person):
    req = make_request(users["staff"], member_person)
    req = services.request_transition(actor=users["staff"], request=req, target="unsolvable", note="学位已满")
    with pytest.raises(DomainError, match="已办结"):
        services.request_step_add(actor=users["staff"], request=req, text="再试试")


# ---- coverage and plan ----


def test_coverage_counts_who_was_visited_this_year(users, orgs, member_person, advisor_person, today):
    others = persons(3, orgs.committee)
    make_visit(users["leader"], [member_person, others[0]], date=dt.date(today.year, 1, 1))
    make_visit(users["staff"], [advisor_person], date=dt.date(today.year - 1, 6, 1))
    make_visit(users["leader"], [others[1]], date=today, done=False)  # planned only: not covered
    cov = coverage(user=users["leader"], year=today.year)
    assert (cov.total, cov.covered, cov.never) == (5, 2, 2)
    names = [p.name for p in cov.persons]
    assert "陈大文" not in names and "黄侨心" in names and others[1].name in names


def test_coverage_target_and_period_come_from_the_rule(users, orgs, member_person, today):
    make_visit(users["leader"], [member_person], date=dt.date(today.year, 1, 1))
    services.coverage_rule_save(
        actor=users["staff"], period_days=90, visits_per_period=2, liaison_period_days=30
    )
    cov = coverage(user=users["leader"], year=today.year, today=dt.date(today.year, 12, 31))
    assert cov.covered == 0 and cov.rule.visits_per_period == 2


def test_the_rule_refuses_a_zero_period(users):
    with pytest.raises(DomainError, match="正整数"):
        services.coverage_rule_save(
            actor=users["staff"], period_days=0, visits_per_period=1, liaison_period_days=30
        )


def test_leaders_divide_the_yearly_plan(users, orgs, today):
    seat([*persons(4, orgs.committee), users["member"].person], orgs.city)
    seat([users["advisor"].person], orgs.city, role="advisor")
    plan = services.visit_plan_create(actor=users["leader"], year=today.year)
    assert plan.assignments.count() == 6
    assert services.visit_plan_create(actor=users["leader"], year=today.year).assignments.count() == 6
    n = services.visit_plan_divide(
        actor=users["leader"], plan=plan, visitors=[users["leader"], users["staff"]]
    )
    assert n == 6
    assert plan.assignments.filter(visitor=users["leader"]).count() == 3


def test_the_yearly_plan_covers_those_seated_during_the_year_only(users, orgs, today):
    """Former members, observers, persons without a seat and anonymised records are not in the plan; someone
    seated later is added when the plan is made again, and nobody already in it is removed."""
    from members.models import Person

    current = persons(2, orgs.committee, prefix="现任")
    seat(current, orgs.city)
    former = persons(1, orgs.committee, prefix="前任")
    seat(former, orgs.city, end_date=dt.date(today.year - 1, 6, 30))
    left_this_year = persons(1, orgs.committee, prefix="年内卸任")
    seat(left_this_year, orgs.city, end_date=dt.date(today.year, 1, 31))
    observer = persons(1, orgs.committee, prefix="列席")
    seat(observer, orgs.city, role="observer")
    persons(1, orgs.committee, prefix="无席位")
    erased = persons(1, orgs.committee, prefix="已匿名")
    seat(erased, orgs.city)
    Person.objects.filter(pk=erased[0].pk).update(anonymised_at=timezone.now())

    plan = services.visit_plan_create(actor=users["leader"], year=today.year)
    names = set(plan.assignments.values_list("person__name", flat=True))
    assert names == {p.name for p in current + left_this_year}

    later = persons(1, orgs.committee, prefix="新任")
    seat(later, orgs.city)
    plan = services.visit_plan_create(actor=users["leader"], year=today.year)
    assert set(plan.assignments.values_list("person__name", flat=True)) == names | {later[0].name}


# ---- reminders ----


def test_planned_visit_reminder_is_sent_once(users, member_person, tomorrow):
    make_visit(users["leader"], [member_person], date=tomorrow, done=False)
    rule = registered()["visits.planned_visit_soon"]
    assert run_rule("visits.planned_visit_soon", rule, timezone.now()) == 1
    assert run_rule("visits.planned_visit_soon", rule, timezone.now()) == 0
    assert (
        Notification.objects.filter(
            recipient=users["leader"], event="reminder:visits.planned_visit_soon"
        ).count()
        == 1
    )


def test_overdue_request_reminds_its_owner(users, member_person, today):
    make_request(users["staff"], member_person, owner=users["staff"], deadline=today - dt.timedelta(days=2))
    rule = registered()["visits.request_overdue"]
    assert run_rule("visits.request_overdue", rule, timezone.now()) == 1


# ---- liaison ----


def test_contact_phone_is_encrypted_masked_and_reveal_is_logged(users, orgs):
    contact = services.liaison_contact_create(
        actor=users["staff"],
        organisation=orgs.association,
        name="何联络",
        position="秘书长",
        phone="+852 9123 4567",
    )
    with connection.cursor() as cur:
        cur.execute("select phone from visits_liaisoncontact where id = %s", [contact.pk])
        assert "9123" not in cur.fetchone()[0]
    assert contact.masked_phone == "+852 91****67"
    assert services.liaison_contact_reveal(actor=users["leader"], contact=contact) == "+852 9123 4567"
    assert SensitiveAccessLog.objects.filter(user=users["leader"], field="phone").count() == 1
    with pytest.raises(DomainError, match="电话号码“call me”无法识别"):
        services.liaison_contact_create(
            actor=users["staff"], organisation=orgs.association, name="x", phone="call me"
        )
    assert LiaisonContact.objects.count() == 1


def test_network_lists_bodies_not_contacted_within_the_period(users, orgs, today):
    for org in (orgs.association, orgs.province, orgs.sports):
        services.liaison_link_save(actor=users["staff"], organisation=org)
    services.liaison_event_create(
        actor=users["staff"],
        date=today - dt.timedelta(days=10),
        kind="meeting",
        title="座谈",
        organisations=[orgs.association],
    )
    services.liaison_event_create(
        actor=users["staff"],
        date=today - dt.timedelta(days=400),
        kind="joint",
        title="联合调研",
        organisations=[orgs.province],
    )
    qs, rule, since = liaison_network(user=users["staff"], show="stale")
    assert {link.organisation.name for link in qs} == {"广东省政协", "广州市体育局"}


def test_a_future_liaison_event_is_refused(users, orgs, tomorrow):
    with pytest.raises(DomainError, match="不能在今天之后"):
        services.liaison_event_create(
            actor=users["staff"], date=tomorrow, kind="meeting", title="座谈", organisations=[orgs.sports]
        )


def test_own_organisation_is_not_a_liaison_body(users, orgs):
    with pytest.raises(DomainError, match="不需要列入"):
        services.liaison_link_save(actor=users["staff"], organisation=orgs.committee)


def test_a_request_becomes_a_public_opinion_draft_keeping_the_link(users, member_person):
    from opinions.models import OpinionReport

    req = make_request(users["staff"], member_person, title="港澳药械通指定医院", category="medical")
    services.request_step_add(actor=users["staff"], request=req, text="联系省政协港澳委")
    req = services.request_to_opinion(actor=users["staff"], request=req)
    report = OpinionReport.objects.get(pk=req.opinion_report_id)
    assert report.author == member_person and report.title == "港澳药械通指定医院"
    assert "联系省政协港澳委" in report.situation
    with pytest.raises(DomainError, match="已转为"):
        services.request_to_opinion(actor=users["staff"], request=req)
    with pytest.raises(PermissionRefused):
        services.request_to_opinion(actor=users["member"], request=req)


def test_a_request_becomes_a_proposal_draft_keeping_the_link(users, orgs, member_person):
    from proposals.models import Proposal

    seat([member_person], orgs.city)  # only a current member may author the proposal

    req = make_request(users["staff"], member_person, title="推动祈福医院纳入港澳药械通", category="medical")
    req = services.request_to_proposal(actor=users["staff"], request=req)
    proposal = Proposal.objects.get(pk=req.proposal_id)
    assert proposal.author == member_person and proposal.title == "推动祈福医院纳入港澳药械通"
    with pytest.raises(DomainError, match="已转为提案"):
        services.request_to_proposal(actor=users["staff"], request=req)
