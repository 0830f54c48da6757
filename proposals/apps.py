from django.apps import AppConfig

from core.nav import NavItem


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "提案"
    nav_items = [NavItem("提案", "proposals:list", "proposals.proposal", order=30)]

    def home_cards(self, user):
        from .selectors import home_cards

        return home_cards(user)

    def home_sections(self, request):
        """Work queues: staff review proposals and replies; a unit its assigned proposals with deadlines; a
        member co-signatures to confirm and replies to rate. Each row opens the proposal at its action."""
        from django.urls import reverse

        from core import permissions
        from core.queues import Row, queue
        from core.roles import Role

        from . import selectors
        from .models import Proposal

        user = request.user
        if not permissions.can(user, "view", Proposal):
            return []
        url = reverse("proposals:list")

        def at(p, action=""):
            # The action's own form is rendered open on arrival (`?open=`, see core/actions.py).
            page = reverse("proposals:detail", args=[p.pk])
            return f"{page}?open={action}#act-{action}" if action else f"{page}#actions"

        if user.role == Role.STAFF:
            return queue(
                request,
                selectors.review_queue(user=user),
                lambda p: Row(p.title, at(p), p.proposer_label, p.submitted_at, "提交于 ", action="审查"),
                title="待审查提案",
                more_url=url + "?status=submitted",
                order=10,
            ) + queue(
                request,
                selectors.reply_review_queue(user=user),
                lambda p: Row(
                    p.title,
                    at(p, "review_reply"),
                    p.reply_unit or "",
                    p.reply_submitted_at,
                    "答复提交于 ",
                    action="审核答复",
                ),
                title="答复待审核",
                more_url=url + "?status=reply_review",
                order=11,
            )
        if user.role == Role.UNIT:
            return queue(
                request,
                selectors.unit_queue(user=user),
                lambda a: Row(
                    a.proposal.title,
                    at(a.proposal),
                    " · ".join(x for x in (a.proposal.number_label, a.get_role_display()) if x),
                    date_label="答复期限 ",
                    due=a.proposal.reply_due,
                    action="办理",
                ),
                title="本单位待办理的提案",
                more_url=reverse("proposals:unit_work"),
                order=10,
            )
        if user.is_person:
            return queue(
                request,
                selectors.cosign_queue(user=user),
                lambda c: Row(
                    c.proposal.title,
                    at(c.proposal, "cosign"),
                    f"提案人：{c.proposal.proposer_label}",
                    c.created_at,
                    "邀请于 ",
                    action="确认联名",
                ),
                title="待确认联名",
                order=12,
            ) + queue(
                request,
                selectors.rating_queue(user=user),
                lambda p: Row(p.title, at(p, "rate"), "", p.replied_at, "答复于 ", action="评价答复"),
                title="待评价的答复",
                more_url=url + "?status=replied",
                order=13,
            )
        return []

    def person_sections(self, request, person):
        from .views import person_section

        return person_section(request, person)

    def ready(self):
        from . import permissions, reminders  # noqa: F401  (register the permission table and reminders)
