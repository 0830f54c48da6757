"""The permission matrix (issue 11, guard 1) as data: for every URL pattern of the project, what each role gets
on a plain GET. `test_permission_matrix.py` walks it; a route without an entry here (or in `NOT_WALKED`) fails.

Keys are the pattern's name (`namespace:name`; API operations are `api:<operation>`).
Status classes: 200 (the page), LOGIN (302 to the sign-in page), 403, 404, 405 (GET not allowed: an action
answering POST only), 401 (API without credentials), 302 (a redirect elsewhere, e.g. to the user's own page).

`PAGES`: parameter-free routes → role → expected status.
`OBJECTS`: routes with object ids → (kind of object, how to build the URL kwargs from it). Every object is
OWNED BY ANOTHER ORGANISATION (the city's economy committee, `orgs.other_committee`) and concerns another
member (a person of that committee), so no role but admin may get 200 — except the routes in
`VISIBLE_OBJECTS`, which show shared reference data on purpose.
"""

import datetime as dt

from django.utils import timezone

ROLES = ("anonymous", "admin", "staff", "leader", "member", "advisor", "unit", "partner")
LOGIN = "login"
ANY = "any"  # writes: any answer but a 5xx


def _row(spec: str) -> dict[str, object]:
    """'L 200 200 200 403 403 403 403' (roles in ROLES order) → {role: status}; L = LOGIN, A = ANY."""
    codes = spec.split()
    assert len(codes) == len(ROLES), spec
    named = {"L": LOGIN, "A": ANY}
    return {role: named[c] if c in named else int(c) for role, c in zip(ROLES, codes, strict=True)}


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return SimpleUploadedFile("照片.png", buf.getvalue(), content_type="image/png")


def _activity_services():
    from activities import services

    return services


# ---------------------------------------------------------------------------------------------------------------
# Objects of another organisation, made with the apps' factories and services.


