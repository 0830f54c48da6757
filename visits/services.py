"""Every write to visits, requests, plans and the liaison network. Keyword-only, atomic, Chinese errors."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import permissions, phones
from core.errors import DomainError
from core.roles import EXTERNAL, Role
from core.sensitive import log_reveal
from core.text import search_form
from core.uploads import IMAGE, validate_upload
from members.models import Person
from notifications.services import notify
from organisations.models import Organisation

from .models import (
    CoverageRule,
    LiaisonContact,
    LiaisonEvent,
    LiaisonEventKind,
    LiaisonEventOrg,
    LiaisonLink,
    Request,
    RequestCategory,
    RequestStatus,
    RequestStep,
    Visit,
    VisitAssignment,
    VisitMode,
    VisitPerson,
    VisitPhoto,
    VisitPlan,
    VisitStatus,
    VisitVisitor,
)
from .workflows import REQUEST_WORKFLOW, VISIT_WORKFLOW

VISITOR_ROLES = (Role.LEADER, Role.STAFF)


def _today() -> dt.date:
    return timezone.localdate()


def _home_org(actor) -> Organisation:
    org = getattr(actor, "organisation", None)
    if org is None:
        raise DomainError("您的账号没有所属机构，不能登记。")
    return org


# ---- visits ----


def _check_visitors(actor, visitors: Iterable[User]) -> list[User]:
    visitors = list({u.pk: u for u in visitors}.values())
    if not visitors:
        raise DomainError("请至少选择一位走访人。", field="visitors")
    for u in visitors:
        if u.role not in VISITOR_ROLES or not u.is_active:
            raise DomainError(f"“{u.display_name}”不是领导或工作人员，不能作为走访人。", field="visitors")
    visible = set(
        User.objects.visible_to(actor).filter(pk__in=[u.pk for u in visitors]).values_list("pk", flat=True)
    )
    if len(visible) != len(visitors):
        raise DomainError("走访人不在您所在机构。", field="visitors")
    return visitors


def _check_persons(actor, persons: Iterable[Person]) -> list[Person]:
    persons = list({p.pk: p for p in persons}.values())
    if not persons:
        raise DomainError("请至少选择一位走访对象。", field="persons")
    visible = Person.objects.visible_to(actor).filter(pk__in=[p.pk for p in persons]).count()
    if visible != len(persons):
        raise DomainError("走访对象不存在或您无权查看。", field="persons")
    return persons


def _visit_fields(visit: Visit, *, date, mode, place, topics, notes, confidential_notes, actor) -> None:
    if not isinstance(date, dt.date):
        raise DomainError("请填写走访日期。", field="date")
    if mode not in VisitMode.values:
        raise DomainError("走访方式不正确。", field="mode")
    if confidential_notes and not permissions.can(actor, "view_confidential", Visit):
        raise DomainError("只有领导可以填写内部记录。", field="confidential_notes")
    visit.date = date
    visit.mode = mode
    visit.place = (place or "").strip()
    visit.topics = (topics or "").strip()
    visit.notes = (notes or "").strip()
    if confidential_notes is not None and permissions.can(actor, "view_confidential", Visit):
        visit.confidential_notes = confidential_notes.strip()


def _visit_search(visit: Visit, persons: Iterable[Person]) -> str:
    return search_form(visit.topics, visit.place, *[p.name for p in persons])


@transaction.atomic
def visit_create(
    *,
    actor,
    date: dt.date,
    visitors: Iterable[User],
    persons: Iterable[Person],
    mode: str = VisitMode.ONE_TO_ONE,
    place: str = "",
    topics: str = "",
    notes: str = "",
    confidential_notes: str = "",
    done: bool = False,
    owner_org: Organisation | None = None,
) -> Visit:
    """Plan a visit (or, with `done=True`, record one that took place: planned then recorded, both logged).

    Checks: `create` permission; visitors are active leaders/staff of the actor's organisation; persons are
    visible to the actor; only leaders write confidential notes; a visit marked done cannot be in the future.
    """
    permissions.require(actor, "create", Visit)
    visitors = _check_visitors(actor, visitors)
    persons = _check_persons(actor, persons)
    visit = Visit(owner_org=owner_org or _home_org(actor), status=VisitStatus.PLANNED)
    _visit_fields(
        visit,
        date=date,
        mode=mode,
        place=place,
        topics=topics,
        notes=notes,
        confidential_notes=confidential_notes,
        actor=actor,
    )
    if done and date > _today():
        raise DomainError("走访日期在今天之后，不能登记为已走访。", field="date")
    visit.search_text = _visit_search(visit, persons)
    visit.save()
    VisitVisitor.objects.bulk_create([VisitVisitor(visit=visit, user=u) for u in visitors])
    VisitPerson.objects.bulk_create([VisitPerson(visit=visit, person=p) for p in persons])
    if done:
        visit = visit_record(actor=actor, visit=visit)
    return visit


@transaction.atomic
def visit_update(
    *,
    actor,
    visit: Visit,
    date: dt.date,
    visitors: Iterable[User],
    persons: Iterable[Person],
    mode: str,
    place: str = "",
    topics: str = "",
    notes: str = "",
    confidential_notes: str | None = None,
) -> Visit:
    """Change a visit's facts (not its status). A done visit cannot be moved into the future."""
    permissions.require(actor, "edit", visit)
    visitors = _check_visitors(actor, visitors)
    persons = _check_persons(actor, persons)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _visit_fields(
        visit,
        date=date,
        mode=mode,
        place=place,
        topics=topics,
        notes=notes,
        confidential_notes=confidential_notes,
        actor=actor,
    )
    if visit.status == VisitStatus.DONE and date > _today():
        raise DomainError("已走访的记录，日期不能在今天之后。", field="date")
    visit.search_text = _visit_search(visit, persons)
    visit.save()
    VisitVisitor.objects.filter(visit=visit).exclude(user__in=visitors).delete()
    have = set(VisitVisitor.objects.filter(visit=visit).values_list("user_id", flat=True))
    VisitVisitor.objects.bulk_create(
        [VisitVisitor(visit=visit, user=u) for u in visitors if u.pk not in have]
    )
    VisitPerson.objects.filter(visit=visit).exclude(person__in=persons).delete()
    have = set(VisitPerson.objects.filter(visit=visit).values_list("person_id", flat=True))
    VisitPerson.objects.bulk_create([VisitPerson(visit=visit, person=p) for p in persons if p.pk not in have])
    return visit


