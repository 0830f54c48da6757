"""A generated year for the accuracy tests: five persons with every kind of record and the edge cases of the
issue (year boundaries in Asia/Shanghai, cancelled activities, plenary sittings, withdrawn and draft
proposals, declined and unanswered co-signatures, a merged proposal, reopened requests, unverified and
association donations …). The expected figures are written by hand in `EXPECTED`, not computed."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from activities.models import Activity, ActivityKind, Invitation
from activities.selectors import PLENARY_KIND_NAME
from archives import services
from core.models import TransitionLog
from members.tests.factories import PersonFactory
from opinions.models import OpinionReport
from proposals.models import Cosigner, Outcome, Proposal
from visits.models import Request, Visit, VisitPerson, VisitVisitor

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def hand_rules(staff, *, year: int = 2025, owner_org=None):
    """A small rule set whose figures are easy to compute by hand."""
    rs = services.rule_set_create(actor=staff, year=year, name=f"{year}测试规则", owner_org=owner_org)
    items = [
        ("plenary_half_day", 5, 1, None, None, None),
        ("activity_attended", 5, 1, None, 15, None),
        ("activity_absent", -2, 1, None, 3, None),
        ("proposal_lead", 10, 1, None, None, None),
        ("proposal_cosigned", 2, 1, None, None, None),
        ("proposal_filed", 15, 1, 3, None, None),
        ("proposal_merged", 10, 1, 2, None, None),
        ("proposal_key", 15, 1, 3, None, None),
        ("proposal_adopted", 10, 1, 2, None, None),
        ("opinion_submitted", 10, 1, None, None, None),
        ("opinion_adopted_city", 5, 1, None, None, None),
        ("opinion_adopted_provincial", 10, 1, None, None, None),
        ("opinion_instructed_provincial", 10, 1, None, None, None),
        (
            "donation_amount", 0, 1, None, None,
            [{"min_amount": 1, "max_amount": 50000, "points": 5}, {"min_amount": 50000, "max_amount": None, "points": 10}],
        ),
        ("volunteer_hours", 1, 4, None, 10, None),
    ]  # fmt: skip
    for code, points, per, cos, cap, bands in items:
        services.rule_item_save(
            actor=staff, rule_set=rs, item=code, points=points, per_units=per, cosigner_points=cos, cap=cap,
            bands=bands,
        )  # fmt: skip
    services.minimum_save(
        actor=staff, rule_set=rs, label="参加活动", items=["activity_attended", "plenary_half_day"], count=3
    )
    services.minimum_save(
        actor=staff,
        rule_set=rs,
        label="提案或社情民意信息",
        items=["proposal_lead", "proposal_cosigned", "opinion_submitted"],
        count=1,
    )
    services.grade_bands_set(actor=staff, rule_set=rs, bands=services.DEFAULT_GRADES)
    rs.refresh_from_db()
    return rs


def generated_year(orgs, users) -> SimpleNamespace:
    """Persons A–E of the committee (and X of another committee) with the year's records."""
    org = orgs.committee
    staff, leader = users["staff"], users["leader"]
    A = PersonFactory(name="甲委员", owner_org=org)
    B = PersonFactory(name="乙委员", owner_org=org)
    C = PersonFactory(name="丙委员", owner_org=org)
    D = PersonFactory(name="丁委员", owner_org=org)
    E = PersonFactory(name="戊顾问", owner_org=org)
    X = PersonFactory(name="外委员", owner_org=orgs.other_committee)

    # ---- activities ----
    meeting, _ = ActivityKind.objects.get_or_create(name="座谈调研会")
    plenary, _ = ActivityKind.objects.get_or_create(name=PLENARY_KIND_NAME)

    def activity(title, start, *, kind=meeting, cancelled=False):
        return Activity.objects.create(
            owner_org=org, kind=kind, title=title, starts_at=start, ends_at=start + dt.timedelta(hours=2),
            is_cancelled=cancelled,
        )  # fmt: skip

    def invite(act, person, status):
        return Invitation.objects.create(
            owner_org=org, activity=act, person=person, status=status,
            checked_in_at=act.starts_at if status == "checked_in" else None,
        )  # fmt: skip

    act1 = activity("三月座谈会", at(2025, 3, 10))
    act2 = activity("元旦凌晨活动", at(2025, 1, 1, 0, 30))  # 2024-12-31 16:30 UTC: still 2025 in Shanghai
    act3 = activity("除夕活动", at(2025, 12, 31, 23, 30))
    act4 = activity("次年元旦活动", at(2026, 1, 1, 0, 10))  # 2025-12-31 16:10 UTC: already 2026 in Shanghai
    act5 = activity("已取消活动", at(2025, 6, 1), cancelled=True)
    act6 = activity("五月调研", at(2025, 5, 5))
    act7 = activity("八月交流", at(2025, 8, 8))
    act8 = activity("上年除夕活动", at(2024, 12, 31, 23, 30))
    plen1 = activity("全体会议上午", at(2025, 1, 6, 9), kind=plenary)
    plen2 = activity("全体会议下午", at(2025, 1, 6, 14, 30), kind=plenary)
    for act, status in [(act1, "checked_in"), (act2, "checked_in"), (act3, "checked_in"), (act4, "checked_in"),
                        (act5, "checked_in"), (act6, "checked_in"), (act7, "checked_in"), (plen1, "checked_in"),
                        (plen2, "checked_in")]:  # fmt: skip
        invite(act, A, status)
    for act, status in [(act1, "checked_in"), (act2, "leave_requested"), (act4, "checked_in"), (act5, "checked_in"),
                        (act6, "absent"), (act8, "checked_in"), (plen1, "checked_in"), (plen2, "leave_approved")]:  # fmt: skip
        invite(act, B, status)
    for act, status in [(act1, "leave_approved"), (act2, "checked_in"), (plen1, "absent"), (plen2, "absent")]:
        invite(act, C, status)
    for act, status in [(act1, "absent"), (act3, "checked_in"), (act6, "absent")]:
        invite(act, D, status)
    invite(act1, E, "invited")
    invite(act1, X, "checked_in")

    # ---- proposals ----
    def proposal(title, author, submitted, status, **kw):
        return Proposal.objects.create(
            owner_org=org,
            title=title,
            body="正文",
            author=author,
            submitted_at=submitted,
            status=status,
            **kw,
        )

    def cosign(p, person, status):
        Cosigner.objects.create(owner_org=org, proposal=p, person=person, status=status)

    p1 = proposal("联名提案", A, at(2025, 2, 1), "handling", is_key=True)
    Outcome.objects.create(owner_org=org, proposal=p1, adopted=True, actions="已落实")
    cosign(p1, B, "confirmed")
    cosign(p1, C, "declined")
    cosign(p1, D, "invited")
    p2 = proposal("撤回的提案", A, at(2025, 3, 1), "withdrawn")
    cosign(p2, B, "confirmed")
    proposal("草稿提案", A, None, "draft")
    p4 = proposal("被并案的提案", B, at(2025, 4, 1), "merged", merged_into=p1)
    cosign(p4, A, "confirmed")
    proposal("上年提交的提案", C, at(2024, 12, 20), "filed")
    p6 = proposal("除夕提交的提案", D, at(2025, 12, 31, 23), "submitted")
    cosign(p6, E, "confirmed")
    proposal("不予立案的提案", A, at(2025, 5, 1), "not_filed", not_filed_reason="vague")
    proposal("外委会提案", X, at(2025, 5, 1), "filed")

    # ---- public-opinion reports ----
    def report(title, author, status, submitted, **kw):
        return OpinionReport.objects.create(
            owner_org=org, author=author, title=title, status=status, submitted_at=submitted, **kw
        )

    report("获省领导批示", A, "instructed", at(2025, 3, 1), sent_up_level="city", adopted_level="provincial",
           instruction_level="provincial")  # fmt: skip
    report("市级采用", A, "adopted", at(2025, 4, 1), sent_up_level="city", adopted_level="city")
    report("已报送", B, "submitted", at(2025, 6, 1))
    report("草稿", B, "draft", None)
    report("次年报送", C, "accepted", at(2026, 1, 2))
    report("未采用", D, "not_adopted", at(2025, 7, 1))

    # ---- visits and requests ----
    def visit(date, status, persons):
        v = Visit.objects.create(owner_org=org, status=status, date=date)
        for u in (staff, leader):
            VisitVisitor.objects.create(visit=v, user=u)
        for p in persons:
            VisitPerson.objects.create(visit=v, person=p)
        return v

    visit(dt.date(2025, 3, 12), "done", [A, B])
    visit(dt.date(2025, 4, 1), "planned", [A])
    visit(dt.date(2025, 5, 1), "cancelled", [C])
    visit(dt.date(2025, 9, 9), "done", [A])
    visit(dt.date(2024, 12, 31), "done", [C])

    ct = ContentType.objects.get_for_model(Request)

    def request(person, status, log):
        r = Request.objects.create(
            owner_org=org, person=person, category="school", title="诉求", description="说明", status=status,
            resolution="已办结" if status == "solved" else "",
        )  # fmt: skip
        for target, when in log:
            row = TransitionLog.objects.create(
                content_type=ct, object_id=r.pk, workflow="request", source="", target=target
            )
            TransitionLog.objects.filter(pk=row.pk).update(created_at=when)
        return r

    request(A, "solved", [("solved", at(2025, 6, 1))])
    request(B, "in_progress", [("solved", at(2025, 5, 1)), ("in_progress", at(2025, 6, 1))])
    request(
        C, "solved", [("solved", at(2025, 3, 1)), ("in_progress", at(2025, 4, 1)), ("solved", at(2025, 8, 1))]
    )
    request(D, "solved", [("solved", at(2026, 1, 5))])

    # ---- donations (through the services: validation and verification are part of what is tested) ----
    def donate(kind, verify=True, **kw):
        d = services.donation_create(actor=staff, donor_kind=kind, **kw)
        if verify:
            services.donation_verify(actor=staff, donation=d)
        return d

    donate("person", programme="education", recipient="王村港镇", date=dt.date(2025, 7, 20), amount=240000,
           shares=[{"person": A}])  # fmt: skip
    donate("joint", programme="green", recipient="梯面镇", date=dt.date(2025, 3, 12), amount=100000, trees=100,
           shares=[{"person": A, "amount": 60000, "trees": 60}, {"person": B, "amount": 40000, "trees": 40}])  # fmt: skip
    donate("person", verify=False, programme="education", recipient="未核实", date=dt.date(2025, 8, 1), amount=5000,
           shares=[{"person": C}])  # fmt: skip
    donate("association", programme="rural", recipient="社团捐赠", date=dt.date(2025, 9, 1), amount=50000,
           donor_org=orgs.association)  # fmt: skip
    donate("person", programme="other", recipient="社区", date=dt.date(2025, 10, 10), volunteer_hours=9,
           shares=[{"person": D}])  # fmt: skip
    donate("person", programme="education", recipient="上年", date=dt.date(2024, 12, 31), amount=3000,
           shares=[{"person": B}])  # fmt: skip
    return SimpleNamespace(A=A, B=B, C=C, D=D, E=E, X=X)


