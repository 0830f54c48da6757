"""Citizens' ideas (百姓提案 / 金点子): submitted on a public page, screened by staff, claimed by a member."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.crypto import EncryptedTextField
from core.roles import EXTERNAL, Role
from organisations.models import OwnedModel, OwnedQuerySet

MAX_BODY_CHARS = 3000


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    OPEN = "open", "待认领"
    CLAIMED = "claimed", "已认领"
    PROPOSAL = "proposal", "已形成提案"
    SPEECH = "speech", "已转为发言"
    FORWARDED = "forwarded", "已转交部门"
    DECLINED = "declined", "不予采纳"


# The ends of an idea: the citizen is told when one is reached.
END_STATES = (IdeaStatus.PROPOSAL, IdeaStatus.SPEECH, IdeaStatus.FORWARDED, IdeaStatus.DECLINED)


class IdeaQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """Office as for every owned record; members and advisors also see the ideas open for claiming (never
        the citizen's contact details: those stay behind `reveal_sensitive`); a department's users (handling
        unit, partner body) also the ideas forwarded to their department."""
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and user.role in (Role.MEMBER, Role.ADVISOR)
        ):
            return self.filter(self.model.person_q(user) | Q(status=IdeaStatus.OPEN))
        if user is not None and getattr(user, "role", None) in EXTERNAL and user.organisation_id:
            # A department's users see the ideas forwarded to their department (their inbox).
            forwarded = self.filter(status=IdeaStatus.FORWARDED, forwarded_to_id=user.organisation_id)
            return super().visible_to(user) | forwarded
        return super().visible_to(user)


class Idea(OwnedModel):
    code = models.CharField("查询码", max_length=16, unique=True)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容")
    citizen_name = models.CharField("提出人", max_length=50)
    citizen_phone = EncryptedTextField("联系电话", blank=True, default="")
    citizen_email = models.EmailField("电子邮箱", blank=True, default="")
    wants_followup = models.BooleanField("愿意参加后续调研", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED, db_index=True
    )
    claimed_by = models.ForeignKey(
        "members.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_ideas",
        verbose_name="认领委员",
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    forwarded_to = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="转交部门",
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_ideas",
        verbose_name="形成的提案",
    )
    outcome_note = models.TextField("办理结果说明", blank=True, default="")
    department_reply = models.TextField("部门答复", blank=True, default="")
    department_replied_at = models.DateTimeField("部门答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    citizen_notified_at = models.DateTimeField("告知提出人时间", null=True, blank=True)
    followup_invited_at = models.DateTimeField("邀请参加调研时间", null=True, blank=True)
    followup_note = models.TextField("调研邀请说明", blank=True, default="")
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords(excluded_fields=["citizen_phone"])

    person_lookups = ("claimed_by",)
    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = "百姓提案"
        verbose_name_plural = "百姓提案"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="idea_created")]  # the list's default order
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["claimed", "proposal"]) | Q(claimed_by__isnull=False),
                name="idea_claimed_has_member",
            ),
            models.CheckConstraint(
                condition=~Q(status="proposal") | Q(proposal__isnull=False),
                name="idea_proposal_end_has_proposal",
            ),
            models.CheckConstraint(
                condition=~Q(status="forwarded") | Q(forwarded_to__isnull=False),
                name="idea_forwarded_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "forwarded", "speech"]) | ~Q(outcome_note=""),
                name="idea_end_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in END_STATES