def visit_record(
    *,
    actor,
    visit: Visit,
    notes: str | None = None,
    confidential_notes: str | None = None,
    date: dt.date | None = None,
) -> Visit:
    """Mark a planned visit as done (workflow `record`), optionally with its notes and the actual date.

    Refused when the visit's date is after today (a future visit cannot have taken place).
    """

    def apply(locked: Visit) -> None:
        if date is not None:
            locked.date = date
        if locked.date > _today():
            raise DomainError("走访日期在今天之后，不能标记为已走访。", field="date")
        if notes is not None:
            locked.notes = notes.strip()
        if confidential_notes:
            if not permissions.can(actor, "view_confidential", Visit):
                raise DomainError("只有领导可以填写内部记录。", field="confidential_notes")
            locked.confidential_notes = confidential_notes.strip()

    return VISIT_WORKFLOW.transition(visit, VisitStatus.DONE, actor=actor, apply=apply)


def visit_cancel(*, actor, visit: Visit, reason: str) -> Visit:
    """Cancel a planned visit; the reason is kept in the workflow log."""
    return VISIT_WORKFLOW.transition(visit, VisitStatus.CANCELLED, actor=actor, note=reason)


@transaction.atomic
def visit_photo_add(*, actor, visit: Visit, upload, caption: str = "") -> VisitPhoto:
    """Attach a photo (validated and re-encoded: EXIF/GPS dropped)."""
    permissions.require(actor, "edit", visit)
    clean = validate_upload(upload, kinds=(IMAGE,))
    photo = VisitPhoto(visit=visit, caption=(caption or "").strip()[:200])
    photo.file.save(clean.name, clean, save=False)
    photo.save()
    return photo


# ---- requests ----


def _tell_step(request, step) -> None:
    """The member hears of each new step of their request (office steps and a helping body's answer alike)."""
    notify(
        [request.person],
        "request.step",
        request,
        title=f"您的诉求“{request.title}”有新进展",
        body=step.text,
        url=_request_url(request),
    )


