"""A generated year (2025) told by every app, with edge cases, and its figures computed by hand.

Persons of the committee (all visible to its leader and staff):
    陈大文  P1  Hong Kong, 港澳界, 14th term member      (the `member` login)
    黄侨心  P2  overseas, 侨联界, 14th term advisor      (the `advisor` login)
    李澳门  P3  Macao, 港澳界, 14th term member
    张旧届  P4  Hong Kong, no sector, 13th term only

The expected figures (EXPECTED, SCOPED) are written out by hand from the records below, not computed.
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.tests.factories import UserFactory
from activities.models import Invitation
from activities.tests.factories import ActivityFactory
from core.roles import Role
from members.models import Person, Region, Term, TermRole
from members.tests.factories import PersonFactory, SectorFactory
from opinions.models import OpinionReport
from opinions.tests.factories import OpinionReportFactory
from proposals import services as ps
from proposals.models import Proposal
from proposals.tests.factories import draft, plenary_session
from visits import services as vs
from visits.tests.factories import make_request, make_visit

YEAR = 2025
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def _invite(activity, person, status, **extra):
    if status == "checked_in":
        extra.setdefault("checked_in_at", activity.starts_at)
    return Invitation.objects.create(
        activity=activity, person=person, owner_org=activity.owner_org, status=status, **extra
    )


def _activity(orgs, starts_at, **kw):
    kw.setdefault("owner_org", orgs.committee)
    return ActivityFactory(
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        signup_deadline=starts_at - dt.timedelta(days=1),
        **kw,
    )


def _submitted_on(proposal, when):
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=when)
    proposal.refresh_from_db()
    return proposal


def _reply(unit_user, staff, proposal, reply_class):
    ps.reply_save(actor=unit_user, proposal=proposal, reply_class=reply_class, body=f"{reply_class}类答复。")
    ps.reply_submit(actor=unit_user, proposal=proposal)
    return ps.reply_review(actor=staff, proposal=proposal, approve=True, note="同意")


def build(orgs, users) -> SimpleNamespace:
    staff, leader = users["staff"], users["leader"]
    term14 = Term.objects.create(
        cppcc=orgs.city,
        number=14,
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2026, 12, 31),
        is_current=True,
    )
    term13 = Term.objects.create(
        cppcc=orgs.city, number=13, start_date=dt.date(2017, 1, 1), end_date=dt.date(2021, 12, 31)
    )
    hkmo, qiao = SectorFactory(name="港澳界"), SectorFactory(name="侨联界")
    p1, p2 = users["member"].person, users["advisor"].person
    Person.objects.filter(pk=p1.pk).update(sector=hkmo, region=Region.HONG_KONG)
    Person.objects.filter(pk=p2.pk).update(sector=qiao, region=Region.OVERSEAS)
    p3 = PersonFactory(name="李澳门", owner_org=orgs.committee, region=Region.MACAO, sector=hkmo)
    p4 = PersonFactory(name="张旧届", owner_org=orgs.committee, region=Region.HONG_KONG)
    for person, term, role in ((p1, term14, "member"), (p2, term14, "advisor"), (p3, term14, "member")):
        TermRole.objects.create(person=person, term=term, role=role)
    TermRole.objects.create(person=p4, term=term13, role="member")
    for p in (p1, p2):
        p.refresh_from_db()

    # ---- activities: counted by the start's Asia/Shanghai date, cancelled ones count nothing ----
    jan = _activity(orgs, at(2025, 1, 7))
    _invite(jan, p1, "checked_in")
    _invite(jan, p2, "checked_in")
    _invite(jan, p3, "absent")
    _invite(jan, p4, "leave_approved")
    late_march = _activity(orgs, at(2025, 3, 31, 23, 30))  # 15:30 UTC: March in Guangzhou
    _invite(late_march, p1, "checked_in")
    _invite(late_march, p3, "checked_in")
    _invite(late_march, p4, "declined")
    early_april = _activity(orgs, at(2025, 4, 1, 0, 30))  # still 31 March in UTC: April in Guangzhou
    _invite(early_april, p1, "checked_in")
    _invite(early_april, p2, "invited")
    cancelled = _activity(orgs, at(2025, 5, 10), is_cancelled=True)
    _invite(cancelled, p1, "checked_in")
    _invite(cancelled, p3, "confirmed")
    before = _activity(orgs, at(2024, 12, 31, 23, 0))
    _invite(before, p1, "checked_in")
    after = _activity(orgs, at(2026, 1, 1, 0, 0))
    _invite(after, p1, "checked_in")
    elsewhere = _activity(
        orgs, at(2025, 6, 5), owner_org=orgs.other_committee
    )  # organised by another committee
    _invite(elsewhere, p1, "checked_in")

    # ---- proposals (through the services, then dated into 2025) ----
    plenary_session(orgs)
    unit_planning = UserFactory(username="unit_planning", role=Role.UNIT, organisation=orgs.planning)
    unit_sports = users["unit"]

    def filed(author_user, title):
        p = ps.proposal_create_draft(actor=author_user, author=author_user.person, title=title, body="正文。")
        ps.proposal_submit(actor=author_user, proposal=p)
        return ps.proposal_file(actor=staff, proposal=p)

    # Pr1: P1, 市体育局 主办 + 市规划和自然资源局 会办, past its reply deadline
    pr1 = filed(users["member"], "关于增加滑板场的提案")
    ps.proposal_assign(actor=staff, proposal=pr1, lead=orgs.sports, co_units=[orgs.planning])
    Proposal.objects.filter(pk=pr1.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=3))
    _submitted_on(pr1, at(2025, 1, 8))
    # Pr2: P1, 市体育局 主办, A 类, 满意 → closed, adopted (city) and completed
    pr2 = filed(users["member"], "关于建设社区球场的提案")
    ps.proposal_assign(actor=staff, proposal=pr2, lead=orgs.sports)
    _reply(unit_sports, staff, pr2, "A")
    ps.reply_rate(actor=users["member"], proposal=pr2, value="satisfied")
    ps.outcome_record(
        actor=staff,
        proposal=pr2,
        actions="已建成社区球场三处。",
        adopted=True,
        adopted_by=orgs.sports,
        adopted_level="city",
        completed=True,
        completed_on=dt.date(2025, 9, 1),
    )
    _submitted_on(pr2, at(2025, 2, 1))
    # Pr3: P2, 市规划和自然资源局 主办: B 类 → 不满意 → second round A 类 → 基本满意 (closed)
    pr3 = filed(users["advisor"], "关于华侨历史建筑保护的提案")
    ps.proposal_assign(actor=staff, proposal=pr3, lead=orgs.planning)
    _reply(unit_planning, staff, pr3, "B")
    ps.reply_rate(actor=users["advisor"], proposal=pr3, value="unsatisfied", comment="尚未落实")
    _reply(unit_planning, staff, pr3, "A")
    ps.reply_rate(actor=users["advisor"], proposal=pr3, value="basic")
    _submitted_on(pr3, at(2025, 6, 30, 23, 59))
    # Pr4: P1, submitted on the last evening of 2025 (Guangzhou), waiting for review
    pr4 = draft(users, title="关于优化跨境通勤的提案")
    ps.proposal_submit(actor=users["member"], proposal=pr4)
    _submitted_on(pr4, at(2025, 12, 31, 23, 0))
    # Pr5: P3 (drafted by staff for him), not filed
    pr5 = draft(users, title="关于澳门青年实习的提案", author=p3)
    ps.proposal_submit(actor=staff, proposal=pr5)
    ps.proposal_not_file(actor=staff, proposal=pr5, reason="vague", note="建议不明确")
    _submitted_on(pr5, at(2025, 3, 3))
    # Not counted: submitted on New Year's morning 2026 (Guangzhou), and a draft never submitted
    pr6 = draft(users, title="关于新年计划的提案")
    ps.proposal_submit(actor=users["member"], proposal=pr6)
    _submitted_on(pr6, at(2026, 1, 1, 0, 30))
    draft(users, title="关于尚未提交的提案")

    # ---- public-opinion reports ----
    def report(author, status, created, **kw):
        r = OpinionReportFactory(owner_org=orgs.committee, author=author, status=status, **kw)
        OpinionReport.objects.filter(pk=r.pk).update(created_at=created, submitted_at=created)
        return r

    adopted = {"sent_up_level": "city", "sent_up_to": "市政协"}
    r1 = report(p1, "adopted", at(2025, 2, 1), adopted_level="city", adopted_by="市政协", **adopted)
    r2 = report(
        p2,
        "instructed",
        at(2025, 5, 1),
        adopted_level="provincial",
        instruction_level="provincial",
        instruction_leader="省领导",
        **adopted,
    )
    r3 = report(p3, "adopted", at(2025, 8, 1), adopted_level="city", adopted_by="市政协", **adopted)
    report(p1, "not_adopted", at(2025, 9, 1))
    OpinionReportFactory(owner_org=orgs.committee, author=p1)  # a draft, created now
    report(p1, "adopted", at(2024, 6, 1), adopted_level="national", **adopted)

    # ---- requests (status through the workflow, then dated) ----
    def request(person, when, target=None, **kw):
        r = make_request(staff, person, **kw)
        if target == "in_progress":
            vs.request_transition(actor=staff, request=r, target="in_progress")
        elif target:
            vs.request_transition(actor=staff, request=r, target=target, note="已办结说明")
        type(r).objects.filter(pk=r.pk).update(created_at=when)
        return r

    request(p1, at(2025, 3, 1), "solved")
    request(p2, at(2025, 4, 1), "unsolvable")
    request(p3, at(2025, 5, 1), "in_progress", deadline=timezone.localdate() - dt.timedelta(days=1))
    request(p1, at(2025, 12, 31, 22), None)
    request(p1, at(2024, 5, 1), "solved")

    # ---- visits: P1 and P3 visited in 2025, P2 only in 2024, P4 never ----
    make_visit(leader, [p1, p3], date=dt.date(2025, 5, 1))
    make_visit(leader, [p2], date=dt.date(2024, 11, 1))

    return SimpleNamespace(
        p1=p1, p2=p2, p3=p3, p4=p4, term14=term14, term13=term13, hkmo=hkmo, qiao=qiao,
        pr1=pr1, pr2=pr2, pr3=pr3, pr4=pr4, pr5=pr5, r1=r1, r2=r2, r3=r3, jan=jan, activity_ids={
            a.pk for a in (jan, late_march, early_april, cancelled, before, after, elsewhere)
        },
    )  # fmt: skip


# Hand-computed from the records above (all persons of the committee, year 2025).
EXPECTED = {
    # month → (invited, checked in): January 4 invited (P1, P2 checked in; P3 absent; P4 on leave); the
    # 23:30 activity of 31 March is March (P1, P3 in; P4 declined); the 00:30 one of 1 April is April.
    # June: 陈大文 checked in at another committee's activity — his attendance wherever it took place.
    "attendance": {1: (4, 2), 3: (3, 2), 4: (2, 1), 6: (1, 1)},
    "attendance_total": (10, 6),
    "proposals_total": 5,  # Pr1–Pr5; not the 2026 one nor the draft
    "by_status": {"handling": 1, "closed": 2, "submitted": 1, "not_filed": 1},
    "by_unit": {"市体育局": (2, 0), "市规划和自然资源局": (1, 1)},  # (主办, 会办)
    "overdue_by_unit": {"市体育局": 1},
    "by_class": {"A": 2, "B": 0, "C": 0},  # Pr2 A; Pr3's first-round B was replaced by its second-round A
    "by_rating": {"satisfied": 1, "basic": 1, "unsatisfied": 0},  # Pr3: 不满意 then 基本满意 → 基本满意
    "outcomes": {"adopted": 1, "completed": 1},
    "key": 0,
    "overdue": 1,
    "opinions": {"submitted": 4, "adopted": 3, "instructed": 1},
    "opinion_levels": {"national": 0, "provincial": 1, "city": 2},
    "requests": {"solved": 1, "unsolvable": 1, "in_progress": 1, "open": 1, "total": 4, "overdue": 1},
    "coverage": {"total": 4, "covered": 2},
}

# The same year for Macao only (李澳门): Jan 1 invited/0 in, March 1/1; his not-filed proposal; one adopted
# report (city); his overdue in-progress request; he was visited.
EXPECTED_MACAO = {
    "attendance": {1: (1, 0), 3: (1, 1)},
    "proposals_total": 1,
    "by_status": {"not_filed": 1},
    "opinion_levels": {"national": 0, "provincial": 0, "city": 1},
    "requests": {"solved": 0, "unsolvable": 0, "in_progress": 1, "open": 0, "total": 1, "overdue": 1},
    "coverage": {"total": 1, "covered": 1},
}

# The 14th term (P1, P2, P3; not 张旧届): January 3 invited / 2 in, March 2/2, April 2/1, June 1/1.
EXPECTED_TERM14 = {
    "attendance": {1: (3, 2), 3: (2, 2), 4: (2, 1), 6: (1, 1)},
    "proposals_total": 5,
    "coverage": {"total": 3, "covered": 2},
}
