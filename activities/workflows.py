"""The invitation workflow (RSVP, leave, check-in, absence): one table, one transition function.

invited ─┬─ confirmed ─┬─ checked in
         ├─ waitlisted ┤   (check-in is possible from any open state: whoever turns up counts)
         ├─ declined   ├─ absent (after the activity, by staff)
         └─ leave requested ─ leave approved / back to invited (refused) / confirmed (withdrawn by the member)
"""

from core.workflow import Transition, Workflow

from .models import InvitationStatus as S

OPEN = (S.INVITED, S.CONFIRMED, S.WAITLISTED, S.LEAVE_REQUESTED)

INVITATION = Workflow(
    name="activities.invitation",
    labels=dict(S.choices),
    transitions=[
        # From 请假待批 too: the member withdraws the leave request and comes after all (撤回请假).
        Transition(
            (S.INVITED, S.DECLINED, S.LEAVE_APPROVED, S.LEAVE_REQUESTED), S.CONFIRMED, "respond", "确认参加"
        ),
        Transition((S.WAITLISTED,), S.CONFIRMED, "manage", "候补转正"),
        Transition(
            (S.INVITED, S.DECLINED, S.LEAVE_APPROVED, S.LEAVE_REQUESTED), S.WAITLISTED, "respond", "候补"
        ),
        Transition((S.INVITED, S.CONFIRMED, S.WAITLISTED), S.DECLINED, "respond", "不参加"),
        Transition(
            (S.INVITED, S.CONFIRMED, S.WAITLISTED), S.LEAVE_REQUESTED, "respond", "请假", needs_note=True
        ),
        Transition((S.LEAVE_REQUESTED,), S.LEAVE_APPROVED, "manage", "准假"),
        Transition((S.LEAVE_REQUESTED,), S.INVITED, "manage", "不准假"),
        Transition((*OPEN, S.DECLINED, S.LEAVE_APPROVED, S.ABSENT), S.CHECKED_IN, "check_in", "签到"),
        Transition(OPEN, S.ABSENT, "manage", "记为缺席"),
        Transition((S.CHECKED_IN,), S.ABSENT, "manage", "撤销签到"),
    ],
)
