import pytest
from django.core import mail

from core.errors import DomainError, PermissionRefused
from core.workflow import log_for
from notifications.models import Notification
from opinions.models import MAX_CHARS, OpinionReport, ReportStatus
from opinions.selectors import report_counts_for
from opinions.services import report_create, report_create_draft, report_transition, report_update
from opinions.tests.factories import OpinionReportFactory

pytestmark = pytest.mark.django_db
S = ReportStatus


def test_draft_from_other_apps_keeps_body_as_situation_and_belongs_to_authors_body(users, member_person):
    report = report_create_draft(
        actor=users["staff"], author=member_person, title="子女入学", body="情况说明"
    )
    assert report.status == S.DRAFT
    assert report.situation == "情况说明"
    assert report.owner_org == member_person.owner_org


def test_member_cannot_write_under_someone_elses_name(users, orgs):
    from members.tests.factories import PersonFactory

    other = PersonFactory(owner_org=orgs.committee)
    with pytest.raises(DomainError, match="本人名义"):
        report_create_draft(actor=users["member"], author=other, title="x", body="y")
    assert not OpinionReport.objects.exists()


def test_unit_user_may_not_write_reports(users, member_person):
    with pytest.raises(PermissionRefused):
        report_create_draft(actor=users["unit"], author=member_person, title="x", body="y")


@pytest.mark.parametrize("title", ["", "   "])
def test_empty_title_is_refused(users, member_person, title):
    with pytest.raises(DomainError, match="请填写标题"):
        report_create_draft(actor=users["member"], author=member_person, title=title, body="y")
    assert not OpinionReport.objects.exists()


def test_text_over_the_limit_is_refused_with_the_count(users, member_person):
    with pytest.raises(DomainError, match=f"不能超过 {MAX_CHARS} 字，现为 {MAX_CHARS + 1} 字"):
        report_create(
            actor=users["member"],
            author=member_person,
            title="过长",
            situation="情" * 1000,
            analysis="析" * 400,
            suggestion="议" * 101,
        )
    assert not OpinionReport.objects.exists()


def test_the_database_refuses_an_over_long_report_too(users, member_person):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionReportFactory(author=member_person, owner_org=member_person.owner_org, situation="字" * 1600)


def test_submitting_needs_all_three_parts(users, member_person):
    report = report_create_draft(actor=users["member"], author=member_person, title="x", body="只有情况")
    with pytest.raises(DomainError, match="三部分"):
        report_transition(actor=users["member"], report=report, target=S.SUBMITTED)
    report.refresh_from_db()
    assert report.status == S.DRAFT


def _walk(report, users, *steps):
    for target, extra in steps:
        report = report_transition(actor=users["staff"], report=report, target=target, **extra)
    return report


FULL_PATH = [
    (S.SUBMITTED, {}),
    (S.ACCEPTED, {}),
    (S.EDITED, {}),
    (S.SENT_UP, {"level": "city", "organisation": "广州市政协"}),
    (S.ADOPTED, {"level": "provincial", "organisation": "广东省政协办公厅"}),
    (S.INSTRUCTED, {"level": "provincial", "leader": "省领导（演示）", "text": "请省港澳办研究。"}),
]


def test_a_report_goes_all_the_way_and_the_author_hears_of_every_step(users, draft):
    mail.outbox.clear()
    report = _walk(draft, users, *FULL_PATH)
    assert report.status == S.INSTRUCTED
    assert report.number.endswith("-001")
    assert (report.adopted_level, report.instruction_level) == ("provincial", "provincial")
    assert [row.target for row in log_for(report)] == [t for t, _ in FULL_PATH]
    notes = Notification.objects.filter(recipient=users["member"]).count()
    assert notes == len(FULL_PATH)


