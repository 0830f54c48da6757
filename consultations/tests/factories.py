import datetime as dt

from django.utils import timezone

from consultations import services
from consultations.models import SpeechStatus, TopicStatus

DRAFT_1 = "粤港澳大湾区建设为港澳青年提供了广阔舞台。\n建议在南沙设立港澳青年创新创业基地，提供一站式服务。\n希望市政府加大支持力度。"
DRAFT_2 = "粤港澳大湾区建设为港澳青年提供了广阔舞台。\n建议在南沙、前海设立港澳青年创新创业基地，提供住房、资金一站式服务。\n希望市政府加大支持力度。"
DRAFT_3 = "粤港澳大湾区建设为港澳青年来穗发展提供了广阔舞台。\n建议在南沙、前海设立港澳青年创新创业基地，提供住房、资金一站式服务。\n建议设立专项资金，每年评估一次成效。"


def make_meeting(actor, *, date: dt.date | None = None, **kwargs):
    return services.meeting_create(
        actor=actor,
        title=kwargs.pop("title", "市领导与港澳委员座谈会"),
        date=date or timezone.localdate() + dt.timedelta(days=10),
        leaders=kwargs.pop("leaders", "市委书记、市长"),
        **kwargs,
    )


def make_topic(actor, meeting, **kwargs):
    return services.topic_propose(
        actor=actor,
        meeting=meeting,
        title=kwargs.pop("title", "支持港澳青年在穗创新创业"),
        background=kwargs.pop("background", "港澳青年来穗创业面临住房、资金、政策衔接等困难。"),
        source=kwargs.pop("source", "走访南沙创业基地"),
        **kwargs,
    )


def select(actor, topic, reason="切合大湾区建设重点"):
    return services.topic_transition(actor=actor, topic=topic, target=TopicStatus.SELECTED, note=reason)


def submit(actor, speech, text, note=""):
    return services.speech_transition(
        actor=actor, speech=speech, target=SpeechStatus.SUBMITTED, text=text, note=note
    )


def drafted_three_times(users, speech):
    """Revision 1 commented and returned, revision 2 returned, revision 3 submitted."""
    staff, member = users["staff"], users["member"]
    speech = submit(member, speech, DRAFT_1)
    services.comment_add(actor=staff, speech=speech, paragraph=2, quote="南沙", text="可否把前海也写进来？")
    speech = services.speech_transition(actor=staff, speech=speech, target=SpeechStatus.RETURNED)
    speech = submit(member, speech, DRAFT_2, note="补充前海和住房资金")
    services.comment_add(actor=staff, speech=speech, text="第三段太空，请提具体建议。")
    speech = services.speech_transition(actor=staff, speech=speech, target=SpeechStatus.RETURNED)
    return submit(member, speech, DRAFT_3, note="第三段改为专项资金")
