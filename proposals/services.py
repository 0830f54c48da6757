"""Every write to proposals. Keyword-only, atomic; refusals are DomainError with a Chinese message and
nothing written. Status changes go through `workflows.PROPOSAL.transition` only.

Deadlines (DOMAIN.md): reply due 3 months after assignment; an extension with a reason, at most 6 months
after assignment; co-handling input due to the lead unit within the set time (1 month by default); a unit
may dispute its assignment within 7 days.
"""

import calendar
import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import permissions
from core.errors import DomainError, PermissionRefused
from core.numbering import next_in_sequence
from core.roles import Role
from core.text import search_form
from core.uploads import validate_upload
from members.models import Person, Session, SessionKind
from notifications.services import notify
from organisations.models import Organisation, ShareCapacity
from organisations.services import share_with, unshare

from . import similarity
from .models import (
    BODY_KINDS,
    BODY_MAX,
    EDITABLE_STATES,
    FILED_STATES,
    TITLE_MAX,
    AdoptionLevel,
    Assignment,
    AssignmentRole,
    Attachment,
    Cosigner,
    CosignerStatus,
    Countersign,
    Extension,
    FollowUp,
    FollowUpKind,
    NotFiledReason,
    Outcome,
    Progress,
    Proposal,
    ProposalStatus,
    ProposalTiming,
    ProposerKind,
    Rating,
    RatingValue,
    Reply,
    ReplyClass,
    ReplyStatus,
    Supervision,
)
from .workflows import PROPOSAL

REPLY_MONTHS = 3
MAX_REPLY_MONTHS = 6
DISPUTE_DAYS = 7
INPUT_MONTHS = 1
REHANDLE_MONTHS = 1


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _today() -> dt.date:
    return timezone.localdate()


