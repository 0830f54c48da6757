"""Drafting, review, assignment, handling, reply, rating and outcome: the rules a user would notice."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from core.errors import DomainError, PermissionRefused
from core.models import TransitionLog
from members.tests.factories import PersonFactory
from notifications.models import Notification
from organisations.models import Share

from .. import services
from ..models import (
    Assignment,
    Cosigner,
    CosignerStatus,
    Extension,
    NotFiledReason,
    Proposal,
    ProposalStatus,
    Rating,
    Reply,
    ReplyStatus,
)
from . import factories as f

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ drafting


def test_member_drafts_a_proposal_owned_by_their_organisation(users, orgs):
    p = f.draft(users)
    assert p.status == ProposalStatus.DRAFT
    assert p.owner_org == orgs.committee
    assert p.author == users["member"].person


@pytest.mark.parametrize(
    "title, body, message",
    [
        ("", "正文", "请填写案由"),
        ("案由", "   ", "请填写提案正文"),
        ("案由", "字" * 200_000, "不能超过"),
        ("关于滑板场；关于停车场", "正文", "一事一案"),
    ],
)
def test_bad_drafts_are_refused_with_a_chinese_reason_and_nothing_written(users, orgs, title, body, message):
    f.seat(users["member"].person)
    with pytest.raises(DomainError) as exc:
        services.proposal_create_draft(
            actor=users["member"], author=users["member"].person, title=title, body=body
        )
    assert message in exc.value.message
    assert Proposal.objects.count() == 0


def test_member_cannot_draft_in_someone_elses_name(users, orgs):
    other = PersonFactory(owner_org=orgs.committee)
    with pytest.raises(PermissionRefused):
        services.proposal_create_draft(actor=users["member"], author=other, title="案由", body="正文")


def test_unit_user_may_not_draft(users, orgs):
    with pytest.raises(PermissionRefused):
        services.proposal_create_draft(
            actor=users["unit"], author=users["member"].person, title="案由", body="正文"
        )


def _former_and_elsewhere(orgs):
    """A member whose seat in the city's current term ended, one who sat only in the city's last term, an observer,
    a person with no seat at all, and a district CPPCC's current member: none may author a city proposal."""
    from members.models import Term, TermRole
    from members.tests.factories import PreviousTermFactory, TermFactory

    term = Term.objects.get(cppcc=orgs.city, is_current=True)
    old_term = PreviousTermFactory(cppcc=orgs.city)
    district_term = TermFactory(cppcc=orgs.district, number=7, is_current=True)
    resigned, former, observer, no_seat, elsewhere = (
        PersonFactory(name=name, owner_org=orgs.committee)
        for name in ("辞任委员", "上届委员", "列席人员", "无席位人员", "区政协委员")
    )
    TermRole.objects.create(
        person=resigned, term=term, role="member", end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    TermRole.objects.create(person=former, term=old_term, role="member")
    TermRole.objects.create(person=observer, term=term, role="observer")
    TermRole.objects.create(person=elsewhere, term=district_term, role="member")
    return [resigned, former, observer, no_seat, elsewhere]


def test_only_a_current_member_of_the_proposals_cppcc_may_author_it_whoever_calls(users, orgs):
    """The rule is the service's, not only the staff form's or the API's: a former member, an observer, someone
    without a seat or another CPPCC's member is refused at the author field with the one message, and nothing is
    written; a seated member passes."""
    current = f.seat(PersonFactory(name="现任委员", owner_org=orgs.committee))
    for outsider in _former_and_elsewhere(orgs):
        with pytest.raises(DomainError) as exc:
            services.proposal_create_draft(
                actor=users["staff"],
                author=outsider,
                title="关于完善社区养老服务的提案",
                body="建议完善设施。",
            )
        assert exc.value.message == services.FORMER_AUTHOR and exc.value.field == "author", outsider.name
    with pytest.raises(DomainError, match="已离任的委员不能提出新提案"):
        # a city member named for a draft the district CPPCC owns: the seat must be in the owning body's CPPCC
        services.proposal_create_draft(
            actor=users["staff"], author=current, title="案由", body="正文", owner_org=orgs.district
        )
    assert not Proposal.objects.exists()
    p = services.proposal_create_draft(actor=users["staff"], author=current, title="案由", body="正文")
    assert p.author == current and p.owner_org == orgs.committee


def test_a_member_whose_seat_ended_cannot_draft_in_their_own_name(users, orgs):
    """The member's own door (the form and the API without `author_id`) meets the same rule."""
    from members.models import TermRole

    f.seat(users["member"].person)
    TermRole.objects.filter(person=users["member"].person).update(end_date=dt.date(2024, 6, 30))
    with pytest.raises(DomainError) as exc:
        services.proposal_create_draft(
            actor=users["member"], author=users["member"].person, title="案由", body="正文"
        )
    assert exc.value.message == services.NOT_SEATED_SELF
    assert not Proposal.objects.exists()


@pytest.fixture
def seated(users, orgs):
    """The city CPPCC's current term with the member and the advisor in it (whom co-signers are chosen from)."""
    from members.models import TermRole
    from members.tests.factories import TermFactory

    term = TermFactory(cppcc=orgs.city, number=14, is_current=True)
    for role in ("member", "advisor"):
        TermRole.objects.create(person=users[role].person, term=term, role=users[role].role)
    return term


def test_co_signer_confirms_before_deadline_and_sees_the_proposal(users, orgs, seated):
    p = f.draft(users)
    services.cosigners_invite(
        actor=users["member"],
        proposal=p,
        persons=[users["advisor"].person],
        deadline=timezone.now() + dt.timedelta(days=3),
    )
    assert Proposal.objects.visible_to(users["advisor"]).filter(pk=p.pk).exists()
    assert Notification.objects.filter(recipient=users["advisor"], event="proposal_cosign_invited").exists()
    services.cosigner_respond(actor=users["advisor"], proposal=p, accept=True)
    assert Cosigner.objects.get(proposal=p).status == CosignerStatus.CONFIRMED
    assert Proposal.objects.get(pk=p.pk).proposer_kind == "joint"


def test_only_current_members_of_the_proposals_cppcc_may_be_invited_to_co_sign(users, orgs, seated):
    """Whatever door names them (the form offers only these), a person without a current seat in the proposal's
    CPPCC or another CPPCC's member is refused by name, and nobody is invited."""
    from members.models import TermRole
    from members.tests.factories import PersonFactory, TermFactory

    p = f.draft(users)
    no_seat = PersonFactory(name="无席位人员", owner_org=orgs.committee)
    elsewhere = PersonFactory(name="区政协委员", owner_org=orgs.district)
    district_term = TermFactory(cppcc=orgs.district, number=7, is_current=True)
    TermRole.objects.create(person=elsewhere, term=district_term, role="member")
    for outsider in (no_seat, elsewhere):
        with pytest.raises(DomainError) as exc:
            services.cosigners_invite(
                actor=users["member"],
                proposal=p,
                persons=[users["advisor"].person, outsider],
                deadline=timezone.now() + dt.timedelta(days=3),
            )
        assert outsider.name in exc.value.message and "不能联名" in exc.value.message
    assert not Cosigner.objects.filter(proposal=p).exists()
    assert not Notification.objects.filter(event="proposal_cosign_invited").exists()


def test_co_signer_confirming_after_the_deadline_is_refused(users, orgs, seated):
    p = f.draft(users)
    services.cosigners_invite(
        actor=users["member"],
        proposal=p,
        persons=[users["advisor"].person],
        deadline=timezone.now() + dt.timedelta(hours=1),
    )
    Proposal.objects.filter(pk=p.pk).update(cosign_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(DomainError) as exc:
        services.cosigner_respond(actor=users["advisor"], proposal=p, accept=True)
    assert "截止" in exc.value.message
    assert Cosigner.objects.get(proposal=p).status == CosignerStatus.INVITED


def test_cross_level_cosponsor_partner_sees_the_joint_proposal(users, orgs):
    p = f.draft(users)
    assert not Proposal.objects.visible_to(users["partner"]).filter(pk=p.pk).exists()
    services.cosponsor_add(actor=users["member"], proposal=p, organisation=orgs.province)
    assert Proposal.objects.visible_to(users["partner"]).filter(pk=p.pk).exists()


def test_submit_indexes_and_notifies_staff(users, orgs):
    p = f.submitted(users)
    assert p.status == ProposalStatus.SUBMITTED and p.submitted_at
    assert Notification.objects.filter(recipient=users["staff"], event="proposal_submitted").exists()


def test_similar_proposals_are_found_with_a_score(users, orgs):
    a = f.submitted(users, title="关于增加广州滑板场建设的提案")
    f.submitted(
        users,
        title="关于加强老旧小区电梯加装的提案",
        body="老旧小区加装电梯协调难、资金难，建议简化审批并给予补贴。",
    )
    from ..similarity import similar_proposals

    matches = similar_proposals(
        title="建设更多青少年滑板场地", body="滑板运动场地不足，建议在体育中心建设滑板公园。"
    )
    assert matches and matches[0].proposal == a
    assert 0 < matches[0].percent <= 100


# ------------------------------------------------------------------ review


def test_filing_numbers_per_session(users, orgs, session):
    one = f.filed(users, orgs)
    two = f.filed(users, orgs, title="关于港澳药械通扩大指定医疗机构的提案")
    assert (one.number, two.number) == (1, 2)
    assert two.number_label == "十四届三次会议 第0002号"


def test_not_filed_needs_an_official_reason_and_tells_the_proposer(users, orgs):
    p = f.submitted(users)
    with pytest.raises(DomainError):
        services.proposal_not_file(actor=users["staff"], proposal=p, reason="whim", note="不想")
    services.proposal_not_file(
        actor=users["staff"], proposal=p, reason=NotFiledReason.PERSONAL, note="属个人诉求"
    )
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.NOT_FILED
    n = Notification.objects.get(recipient=users["member"], event="proposal_not_filed")
    assert "为本人或亲友解决个人问题" in n.title


def test_merged_proposer_still_gets_the_reply(users, orgs, session):
    main = f.filed(users, orgs)
    other_person = f.seat(users["advisor"].person, role="advisor")
    dup = services.proposal_submit(
        actor=users["advisor"],
        proposal=services.proposal_create_draft(
            actor=users["advisor"], author=other_person, title="建设滑板公园", body="同上"
        ),
    )
    services.proposal_merge(actor=users["staff"], proposal=dup, into=main)
    services.proposal_assign(actor=users["staff"], proposal=main, lead=orgs.sports)
    services.reply_save(actor=users["unit"], proposal=main, reply_class="A", body="已建成。")
    services.reply_submit(actor=users["unit"], proposal=main)
    services.reply_review(actor=users["staff"], proposal=main, approve=True)
    assert Notification.objects.filter(recipient=users["advisor"], event="proposal_replied").exists()
    assert Proposal.objects.visible_to(users["advisor"]).filter(pk=main.pk).exists()


def test_a_member_sees_each_of_their_proposals_once_whichever_way_it_is_theirs(users, orgs, session):
    """Author, co-signer and proposer of a merged proposal at once: every proposal once, read without a join
    over every proposal and no DISTINCT (`OwnedModel.person_q`: pk IN (… UNION ALL …))."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    advisor = f.seat(users["advisor"].person, role="advisor")
    f.filed(users, orgs, title="本人提案")
    cosigned = services.proposal_create_draft(
        actor=users["advisor"], author=advisor, title="联名提案", body="正文"
    )
    services.cosigners_invite(
        actor=users["advisor"],
        proposal=cosigned,
        persons=[users["member"].person],
        deadline=timezone.now() + dt.timedelta(days=3),
    )
    services.cosigner_respond(actor=users["member"], proposal=cosigned, accept=True)
    main = services.proposal_submit(
        actor=users["advisor"],
        proposal=services.proposal_create_draft(
            actor=users["advisor"], author=advisor, title="主提案", body="正文"
        ),
    )
    dup = f.submitted(users, title="被并案的提案")
    services.proposal_merge(actor=users["staff"], proposal=dup, into=main)
    f.submitted(users, author=advisor, title="他人提案")
    with CaptureQueriesContext(connection) as queries:
        titles = sorted(Proposal.objects.visible_to(users["member"]).values_list("title", flat=True))
    assert titles == sorted(["本人提案", "联名提案", "主提案", "被并案的提案"])
    assert "DISTINCT" not in queries[0]["sql"].upper() and "UNION ALL" in queries[0]["sql"].upper()


def test_returned_proposal_can_be_revised_and_resubmitted(users, orgs):
    p = f.submitted(users)
    p = services.proposal_return(actor=users["staff"], proposal=p, note="请补充数据")
    p = services.proposal_update(actor=users["member"], proposal=p, title=p.title, body=p.body + "补充数据。")
    p = services.proposal_submit(actor=users["member"], proposal=p)
    assert p.status == ProposalStatus.SUBMITTED


def test_key_proposal_has_supervising_leader_and_log(users, orgs, session):
    p = f.filed(users, orgs)
    services.proposal_designate_key(actor=users["staff"], proposal=p, supervisors=[users["leader"]])
    services.supervision_add(
        actor=users["leader"], proposal=p, date=timezone.localdate(), note="听取办理情况汇报"
    )
    p.refresh_from_db()
    assert p.is_key and p.supervision_log.count() == 1


# ------------------------------------------------------------------ assignment and handling


def test_assignment_shares_with_units_and_sets_three_month_deadline(users, orgs, session):
    p = f.handling(users, orgs)
    assert p.reply_due == services.add_months(timezone.localdate(), 3)
    assert Share.objects.filter(object_id=p.pk, organisation=orgs.sports, capacity="handler").exists()
    assert Proposal.objects.visible_to(users["unit"]).filter(pk=p.pk).exists()


def test_assignment_to_a_non_handling_unit_is_refused(users, orgs, session):
    p = f.filed(users, orgs)
    with pytest.raises(DomainError) as exc:
        services.proposal_assign(actor=users["staff"], proposal=p, lead=orgs.association)
    assert "不是承办单位" in exc.value.message
    assert Assignment.objects.count() == 0
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.FILED


def test_unit_cannot_pass_a_proposal_on_by_itself(users, orgs, session):
    p = f.handling(users, orgs)
    a = p.assignments.get(unit=orgs.sports)
    with pytest.raises(PermissionRefused):
        services.assignment_resolve(actor=users["unit"], assignment=a, new_unit=orgs.planning)


def test_unit_disputes_within_seven_days_and_staff_reassign(users, orgs, session):
    from organisations.tests.factories import OrganisationFactory

    forestry = OrganisationFactory(name="广州市林业和园林局", is_handling_unit=True)
    p = f.handling(users, orgs, co=False)
    a = services.assignment_dispute(actor=users["unit"], proposal=p, reason="场地属园林部门管理")
    new = services.assignment_resolve(actor=users["staff"], assignment=a, new_unit=forestry, note="改交")
    assert new.unit == forestry and new.role == "lead"
    assert not Proposal.objects.visible_to(users["unit"]).filter(pk=p.pk).exists()


def test_dispute_after_seven_days_is_refused(users, orgs, session):
    p = f.handling(users, orgs)
    Assignment.objects.filter(proposal=p).update(created_at=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(DomainError) as exc:
        services.assignment_dispute(actor=users["unit"], proposal=p, reason="不属职责")
    assert "7 日内" in exc.value.message


def test_unit_acting_on_a_proposal_not_assigned_to_it_gets_not_found(users, orgs, session):
    p = f.filed(users, orgs)
    services.proposal_assign(actor=users["staff"], proposal=p, lead=orgs.planning)
    with pytest.raises(Http404):
        services.progress_add(actor=users["unit"], proposal=p, text="进展")
    with pytest.raises(Http404):
        services.reply_save(actor=users["unit"], proposal=p, reply_class="A", body="答复")


def test_extension_up_to_six_months_and_no_further(users, orgs, session):
    p = f.handling(users, orgs)
    start = timezone.localdate(p.assigned_at)
    services.proposal_extend(
        actor=users["unit"], proposal=p, new_due=services.add_months(start, 5), reason="需跨年度预算"
    )
    with pytest.raises(DomainError) as exc:
        services.proposal_extend(
            actor=users["unit"],
            proposal=p,
            new_due=services.add_months(start, 6) + dt.timedelta(days=1),
            reason="再延",
        )
    assert "6 个月" in exc.value.message
    assert Extension.objects.count() == 1
    assert Proposal.objects.get(pk=p.pk).reply_due == services.add_months(start, 5)


def test_lead_reply_needs_countersign_of_co_handling_units(users, orgs, session):
    from accounts.tests.factories import UserFactory

    planner = UserFactory(username="planner", role="unit", organisation=orgs.planning)
    p = f.handling(users, orgs)
    services.assignment_submit_input(actor=planner, proposal=p, text="同意选址")
    services.reply_save(actor=users["unit"], proposal=p, reply_class="B", body="列入计划")
    with pytest.raises(DomainError) as exc:
        services.reply_submit(actor=users["unit"], proposal=p)
    assert "会签" in exc.value.message
    services.reply_countersign(actor=planner, proposal=p, note="同意")
    p = services.reply_submit(actor=users["unit"], proposal=p)
    assert p.status == ProposalStatus.REPLY_REVIEW


def test_unsatisfied_rating_sends_it_back_and_keeps_both_replies(users, orgs, session):
    p = f.replied(users, orgs)
    services.reply_rate(actor=users["member"], proposal=p, value="unsatisfied", comment="尚未开工")
    p.refresh_from_db()
    assert p.status == ProposalStatus.HANDLING and p.round == 2
    services.reply_save(actor=users["unit"], proposal=p, reply_class="A", body="已开工建设。")
    services.reply_submit(actor=users["unit"], proposal=p)
    services.reply_review(actor=users["staff"], proposal=p, approve=True)
    services.reply_rate(actor=users["member"], proposal=p, value="satisfied")
    p.refresh_from_db()
    assert p.status == ProposalStatus.CLOSED
    assert Reply.objects.filter(proposal=p, status=ReplyStatus.APPROVED).count() == 2
    assert Rating.objects.count() == 2


def test_unsatisfied_without_a_comment_is_refused(users, orgs, session):
    p = f.replied(users, orgs)
    with pytest.raises(DomainError):
        services.reply_rate(actor=users["member"], proposal=p, value="unsatisfied")
    assert Rating.objects.count() == 0


def test_reply_after_withdrawal_is_refused(users, orgs, session):
    p = f.submitted(users)
    services.proposal_withdraw(actor=users["member"], proposal=p)
    with pytest.raises(DomainError) as exc:
        services.proposal_file(actor=users["staff"], proposal=p)
    assert "已撤回" in exc.value.message


def test_outcome_is_recorded_with_adopting_body(users, orgs, session):
    p = f.replied(users, orgs)
    o = services.outcome_record(
        actor=users["staff"],
        proposal=p,
        actions="建成滑板公园",
        adopted=True,
        adopted_by=orgs.sports,
        adopted_level="city",
        completed=True,
        completed_on=timezone.localdate(),
    )
    assert o.completed and o.adopted_by == orgs.sports


def test_every_status_change_is_logged(users, orgs, session):
    p = f.replied(users, orgs)
    targets = list(
        TransitionLog.objects.filter(object_id=p.pk, workflow="proposal").values_list("target", flat=True)
    )
    assert targets == ["submitted", "filed", "handling", "reply_review", "replied"]


def test_reminders_for_nearly_due_and_overdue_are_sent_once(users, orgs, session):
    from notifications.reminders import registered, run_rule

    p = f.handling(users, orgs)
    Proposal.objects.filter(pk=p.pk).update(reply_due=timezone.localdate() + dt.timedelta(days=5))
    rule = registered()["proposal_reply_due"]
    assert run_rule("proposal_reply_due", rule, timezone.now()) == 2  # unit user + staff
    assert run_rule("proposal_reply_due", rule, timezone.now()) == 0
    Proposal.objects.filter(pk=p.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=1))
    assert run_rule("proposal_reply_due", rule, timezone.now()) == 2
    assert Notification.objects.filter(recipient=users["unit"], title__contains="逾期").exists()


def test_returning_a_reply_is_refused_when_nothing_was_replied(users, orgs, session):
    """Several steps lead back to 办理中; returning a reply must not act as an assignment of a filed proposal."""
    p = f.filed(users, orgs)
    with pytest.raises(DomainError) as exc:
        services.reply_review(actor=users["staff"], proposal=p, approve=False, note="退回")
    assert "不能执行" in exc.value.message
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.FILED


def test_assigning_a_proposal_under_reply_review_is_refused(users, orgs, session):
    p = f.reply_review(users, orgs)
    with pytest.raises(DomainError):
        services.proposal_assign(actor=users["staff"], proposal=p, lead=orgs.planning)
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.REPLY_REVIEW
    assert Assignment.objects.filter(proposal=p).count() == 1


# ---- the session a proposal is numbered in: its own CPPCC's


@pytest.fixture
def district_session(orgs):
    """A plenary session of the district CPPCC, older than the city's (proposals.tests.factories)."""
    from members.models import Session, SessionKind
    from members.tests.factories import TermFactory

    term = TermFactory(cppcc=orgs.district, number=7, start_date=dt.date(2022, 1, 1), is_current=True)
    return Session.objects.create(
        term=term,
        kind=SessionKind.PLENARY,
        number=2,
        start_date=dt.date(2024, 1, 8),
        end_date=dt.date(2024, 1, 10),
    )


def test_a_proposal_is_numbered_in_its_own_cppccs_latest_session(users, orgs, session, district_session):
    """With many CPPCCs in one deployment, "the latest session" is the latest of the proposal's CPPCC: a district's
    proposal is not numbered in the city's newer session."""
    city = services.proposal_file(actor=users["staff"], proposal=f.submitted(users))
    assert city.session == session and city.number == 1
    p = f.submitted(users, title="区政协委员的提案")
    Proposal.objects.filter(pk=p.pk).update(owner_org=orgs.district)
    p.refresh_from_db()
    district = services.proposal_file(actor=users["admin"], proposal=p)  # the district office, or admin
    assert district.session == district_session and district.number == 1


def test_another_cppccs_session_is_refused_and_nothing_numbered(users, orgs, session, district_session):
    p = f.submitted(users)
    with pytest.raises(DomainError) as exc:
        services.proposal_file(actor=users["staff"], proposal=p, session=district_session)
    assert exc.value.field == "session" and "所属政协" in exc.value.message
    p.refresh_from_db()
    assert p.status == ProposalStatus.SUBMITTED and p.number is None and p.session_id is None


def test_the_pages_offer_the_sessions_of_ones_own_cppcc_only(client, users, orgs, session, district_session):
    """The filing form lists the proposal's CPPCC's sessions and the list's filter the user's: a province with
    150 CPPCCs would otherwise list every session of every one of them in each select."""
    from django.urls import reverse

    p = f.submitted(users)
    client.force_login(users["staff"])
    detail = client.get(reverse("proposals:detail", args=[p.pk]) + "?open=file").content.decode()
    listing = client.get(reverse("proposals:list")).content.decode()
    for html in (detail, listing):
        assert f'value="{session.pk}"' in html
        assert f'value="{district_session.pk}"' not in html


def test_the_similarity_corpus_size_is_counted_once_until_the_index_changes(
    users, orgs, django_assert_num_queries
):
    """The IDF's N is read from the cache on every proposal page; a proposal entering the index counts again."""
    from proposals import similarity

    f.filed(users, orgs)
    n = similarity.corpus_size()
    with django_assert_num_queries(0):
        assert similarity.corpus_size() == n
    f.filed(users, orgs, title="关于完善社区养老服务的提案")
    assert similarity.corpus_size() == n + 1