def foreign_objects(orgs, users) -> dict[str, object]:
    """One object of each kind, owned by `orgs.other_committee` and concerning a person of that committee."""
    from accounts.tests.factories import UserFactory
    from activities.tests.factories import ActivityFactory, InvitationFactory
    from archives import services as archive_services
    from archives.models import ClosingRun
    from consultations import services as consultation_services
    from consultations.tests.factories import make_meeting, make_topic, select
    from core.models import ExportJob
    from core.roles import Role
    from ideas.tests.factories import IdeaFactory
    from members.models import ImportBatch
    from members.selectors import body_cppcc
    from members.tests.factories import PersonFactory
    from notifications.services import notify
    from opinions.tests.factories import OpinionReportFactory
    from proposals import services as proposal_services
    from visits import services as visit_services
    from visits.tests.factories import make_request, make_visit, seat

    other_org = orgs.other_committee
    actor = users["other_staff"]
    other_user = UserFactory(username="other_member", role=Role.MEMBER)
    person = PersonFactory(name="李另委", owner_org=other_org, user=other_user)
    seat([person], body_cppcc(other_org))  # in the year's visit plan
    activity = ActivityFactory(owner_org=other_org)
    invitation = InvitationFactory(activity=activity, person=person)
    proposal = proposal_services.proposal_create_draft(
        actor=other_user, author=person, title="关于另一委员会的提案", body="另一委员会委员的提案草稿正文。"
    )
    meeting = make_meeting(actor)
    topic = make_topic(actor, meeting)
    topic = select(actor, topic)
    speech = consultation_services.speech_create(actor=actor, topic=topic, speaker=person, title="发言")
    today = timezone.localdate()
    research = consultation_services.research_create(
        actor=actor,
        title="另一委员会的调研课题",
        lead_body=other_org,
        start_date=today,
        end_date=today + dt.timedelta(days=90),
    )
    donation = archive_services.donation_create(
        actor=actor,
        donor_kind="person",
        programme="education",
        recipient="某中学",
        date=today,
        amount=1000,
        shares=[{"person": person}],
    )
    activity_services = _activity_services()
    rule_set = archive_services.rule_set_create(actor=actor, year=2025)
    visit = make_visit(actor, [person])
    plan = visit_services.visit_plan_create(actor=actor, year=today.year)
    return {
        "activity_file": activity_services.activity_file_add(
            actor=actor, activity=activity, upload=_pdf(), kind="document"
        ),
        "briefing_with_file": activity_services.briefing_publish(
            actor=actor, title="附件通报", body="通报正文。", persons=[person], attachment=_pdf(), check=False
        ),
        "attachment": proposal_services.attachment_add(actor=other_user, proposal=proposal, upload=_pdf()),
        "visit_photo": visit_services.visit_photo_add(actor=actor, visit=visit, upload=_png()),
        "plan": plan,
        "assignment": plan.assignments.first(),
        "followup": consultation_services.followup_create(actor=actor, meeting=meeting, title="会后跟进"),
        "output": consultation_services.output_add(
            actor=actor, topic=research, title="调研报告", completed_on=today, upload=_pdf()
        ),
        "donation_file": archive_services.donation_add_file(actor=actor, donation=donation, upload=_pdf()),
        "closing_run": ClosingRun.objects.create(owner_org=other_org, year=2025, rule_set=rule_set),
        "import_batch": ImportBatch.objects.create(
            owner_org=other_org, created_by=actor, filename="名册.xlsx"
        ),
        "stop": activity_services.trip_stop_add(
            actor=actor,
            activity=activity,
            city="澳门",
            start_date=timezone.localtime(activity.starts_at).date(),
            end_date=timezone.localtime(activity.starts_at).date(),
            check=False,
        ),
        "briefing": activity_services.briefing_publish(
            actor=actor, title="另一委员会的情况通报", body="通报正文。", persons=[person], check=False
        ),
        "milestone": consultation_services.milestone_add(
            actor=actor, topic=research, title="开题", due_date=today + dt.timedelta(days=10)
        ),
        "rule_item": archive_services.rule_item_save(
            actor=actor, rule_set=rule_set, item="proposal_lead", points=10
        ),
        "minimum": archive_services.minimum_save(
            actor=actor, rule_set=rule_set, label="提案", items=["proposal_lead"], count=1
        ),
        "export_job": ExportJob.objects.create(user=other_user, path="/members/export.xlsx"),
        "person": person,
        "user": other_user,
        "activity": activity,
        "invitation": invitation,
        "proposal": proposal,
        "idea": IdeaFactory(owner_org=other_org),
        "opinion": OpinionReportFactory(owner_org=other_org, author=person),
        "visit": visit,
        "request": make_request(actor, person),
        "organisation": other_org,
        "meeting": meeting,
        "topic": topic,
        "speech": speech,
        "research": research,
        "donation": donation,
        "rule_set": rule_set,
        "notification": notify([other_user], "matrix", title="另一用户的通知")[0],
        "contact": visit_services.liaison_contact_create(
            actor=actor, organisation=orgs.association, name="另联络人"
        ),
        "liaison_event": visit_services.liaison_event_create(
            actor=actor,
            date=today,
            kind="meeting",
            title="另一委员会的联谊",
            organisations=[orgs.association],
        ),
    }