def _url(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


# ---------------------------------------------------------------- recipients


def proposer_persons(proposal: Proposal, *, with_merged: bool = True) -> list[Person]:
    """The first proposer, confirmed co-signers and (if asked) proposers of proposals merged into it."""
    persons = [proposal.author]
    persons += [
        c.person
        for c in proposal.cosigners.filter(status=CosignerStatus.CONFIRMED).select_related("person__user")
    ]
    if with_merged:
        persons += [p.author for p in proposal.merged_from.select_related("author__user")]
    return persons


def _staff_of(proposal) -> list[User]:
    return list(User.objects.filter(organisation=proposal.owner_org, role=Role.STAFF, is_active=True))


def _unit_users(unit_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(organisation_id__in=list(unit_ids), role=Role.UNIT, is_active=True))


def _active_unit_ids(proposal, roles=None) -> list[int]:
    qs = proposal.assignments.filter(ended_at__isnull=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return list(qs.values_list("unit_id", flat=True))


def _notify_later(recipients_fn, event: str, title_fn, body: str = ""):
    """An on-commit callback for `transition`: notify after the step is safely written."""

    def callback(proposal):
        notify(
            recipients_fn(proposal), event, proposal, title=title_fn(proposal), body=body, url=_url(proposal)
        )

    return callback


# ---------------------------------------------------------------- drafting


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise DomainError("请填写案由（提案标题）。", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(f"案由不能超过 {TITLE_MAX} 个字，现有 {len(title)} 个字。", field="title")
    if not body:
        raise DomainError("请填写提案正文。", field="body")
    if len(body) > BODY_MAX:
        raise DomainError(
            f"提案正文不能超过 {BODY_MAX:,} 个字，现有 {len(body):,} 个字；一事一案，请精简或分拆。",
            field="body",
        )
    # 一事一案: a title listing several subjects (separated by semicolons or numbered) is several proposals.
    if (
        any(sep in title for sep in ("；", ";"))
        or ("一是" in title and "二是" in title)
        or ("1." in title and "2." in title)
    ):
        raise DomainError("一事一案：每件提案只能提出一个问题，请把不同问题分别提出。", field="title")
    return title, body


def _search_text(p: Proposal) -> str:
    return search_form(p.title, p.proposer_body, p.author.name if p.author_id else "", p.origin_note)


# A former member (term over, seat ended), an observer or another CPPCC's member cannot put forward a new
# proposal: the refusal of `proposal_create_draft`, shown by the staff's form and the API at the author field.
FORMER_AUTHOR = "只能选择本届在任的委员或顾问，已离任的委员不能提出新提案。"
# The same rule said to the member or advisor drafting in their own name.
NOT_SEATED_SELF = "您目前不是本届在任的委员或顾问，不能提出新提案；如有疑问请联系委员会办公室。"


def _require_current_author(author: Person, owner_org: Organisation | None, *, own: bool = False) -> None:
    """The author holds a seat now in the current term of the proposal's CPPCC (`members.selectors.
    person_directory` of the owning body: a member, standing member, invited member or advisor, seat not ended,
    not deleted), whichever door named them."""
    from members.selectors import person_directory

    if owner_org is None or not person_directory(owner_org).filter(pk=author.pk).exists():
        raise DomainError(
            NOT_SEATED_SELF if own else FORMER_AUTHOR, field="author", code="not_current_member"
        )


@transaction.atomic
def proposal_create_draft(
    *,
    actor,
    author: Person,
    title: str,
    body: str,
    owner_org: Organisation | None = None,
    proposer_kind: str = ProposerKind.MEMBER,
    proposer_body: str = "",
    timing: str = ProposalTiming.REGULAR,
    origin_note: str = "",
) -> Proposal:
    """Create a draft by `author`, owned by `owner_org` (default: the author's organisation).

    Checks: `can(actor, "create")`; a member or advisor drafts only as the author; the author holds a seat now
    in the proposal's CPPCC (FORMER_AUTHOR otherwise, field "author"); non-empty title and body, body under
    BODY_MAX characters, one issue per proposal. Writes the draft only, after every check.
    """
    permissions.require(actor, "create", Proposal)
    if actor is not None and actor.role in (Role.MEMBER, Role.ADVISOR) and author.user_id != actor.pk:
        raise PermissionRefused("委员只能以本人名义起草提案。")
    owner_org = owner_org or author.owner_org
    _require_current_author(author, owner_org, own=actor is not None and author.user_id == actor.pk)
    title, body = _clean_text(title, body)
    _check_kind(proposer_kind, proposer_body, timing)
    proposal = Proposal(
        owner_org=owner_org,
        author=author,
        title=title,
        body=body,
        proposer_kind=proposer_kind,
        proposer_body=(proposer_body or "").strip(),
        timing=timing,
        origin_note=(origin_note or "").strip(),
    )
    proposal.search_text = _search_text(proposal)
    proposal.full_clean(exclude=["search_text", "owner_org", "author", "session", "merged_into"])
    proposal.save()
    return proposal


def _check_kind(proposer_kind, proposer_body, timing):
    if proposer_kind not in ProposerKind.values:
        raise DomainError("提出方式不正确。", field="proposer_kind")
    if proposer_kind in BODY_KINDS and not (proposer_body or "").strip():
        raise DomainError(
            "以界别、党派、人民团体或专门委员会名义提出时，请填写提出单位。", field="proposer_body"
        )
    if timing not in ProposalTiming.values:
        raise DomainError("提案类别不正确。", field="timing")


def _expect(proposal, state: str, action: str) -> None:
    """Several steps lead to 办理中 (交办, 退回答复, 不满意); make sure this one starts where it should."""
    current = Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first()
    if current != state:
        label = ProposalStatus(current).label if current in ProposalStatus.values else current
        raise DomainError(f"当前状态为“{label}”，不能执行“{action}”。", code="illegal_transition")


def _locked(proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("author").get(pk=proposal.pk)


@transaction.atomic
def proposal_update(
    *,
    actor,
    proposal: Proposal,
    title: str,
    body: str,
    proposer_kind: str | None = None,
    proposer_body: str | None = None,
    timing: str | None = None,
    origin_note: str | None = None,
) -> Proposal:
    """Change a draft (or a proposal returned for revision). Only the proposer or staff; reindexes it."""
    permissions.require(actor, "edit", proposal)
    p = _locked(proposal)
    if p.status not in EDITABLE_STATES:
        raise DomainError("只有草稿或退回修改的提案可以修改。")
    p.title, p.body = _clean_text(title, body)
    p.proposer_kind = proposer_kind if proposer_kind is not None else p.proposer_kind
    p.proposer_body = (proposer_body if proposer_body is not None else p.proposer_body).strip()
    p.timing = timing if timing is not None else p.timing
    p.origin_note = (origin_note if origin_note is not None else p.origin_note).strip()
    _check_kind(p.proposer_kind, p.proposer_body, p.timing)
    p.search_text = _search_text(p)
    p.save()
    return p


@transaction.atomic
def cosigners_invite(
    *, actor, proposal: Proposal, persons: Iterable[Person], deadline: dt.datetime
) -> list[Cosigner]:
    """Invite co-signers (联名) who must confirm before `deadline`; makes it a joint proposal; notifies them."""
    permissions.require(actor, "edit", proposal)
    p = _locked(proposal)
    persons = [x for x in persons if x.pk != p.author_id]
    if not persons:
        raise DomainError("请选择联名人（不能是提案人本人）。", field="persons")
    if deadline is None or deadline <= timezone.now():
        raise DomainError("联名确认截止时间必须晚于现在。", field="deadline")
    _require_in_directory(p, persons)
    made = []
    for person in persons:
        cosigner, created = Cosigner.objects.get_or_create(
            proposal=p, person=person, defaults={"owner_org": p.owner_org}
        )
        if created:
            made.append(cosigner)
    p.cosign_deadline = deadline
    if p.proposer_kind == ProposerKind.MEMBER:
        p.proposer_kind = ProposerKind.JOINT
    p.save(update_fields=["cosign_deadline", "proposer_kind", "updated_at"])
    local = timezone.localtime(deadline)
    notify(
        [c.person for c in made],
        "proposal_cosign_invited",
        p,
        title=f"{p.author.name}邀请您联名提案《{p.title}》",
        body=f"请在 {local:%Y-%m-%d %H:%M} 前确认是否联名。",
        url=_url(p),
    )
    return made


def _require_in_directory(proposal: Proposal, persons: list[Person]) -> None:
    """Co-signers are current members and advisors of the proposal's CPPCC (`members.selectors.person_directory`),
    whatever door named them: a former member, an observer or another CPPCC's member is refused by name."""
    from members.selectors import person_directory

    seated = set(
        person_directory(proposal.owner_org)
        .filter(pk__in=[x.pk for x in persons])
        .values_list("pk", flat=True)
    )
    outside = [x.name for x in persons if x.pk not in seated]
    if outside:
        raise DomainError(
            f"{'、'.join(outside)}不是本会现任委员或顾问，不能联名。",
            field="persons",
            code="not_in_directory",
        )


@transaction.atomic
def cosigner_respond(*, actor, proposal: Proposal, accept: bool) -> Cosigner:
    """The invited person confirms (or declines) co-signing, before the deadline only."""
    permissions.require(actor, "cosign", proposal)
    p = _locked(proposal)
    cosigner = Cosigner.objects.select_for_update().get(proposal=p, person=actor.person)
    if cosigner.status != CosignerStatus.INVITED:
        raise DomainError(f"您已{cosigner.get_status_display()}，不能重复回复。")
    if p.status in (ProposalStatus.WITHDRAWN,):
        raise DomainError("该提案已撤回，不能再联名。")
    if p.cosign_deadline and timezone.now() > p.cosign_deadline:
        raise DomainError(
            f"联名确认已于 {timezone.localtime(p.cosign_deadline):%Y-%m-%d %H:%M} 截止，不能再确认。"
        )
    cosigner.status = CosignerStatus.CONFIRMED if accept else CosignerStatus.DECLINED
    cosigner.responded_at = timezone.now()
    cosigner.save()
    notify(
        [p.author],
        "proposal_cosign_answered",
        p,
        title=f"{actor.person.name}{'已确认联名' if accept else '谢绝联名'}《{p.title}》",
        url=_url(p),
    )
    return cosigner


@transaction.atomic
def cosponsor_add(*, actor, proposal: Proposal, organisation: Organisation) -> None:
    """Name a co-sponsoring body (a provincial or district CPPCC …) of a cross-level joint proposal.

    The body's partner users then see and follow the proposal (a Share in capacity "co_sponsor").
    """
    if not (actor.role in (Role.ADMIN, Role.STAFF) and permissions.can(actor, "view", proposal)):
        permissions.require(actor, "edit", proposal)
    if organisation.pk == proposal.owner_org_id:
        raise DomainError("联合提出单位不能是提案的所属机构本身。", field="organisation")
    share_with(proposal, organisation, ShareCapacity.CO_SPONSOR)
    partners = User.objects.filter(organisation=organisation, role=Role.PARTNER, is_active=True)
    notify(
        partners,
        "proposal_cosponsor",
        proposal,
        title=f"贵单位被列为提案《{proposal.title}》的联合提出单位",
        url=_url(proposal),
    )


@transaction.atomic
def attachment_add(*, actor, proposal: Proposal, upload) -> Attachment:
    """Attach a file (checked by core.uploads) while the proposal can still be edited, or by staff."""
    if actor.role not in (Role.ADMIN, Role.STAFF):
        permissions.require(actor, "edit", proposal)
    else:
        permissions.require(actor, "view", proposal)
    clean = validate_upload(upload)
    return Attachment.objects.create(
        proposal=proposal, owner_org=proposal.owner_org, file=clean, name=clean.name[:200], uploaded_by=actor
    )


def proposal_submit(*, actor, proposal: Proposal) -> Proposal:
    """Submit a draft (or a revised proposal) for review; indexes it for similarity; staff are notified.

    Refused while invited co-signers may still answer? No: co-signers may confirm until their deadline;
    unconfirmed ones are simply not co-signers.
    """

    def apply(p):
        _clean_text(p.title, p.body)
        _check_kind(p.proposer_kind, p.proposer_body, p.timing)
        p.submitted_at = timezone.now()

    p = PROPOSAL.transition(
        proposal,
        ProposalStatus.SUBMITTED,
        actor=actor,
        apply=apply,
        on_commit=[_notify_later(_staff_of, "proposal_submitted", lambda p: f"新提案待审查：《{p.title}》")],
    )
    similarity.index_proposal(p)
    return p


def proposal_withdraw(*, actor, proposal: Proposal, note: str = "") -> Proposal:
    p = PROPOSAL.transition(proposal, ProposalStatus.WITHDRAWN, actor=actor, note=note)
    similarity.index_proposal(p)
    return p


# ---------------------------------------------------------------- review


def plenary_sessions(organisation):
    """The plenary sessions of the CPPCC `organisation` belongs to (`members.selectors.body_cppcc`), the
    newest term first: where its proposals are numbered. None for a body outside any CPPCC."""
    from members.selectors import body_cppcc

    cppcc = body_cppcc(organisation) if organisation is not None else None
    if cppcc is None:
        return Session.objects.none()
    return (
        Session.objects.filter(kind=SessionKind.PLENARY, term__cppcc=cppcc)
        .select_related("term")
        .order_by("-term__number", "number")
    )


def _default_session(proposal: Proposal) -> Session | None:
    """The plenary session a filed proposal is numbered in: the latest one of its CPPCC that has started."""
    today = _today()
    qs = plenary_sessions(proposal.owner_org)
    return (
        qs.filter(start_date__lte=today).order_by("-start_date").first() or qs.order_by("start_date").first()
    )


def _announce(event: str):
    """An on-commit callback for `transition`: tell the other apps that the proposal reached a milestone
    (`proposal_event(proposal, event)` on their AppConfig, core.hooks), e.g. the ideas app emails the citizen
    whose idea grew into this proposal. Events: filed, replied, outcome."""

    def callback(proposal):
        from core.hooks import collect

        collect("proposal_event", proposal, event)

    return callback


def _notify_proposers(event: str, title_fn, body: str = ""):
    return _notify_later(lambda p: proposer_persons(p), event, title_fn, body)


def proposal_file(*, actor, proposal: Proposal, note: str = "", session: Session | None = None) -> Proposal:
    """立案: give the proposal the next number in its session (十四届三次会议 第0123号)."""

    def apply(p):
        sess = session or _default_session(p)
        if sess is None:
            raise DomainError("尚未设置全体会议届次，不能编号立案。请先在委员库中添加会议。")
        if not plenary_sessions(p.owner_org).filter(pk=sess.pk).exists():
            raise DomainError("编号会议不是本提案所属政协的全体会议。", field="session")
        p.session = sess
        p.number = next_in_sequence(
            owner=sess, highest=lambda: Proposal.objects.filter(session=sess).aggregate(n=Max("number"))["n"]
        )
        p.filed_at = timezone.now()
        p.review_note = note

    return PROPOSAL.transition(
        proposal,
        ProposalStatus.FILED,
        actor=actor,
        note=note,
        apply=apply,
        on_commit=[
            _notify_proposers("proposal_filed", lambda p: f"您的提案《{p.title}》已立案：{p.number_label}"),
            _announce("filed"),
        ],
    )


def proposal_not_file(*, actor, proposal: Proposal, reason: str, note: str) -> Proposal:
    """不予立案 with one of the official reasons and a note; the proposer is told why."""
    if reason not in NotFiledReason.values:
        raise DomainError("请从规定的理由中选择不予立案的理由。", field="reason")

    def apply(p):
        p.not_filed_reason = reason
        p.review_note = note

    label = NotFiledReason(reason).label
    return PROPOSAL.transition(
        proposal,
        ProposalStatus.NOT_FILED,
        actor=actor,
        note=f"{label}：{note}" if note else "",
        data={"reason": reason},
        apply=apply,
        on_commit=[
            _notify_proposers(
                "proposal_not_filed", lambda p: f"您的提案《{p.title}》不予立案（{label}）", body=note
            )
        ],
    )


def _review_with_note(actor, proposal, target, note, event, title_fn) -> Proposal:
    """A review step that records the reviewer's note on the proposal and tells the proposers."""

    def apply(p):
        p.review_note = note

    return PROPOSAL.transition(
        proposal,
        target,
        actor=actor,
        note=note,
        apply=apply,
        on_commit=[_notify_proposers(event, title_fn, body=note)],
    )


def proposal_return(*, actor, proposal: Proposal, note: str) -> Proposal:
    """退回修改: back to the proposer with what to revise."""
    return _review_with_note(
        actor,
        proposal,
        ProposalStatus.RETURNED,
        note,
        "proposal_returned",
        lambda p: f"您的提案《{p.title}》被退回修改",
    )


def proposal_convert(*, actor, proposal: Proposal, note: str) -> Proposal:
    """转为意见建议: not a proposal, forwarded as an opinion; the proposer is told."""
    return _review_with_note(
        actor,
        proposal,
        ProposalStatus.CONVERTED,
        note,
        "proposal_converted",
        lambda p: f"您的提案《{p.title}》已转为意见建议",
    )


def proposal_merge(*, actor, proposal: Proposal, into: Proposal, note: str = "") -> Proposal:
    """并案: merge into another (submitted or filed) proposal; this proposer still gets that proposal's reply."""
    if into.pk == proposal.pk:
        raise DomainError("不能并入提案本身。", field="into")
    if into.status not in (ProposalStatus.SUBMITTED, *FILED_STATES) or into.merged_into_id:
        raise DomainError("只能并入待审查或已立案的提案。", field="into")
    if into.status == ProposalStatus.CLOSED:
        raise DomainError("不能并入已办结的提案。", field="into")

    def apply(p):
        p.merged_into = into
        p.review_note = note

    return PROPOSAL.transition(
        proposal,
        ProposalStatus.MERGED,
        actor=actor,
        note=note or f"并入《{into.title}》",
        data={"into": into.pk},
        apply=apply,
        on_commit=[
            _notify_proposers(
                "proposal_merged",
                lambda p: f"您的提案《{p.title}》已与《{into.title}》并案办理，答复将同时送达您",
                body=note,
            )
        ],
    )


@transaction.atomic
def proposal_designate_key(
    *, actor, proposal: Proposal, supervisors: Iterable[User], note: str = ""
) -> Proposal:
    """重点提案 with its supervising leader(s); they are notified. Only filed proposals."""
    permissions.require(actor, "designate_key", proposal)
    p = _locked(proposal)
    if p.status not in FILED_STATES:
        raise DomainError("只有已立案的提案可以确定为重点提案。")
    if p.is_key:
        raise DomainError("该提案已是重点提案。")
    supervisors = list(supervisors)
    if not supervisors:
        raise DomainError("请选择督办领导。", field="supervisors")
    if any(u.role != Role.LEADER for u in supervisors):
        raise DomainError("督办人必须是领导。", field="supervisors")
    p.is_key = True
    p.key_note = (note or "").strip()
    p.save(update_fields=["is_key", "key_note", "updated_at"])
    p.supervisors.set(supervisors)
    notify(supervisors, "proposal_key", p, title=f"请督办重点提案《{p.title}》", url=_url(p))
    return p


@transaction.atomic
def supervision_add(*, actor, proposal: Proposal, date: dt.date, note: str) -> Supervision:
    """An entry of a key proposal's supervision log."""
    permissions.require(actor, "supervise", proposal)
    proposal = _locked(proposal)
    if not proposal.is_key:
        raise DomainError("只有重点提案才有督办记录。")
    if not (note or "").strip():
        raise DomainError("请填写督办情况。", field="note")
    return Supervision.objects.create(
        proposal=proposal, owner_org=proposal.owner_org, leader=actor, date=date, note=note.strip()
    )


# ---------------------------------------------------------------- assignment


def _check_units(units: list[Organisation]) -> None:
    ids = [u.pk for u in units]
    if len(ids) != len(set(ids)):
        raise DomainError("同一单位不能重复交办。", field="units")
    bad = [u.display_name for u in units if not u.is_handling_unit or not u.is_active]
    if bad:
        raise DomainError(f"{'、'.join(bad)}不是承办单位。", field="units")


def proposal_assign(
    *,
    actor,
    proposal: Proposal,
    lead: Organisation | None = None,
    co_units: Iterable[Organisation] = (),
    assist_units: Iterable[Organisation] = (),
    split_units: Iterable[Organisation] = (),
    input_due: dt.date | None = None,
    note: str = "",
) -> Proposal:
    """交办: a lead unit (主办) with co-handling units (会办/协办), or split handling (分办, two or more units).

    Reply due 3 months after today; co-handling input due `input_due` (default 1 month). Each unit gets a
    Share as "handler" (its users then see the proposal) and a notification.
    """
    _expect(proposal, ProposalStatus.FILED, "交办")
    co_units, assist_units, split_units = list(co_units), list(assist_units), list(split_units)
    if split_units and (lead or co_units or assist_units):
        raise DomainError("分办时不再指定主办、会办或协办单位。", field="lead")
    if not split_units and lead is None:
        raise DomainError("请指定主办单位，或选择分办单位。", field="lead")
    if split_units and len(split_units) < 2:
        raise DomainError("分办至少需要两个单位。", field="split_units")
    plan = (
        [(u, AssignmentRole.SPLIT) for u in split_units]
        if split_units
        else [(lead, AssignmentRole.LEAD)]
        + [(u, AssignmentRole.CO) for u in co_units]
        + [(u, AssignmentRole.ASSIST) for u in assist_units]
    )
    _check_units([u for u, _ in plan])
    today = _today()
    input_due = input_due or add_months(today, INPUT_MONTHS)
    reply_due = add_months(today, REPLY_MONTHS)
    if input_due >= reply_due:
        raise DomainError("会办意见期限应早于答复期限。", field="input_due")

    def apply(p):
        for unit, role in plan:
            Assignment.objects.create(
                proposal=p,
                owner_org=p.owner_org,
                unit=unit,
                role=role,
                input_due=input_due if role in (AssignmentRole.CO, AssignmentRole.ASSIST) else None,
            )
            share_with(p, unit, ShareCapacity.HANDLER)
        p.split_handling = bool(split_units)
        p.assigned_at = timezone.now()
        p.reply_due = reply_due

    units_text = "、".join(f"{u.display_name}（{AssignmentRole(r).label}）" for u, r in plan)
    return PROPOSAL.transition(
        proposal,
        ProposalStatus.HANDLING,
        actor=actor,
        note=note or f"交办：{units_text}",
        data={"units": [[u.pk, r] for u, r in plan], "reply_due": reply_due.isoformat()},
        apply=apply,
        on_commit=[
            _notify_later(
                lambda p: _unit_users(u.pk for u, _ in plan),
                "proposal_assigned",
                lambda p: f"交办提案《{p.title}》，请于 {p.reply_due:%Y-%m-%d} 前答复",
            ),
            _notify_proposers("proposal_assigned", lambda p: f"您的提案《{p.title}》已交办：{units_text}"),
        ],
    )


def _unit_assignment(actor, proposal, roles=None) -> Assignment:
    qs = proposal.assignments.filter(unit_id=actor.organisation_id, ended_at__isnull=True)
    if roles:
        qs = qs.filter(role__in=roles)
    a = qs.first()
    if a is None:
        raise PermissionRefused("该提案未交办给您的单位，不能办理。")
    return a


@transaction.atomic
def assignment_dispute(*, actor, proposal: Proposal, reason: str) -> Assignment:
    """A unit disputes its assignment within 7 days, with a reason; staff then re-assign or keep it."""
    permissions.require(actor, "dispute", proposal)
    a = _unit_assignment(actor, proposal)
    a = Assignment.objects.select_for_update().get(pk=a.pk)
    if not (reason or "").strip():
        raise DomainError("请填写异议理由。", field="reason")
    if a.disputed_at:
        raise DomainError("您的单位已对该交办提出过异议，请等待工作人员处理。")
    deadline = timezone.localdate(a.created_at) + dt.timedelta(days=DISPUTE_DAYS)
    if _today() > deadline:
        raise DomainError(f"交办异议须在交办后 {DISPUTE_DAYS} 日内提出（已于 {deadline:%Y-%m-%d} 截止）。")
    a.dispute_reason = reason.strip()
    a.disputed_at = timezone.now()
    a.save()
    notify(
        _staff_of(proposal),
        "proposal_disputed",
        proposal,
        title=f"{a.unit.display_name}对提案《{proposal.title}》的交办提出异议",
        body=a.dispute_reason,
        url=_url(proposal),
    )
    return a


@transaction.atomic
def assignment_resolve(
    *, actor, assignment: Assignment, new_unit: Organisation | None = None, note: str = ""
) -> Assignment | None:
    """Staff settle a dispute (or change a unit): re-assign to `new_unit` in the same role, or keep it.

    The old unit loses its handler share when it no longer holds an active assignment.
    """
    proposal = assignment.proposal
    permissions.require(actor, "assign", proposal)
    proposal = _locked(proposal)
    a = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if a.ended_at:
        raise DomainError("该交办已结束。")
    if proposal.status not in (ProposalStatus.HANDLING, ProposalStatus.REPLY_REVIEW):
        raise DomainError("只有办理中的提案可以调整承办单位。")
    if new_unit is None:
        a.end_note = f"维持交办：{note}".strip("：")
        a.disputed_at = a.disputed_at  # kept for the record
        a.dispute_reason = a.dispute_reason
        a.save()
        return a
    _check_units([new_unit])
    if proposal.assignments.filter(unit=new_unit, ended_at__isnull=True).exists():
        raise DomainError(f"{new_unit.display_name}已是该提案的承办单位。", field="new_unit")
    a.ended_at = timezone.now()
    a.end_note = f"改交{new_unit.display_name}：{note}".rstrip("：")
    a.save()
    new = Assignment.objects.create(
        proposal=proposal, owner_org=proposal.owner_org, unit=new_unit, role=a.role, input_due=a.input_due
    )
    share_with(proposal, new_unit, ShareCapacity.HANDLER)
    if not proposal.assignments.filter(unit=a.unit, ended_at__isnull=True).exists():
        unshare(proposal, a.unit, ShareCapacity.HANDLER)
    notify(
        _unit_users([new_unit.pk]),
        "proposal_assigned",
        proposal,
        title=f"交办提案《{proposal.title}》（{a.get_role_display()}），请于 {proposal.reply_due:%Y-%m-%d} 前答复",
        url=_url(proposal),
    )
    return new


@transaction.atomic
def assignment_submit_input(*, actor, proposal: Proposal, text: str) -> Assignment:
    """A co-handling unit sends its input (会办/协办意见) to the lead unit."""
    permissions.require(actor, "countersign", proposal)
    a = _unit_assignment(actor, proposal, roles=[AssignmentRole.CO, AssignmentRole.ASSIST])
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.HANDLING:
        raise DomainError("提案不在办理中，不能提交会办意见。")
    if not (text or "").strip():
        raise DomainError("请填写会办意见。", field="text")
    a.input_text = text.strip()
    a.input_at = timezone.now()
    a.save()
    notify(
        _unit_users(_active_unit_ids(proposal, [AssignmentRole.LEAD])),
        "proposal_input",
        proposal,
        title=f"{a.unit.display_name}已提交提案《{proposal.title}》的会办意见",
        url=_url(proposal),
    )
    return a


@transaction.atomic
def proposal_extend(*, actor, proposal: Proposal, new_due: dt.date, reason: str) -> Extension:
    """Extend the reply deadline, with a reason; never beyond 6 months after assignment."""
    permissions.require(actor, "extend", proposal)
    p = _locked(proposal)
    if p.status != ProposalStatus.HANDLING or p.assigned_at is None:
        raise DomainError("只有办理中的提案可以延期。")
    if not (reason or "").strip():
        raise DomainError("请填写延期理由。", field="reason")
    latest = add_months(timezone.localdate(p.assigned_at), MAX_REPLY_MONTHS)
    if new_due <= p.reply_due:
        raise DomainError(f"新的答复期限应晚于现期限 {p.reply_due:%Y-%m-%d}。", field="new_due")
    if new_due > latest:
        raise DomainError(
            f"答复期限最多延至交办之日起 {MAX_REPLY_MONTHS} 个月（{latest:%Y-%m-%d}），不能再延。",
            field="new_due",
        )
    ext = Extension.objects.create(
        proposal=p,
        owner_org=p.owner_org,
        old_due=p.reply_due,
        new_due=new_due,
        reason=reason.strip(),
        requested_by=actor,
    )
    p.reply_due = new_due
    p.save(update_fields=["reply_due", "updated_at"])
    notify(
        _staff_of(p),
        "proposal_extended",
        p,
        title=f"提案《{p.title}》答复期限延至 {new_due:%Y-%m-%d}",
        body=reason,
        url=_url(p),
    )
    return ext


@transaction.atomic
def progress_add(*, actor, proposal: Proposal, text: str) -> Progress:
    """A progress update by an assigned unit (or staff)."""
    permissions.require(actor, "progress", proposal)
    proposal = _locked(proposal)
    if proposal.status not in (ProposalStatus.HANDLING, ProposalStatus.REPLY_REVIEW, ProposalStatus.REPLIED):
        raise DomainError("提案不在办理中，不能填报进展。")
    if not (text or "").strip():
        raise DomainError("请填写进展情况。", field="text")
    unit = actor.organisation if actor.role == Role.UNIT else None
    return Progress.objects.create(
        proposal=proposal, owner_org=proposal.owner_org, unit=unit, text=text.strip(), author=actor
    )


@transaction.atomic
def followup_add(
    *,
    actor,
    proposal: Proposal,
    kind: str,
    date: dt.date,
    summary: str,
    place: str = "",
    participants: str = "",
    activity=None,
) -> FollowUp:
    """A follow-up session (调研、座谈、现场视察 …) with who took part."""
    permissions.require(actor, "follow_up", proposal)
    proposal = _locked(proposal)
    if proposal.status not in FILED_STATES:
        raise DomainError("只有已立案的提案可以记录跟踪情况。")
    if kind not in FollowUpKind.values:
        raise DomainError("跟踪形式不正确。", field="kind")
    if not (summary or "").strip():
        raise DomainError("请填写跟踪情况。", field="summary")
    if date > _today():
        raise DomainError("跟踪日期不能晚于今天。", field="date")
    return FollowUp.objects.create(
        proposal=proposal,
        owner_org=proposal.owner_org,
        kind=kind,
        date=date,
        place=(place or "").strip(),
        participants=(participants or "").strip(),
        summary=summary.strip(),
        activity=activity,
        recorded_by=actor,
    )


# ---------------------------------------------------------------- reply


@transaction.atomic
def reply_save(*, actor, proposal: Proposal, reply_class: str, body: str, contact: str = "") -> Reply:
    """The lead (or split) unit drafts its reply of the current round; co-units countersign it next."""
    permissions.require(actor, "draft_reply", proposal)
    a = _unit_assignment(actor, proposal, roles=[AssignmentRole.LEAD, AssignmentRole.SPLIT])
    p = _locked(proposal)
    if p.status != ProposalStatus.HANDLING:
        raise DomainError(f"提案当前状态为“{p.get_status_display()}”，不能起草答复。")
    if reply_class not in ReplyClass.values:
        raise DomainError("请选择答复类别（A、B 或 C）。", field="reply_class")
    if not (body or "").strip():
        raise DomainError("请填写答复内容。", field="body")
    if len(body) > BODY_MAX:
        raise DomainError(f"答复内容不能超过 {BODY_MAX:,} 个字。", field="body")
    reply, _ = Reply.objects.select_for_update().get_or_create(
        proposal=p,
        round=p.round,
        unit=a.unit,
        defaults={
            "owner_org": p.owner_org,
            "reply_class": reply_class,
            "body": body.strip(),
            "drafted_by": actor,
        },
    )
    if reply.status in (ReplyStatus.SUBMITTED, ReplyStatus.APPROVED):
        raise DomainError("答复已提交，不能再修改。")
    reply.reply_class = reply_class
    reply.body = body.strip()
    reply.contact = (contact or "").strip()
    reply.drafted_by = actor
    reply.save()
    if reply.countersigns.exists():
        reply.countersigns.all().delete()  # the text changed: co-units sign the new text again
    return reply


@transaction.atomic
def reply_countersign(*, actor, proposal: Proposal, note: str = "") -> Countersign:
    """会签: a co-handling unit signs the lead unit's draft reply of the current round."""
    permissions.require(actor, "countersign", proposal)
    a = _unit_assignment(actor, proposal, roles=[AssignmentRole.CO, AssignmentRole.ASSIST])
    proposal = _locked(proposal)
    reply = Reply.objects.filter(
        proposal=proposal, round=proposal.round, status__in=[ReplyStatus.DRAFT, ReplyStatus.RETURNED]
    ).first()
    if reply is None or proposal.status != ProposalStatus.HANDLING:
        raise DomainError("主办单位尚未起草答复，暂不能会签。")
    try:
        with transaction.atomic():
            return Countersign.objects.create(
                reply=reply,
                owner_org=proposal.owner_org,
                unit=a.unit,
                note=(note or "").strip(),
                signed_by=actor,
            )
    except IntegrityError:
        raise DomainError("您的单位已会签。")


def reply_submit(*, actor, proposal: Proposal) -> Proposal:
    """Submit the unit's reply for staff review. Needs every co-handling unit's countersignature.

    With split handling the proposal moves to review once every split unit has submitted its part.
    """
    permissions.require(actor, "submit_reply", proposal)
    a = _unit_assignment(actor, proposal, roles=[AssignmentRole.LEAD, AssignmentRole.SPLIT])
    with transaction.atomic():
        p = _locked(proposal)
        if p.status != ProposalStatus.HANDLING:
            raise DomainError(f"提案当前状态为“{p.get_status_display()}”，不能提交答复。")
        reply = Reply.objects.select_for_update().filter(proposal=p, round=p.round, unit=a.unit).first()
        if reply is None or reply.status == ReplyStatus.APPROVED:
            raise DomainError("请先起草答复。")
        if reply.status == ReplyStatus.SUBMITTED:
            raise DomainError("答复已提交，请等待审核。")
        if a.role == AssignmentRole.LEAD:
            signed = set(reply.countersigns.values_list("unit_id", flat=True))
            missing = Organisation.objects.filter(
                pk__in=set(_active_unit_ids(p, [AssignmentRole.CO, AssignmentRole.ASSIST])) - signed
            )
            if missing:
                names = "、".join(o.display_name for o in missing)
                raise DomainError(f"还需{names}会签后才能提交答复。")
        reply.status = ReplyStatus.SUBMITTED
        reply.submitted_at = timezone.now()
        reply.save()
        waiting = set(_active_unit_ids(p, [AssignmentRole.LEAD, AssignmentRole.SPLIT])) - set(
            Reply.objects.filter(proposal=p, round=p.round, status=ReplyStatus.SUBMITTED).values_list(
                "unit_id", flat=True
            )
        )
        if waiting:
            return p
        return PROPOSAL.transition(
            p,
            ProposalStatus.REPLY_REVIEW,
            actor=actor,
            note=f"{reply.get_reply_class_display()}",
            on_commit=[
                _notify_later(
                    _staff_of, "proposal_reply_submitted", lambda p: f"提案《{p.title}》的答复待审核"
                )
            ],
        )


def reply_review(*, actor, proposal: Proposal, approve: bool, note: str = "") -> Proposal:
    """Staff review the reply: approve (sent to every proposer, merged ones too) or return it to the unit."""
    _expect(proposal, ProposalStatus.REPLY_REVIEW, "审核答复")

    def apply(p):
        replies = Reply.objects.filter(proposal=p, round=p.round, status=ReplyStatus.SUBMITTED)
        if approve:
            replies.update(status=ReplyStatus.APPROVED, approved_at=timezone.now(), review_note=note)
            p.replied_at = timezone.now()
        else:
            replies.update(status=ReplyStatus.RETURNED, review_note=note)

    if approve:
        return PROPOSAL.transition(
            proposal,
            ProposalStatus.REPLIED,
            actor=actor,
            note=note,
            apply=apply,
            on_commit=[
                _notify_proposers(
                    "proposal_replied", lambda p: f"您的提案《{p.title}》已答复，请评价", body=note
                ),
                _announce("replied"),
            ],
        )
    return PROPOSAL.transition(
        proposal,
        ProposalStatus.HANDLING,
        actor=actor,
        note=note,
        apply=apply,
        on_commit=[
            _notify_later(
                lambda p: _unit_users(_active_unit_ids(p, [AssignmentRole.LEAD, AssignmentRole.SPLIT])),
                "proposal_reply_returned",
                lambda p: f"提案《{p.title}》的答复被退回修改",
            )
        ],
    )


def reply_rate(*, actor, proposal: Proposal, value: str, comment: str = "") -> Rating:
    """The proposer or a co-signer rates the reply. The first proposer's rating decides: 不满意 starts a new
    handling round (both replies are kept), otherwise the proposal is closed. Co-signers' ratings are recorded.
    """
    permissions.require(actor, "rate", proposal)
    if value not in RatingValue.values:
        raise DomainError("请选择满意、基本满意或不满意。", field="value")
    if value == RatingValue.UNSATISFIED and not (comment or "").strip():
        raise DomainError("评价为不满意时，请写明意见。", field="comment")
    with transaction.atomic():
        p = _locked(proposal)
        if p.status != ProposalStatus.REPLIED:
            raise DomainError(f"提案当前状态为“{p.get_status_display()}”，不能评价。")
        reply = (
            Reply.objects.filter(proposal=p, round=p.round, status=ReplyStatus.APPROVED)
            .order_by("id")
            .first()
        )
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    reply=reply,
                    owner_org=p.owner_org,
                    person=actor.person,
                    value=value,
                    comment=(comment or "").strip(),
                )
        except IntegrityError:
            raise DomainError("您已评价过这次答复。")
        if p.author_id != actor.person.pk:
            return rating
        label = RatingValue(value).label
        if value == RatingValue.UNSATISFIED:

            def apply(x):
                x.round += 1
                x.reply_due = add_months(_today(), REHANDLE_MONTHS)

            PROPOSAL.transition(
                p,
                ProposalStatus.HANDLING,
                actor=actor,
                note=f"评价：{label}。{comment}",
                data={"rating": value},
                apply=apply,
                on_commit=[
                    _notify_later(
                        lambda x: _unit_users(_active_unit_ids(x)) + _staff_of(x),
                        "proposal_rehandle",
                        lambda x: f"提案人对《{x.title}》的答复不满意，请再次办理",
                        body=comment,
                    )
                ],
            )
        else:
            PROPOSAL.transition(
                p,
                ProposalStatus.CLOSED,
                actor=actor,
                note=f"评价：{label}",
                data={"rating": value},
                system=True,
            )
        return rating


def proposal_close(*, actor, proposal: Proposal, note: str = "") -> Proposal:
    """Staff close a replied proposal (e.g. the proposer did not rate within the period)."""
    return PROPOSAL.transition(proposal, ProposalStatus.CLOSED, actor=actor, note=note)


@transaction.atomic
def outcome_record(
    *,
    actor,
    proposal: Proposal,
    actions: str,
    adopted: bool = False,
    adopted_by: Organisation | None = None,
    adopted_level: str = "",
    completed: bool = False,
    completed_on: dt.date | None = None,
    evidence: str = "",
) -> Outcome:
    """What came of a replied proposal (效果): adopted by whom, what was done, completed or not, evidence."""
    permissions.require(actor, "outcome", proposal)
    proposal = _locked(proposal)
    if proposal.status not in (ProposalStatus.REPLIED, ProposalStatus.CLOSED, ProposalStatus.HANDLING):
        raise DomainError("只有已交办的提案可以记录办理成效。")
    if not (actions or "").strip():
        raise DomainError("请填写落实情况。", field="actions")
    if adopted and adopted_by is None:
        raise DomainError("请填写采纳单位。", field="adopted_by")
    if adopted_level and adopted_level not in AdoptionLevel.values:
        raise DomainError("采纳层级不正确。", field="adopted_level")
    if completed and completed_on is None:
        raise DomainError("已完成时请填写完成日期。", field="completed_on")
    outcome, _ = Outcome.objects.update_or_create(
        proposal=proposal,
        defaults={
            "owner_org": proposal.owner_org,
            "adopted": adopted,
            "adopted_by": adopted_by if adopted else None,
            "adopted_level": adopted_level if adopted else "",
            "actions": actions.strip(),
            "completed": completed,
            "completed_on": completed_on if completed else None,
            "evidence": (evidence or "").strip(),
            "recorded_by": actor,
        },
    )
    notify(
        proposer_persons(proposal),
        "proposal_outcome",
        proposal,
        title=f"提案《{proposal.title}》的办理成效已记录",
        url=_url(proposal),
    )
    announce = _announce("outcome")
    transaction.on_commit(lambda: announce(proposal))
    return outcome
