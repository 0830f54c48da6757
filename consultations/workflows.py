"""The three workflows of the app: a topic (选题), a speech draft (发言稿) and a research topic (课题).

Topic: proposed → selected / declined (reason) / merged into another topic (reason) / withdrawn by its proposer;
selected or declined may be reconsidered (back to proposed, with a reason) while no draft exists.

Speech: drafting → submitted (the speaker submits revision N) → returned (reviewers ask for changes) →
submitted (revision N+1) … → approved (locks the text) → delivered (spoken at the meeting). The office may
withdraw a speech that is not yet approved (reason). Revisions are written only by `speech_submit`.

Research: planned → active → concluded → adopted (who adopted, what changed); planned or active → cancelled
(reason); concluded → active again (reason).
"""

from core.workflow import Transition, Workflow

from .models import ResearchStatus, SpeechStatus, TopicStatus

T = TopicStatus
TOPIC = Workflow(
    name="consultation_topic",
    labels=dict(TopicStatus.choices),
    transitions=[
        Transition((T.PROPOSED,), T.SELECTED, "decide", "确定入选"),
        Transition((T.PROPOSED,), T.DECLINED, "decide", "不予入选", needs_note=True),
        Transition((T.PROPOSED,), T.MERGED, "decide", "合并到其他选题", needs_note=True),
        Transition((T.PROPOSED,), T.WITHDRAWN, "withdraw", "撤回选题"),
        Transition((T.SELECTED, T.DECLINED), T.PROPOSED, "decide", "重新讨论", needs_note=True),
    ],
)

S = SpeechStatus
SPEECH = Workflow(
    name="speech",
    labels=dict(SpeechStatus.choices),
    transitions=[
        Transition((S.DRAFTING, S.RETURNED), S.SUBMITTED, "write", "提交修改稿"),
        Transition((S.SUBMITTED,), S.RETURNED, "review", "退回修改"),
        Transition((S.SUBMITTED,), S.APPROVED, "review", "审定定稿"),
        Transition((S.APPROVED,), S.DELIVERED, "deliver", "登记已发言"),
        Transition(
            (S.DRAFTING, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, "withdraw", "撤销发言", needs_note=True
        ),
    ],
)

R = ResearchStatus
RESEARCH = Workflow(
    name="research_topic",
    labels=dict(ResearchStatus.choices),
    transitions=[
        Transition((R.PLANNED,), R.ACTIVE, "transition", "开始调研"),
        Transition((R.ACTIVE,), R.CONCLUDED, "transition", "结题"),
        Transition((R.CONCLUDED,), R.ADOPTED, "transition", "登记成果采纳"),
        Transition((R.PLANNED, R.ACTIVE), R.CANCELLED, "transition", "终止课题", needs_note=True),
        Transition((R.CONCLUDED,), R.ACTIVE, "transition", "重新开展", needs_note=True),
    ],
)


def allowed_pairs(workflow: Workflow) -> set[tuple[str, str]]:
    """Every (source, target) pair of a table, for tests and buttons."""
    return {(s, t.target) for t in workflow.transitions for s in t.sources}