# ---------------------------------------------------------------------------------------------------------------
# Parameter-free routes: roles in ROLES order (anonymous admin staff leader member advisor unit partner).
# API operations sharing a path with another (list/create) answer GET with the list: the GET row is the list's.
PAGES: dict[str, dict[str, object]] = {
    "api:openapi-json": _row("200 200 200 200 200 200 200 200"),
    "api:openapi-view": _row("200 200 200 200 200 200 200 200"),
    "api:list_organisations": _row("401 200 200 200 200 200 200 200"),
    "api:create_organisation": _row("401 200 200 200 200 200 200 200"),
    "api:list_members": _row("401 200 200 200 403 403 403 403"),
    "api:create_member": _row("401 200 200 200 403 403 403 403"),
    "api:list_terms": _row("401 200 200 200 200 200 403 403"),
    "api:import_members": _row("405 405 405 405 405 405 405 405"),
    "api:list_activities": _row("401 200 200 200 200 200 403 200"),
    "api:create_activity": _row("401 200 200 200 200 200 403 200"),
    "api:check_in": _row("405 405 405 405 405 405 405 405"),
    "api:list_proposals": _row("401 200 200 200 200 200 200 200"),
    "api:create_proposal": _row("401 200 200 200 200 200 200 200"),
    "api:list_ideas": _row("401 200 200 200 200 200 200 200"),
    "api:list_reports": _row("401 200 200 200 200 200 403 403"),
    "api:create_report": _row("401 200 200 200 200 200 403 403"),
    "api:list_visits": _row("401 200 200 200 403 403 403 403"),
    "api:create_visit": _row("401 200 200 200 403 403 403 403"),
    "api:list_requests": _row("401 200 200 200 200 200 200 200"),
    "api:create_request": _row("401 200 200 200 200 200 200 200"),
    "api:list_liaison_events": _row("401 200 200 200 403 403 403 403"),
    "api:create_liaison_event": _row("401 200 200 200 403 403 403 403"),
    "api:list_meetings": _row("401 200 200 200 200 200 403 403"),
    "api:create_meeting": _row("401 200 200 200 200 200 403 403"),
    "api:list_research": _row("401 200 200 200 200 200 403 200"),
    "api:create_research": _row("401 200 200 200 200 200 403 200"),
    "api:performance": _row("401 404 404 404 403 403 403 403"),  # 404: no rule set for the year yet
    "api:list_donations": _row("401 200 200 200 200 200 403 403"),
    "api:create_donation": _row("401 200 200 200 200 200 403 403"),
    "api:api-root": _row("404 404 404 404 404 404 404 404"),
    "accounts:login": _row("200 302 302 302 302 302 302 302"),
    "accounts:logout": _row("405 405 405 405 405 405 405 405"),
    "accounts:password_change": _row("L 200 200 200 200 200 200 200"),
    "accounts:preferences": _row("L 200 200 200 200 200 200 200"),
    "accounts:switch_script": _row("405 405 405 405 405 405 405 405"),
    "accounts:user_list": _row("L 200 403 403 403 403 403 403"),
    "accounts:user_create": _row("L 200 403 403 403 403 403 403"),
    "accounts:two_factor": _row("L 200 200 200 200 200 200 200"),
    "accounts:two_factor_verify": _row("L 302 302 302 302 302 302 302"),
    "accounts:security": _row("L 200 403 403 403 403 403 403"),
    "organisations:list": _row("L 200 200 200 200 200 200 200"),
    "organisations:export": _row("L 200 200 200 403 403 403 403"),
    "organisations:create": _row("L 200 403 403 403 403 403 403"),
    "organisations:search": _row("L 200 200 200 200 200 200 200"),
    "notifications:list": _row("L 200 200 200 200 200 200 200"),
    "notifications:mark_read": _row("405 405 405 405 405 405 405 405"),
    "members:list": _row("L 200 200 200 403 403 403 403"),
    "members:me": _row("L 403 403 403 302 302 403 403"),
    "members:search": _row("L 200 200 200 200 200 403 403"),
    "members:create": _row("L 200 200 403 403 403 403 403"),
    "members:export": _row("L 200 200 200 403 403 403 403"),
    "members:export_csv": _row("L 200 200 200 403 403 403 403"),
    "members:export_pdf": _row("L 200 200 200 403 403 403 403"),
    "members:import": _row("L 200 200 403 403 403 403 403"),
    "members:duplicates": _row("L 200 200 403 403 403 403 403"),
    "members:merge": _row("L 405 405 405 405 405 405 405"),
    "activities:list": _row("L 200 200 200 200 200 403 200"),
    "activities:export": _row("L 200 200 200 403 403 403 403"),
    "activities:search": _row("L 200 200 200 200 200 403 200"),
    "activities:create": _row("L 200 200 403 403 403 403 403"),
    "activities:kinds": _row("L 200 200 200 200 200 403 200"),
    "activities:my": _row("L 200 200 200 200 200 403 200"),
    "activities:my_history": _row("L 200 200 200 200 200 403 200"),
    "activities:leave_requests": _row("L 200 200 403 403 403 403 403"),
    "activities:calendar": _row("L 200 200 200 200 200 403 200"),
    "activities:summary": _row("L 200 200 200 403 403 403 403"),
    "activities:summary_export": _row("L 200 200 200 403 403 403 403"),
    "activities:briefings": _row("L 200 200 200 200 200 403 403"),
    "activities:briefing_new": _row("L 200 200 403 403 403 403 403"),
    "proposals:list": _row("L 200 200 200 200 200 200 200"),
    "proposals:export": _row("L 200 200 200 403 403 403 403"),
    "proposals:create": _row("L 200 200 403 200 200 403 403"),
    "proposals:similar": _row("L 405 405 405 405 405 405 405"),
    "proposals:search": _row("L 200 200 200 200 200 200 200"),
    "proposals:supervisor_search": _row("L 200 200 403 403 403 403 403"),
    "proposals:unit_work": _row("L 302 302 302 302 302 200 302"),
    "proposals:deadlines": _row("L 200 200 200 403 403 403 403"),
    "ideas:list": _row("L 200 200 200 200 200 200 200"),
    "ideas:export": _row("L 200 200 200 403 403 403 403"),
    "opinions:list": _row("L 200 200 200 200 200 403 403"),
    "opinions:export": _row("L 200 200 200 403 403 403 403"),
    "opinions:create": _row("L 400 400 403 200 200 403 403"),
    "visits:list": _row("L 200 200 200 403 403 403 403"),
    "visits:export": _row("L 200 200 200 403 403 403 403"),
    "visits:create": _row("L 200 200 200 403 403 403 403"),
    "visits:coverage": _row("L 200 200 200 403 403 403 403"),
    "visits:rule": _row("L 200 200 200 403 403 403 403"),
    "visits:plan": _row("L 200 200 200 403 403 403 403"),
    "visits:plan_create": _row("L 405 405 405 405 405 405 405"),
    "visits:request_list": _row("L 200 200 200 200 200 200 200"),
    "visits:request_overdue": _row("L 200 200 200 200 200 200 200"),
    "visits:request_export": _row("L 200 200 200 403 403 403 403"),
    "visits:request_create": _row("L 200 200 200 200 200 403 403"),
    "visits:liaison": _row("L 200 200 200 403 403 403 403"),
    "visits:contact_search": _row("L 200 200 200 403 403 403 403"),
    "visits:colleague_search": _row("L 200 200 200 403 403 403 403"),
    "visits:liaison_link": _row("L 200 200 200 403 403 403 403"),
    "visits:liaison_events": _row("L 200 200 200 403 403 403 403"),
    "visits:liaison_event_export": _row("L 200 200 200 403 403 403 403"),
    "visits:liaison_event_create": _row("L 200 200 200 403 403 403 403"),
    "consultations:meeting_list": _row("L 200 200 200 200 200 403 403"),
    "consultations:meeting_export": _row("L 200 200 200 403 403 403 403"),
    "consultations:meeting_create": _row("L 200 200 200 403 403 403 403"),
    "consultations:my_topics": _row("L 302 302 302 200 200 302 302"),
    "consultations:research_list": _row("L 200 200 200 200 200 403 200"),
    "consultations:research_export": _row("L 200 200 200 403 403 403 403"),
    "consultations:research_create": _row("L 200 200 200 403 403 403 403"),
    "archives:statistics": _row("L 200 200 200 403 403 403 403"),
    "archives:records": _row("L 404 404 404 404 404 404 404"),
    "archives:me": _row("L 404 404 404 302 302 404 404"),
    "archives:rule_sets": _row("L 200 200 200 403 403 403 403"),
    "archives:donations": _row("L 200 200 200 200 200 403 403"),
    "archives:donation_new": _row("L 200 200 403 403 403 403 403"),
    "archives:closing": _row("L 200 200 200 403 403 403 403"),
    "archives:closing_new": _row("L 200 200 403 403 403 403 403"),
    "dashboard:overview": _row("L 200 200 200 403 403 403 403"),
    "dashboard:minimums": _row("L 200 200 200 403 403 403 403"),
    "dashboard:summary": _row("L 200 200 200 403 403 403 403"),
    "dashboard:summary_docx": _row("L 200 200 200 403 403 403 403"),
    "proposals_public:replies": _row("200 200 200 200 200 200 200 200"),
    "ideas_public:submit": _row("200 200 200 200 200 200 200 200"),
    "ideas_public:lookup": _row("200 200 200 200 200 200 200 200"),
    "core:home": _row("L 200 200 200 200 200 200 200"),
    "core:access_log": _row("L 200 403 403 403 403 403 403"),
    "core:export_jobs": _row("L 200 200 200 200 200 200 200"),
}


