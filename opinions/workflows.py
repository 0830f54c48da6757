"""The public-opinion report workflow: the one table of steps and who may take them.

草稿 → 已报送 → 已受理 → 已编辑 → 已上报（层级）→ 已采用（层级）→ 获领导批示（层级）；或 未采用。
Staff may return a submitted report to its author (退回修改) with a note.
"""

from core.workflow import Transition, Workflow

from .models import ReportStatus as S

report_workflow = Workflow(
    name="opinion_report",
    labels=dict(S.choices),
    transitions=[
        Transition((S.DRAFT,), S.SUBMITTED, "submit", "报送"),
        Transition((S.SUBMITTED,), S.DRAFT, "process", "退回修改", needs_note=True),
        Transition((S.SUBMITTED,), S.ACCEPTED, "process", "受理"),
        Transition((S.ACCEPTED,), S.EDITED, "process", "编辑完成"),
        Transition((S.EDITED,), S.SENT_UP, "process", "上报"),
        Transition((S.SENT_UP,), S.ADOPTED, "process", "登记采用"),
        Transition((S.ADOPTED,), S.INSTRUCTED, "process", "登记领导批示"),
        Transition(
            (S.SUBMITTED, S.ACCEPTED, S.EDITED, S.SENT_UP),
            S.NOT_ADOPTED,
            "process",
            "未采用",
            needs_note=True,
        ),
    ],
)
