"""Writes to citizens' ideas. Every status change goes through `idea_transition` (the workflow table)."""

import logging
import re
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core import permissions, phones
from core.errors import DomainError
from core.roles import EXTERNAL, Role
from core.sensitive import log_reveal
from core.text import search_form
from notifications.services import notify
from organisations.models import Organisation, OrgKind, OrgLevel
from organisations.selectors import organisation_by_name

from . import throttle
from .models import END_STATES, MAX_BODY_CHARS, Idea, IdeaStatus
from .workflows import idea_workflow

log = logging.getLogger(__name__)
S = IdeaStatus
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read over the phone without mistakes


def intake_org() -> Organisation:
    """The body whose staff screen public ideas: settings.IDEAS_INTAKE_ORG (a name), else the first city committee."""
    name = getattr(settings, "IDEAS_INTAKE_ORG", "广州市政协港澳台侨外事委员会")
    org = organisation_by_name(name) if name else None
    org = org or (
        Organisation.objects.filter(kind=OrgKind.COMMITTEE, level=OrgLevel.CITY, is_active=True)
        .order_by("pk")
        .first()
    )
    if org is None:
        raise DomainError("系统尚未设置受理百姓提案的机构，请联系管理员。")
    return org


def _new_code() -> str:
    while True:
        code = "JD" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        if not Idea.objects.filter(code=code).exists():
            return code


def normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", (code or "")).upper()


def _search_text(idea: Idea) -> str:
    claimant = idea.claimed_by.name if idea.claimed_by_id else ""
    return search_form(idea.title, idea.code, idea.citizen_name, claimant)


@transaction.atomic
def idea_submit(
    *,
    title: str,
    body: str,
    citizen_name: str,
    citizen_phone: str = "",
    citizen_email: str = "",
    wants_followup: bool = False,
    client_ip: str | None = None,
) -> Idea:
    """A citizen's idea from the public page: checked, stored for review (never published), code returned.

    Refuses (DomainError, nothing written) a flood from one address (`throttle`), empty or over-long text,
    a missing name, no way to reach the citizen, a malformed phone or email. Emails the reference code
    after commit when an address was given. The human check is the view's job (it owns the form).
    """
    if throttle.is_flooding(client_ip):
        raise DomainError(
            f"同一网络地址提交过于频繁（每小时最多 {throttle.LIMIT} 条），请稍后再试。感谢您的热心建议！",
            code="throttled",
        )
    title, body, name = (title or "").strip(), (body or "").strip(), (citizen_name or "").strip()
    phone, email = (citizen_phone or "").strip(), (citizen_email or "").strip()
    if not title:
        raise DomainError("请填写标题。", field="title")
    if len(title) > 120:
        raise DomainError("标题不能超过 120 字。", field="title")
    if len(body) < 10:
        raise DomainError("请把建议写具体一些（至少 10 个字）。", field="body")
    if len(body) > MAX_BODY_CHARS:
        raise DomainError(f"内容不能超过 {MAX_BODY_CHARS} 字，现为 {len(body)} 字。", field="body")
    if not name or len(name) > 50:
        raise DomainError("请填写您的姓名（50 字以内）。", field="citizen_name")
    if not phone and not email:
        raise DomainError("请至少留下电话或电子邮箱，以便告知您办理结果。", field="citizen_phone")
    try:
        phone = phones.parse_optional(phone)  # E.164; a number without code read as mainland
    except DomainError as exc:
        raise DomainError(exc.message, field="citizen_phone") from None
    if email:
        try:
            validate_email(email)
        except Exception:
            raise DomainError("电子邮箱格式不正确。", field="citizen_email") from None
    idea = Idea(
        owner_org=intake_org(),
        code=_new_code(),
        title=title,
        body=body,
        citizen_name=name,
        citizen_phone=phone,
        citizen_email=email,
        wants_followup=bool(wants_followup),
    )
    idea.search_text = _search_text(idea)
    idea.save()
    throttle.record_submission(client_ip)
    if email:
        _email_citizen(
            idea,
            f"您的金点子已收到（查询码 {idea.code}）",
            f"{name}：\n\n感谢您提出“{title}”。我们审核后会告知您办理情况。"
            f"凭查询码 {idea.code} 可随时在网站查询进度。",
        )
    return idea


