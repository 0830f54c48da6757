"""Who may do what in consultation meetings, topics, speech drafts and research topics."""

from core import permissions
from core.roles import OFFICE, PERSONS, Role


def _is_speaker(user, speech) -> bool:
    return getattr(speech.speaker, "user_id", None) == user.pk


def _own_or_office(user, topic) -> bool:
    if user.role in PERSONS:
        return topic.proposer is not None and topic.proposer.user_id == user.pk
    return True


def _speaker_or_office(user, speech) -> bool:
    return user.role in OFFICE or _is_speaker(user, speech)


M = "consultations.meeting"
permissions.register(M, "view", OFFICE | PERSONS)
permissions.register(M, "create", OFFICE, reason="只有工作人员和领导可以登记协商会议。")
permissions.register(M, "edit", OFFICE, reason="只有工作人员和领导可以修改协商会议。")
permissions.register(M, "record", OFFICE, reason="只有工作人员和领导可以登记会议纪要和领导回应。")
permissions.register(M, "order", OFFICE, reason="只有工作人员和领导可以安排发言顺序。")
permissions.register(M, "export", OFFICE, reason="只有工作人员和领导可以导出协商会议。")

T = "consultations.topic"
permissions.register(T, "view", OFFICE | PERSONS)
permissions.register(T, "create", OFFICE | PERSONS, reason="您没有权限提出选题。")
permissions.register(T, "decide", OFFICE, reason="只有工作人员和领导可以确定选题。")
permissions.register(T, "discuss", OFFICE, reason="只有工作人员和领导可以参与选题讨论。")
permissions.register(
    T, "withdraw", OFFICE | PERSONS, check=_own_or_office, reason="只有提出人可以撤回自己的选题。"
)

S = "consultations.speech"
permissions.register(S, "view", OFFICE | PERSONS, check=_speaker_or_office)
permissions.register(S, "create", OFFICE, reason="只有工作人员和领导可以安排发言人。")
permissions.register(S, "write", PERSONS, check=_is_speaker, reason="只有发言人本人可以修改和提交发言稿。")
permissions.register(S, "review", OFFICE, reason="只有工作人员和领导可以审阅发言稿。")
permissions.register(S, "comment", OFFICE, reason="只有工作人员和领导可以提出审阅意见。")
permissions.register(S, "deliver", OFFICE, reason="只有工作人员和领导可以登记发言。")
permissions.register(S, "withdraw", OFFICE, reason="只有工作人员和领导可以撤销发言。")
permissions.register(S, "respond", OFFICE, reason="只有工作人员和领导可以登记领导回应。")
permissions.register(
    S, "export", OFFICE | PERSONS, check=_speaker_or_office, reason="您没有权限导出该发言稿。"
)

R = "consultations.researchtopic"
permissions.register(R, "view", OFFICE | PERSONS | {Role.PARTNER})
permissions.register(R, "create", OFFICE, reason="只有工作人员和领导可以登记课题。")
permissions.register(R, "edit", OFFICE, reason="只有工作人员和领导可以修改课题。")
permissions.register(R, "transition", OFFICE, reason="只有工作人员和领导可以变更课题状态。")
permissions.register(R, "export", OFFICE, reason="只有工作人员和领导可以导出课题。")

F = "consultations.followup"
permissions.register(F, "view", OFFICE | PERSONS)
permissions.register(F, "create", OFFICE, reason="只有工作人员和领导可以登记后续事项。")
permissions.register(F, "edit", OFFICE, reason="只有工作人员和领导可以落实后续事项。")