def _request_url(req: Request) -> str:
    return reverse("visits:request_detail", args=[req.pk])


def _request_search(req: Request) -> str:
    return search_form(req.title, req.description, req.person.name)


def _check_owner(actor, owner: User | None) -> None:
    if owner is None:
        return
    if owner.role not in (Role.STAFF, Role.LEADER, Role.ADMIN) or not owner.is_active:
        raise DomainError(f"“{owner.display_name}”不是工作人员，不能作为负责人。", field="owner")
    if not User.objects.visible_to(actor).filter(pk=owner.pk).exists():
        raise DomainError("负责人不在您所在机构。", field="owner")


REQUEST_DESCRIPTION_MAX = 5000


def _check_description(description: str) -> None:
    text = (description or "").strip()
    if not text:
        raise DomainError("请填写诉求内容。", field="description")
    if len(text) > REQUEST_DESCRIPTION_MAX:
        raise DomainError(
            f"诉求内容不能超过 {REQUEST_DESCRIPTION_MAX} 字（现有 {len(text)} 字），请精简或作为附件提交。",
            field="description",
        )


@transaction.atomic
def request_create(
    *,
    actor,
    person: Person,
    category: str,
    title: str,
    description: str,
    visit: Visit | None = None,
    owner: User | None = None,
    helping_org: Organisation | None = None,
    deadline: dt.date | None = None,
) -> Request:
    """Register a request, raised in a visit (by the office) or directly by the member (for himself only).

    The request belongs to the person's organisation; the owner (if given) is notified.
    """
    permissions.require(actor, "create", Request)
    if actor.role in (Role.MEMBER, Role.ADVISOR):
        if getattr(person, "user_id", None) != actor.pk:
            raise DomainError("只能为自己提出诉求。", field="person")
        visit = owner = helping_org = deadline = None
    elif not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise DomainError("提出人不存在或您无权查看。", field="person")
    if visit is not None and not VisitPerson.objects.filter(visit=visit, person=person).exists():
        raise DomainError("提出人不是这次走访的对象。", field="person")
    if category not in RequestCategory.values:
        raise DomainError("请选择诉求类别。", field="category")
    if not (title or "").strip():
        raise DomainError("请填写诉求摘要。", field="title")
    _check_description(description)
    _check_owner(actor, owner)
    req = Request(
        owner_org=person.owner_org,
        person=person,
        visit=visit,
        category=category,
        title=title.strip()[:120],
        description=description.strip(),
        owner=owner,
        helping_org=helping_org,
        deadline=deadline,
        raised_by=actor,
    )
    req.search_text = _request_search(req)
    req.save()
    if owner is not None and owner.pk != actor.pk:
        notify([owner], "request.assigned", req, title=f"您负责办理诉求：{req.title}", url=_request_url(req))
    _ask_helping_body(req)
    if actor.role in (Role.MEMBER, Role.ADVISOR):
        office = User.objects.filter(
            role=Role.STAFF, is_active=True, organisation__path__startswith=req.owner_org.path
        )
        notify(
            office, "request.raised", req, title=f"{person.name}提出诉求：{req.title}", url=_request_url(req)
        )
    return req


def _ask_helping_body(req: Request) -> None:
    """The helping body's users are told a request waits for their help (their inbox: home page, request list)."""
    users = User.objects.filter(organisation_id=req.helping_org_id, role__in=EXTERNAL, is_active=True)
    notify(users, "request.help", req, title=f"请协助办理诉求：{req.title}", url=_request_url(req))


@transaction.atomic
def request_help_answer(*, actor, request: Request, text: str) -> RequestStep:
    """The helping body answers (what it did or found): a step named after the body, shown to the member,
    who is told, as is the request's owner (or the office)."""
    permissions.require(actor, "help", request)
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写答复内容。", field="text")
    body = request.helping_org.display_name
    step = RequestStep.objects.create(
        request=request, date=_today(), text=f"{body}答复：{text}", author=actor
    )
    _tell_step(request, step)
    office = (
        [request.owner]
        if request.owner_id
        else User.objects.filter(role=Role.STAFF, is_active=True, organisation=request.owner_org)
    )
    notify(
        office,
        "request.helped",
        request,
        title=f"{body}已答复诉求：{request.title}",
        body=text,
        url=_request_url(request),
    )
    return step