# ---------------------------------------------------------------------------------------------------------------
# Routes with object ids: kind of object (a key of `foreign_objects`) → the routes that take its id as their
# only parameter.
_OBJECT_ROUTES: dict[str, tuple[str, ...]] = {
    "organisation": (
        "api:get_organisation", "api:update_organisation", "organisations:detail", "organisations:edit",
        "visits:contact_create",
    ),
    "person": (
        "api:get_member", "api:update_member", "api:person_archive", "members:detail", "members:edit",
        "members:reveal", "members:data", "members:photo", "members:delete", "members:position_add",
        "members:committee_add", "archives:person", "archives:person_pdf", "archives:person_archived_pdf",
    ),
    "user": ("accounts:user_edit", "accounts:two_factor_reset"),
    "activity": (
        "api:get_activity", "api:update_activity", "api:list_invitations", "api:invite", "activities:detail",
        "activities:edit", "activities:cancel", "activities:stop_add", "activities:invite", "activities:attendance",
        "activities:attendance_export", "activities:bulk_check_in", "activities:sign_in_sheet", "activities:qr",
        "activities:report", "activities:file_add", "activities:ics",
    ),
    "invitation": (
        "api:respond", "api:decide_leave", "api:staff_check_in", "activities:respond", "activities:decide_leave",
        "activities:staff_check_in", "activities:answer_for",
    ),
    "proposal": (
        "api:get_proposal", "api:proposal_submit", "api:proposal_withdraw", "api:proposal_cosign",
        "api:proposal_file", "api:proposal_not_file", "api:proposal_merge", "api:proposal_convert",
        "api:proposal_return", "api:proposal_assign", "api:proposal_dispute", "api:proposal_extend",
        "api:proposal_progress", "api:proposal_input", "api:proposal_followups", "api:proposal_reply",
        "api:proposal_countersign", "api:proposal_reply_submit", "api:proposal_reply_review", "api:proposal_rate",
        "api:proposal_close", "api:proposal_outcome", "proposals:detail", "proposals:edit",
        "proposals:cosigner_search", "proposals:pdf", "proposals:similar_of",
    ),
    "idea": (
        "api:get_idea", "api:transition_idea", "api:develop_idea", "api:followup_idea", "ideas:detail",
        "ideas:transition", "ideas:develop", "ideas:followup", "ideas:answer", "ideas:reveal",
    ),
    "opinion": (
        "api:get_report", "api:update_report", "api:transition_report", "opinions:detail", "opinions:edit",
        "opinions:transition",
    ),
    "visit": (
        "api:get_visit", "api:record_visit", "api:cancel_visit", "visits:detail", "visits:edit", "visits:record",
        "visits:cancel", "visits:photo_add",
    ),
    "request": (
        "api:get_request", "api:update_request", "api:request_steps", "api:add_step", "api:transition_request",
        "api:thank_request", "visits:request_detail", "visits:request_edit", "visits:request_transition",
        "visits:request_step", "visits:request_to_proposal", "visits:request_to_opinion", "visits:request_thank",
        "visits:request_help",
    ),
    "contact": ("visits:contact_edit", "visits:contact_reveal"),
    "liaison_event": ("visits:liaison_event_edit",),
    "meeting": (
        "api:get_meeting", "api:meeting_topics", "api:propose_topic", "api:meeting_speeches",
        "consultations:meeting_detail", "consultations:meeting_edit", "consultations:meeting_activity",
        "consultations:meeting_topics", "consultations:topic_propose", "consultations:meeting_order",
        "consultations:meeting_record", "consultations:followup_create",
    ),
    "topic": (
        "api:topic_transition", "api:create_speech", "consultations:topic_detail", "consultations:topic_transition",
        "consultations:topic_note", "consultations:speech_create",
    ),
    "speech": (
        "api:get_speech", "api:list_revisions", "api:submit_revision", "api:save_working_text", "api:add_comment",
        "api:speech_transition", "api:compare", "api:add_response", "consultations:speech_detail",
        "consultations:speech_write", "consultations:speech_transition", "consultations:comment_add",
        "consultations:speech_compare", "consultations:leader_response", "consultations:speech_docx",
        "consultations:speech_pdf",
    ),
    "research": (
        "api:get_research", "api:research_transition", "api:add_milestone", "api:add_output",
        "consultations:research_detail", "consultations:research_edit", "consultations:research_transition",
        "consultations:milestone_add", "consultations:output_add", "consultations:research_link",
    ),
    "donation": (
        "api:get_donation", "api:update_donation", "api:verify_donation", "archives:donation_detail",
        "archives:donation_edit", "archives:donation_verify", "archives:donation_delete",
        "archives:donation_file_add",
    ),
    "rule_set": (
        "archives:rule_set", "archives:rule_set_edit", "archives:rule_set_history", "archives:rule_item_new",
        "archives:minimum_new", "archives:grades_edit",
    ),
    "notification": ("notifications:open",),
    "briefing": ("activities:briefing",),
    "milestone": ("consultations:milestone_done",),
    "export_job": ("core:export_job", "core:export_job_download"),
    "activity_file": ("activities:file",),
    "import_batch": ("members:import_preview", "members:import_commit"),
    "briefing_with_file": ("activities:briefing_file",),
    "visit_photo": ("visits:photo",),
    "plan": ("visits:plan_divide",),
    "assignment": ("visits:assignment_set",),
    "followup": ("consultations:followup_action",),
    "output": ("consultations:output_file",),
    "donation_file": ("archives:donation_file",),
    "closing_run": (
        "archives:closing_run", "archives:closing_run_progress", "archives:closing_run_resume",
        "archives:closing_run_zip",
    ),
}  # fmt: skip

