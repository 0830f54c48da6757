"""The proposal workflow: every state and every allowed step, in one table.

Only `PROPOSAL.transition()` (called from `proposals.services`) assigns `Proposal.status`. Each step names
the permission action that guards it (see `proposals.permissions`); the services add the step's own
checks (a co-signer deadline, a number, a reason …) inside the same transaction through `apply`.
"""

from core.workflow import Transition, Workflow

from .models import ProposalStatus as S

PROPOSAL = Workflow(
    name="proposal",
    labels=dict(S.choices),
    transitions=[
        Transition((S.DRAFT, S.RETURNED), S.SUBMITTED, "submit", "提交"),
        Transition((S.DRAFT, S.RETURNED, S.SUBMITTED), S.WITHDRAWN, "withdraw", "撤回"),
        Transition((S.SUBMITTED,), S.FILED, "review", "立案"),
        Transition((S.SUBMITTED,), S.NOT_FILED, "review", "不予立案", needs_note=True),
        Transition((S.SUBMITTED,), S.MERGED, "review", "并案"),
        Transition((S.SUBMITTED,), S.CONVERTED, "review", "转为意见建议", needs_note=True),
        Transition((S.SUBMITTED,), S.RETURNED, "review", "退回修改", needs_note=True),
        Transition((S.FILED,), S.HANDLING, "assign", "交办"),
        Transition((S.HANDLING,), S.REPLY_REVIEW, "submit_reply", "提交答复"),
        Transition((S.REPLY_REVIEW,), S.HANDLING, "review_reply", "退回答复", needs_note=True),
        Transition((S.REPLY_REVIEW,), S.REPLIED, "review_reply", "审核通过并发出答复"),
        Transition((S.REPLIED,), S.HANDLING, "rate", "不满意，再次办理"),
        Transition((S.REPLIED,), S.CLOSED, "close", "办结"),
    ],
)
