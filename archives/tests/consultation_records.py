"""Speeches and research outputs of a generated year (2025) for the `speech` and `research_output` items,
with the edge cases: year boundaries, a speech approved but not yet delivered, a withdrawn one, drafts, an
output of a cancelled topic, an output without authors. Written straight to the tables (the consultations
app's own tests cover its workflow); the expected counts are written out by hand in `EXPECTED`."""

import datetime as dt

from consultations.models import (
    Meeting,
    ResearchOutput,
    ResearchTopic,
    Revision,
    Speech,
    SpeechStatus,
    Topic,
    TopicStatus,
)


def speech(staff, org, person, *, status: str, meeting_date: dt.date, delivered_on: dt.date | None = None):
    meeting = Meeting.objects.create(owner_org=org, title=f"座谈会 {meeting_date}", date=meeting_date)
    topic = Topic.objects.create(
        owner_org=org, meeting=meeting, title="选题", background="背景", status=TopicStatus.SELECTED
    )
    s = Speech.objects.create(
        owner_org=org,
        meeting=meeting,
        topic=topic,
        speaker=person,
        title=f"{person.name}的发言",
        status="drafting",
    )
    if status != "drafting":
        revision = Revision.objects.create(speech=s, number=1, text="发言正文。", author=staff)
        locked = status in (SpeechStatus.APPROVED, SpeechStatus.DELIVERED)
        Speech.objects.filter(pk=s.pk).update(
            status=status,
            approved_revision=revision if locked else None,
            delivered_on=delivered_on if status == SpeechStatus.DELIVERED else None,
        )
    s.refresh_from_db()
    return s


def output(topic, title: str, completed_on: dt.date, authors):
    o = ResearchOutput.objects.create(topic=topic, title=title, completed_on=completed_on)
    o.authors.set(authors)
    return o


def build(staff, org, A, B, C) -> None:
    """A: 1 speech and 2 outputs in 2025; B: 1 speech and 1 output; C: no speech and 1 output."""
    d = dt.date
    # A: delivered in March (counts); delivered on the last day of 2024 and on 1 January 2026 (do not)
    speech(staff, org, A, status="delivered", meeting_date=d(2025, 3, 15), delivered_on=d(2025, 3, 15))
    speech(staff, org, A, status="delivered", meeting_date=d(2024, 12, 31), delivered_on=d(2024, 12, 31))
    speech(staff, org, A, status="delivered", meeting_date=d(2026, 1, 1), delivered_on=d(2026, 1, 1))
    # B: delivered on 31 December (counts); approved but not delivered, withdrawn (do not)
    speech(staff, org, B, status="delivered", meeting_date=d(2025, 12, 31), delivered_on=d(2025, 12, 31))
    speech(staff, org, B, status="approved", meeting_date=d(2025, 11, 1))
    speech(staff, org, B, status="withdrawn", meeting_date=d(2025, 6, 1))
    # C: a draft being written and one waiting for review (do not)
    speech(staff, org, C, status="drafting", meeting_date=d(2025, 4, 1))
    speech(staff, org, C, status="submitted", meeting_date=d(2025, 5, 1))

    def topic(title, status, start=None):
        return ResearchTopic.objects.create(
            owner_org=org, lead_body=org, title=title, status=status, start_date=start or d(2025, 1, 1),
            end_date=d(2025, 12, 31),
        )  # fmt: skip

    active = topic("港澳青年创业课题", "active")
    output(active, "中期调研报告", d(2025, 6, 30), [A, B])  # one output, two authors: once each
    output(active, "结题报告", d(2025, 12, 31), [A])
    output(active, "次年文章", d(2026, 1, 1), [A])  # 2026
    output(active, "未署名的材料", d(2025, 7, 1), [])  # nobody's
    cancelled = topic("已终止的课题", "cancelled")
    output(cancelled, "终止前的报告", d(2025, 5, 1), [C])  # a cancelled topic's outputs count nothing
    concluded = topic("上年立项的课题", "concluded", start=d(2024, 3, 1))
    output(concluded, "新年第一天完成的报告", d(2025, 1, 1), [C])


EXPECTED = {
    "A": {"speech": 1, "research_output": 2},
    "B": {"speech": 1, "research_output": 1},
    "C": {"research_output": 1},
}