# Routes with more than an id: route → (kind, URL kwargs built from the object).
_SPECIAL_KWARGS = {
    "proposals:act": ("proposal", lambda o: {"pk": o.pk, "name": "withdraw"}),
    "proposals:attachment": ("attachment", lambda o: {"pk": o.proposal_id, "attachment_id": o.pk}),
    "activities:stop_delete": ("stop", lambda o: {"pk": o.activity_id, "stop_pk": o.pk}),
    "archives:rule_item_edit": ("rule_item", lambda o: {"pk": o.rule_set_id, "item_pk": o.pk}),
    "archives:rule_item_delete": ("rule_item", lambda o: {"pk": o.rule_set_id, "item_pk": o.pk}),
    "archives:minimum_edit": ("minimum", lambda o: {"pk": o.rule_set_id, "minimum_pk": o.pk}),
    "archives:minimum_delete": ("minimum", lambda o: {"pk": o.rule_set_id, "minimum_pk": o.pk}),
    "core:history": (
        "proposal",
        lambda o: {"app_label": "proposals", "model_name": "proposal", "pk": o.pk},
    ),
}

# route → (kind, URL kwargs from the object, or None: the route's only parameter is the object's id).
OBJECTS: dict[str, tuple[str, object]] = {
    route: (kind, None) for kind, routes in _OBJECT_ROUTES.items() for route in routes
}
OBJECTS.update(_SPECIAL_KWARGS)