# Expected counts for 2025 by hand (see the comments in `generated_year`); items not listed are 0.
# Shared proposal items: "code" is the lead count, "code__cosigned" the co-signer count.
EXPECTED = {
    "A": {
        "activity_invited": 7, "activity_attended": 5, "plenary_half_day": 2,
        "proposal_lead": 2, "proposal_cosigned": 1, "proposal_filed": 1, "proposal_key": 1, "proposal_adopted": 1,
        "proposal_merged__cosigned": 1,
        "opinion_submitted": 2, "opinion_adopted_provincial": 1, "opinion_adopted_city": 1,
        "opinion_instructed_provincial": 1,
        "visit_received": 2, "request_resolved": 1, "donation_amount": Decimal(300000), "trees_planted": 60,
    },
    "B": {
        "activity_invited": 5, "activity_attended": 1, "plenary_half_day": 1, "activity_leave": 1, "plenary_leave": 1,
        "activity_absent": 1,
        "proposal_lead": 1, "proposal_merged": 1, "proposal_cosigned": 1, "proposal_filed__cosigned": 1,
        "proposal_key__cosigned": 1, "proposal_adopted__cosigned": 1,
        "opinion_submitted": 1, "visit_received": 1, "donation_amount": Decimal(40000), "trees_planted": 40,
    },
    "C": {"activity_invited": 4, "activity_attended": 1, "activity_leave": 1, "plenary_absent": 2, "request_resolved": 1},
    "D": {
        "activity_invited": 3, "activity_attended": 1, "activity_absent": 2, "proposal_lead": 1, "opinion_submitted": 1,
        "volunteer_hours": Decimal(9),
    },
    "E": {"activity_invited": 1, "proposal_cosigned": 1},
}  # fmt: skip