_EDITABLE = ("category", "title", "description", "owner", "helping_org", "deadline")


@transaction.atomic
def request_update(*, actor, request: Request, **changes) -> Request:
    """Change a request's facts (category, summary, description, owner, helping body, deadline)."""
    permissions.require(actor, "edit", request)
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise DomainError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    req = Request.objects.select_for_update().select_related("person").get(pk=request.pk)
    old_owner, old_helping = req.owner_id, req.helping_org_id
    for key, value in changes.items():
        setattr(req, key, value.strip() if isinstance(value, str) else value)
    if req.category not in RequestCategory.values:
        raise DomainError("请选择诉求类别。", field="category")
    if not req.title:
        raise DomainError("请填写诉求摘要。", field="title")
    _check_description(req.description)
    _check_owner(actor, req.owner)
    req.search_text = _request_search(req)
    req.save()
    if req.helping_org_id and req.helping_org_id != old_helping:
        _ask_helping_body(req)
    if req.owner_id and req.owner_id != old_owner and req.owner_id != actor.pk:
        notify(
            [req.owner], "request.assigned", req, title=f"您负责办理诉求：{req.title}", url=_request_url(req)
        )
    return req


_STATUS_MESSAGES = {
    RequestStatus.IN_PROGRESS: "您的诉求“{title}”正在办理。",
    RequestStatus.SOLVED: "您的诉求“{title}”已解决。",
    RequestStatus.UNSOLVABLE: "您的诉求“{title}”暂时无法解决。",
}


def request_transition(*, actor, request: Request, target: str, note: str = "") -> Request:
    """Move a request along its workflow (REQUEST_WORKFLOW) and tell the member.

    Solved needs the resolution and cannot-be-solved the explanation (the note, stored as `resolution`);
    reopening needs a reason and keeps the earlier resolution in the log only. The member (and the owner,
    when someone else acted) get a notification after commit.
    """
    if target not in RequestStatus.values:
        raise DomainError("目标状态不正确。")

    def apply(locked: Request) -> None:
        if target in (RequestStatus.SOLVED, RequestStatus.UNSOLVABLE):
            locked.resolution = note.strip()
        elif target == RequestStatus.IN_PROGRESS and locked.resolution:
            locked.resolution = ""
        if target == RequestStatus.IN_PROGRESS and locked.owner_id is None and actor.role != Role.ADMIN:
            locked.owner = actor

    def tell(locked: Request) -> None:
        person = Person.objects.select_related("user").get(pk=locked.person_id)
        message = _STATUS_MESSAGES.get(target, "您的诉求“{title}”状态已更新。").format(title=locked.title)
        body = f"{REQUEST_WORKFLOW.labels[target]}。{note.strip()}" if note.strip() else ""
        notify([person], f"request.{target}", locked, title=message, body=body, url=_request_url(locked))
        if locked.owner_id and locked.owner_id != actor.pk:
            notify(
                [locked.owner],
                f"request.{target}",
                locked,
                title=f"诉求“{locked.title}”：{REQUEST_WORKFLOW.labels[target]}",
                url=_request_url(locked),
            )

    return REQUEST_WORKFLOW.transition(request, target, actor=actor, note=note, apply=apply, on_commit=[tell])


@transaction.atomic
def request_step_add(*, actor, request: Request, text: str, date: dt.date | None = None) -> RequestStep:
    """Record a step taken on an open request; the member sees it and is told."""
    permissions.require(actor, "add_step", request)
    if not request.is_open:
        raise DomainError("诉求已办结，不能再记录办理情况；如需继续办理请先“重新办理”。")
    if not (text or "").strip():
        raise DomainError("请填写办理情况。", field="text")
    date = date or _today()
    if date > _today():
        raise DomainError("办理日期不能在今天之后。", field="date")
    step = RequestStep.objects.create(request=request, date=date, text=text.strip(), author=actor)
    _tell_step(request, step)
    return step