# Objects every signed-in role may see on purpose (reference data, not a record of the owning body):
# route → the roles allowed 200 besides admin.
_SIGNED_IN = frozenset(ROLES) - {"anonymous", "admin"}
VISIBLE_OBJECTS: dict[str, frozenset[str]] = {
    "organisations:detail": _SIGNED_IN,  # the tree of bodies is shared reference data
    "api:get_organisation": _SIGNED_IN,
    "api:update_organisation": _SIGNED_IN,  # shares the path: GET is get_organisation
    # a contact of any partner body, kept by one's own body
    "visits:contact_create": frozenset({"staff", "leader"}),
}

# The control: pages of `foreign_objects` that the owning body's staff (`users["other_staff"]`) open.
OWNER_OPENS = frozenset(
    {
        "members:detail",
        "activities:detail",
        "ideas:detail",
        "opinions:detail",
        "visits:detail",
        "visits:request_detail",
        "consultations:meeting_detail",
        "consultations:topic_detail",
        "consultations:speech_detail",
        "consultations:research_detail",
        "archives:donation_detail",
        "archives:rule_set",
        "api:get_activity",
        "api:get_visit",
        "api:get_request",
    }
)

# Object routes where even admin does not get the page, because of the object's state, not its owner:
# route → (admin's status, reason).
ADMIN_EXPECTED: dict[str, tuple[int, str]] = {
    "members:photo": (404, "the person has no photo"),
    "archives:person_archived_pdf": (404, "no closed year archived for the person"),
    "ideas:develop": (403, "a submitted idea is screened before it can be developed"),
    "api:compare": (400, "the revisions to compare (?a=&b=) are asked for once the speech is found"),
    "consultations:speech_write": (403, "only the speaker writes the draft"),
    "consultations:speech_docx": (404, "the speech has no text yet"),
    "consultations:speech_pdf": (404, "the speech has no text yet"),
    "archives:closing_run_zip": (404, "the run has not built its ZIP yet"),
    "core:export_job": (404, "an export job is its own user's: even admin is refused"),
    "core:export_job_download": (404, "an export job is its own user's: even admin is refused"),
}