# Expected points per item (only non-zero ones), total, grade and unmet minimums under `hand_rules`.
EXPECTED_POINTS = {
    "A": {
        "plenary_half_day": 10, "activity_attended": 15, "proposal_lead": 20, "proposal_cosigned": 2,
        "proposal_filed": 15, "proposal_merged": 2, "proposal_key": 15, "proposal_adopted": 10,
        "opinion_submitted": 20, "opinion_adopted_city": 5, "opinion_adopted_provincial": 10,
        "opinion_instructed_provincial": 10, "donation_amount": 10,
    },
    "B": {
        "plenary_half_day": 5, "activity_attended": 5, "activity_absent": -2, "proposal_lead": 10,
        "proposal_cosigned": 2, "proposal_filed": 3, "proposal_merged": 10, "proposal_key": 3, "proposal_adopted": 2,
        "opinion_submitted": 10, "donation_amount": 5,
    },
    "C": {"activity_attended": 5},
    "D": {"activity_attended": 5, "activity_absent": -3, "proposal_lead": 10, "opinion_submitted": 10, "volunteer_hours": 2},
    "E": {"proposal_cosigned": 2},
}  # fmt: skip
EXPECTED_SCORE = {"A": 144, "B": 53, "C": 5, "D": 24, "E": 2}
EXPECTED_GRADE = {"A": "优秀", "B": "不称职", "C": "不称职", "D": "不称职", "E": "不称职"}
EXPECTED_UNMET = {
    "A": [],
    "B": ["参加活动"],
    "C": ["参加活动", "提案或社情民意信息"],
    "D": ["参加活动"],
    "E": ["参加活动"],
}