@transaction.atomic
def request_thank(*, actor, request: Request, note: str) -> Request:
    """The member's feedback on a solved request (e.g. thanks); the owner is told."""
    permissions.require(actor, "thank", request)
    if not (note or "").strip():
        raise DomainError("请填写反馈内容。", field="note")
    req = Request.objects.select_for_update().get(pk=request.pk)
    req.thanks_note = note.strip()
    req.thanked_at = timezone.now()
    req.save(update_fields=["thanks_note", "thanked_at", "updated_at"])
    if req.owner_id:
        notify(
            [req.owner],
            "request.thanked",
            req,
            title=f"委员对诉求“{req.title}”的反馈",
            body=req.thanks_note,
            url=_request_url(req),
        )
    return req


def _convert(*, actor, request: Request, action: str, field: str, label: str, create) -> Request:
    """Turn a request into a draft elsewhere (in the member's name) and keep the link; refused if already done."""
    permissions.require(actor, action, request)
    req = Request.objects.select_for_update().select_related("person").get(pk=request.pk)
    if getattr(req, f"{field}_id"):
        raise DomainError(f"该诉求已转为{label}。")
    steps = "\n".join(f"{s.date:%Y-%m-%d} {s.text}" for s in req.steps.all())
    body = req.description + (f"\n\n办理情况：\n{steps}" if steps else "")
    setattr(
        req,
        field,
        create(actor=actor, author=req.person, title=req.title, body=body, owner_org=req.owner_org),
    )
    req.save(update_fields=[field, "updated_at"])
    return req


@transaction.atomic
def request_link(*, actor, request: Request, proposal=None, opinion_report=None) -> Request:
    """Link a request to a proposal or report that already exists (e.g. a joint proposal it led to)."""
    if proposal is not None:
        permissions.require(actor, "to_proposal", request)
        permissions.require(actor, "view", proposal)
    if opinion_report is not None:
        permissions.require(actor, "to_opinion", request)
        permissions.require(actor, "view", opinion_report)
    req = Request.objects.select_for_update().get(pk=request.pk)
    req.proposal = proposal or req.proposal
    req.opinion_report = opinion_report or req.opinion_report
    req.save(update_fields=["proposal", "opinion_report", "updated_at"])
    return req


@transaction.atomic
def request_to_opinion(*, actor, request: Request) -> Request:
    """Turn a request into a public-opinion report draft (`opinions.services.report_create_draft`, whose own
    checks apply), keeping the link."""
    from opinions.services import report_create_draft

    return _convert(
        actor=actor,
        request=request,
        action="to_opinion",
        field="opinion_report",
        label="社情民意信息",
        create=report_create_draft,
    )


@transaction.atomic
def request_to_proposal(*, actor, request: Request) -> Request:
    """Turn a request into a proposal draft (`proposals.services.proposal_create_draft`), keeping the link."""
    from proposals.services import proposal_create_draft

    return _convert(
        actor=actor,
        request=request,
        action="to_proposal",
        field="proposal",
        label="提案",
        create=proposal_create_draft,
    )


# ---- rule and plan ----


@transaction.atomic
def coverage_rule_save(
    *, actor, period_days: int, visits_per_period: int, liaison_period_days: int
) -> CoverageRule:
    """Set the visit rule of the actor's organisation (period and target; the liaison contact period)."""
    permissions.require(actor, "edit", CoverageRule)
    org = _home_org(actor)
    for value, label in (
        (period_days, "走访周期"),
        (visits_per_period, "走访次数"),
        (liaison_period_days, "联系周期"),
    ):
        if not isinstance(value, int) or value < 1:
            raise DomainError(f"{label}应为正整数。")
    if period_days > 3660 or liaison_period_days > 3660:
        raise DomainError("周期不能超过十年。")
    rule, _ = CoverageRule.objects.select_for_update().get_or_create(owner_org=org)
    rule.period_days = period_days
    rule.visits_per_period = visits_per_period
    rule.liaison_period_days = liaison_period_days
    rule.save()
    return rule