# ---------------------------------------------------------------------------------------------------------------
# Another member's own records, in the member's own committee: a member or advisor never opens them (the office
# of that committee may, so only the persons' roles are walked here).
MEMBER_OWNED_KINDS = ("person", "proposal", "opinion", "request", "invitation", "donation")
PERSON_ROLES = ("member", "advisor")


def other_member_objects(orgs, users) -> dict[str, object]:
    """Records of another member of `orgs.committee` (the committee of the `member` and `advisor` users)."""
    from accounts.tests.factories import UserFactory
    from activities.tests.factories import ActivityFactory, InvitationFactory
    from archives import services as archive_services
    from core.roles import Role
    from members.tests.factories import PersonFactory
    from opinions.tests.factories import OpinionReportFactory
    from proposals import services as proposal_services
    from proposals.tests.factories import seat
    from visits.tests.factories import make_request

    committee, staff = orgs.committee, users["staff"]
    neighbour = UserFactory(username="neighbour_member", role=Role.MEMBER)
    person = seat(PersonFactory(name="同委员", owner_org=committee, user=neighbour))
    activity = ActivityFactory(owner_org=committee)
    return {
        "person": person,
        "proposal": proposal_services.proposal_create_draft(
            actor=neighbour, author=person, title="同委员会另一委员的提案", body="另一委员的提案草稿正文。"
        ),
        "opinion": OpinionReportFactory(owner_org=committee, author=person),
        "request": make_request(staff, person),
        "invitation": InvitationFactory(activity=activity, person=person),
        "donation": archive_services.donation_create(
            actor=staff,
            donor_kind="person",
            programme="education",
            recipient="某小学",
            date=timezone.localdate(),
            amount=500,
            shares=[{"person": person}],
        ),
    }


