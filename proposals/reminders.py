"""Reminder rules for proposals, run by `manage.py send_reminders` (idempotent per period)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.roles import Role
from notifications.reminders import Reminder, register

from .models import Assignment, AssignmentRole, Cosigner, CosignerStatus, ProposalStatus

SOON_DAYS = 14


@register("proposal_reply_due")
def reply_due(now):
    """Lead/split units (and the owning office's staff) are reminded 14 days before the reply is due, and
    again once it is overdue."""
    today = timezone.localdate(now)
    rows = (
        Assignment.objects.filter(
            ended_at__isnull=True,
            role__in=[AssignmentRole.LEAD, AssignmentRole.SPLIT],
            proposal__status=ProposalStatus.HANDLING,
            proposal__reply_due__lte=today + dt.timedelta(days=SOON_DAYS),
        )
        .select_related("proposal", "unit")
        .order_by("id")
    )
    users = User.objects.filter(is_active=True, role__in=[Role.UNIT, Role.STAFF])
    by_org: dict = {}
    for u in users:
        by_org.setdefault(u.organisation_id, []).append(u)
    for a in rows:
        p = a.proposal
        overdue = p.reply_due < today
        recipients = [u for u in by_org.get(a.unit_id, []) if u.role == Role.UNIT]
        recipients += [u for u in by_org.get(p.owner_org_id, []) if u.role == Role.STAFF]
        state = "overdue" if overdue else "soon"
        yield Reminder(
            obj=p,
            recipients=recipients,
            period=f"{a.unit_id}:{p.reply_due.isoformat()}:{state}",
            title=(
                f"提案《{p.title}》已逾期未答复（期限 {p.reply_due:%Y-%m-%d}）"
                if overdue
                else f"提案《{p.title}》将于 {p.reply_due:%Y-%m-%d} 到期，请及时答复"
            ),
            body=f"承办单位：{a.unit.display_name}（{a.get_role_display()}）",
            url=reverse("proposals:detail", args=[p.pk]),
        )


@register("proposal_cosign_deadline")
def cosign_deadline(now):
    """Invited co-signers who have not answered are reminded once, within the last two days."""
    for c in Cosigner.objects.filter(
        status=CosignerStatus.INVITED,
        proposal__cosign_deadline__gt=now,
        proposal__cosign_deadline__lte=now + dt.timedelta(days=2),
    ).select_related("proposal", "person__user"):
        yield Reminder(
            obj=c.proposal,
            recipients=[c.person],
            period=f"cosign:{c.pk}",
            title=f"请于 {timezone.localtime(c.proposal.cosign_deadline):%m-%d %H:%M} 前确认是否联名《{c.proposal.title}》",
            url=reverse("proposals:detail", args=[c.proposal.pk]),
        )