@transaction.atomic
def visit_plan_create(*, actor, year: int) -> VisitPlan:
    """Make the year's plan of the actor's organisation: one assignment per member and advisor who holds a seat
    during the year (`plan_persons`), unassigned.

    Running it again adds persons who joined since (idempotent); nobody already in the plan is removed."""
    permissions.require(actor, "create", VisitPlan)
    if not 2000 <= int(year) <= 2100:
        raise DomainError("年度不正确。", field="year")
    org = _home_org(actor)
    plan, _ = VisitPlan.objects.get_or_create(
        owner_org=org, year=year, defaults={"title": f"{year}年度走访计划"}
    )
    have = set(plan.assignments.values_list("person_id", flat=True))
    persons = plan_persons(org, int(year)).exclude(pk__in=have)
    VisitAssignment.objects.bulk_create(
        [VisitAssignment(plan=plan, person_id=pk) for pk in persons.values_list("pk", flat=True)]
    )
    return plan


def plan_persons(org: Organisation, year: int):
    """Whom a year's visit plan covers: the persons of `org` and the bodies below it who sit as members,
    standing members, invited members or advisors (`members.selectors.CO_SIGNING_ROLES`) at some time during the
    year, in a term that runs during it. Former members, observers and anonymised records are not visited."""
    from members.selectors import seats_during

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    seats = seats_during(first, last).filter(term__start_date__lte=last, term__end_date__gte=first)
    return Person.objects.filter(
        owner_org__path__startswith=org.path, anonymised_at__isnull=True, pk__in=seats.values("person_id")
    )


@transaction.atomic
def visit_assignment_set(
    *, actor, assignment: VisitAssignment, visitor: User | None, target_month: int | None = None
) -> VisitAssignment:
    """Give one person of a plan to a visitor (a leader claims, or staff divides)."""
    permissions.require(actor, "edit", assignment.plan)
    if visitor is not None:
        _check_visitors(actor, [visitor])
    if target_month is not None and not 1 <= target_month <= 12:
        raise DomainError("计划月份应在 1 到 12 之间。", field="target_month")
    assignment.visitor = visitor
    assignment.target_month = target_month
    assignment.save()
    return assignment


@transaction.atomic
def visit_plan_divide(*, actor, plan: VisitPlan, visitors: Iterable[User]) -> int:
    """Share the unassigned persons of a plan evenly among the chosen visitors, months spread over the year."""
    permissions.require(actor, "edit", plan)
    visitors = _check_visitors(actor, visitors)
    open_rows = list(plan.assignments.filter(visitor__isnull=True).order_by("person__name", "id"))
    for i, row in enumerate(open_rows):
        row.visitor = visitors[i % len(visitors)]
        row.target_month = row.target_month or (i * 12 // max(len(open_rows), 1)) + 1
    VisitAssignment.objects.bulk_update(open_rows, ["visitor", "target_month"])
    return len(open_rows)


# ---- liaison network ----


@transaction.atomic
def liaison_link_save(
    *, actor, organisation: Organisation, liaison: User | None = None, notes: str = ""
) -> LiaisonLink:
    """Put a body in the committee's liaison network (or change its liaison person)."""
    permissions.require(actor, "create", LiaisonLink)
    org = _home_org(actor)
    if organisation.path.startswith(org.path):
        raise DomainError("本机构及其下级机构不需要列入联谊单位。", field="organisation")
    if liaison is not None:
        _check_visitors(actor, [liaison])
    link, _ = LiaisonLink.objects.select_for_update().get_or_create(owner_org=org, organisation=organisation)
    link.liaison = liaison
    link.notes = (notes or "").strip()
    link.save()
    return link


def _contact_fields(
    contact: LiaisonContact, *, name: str, position: str, phone: str, is_active: bool
) -> None:
    if not (name or "").strip():
        raise DomainError("请填写联络人姓名。", field="name")
    try:
        phone = phones.parse_optional(phone)  # E.164, any country; a number without code read as mainland
    except DomainError as exc:
        raise DomainError(exc.message, field="phone") from None
    contact.name = name.strip()
    contact.position = (position or "").strip()
    contact.phone = phone
    contact.is_active = is_active


@transaction.atomic
def liaison_contact_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    position: str = "",
    phone: str = "",
    is_active: bool = True,
) -> LiaisonContact:
    """Add a contact person of a partner body; the phone is stored encrypted."""
    permissions.require(actor, "create", LiaisonContact)
    contact = LiaisonContact(owner_org=_home_org(actor), organisation=organisation)
    _contact_fields(contact, name=name, position=position, phone=phone, is_active=is_active)
    contact.save()
    return contact