# Routes not walked by the matrix, each with its reason. Keep short.
NOT_WALKED: dict[str, str] = {}

# Routes addressed by a signed token rather than an object id, walked by the token tests of
# `test_permission_matrix_writes.py` (made-up, tampered and other people's tokens; the real one as control).
TOKEN_ROUTES = frozenset({"activities:feed", "activities:checkin"})


# ---------------------------------------------------------------------------------------------------------------
# Writes (`test_permission_matrix_writes.py`): every route above POSTed, API operations with each method they
# declare. On OBJECTS every write is refused; on PAGES a role refused the GET is refused the POST the same way,
# a role allowed the GET may get anything but a 5xx — unless the route's POST row here says otherwise.
# Routes whose GET row says nothing about the POST (405: the route is an action taking POST only), or whose POST
# answers differently: roles in ROLES order, A = ANY (admin's entry is not walked).
POST_PAGES: dict[str, dict[str, object]] = {
    "accounts:logout": _row("A A A A A A A A"),
    "accounts:switch_script": _row("A A A A A A A A"),  # before sign-in the choice is kept in a cookie
    "notifications:mark_read": _row("L A A A A A A A"),  # one's own notifications
    "members:merge": _row("L A A 403 403 403 403 403"),
    "proposals:similar": _row("L A A 403 A A 403 403"),
    "visits:plan_create": _row("L A A A 403 403 403 403"),
    "api:import_members": _row("401 A A 403 403 403 403 403"),
    "api:check_in": _row("401 A A A A A A A"),  # a QR code's token: refused by the token, not the role
}

# An API create shares its path with the list, so its GET row is the list's: it answers the POST as the page
# creating the same records answers the GET (200 → any, the sign-in page → 401).
_API_CREATES_LIKE = {
    "api:create_organisation": "organisations:create",
    "api:create_member": "members:create",
    "api:create_activity": "activities:create",
    "api:create_proposal": "proposals:create",
    "api:create_report": "opinions:create",
    "api:create_visit": "visits:create",
    "api:create_request": "visits:request_create",
    "api:create_liaison_event": "visits:liaison_event_create",
    "api:create_meeting": "consultations:meeting_create",
    "api:create_research": "consultations:research_create",
    "api:create_donation": "archives:donation_new",
}
POST_PAGES.update(
    {
        api: {role: {LOGIN: 401, 200: ANY, 400: ANY}.get(got, got) for role, got in PAGES[page].items()}
        for api, page in _API_CREATES_LIKE.items()
    }
)

# Object routes where a role may POST to another body's object on purpose (the database must still not change):
# route → roles.
WRITABLE_OBJECTS: dict[str, frozenset[str]] = {
    "organisations:detail": _SIGNED_IN,  # a read-only page answering POST as GET
    "visits:contact_create": frozenset({"staff", "leader"}),  # the empty form shown again with its errors
}

# The control for writes: routes of `foreign_objects` the owning body's staff POST with the walk's body →
# the statuses they may get (a validation answer, or the write done).
OWNER_WRITES: dict[str, set] = {
    # The empty form shown again with its errors.
    "members:edit": {200},
    "activities:edit": {200},
    "opinions:edit": {200},
    "visits:edit": {200},
    "visits:request_edit": {200},
    "consultations:meeting_edit": {200},
    "consultations:research_edit": {200},
    "archives:donation_edit": {200},
    # Refused on the input or the record's state.
    "api:record_visit": {400},
    "api:transition_report": {400},
    # The API's smallest body is a real write: a step on the request, an empty change to the member.
    "api:add_step": {201},
    "api:update_member": {200},
}