# Every (from, to) pair: allowed ones succeed for staff, all others are refused with nothing written.
ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.DRAFT),
    (S.SUBMITTED, S.ACCEPTED),
    (S.ACCEPTED, S.EDITED),
    (S.EDITED, S.SENT_UP),
    (S.SENT_UP, S.ADOPTED),
    (S.ADOPTED, S.INSTRUCTED),
    (S.SUBMITTED, S.NOT_ADOPTED),
    (S.ACCEPTED, S.NOT_ADOPTED),
    (S.EDITED, S.NOT_ADOPTED),
    (S.SENT_UP, S.NOT_ADOPTED),
}
EXTRA = {"level": "city", "leader": "市领导", "note": "理由"}


def _in_state(member_person, status):
    fields = {}
    if status in (S.SENT_UP, S.ADOPTED, S.INSTRUCTED):
        fields["sent_up_level"] = "city"
    if status in (S.ADOPTED, S.INSTRUCTED):
        fields["adopted_level"] = "city"
    if status == S.INSTRUCTED:
        fields["instruction_level"] = "city"
    return OpinionReportFactory(
        author=member_person, owner_org=member_person.owner_org, status=status, **fields
    )


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize("target", S.values)
def test_transition_table(users, member_person, source, target):
    report = _in_state(member_person, source)
    if (source, target) in ALLOWED:
        assert report_transition(actor=users["staff"], report=report, target=target, **EXTRA).status == target
    else:
        with pytest.raises(DomainError):
            report_transition(actor=users["staff"], report=report, target=target, **EXTRA)
        report.refresh_from_db()
        assert report.status == source
        assert not log_for(report).exists()


@pytest.mark.parametrize("target", [S.ACCEPTED, S.NOT_ADOPTED, S.DRAFT])
def test_a_member_cannot_process_even_their_own_report(users, member_person, target):
    report = _in_state(member_person, S.SUBMITTED)
    with pytest.raises(PermissionRefused, match="工作人员"):
        report_transition(actor=users["member"], report=report, target=target, note="x")


def test_staff_of_another_committee_cannot_see_the_report(users, member_person):
    from django.http import Http404

    report = _in_state(member_person, S.SUBMITTED)
    with pytest.raises(Http404):
        report_transition(actor=users["other_staff"], report=report, target=S.ACCEPTED)


@pytest.mark.parametrize("target", [S.SENT_UP, S.ADOPTED])
def test_sending_up_or_adopting_needs_a_level(users, member_person, target):
    source = S.EDITED if target == S.SENT_UP else S.SENT_UP
    report = _in_state(member_person, source)
    with pytest.raises(DomainError, match="层级"):
        report_transition(actor=users["staff"], report=report, target=target)
    report.refresh_from_db()
    assert report.status == source


def test_not_adopted_needs_a_reason(users, member_person):
    report = _in_state(member_person, S.SUBMITTED)
    with pytest.raises(DomainError, match="需要填写说明"):
        report_transition(actor=users["staff"], report=report, target=S.NOT_ADOPTED)


def test_author_edits_only_drafts_and_staff_edit_while_processing(users, member_person):
    report = _in_state(member_person, S.ACCEPTED)
    args = {"title": "新标题", "situation": "a", "analysis": "b", "suggestion": "c"}
    with pytest.raises(PermissionRefused):
        report_update(actor=users["member"], report=report, **args)
    assert report_update(actor=users["staff"], report=report, **args).title == "新标题"


def test_numbers_follow_each_other_per_year(users, member_person):
    first = _walk(_in_state(member_person, S.SUBMITTED), users, (S.ACCEPTED, {}))
    second = _walk(_in_state(member_person, S.SUBMITTED), users, (S.ACCEPTED, {}))
    assert int(second.number[-3:]) == int(first.number[-3:]) + 1


def test_counts_per_person_for_the_archive(users, member_person, django_assert_num_queries):
    for status in (S.DRAFT, S.SUBMITTED, S.ADOPTED, S.INSTRUCTED, S.NOT_ADOPTED):
        _in_state(member_person, status)
    advisor = users["advisor"].person
    with django_assert_num_queries(1):
        counts = report_counts_for([member_person.pk, advisor.pk])
    assert counts[member_person.pk] == {"submitted": 4, "adopted": 2, "instructed": 1}
    assert counts[advisor.pk] == {"submitted": 0, "adopted": 0, "instructed": 0}