def _email_citizen(idea: Idea, subject: str, text: str) -> None:
    email = idea.citizen_email

    def send():
        try:
            send_mail(f"【百姓提案】{subject}", text, settings.DEFAULT_FROM_EMAIL, [email])
        except OSError:
            log.exception("emailing the citizen of idea %s failed", idea.pk)

    transaction.on_commit(send)


def _outcome_text(idea: Idea) -> str:
    if idea.status == S.PROPOSAL:
        return f"已由{idea.claimed_by.name}委员认领并形成提案。"
    if idea.status == S.SPEECH:
        return f"已由{idea.claimed_by.name}委员吸收为大会发言。"
    if idea.status == S.FORWARDED:
        return f"已转交{idea.forwarded_to}研究办理。"
    return "经研究，暂不予采纳。"


@transaction.atomic
def idea_transition(
    *,
    actor,
    idea: Idea,
    target: str,
    note: str = "",
    forwarded_to: Organisation | None = None,
    proposal=None,
) -> Idea:
    """Move an idea one step (the workflow table decides what is allowed and who may do it).

    Side effects: claiming records the member (`claimed_by`, `claimed_at`), releasing clears them; forwarding
    needs a department; an end (proposal / speech / forwarded / declined) records the reason and the time and
    tells the citizen by email when an address was given (`citizen_notified_at`). The claimant hears of staff
    steps in the app. Always a log row. Nothing written on error.
    """
    note = (note or "").strip()
    person = getattr(actor, "person", None) if getattr(actor, "is_person", False) else None

    def apply(i: Idea) -> None:
        now = timezone.now()
        if target == S.CLAIMED:
            i.claimed_by, i.claimed_at = person, now
        elif target == S.OPEN and i.claimed_by_id:
            i.claimed_by, i.claimed_at = None, None
        elif target == S.FORWARDED:
            if forwarded_to is None:
                raise DomainError("请选择转交的部门。", field="forwarded_to")
            i.forwarded_to = forwarded_to
        if target == S.PROPOSAL:
            if proposal is None:
                raise DomainError("请通过“形成提案草稿”操作完成。")
            i.proposal = proposal
        if target in END_STATES:
            i.outcome_note = note
            i.closed_at = now
            if i.citizen_email:
                i.citizen_notified_at = now
        i.search_text = _search_text(i)

    claimant = idea.claimed_by
    data = {"forwarded_to": forwarded_to.pk} if forwarded_to else {}
    updated = idea_workflow.transition(idea, target, actor=actor, note=note, data=data, apply=apply)
    if target in END_STATES and updated.citizen_email:
        _email_citizen(
            updated,
            f"您的金点子有了结果（查询码 {updated.code}）",
            f"{updated.citizen_name}：\n\n您提出的“{updated.title}”{_outcome_text(updated)}"
            + (f"\n说明：{note}" if note else "")
            + "\n\n感谢您对政协工作的支持！",
        )
    if target == S.FORWARDED:
        notify(
            _department_users(updated.forwarded_to_id),
            "ideas.forwarded_to_you",
            updated,
            title=f"收到转交的百姓提案《{updated.title}》，请研究办理并答复",
            body=note,
            url=reverse("ideas:detail", args=[updated.pk]),
        )
    if claimant is not None and not _is_same(actor, claimant):
        notify(
            [claimant],
            f"ideas.{target}",
            updated,
            title=f"您认领的百姓提案《{updated.title}》{S(target).label}",
            body=note,
            url=reverse("ideas:detail", args=[updated.pk]),
        )
    return updated


def _department_users(org_id):
    from accounts.models import User

    return User.objects.filter(organisation_id=org_id, role__in=EXTERNAL, is_active=True)


