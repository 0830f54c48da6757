"""The citizen-idea workflow: the one table of steps and who may take them.

待审核 →(审核通过) 待认领 →(认领) 已认领 → 已形成提案 / 已转为发言；
at screening or later staff may also forward it to a department (已转交部门) or decline it (不予采纳), with a reason.
"""

from core.workflow import Transition, Workflow

from .models import IdeaStatus as S

idea_workflow = Workflow(
    name="idea",
    labels=dict(S.choices),
    transitions=[
        Transition((S.SUBMITTED,), S.OPEN, "screen", "审核通过，开放认领"),
        Transition((S.SUBMITTED, S.OPEN, S.CLAIMED), S.FORWARDED, "screen", "转交部门", needs_note=True),
        Transition((S.SUBMITTED, S.OPEN, S.CLAIMED), S.DECLINED, "screen", "不予采纳", needs_note=True),
        Transition((S.OPEN,), S.CLAIMED, "claim", "认领"),
        Transition((S.CLAIMED,), S.OPEN, "release", "放弃认领"),
        Transition((S.CLAIMED,), S.PROPOSAL, "develop", "形成提案草稿"),
        Transition((S.CLAIMED,), S.SPEECH, "develop", "转为大会发言", needs_note=True),
    ],
)
