"""One workflow core for every workflow in the platform.

A workflow is a table of transitions (from → to, the permission action that guards it, a label).
`Workflow.transition()` is the only code that assigns a status: it checks the table and `can()`,
locks the row, applies the change, writes a `TransitionLog` row and schedules side effects on commit.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from . import permissions
from .errors import DomainError, PermissionRefused
from .models import TransitionLog


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    action: str  # permission action checked with can(actor, action, obj)
    label: str  # Chinese button/log label, e.g. "立案"
    needs_note: bool = False


@dataclass
class Workflow:
    name: str
    transitions: list[Transition]
    status_field: str = "status"
    labels: dict = field(default_factory=dict)  # status value → Chinese label

    def find(self, source: str, target: str) -> Transition | None:
        for t in self.transitions:
            if t.target == target and source in t.sources:
                return t
        return None

    def targets_from(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if source in t.sources]

    def check(self, obj, target: str, user) -> Transition:
        """Permission first, then state: may `user` move `obj` to `target` now?

        Raises Http404 (invisible), PermissionRefused (403: the user may take no transition to `target` from
        here, or none at all) or DomainError (the user could, but not from the current state). Returns the
        transition. A user without the right never learns the state of the record from the answer.
        """
        candidates = [t for t in self.transitions if t.target == target]
        if not candidates:
            raise DomainError("未知的目标状态。", field="target", code="illegal_transition")
        source = getattr(obj, self.status_field)
        t = self.find(source, target)
        if t is not None:
            permissions.require(user, t.action, obj)
            return t
        if not any(permissions.can(user, c.action, obj) for c in candidates):
            permissions.require(user, candidates[0].action, obj)
            raise PermissionRefused()  # require() raised already unless the rule's check is inconsistent
        raise DomainError(
            f"当前状态为“{self.labels.get(source, source)}”，不能执行“{self.labels.get(target, target)}”。",
            code="illegal_transition",
        )

    def require_any(self, obj, user) -> None:
        """Raises PermissionRefused unless `user` may take some transition of this workflow on `obj`, whatever
        its state: the permission half of `check`, for doors that look at the target only later (the API's
        body)."""
        actions = dict.fromkeys(t.action for t in self.transitions)
        if not any(permissions.can(user, action, obj) for action in actions):
            permissions.require(user, next(iter(actions)), obj)
            raise PermissionRefused()

    def allowed(self, obj, user) -> list[Transition]:
        """Transitions this user may take now (for buttons); the service checks again."""
        current = getattr(obj, self.status_field)
        return [t for t in self.targets_from(current) if permissions.can(user, t.action, obj)]

    def transition(
        self,
        obj,
        target: str,
        *,
        actor,
        note: str = "",
        data: dict | None = None,
        apply: Callable | None = None,
        on_commit: Iterable[Callable] = (),
        system: bool = False,
    ):
        """Move `obj` to `target`.

        Checks, in this order: unless `system`, that the actor may take a transition to `target` (403
        otherwise, see `check`); that the table allows current → target; a note where the transition
        needs one. Locks the row (select_for_update), calls `apply(locked)` for extra field changes (it
        may raise DomainError), saves, logs, and runs `on_commit` callbacks after the transaction commits. Returns the locked, updated object. Raises DomainError (nothing
        written) or PermissionRefused.
        """
        model = type(obj)
        with transaction.atomic():
            locked = model._default_manager.select_for_update().get(pk=obj.pk)
            source = getattr(locked, self.status_field)
            if system:
                t = self.find(source, target)
                if t is None:
                    raise DomainError(
                        f"当前状态为“{self.labels.get(source, source)}”，"
                        f"不能执行“{self.labels.get(target, target)}”。",
                        code="illegal_transition",
                    )
            else:
                t = self.check(locked, target, actor)  # permission first, then state
            if t.needs_note and not (note or "").strip():
                raise DomainError(f"“{t.label}”需要填写说明。", field="note")
            setattr(locked, self.status_field, target)
            if apply is not None:
                apply(locked)
            locked.save()
            TransitionLog.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=locked.pk,
                workflow=self.name,
                source=source,
                target=target,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_label=_actor_label(actor),
                note=note or "",
                data=data or {},
            )
            for callback in on_commit:
                transaction.on_commit(lambda cb=callback: cb(locked))
        return locked


def _actor_label(actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "系统"
    return getattr(actor, "display_name", None) or str(actor)


def log_for(obj, workflow: str | None = None):
    """The log rows of one object, oldest first."""
    qs = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
    return qs.filter(workflow=workflow) if workflow else qs