@transaction.atomic
def liaison_contact_update(
    *, actor, contact: LiaisonContact, name: str, position: str = "", phone: str = "", is_active: bool = True
) -> LiaisonContact:
    permissions.require(actor, "edit", contact)
    contact = LiaisonContact.objects.select_for_update().get(pk=contact.pk)
    _contact_fields(contact, name=name, position=position, phone=phone, is_active=is_active)
    contact.save()
    return contact


def liaison_contact_reveal(*, actor, contact: LiaisonContact, ip: str | None = None) -> str:
    """The clear phone number, after logging the reveal (PIPL)."""
    permissions.require(actor, "reveal_sensitive", contact)
    log_reveal(user=actor, obj=contact, field="phone", ip=ip)
    return phones.format_phone(contact.phone)


def _event_fields(event: LiaisonEvent, *, date, kind, title, place, notes, activity=None) -> None:
    if not isinstance(date, dt.date):
        raise DomainError("请填写日期。", field="date")
    if date > _today():
        raise DomainError("联谊活动的日期不能在今天之后（尚未发生的活动请在活动安排中登记）。", field="date")
    if kind not in LiaisonEventKind.values:
        raise DomainError("活动类型不正确。", field="kind")
    if not (title or "").strip():
        raise DomainError("请填写活动名称。", field="title")
    event.date = date
    event.kind = kind
    event.title = title.strip()
    event.place = (place or "").strip()
    event.notes = (notes or "").strip()
    event.activity = activity


def _event_links(actor, event: LiaisonEvent, organisations, contacts, participants) -> None:
    organisations = list({o.pk: o for o in organisations}.values())
    if not organisations:
        raise DomainError("请至少选择一个联谊单位。", field="organisations")
    contacts = list(contacts or [])
    org_ids = {o.pk for o in organisations}
    for c in contacts:
        if c.organisation_id not in org_ids:
            raise DomainError(f"联络人“{c.name}”不属于所选联谊单位。", field="contacts")
    participants = _check_visitors(actor, participants) if participants else []
    LiaisonEventOrg.objects.filter(event=event).exclude(organisation__in=organisations).delete()
    have = set(LiaisonEventOrg.objects.filter(event=event).values_list("organisation_id", flat=True))
    LiaisonEventOrg.objects.bulk_create(
        [LiaisonEventOrg(event=event, organisation=o) for o in organisations if o.pk not in have]
    )
    event.contacts.set(contacts)
    event.participants.set(participants)
    event.search_text = search_form(event.title, event.place, *[o.name for o in organisations])
    event.save(update_fields=["search_text"])


@transaction.atomic
def liaison_event_create(
    *,
    actor,
    date: dt.date,
    kind: str,
    title: str,
    organisations: Iterable[Organisation],
    place: str = "",
    notes: str = "",
    contacts: Iterable[LiaisonContact] = (),
    participants: Iterable[User] = (),
    activity=None,
) -> LiaisonEvent:
    """Record a meeting or joint activity with one or several bodies (their last contact date follows)."""
    permissions.require(actor, "create", LiaisonEvent)
    event = LiaisonEvent(owner_org=_home_org(actor))
    _event_fields(event, date=date, kind=kind, title=title, place=place, notes=notes, activity=activity)
    event.save()
    _event_links(actor, event, organisations, contacts, participants)
    return event


@transaction.atomic
def liaison_event_update(
    *,
    actor,
    event: LiaisonEvent,
    date: dt.date,
    kind: str,
    title: str,
    organisations: Iterable[Organisation],
    place: str = "",
    notes: str = "",
    contacts: Iterable[LiaisonContact] = (),
    participants: Iterable[User] = (),
    activity=None,
) -> LiaisonEvent:
    permissions.require(actor, "edit", event)
    event = LiaisonEvent.objects.select_for_update().get(pk=event.pk)
    _event_fields(event, date=date, kind=kind, title=title, place=place, notes=notes, activity=activity)
    event.save()
    _event_links(actor, event, organisations, contacts, participants)
    return event