@transaction.atomic
def idea_answer(*, actor, idea: Idea, text: str) -> Idea:
    """The department an idea was forwarded to answers it (what it did or will do). The answer is shown on the
    citizen's status page, emailed to the citizen (when an address was given) and the office is told; the
    department may correct its answer (history keeps every version)."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    permissions.require(actor, "answer", idea)
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写答复内容。", field="text")
    idea.department_reply = text
    idea.department_replied_at = timezone.now()
    idea.save(update_fields=["department_reply", "department_replied_at", "updated_at"])
    dept = str(idea.forwarded_to)
    if idea.citizen_email:
        _email_citizen(
            idea,
            f"{dept}已答复您的金点子（查询码 {idea.code}）",
            f"{idea.citizen_name}：\n\n关于您提出的“{idea.title}”，{dept}答复如下：\n{text}\n\n感谢您对政协工作的支持！",
        )
    notify(
        _office_users(idea),
        "ideas.answered",
        idea,
        title=f"{dept}已答复百姓提案《{idea.title}》",
        body=text,
        url=reverse("ideas:detail", args=[idea.pk]),
    )
    return idea


def _office_users(idea):
    from accounts.models import User

    return User.objects.filter(organisation_id=idea.owner_org_id, role=Role.STAFF, is_active=True)


def proposal_event(proposal, event: str) -> None:
    """A proposal that grew out of citizens' ideas reached a milestone (proposals' `proposal_event` hook):
    email each citizen who left an address — 立案 with its number, the reply published, the outcome. Ideas
    developed into a proposal that was later merged follow it to the surviving proposal."""
    from proposals.selectors import surviving

    ideas = Idea.objects.filter(Q(proposal=proposal) | Q(proposal__merged_into=proposal)).exclude(
        citizen_email=""
    )
    for idea in ideas.select_related("proposal"):
        p = surviving(idea.proposal)
        text = {
            "filed": f"已由政协正式立案（{p.number_label}），将交有关部门办理。",
            "replied": "承办单位已作出答复，答复全文已在网站“提案答复公开”栏目公开。",
            "outcome": "办理成效已记录。",
        }.get(event)
        if text is None:
            continue
        _email_citizen(
            idea,
            f"您的金点子有了新进展（查询码 {idea.code}）",
            f"{idea.citizen_name}：\n\n由您提出的“{idea.title}”形成的提案《{p.title}》{text}"
            f"\n凭查询码 {idea.code} 可在网站查询每一步的进展。\n\n感谢您对政协工作的支持！",
        )


def _is_same(actor, person) -> bool:
    return getattr(person, "user_id", None) is not None and person.user_id == getattr(actor, "pk", None)


@transaction.atomic
def idea_develop(*, actor, idea: Idea, title: str, body: str):
    """The claimant turns the idea into a proposal draft (through the proposals app), linked to the idea.

    Checks `can(actor, "develop")` via the transition; the proposal is created by
    `proposals.services.proposal_create_draft` in the same transaction, so both happen or neither.
    """
    from proposals.services import proposal_create_draft

    permissions.require(actor, "develop", idea)
    proposal = proposal_create_draft(
        actor=actor,
        author=idea.claimed_by,
        title=title,
        body=body,
        owner_org=idea.owner_org,
        origin_note=f"源自百姓提案（查询码 {idea.code}）",
    )

    idea = idea_transition(
        actor=actor, idea=idea, target=S.PROPOSAL, note=f"形成提案草稿《{proposal.title}》", proposal=proposal
    )
    return idea, proposal


@transaction.atomic
def idea_invite_followup(*, actor, idea: Idea, note: str) -> Idea:
    """Record that the citizen was invited to follow-up research (and email them when possible)."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    permissions.require(actor, "followup", idea)
    note = (note or "").strip()
    if not note:
        raise DomainError("请写明调研的时间、地点或内容。", field="note")
    if not idea.wants_followup:
        raise DomainError("提出人未表示愿意参加后续调研。")
    idea.followup_invited_at = timezone.now()
    idea.followup_note = note
    idea.save(update_fields=["followup_invited_at", "followup_note", "updated_at"])
    if idea.citizen_email:
        _email_citizen(idea, "邀请您参加调研", f"{idea.citizen_name}：\n\n关于您提出的“{idea.title}”，{note}")
    return idea


def idea_reveal_contact(*, actor, idea: Idea, ip: str | None = None) -> dict[str, str]:
    """The citizen's phone and email in clear, after the permission check and access-log rows (PIPL)."""
    permissions.require(actor, "reveal_sensitive", idea)
    for field in ("citizen_phone", "citizen_email"):
        log_reveal(user=actor, obj=idea, field=field, ip=ip)
    return {"phone": phones.format_phone(idea.citizen_phone), "email": idea.citizen_email}
