"""The two workflows of the app: a visit (planned → done / cancelled) and a request (诉求).

Request: open → in progress → solved / cannot be solved; solved and cannot-be-solved need the resolution or
the explanation (the note); a closed request may be reopened with a reason. Every change tells the member.
"""

from core.workflow import Transition, Workflow

from .models import RequestStatus, VisitStatus

VISIT_WORKFLOW = Workflow(
    name="visit",
    labels=dict(VisitStatus.choices),
    transitions=[
        Transition((VisitStatus.PLANNED,), VisitStatus.DONE, "record", "记录走访"),
        Transition((VisitStatus.PLANNED,), VisitStatus.CANCELLED, "cancel", "取消走访", needs_note=True),
    ],
)

S = RequestStatus
REQUEST_WORKFLOW = Workflow(
    name="request",
    labels=dict(RequestStatus.choices),
    transitions=[
        Transition((S.OPEN,), S.IN_PROGRESS, "handle", "开始办理"),
        Transition((S.OPEN, S.IN_PROGRESS), S.SOLVED, "close", "办结（已解决）", needs_note=True),
        Transition((S.OPEN, S.IN_PROGRESS), S.UNSOLVABLE, "close", "无法解决", needs_note=True),
        Transition((S.SOLVED, S.UNSOLVABLE), S.IN_PROGRESS, "reopen", "重新办理", needs_note=True),
    ],
)

# Whole table, for tests and the page's buttons: (source, target) pairs that are allowed.
REQUEST_ALLOWED = {(s, t.target) for t in REQUEST_WORKFLOW.transitions for s in t.sources}
