"""Bodies across levels, and the one ownership/sharing model that every domain record uses."""

import functools

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.roles import Role


class OrgKind(models.TextChoices):
    CPPCC = "cppcc", "政协"
    COMMITTEE = "committee", "专门委员会"
    DEPARTMENT = "department", "政府部门"
    PARTY = "party", "党委部门"
    ASSOCIATION = "association", "社团/联谊会"
    INSTITUTION = "institution", "企事业单位"
    OTHER = "other", "其他"


class OrgLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区县级"
    NONE = "none", "不分级"


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The directory of bodies is open to every signed-in user; contacts are protected elsewhere."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self

    def subtree(self, org):
        return self.filter(path__startswith=org.path)


class Organisation(TimeStampedModel):
    """A body in the tree: CPPCCs, their special committees, departments, party offices, associations.

    `path` is a materialised path ("/1/5/12/") maintained by `organisations.services`, so "this body and
    everything below it" is one indexed prefix query on both SQLite and PostgreSQL.
    """

    kind = models.CharField("类别", max_length=20, choices=OrgKind.choices)
    level = models.CharField("层级", max_length=20, choices=OrgLevel.choices, default=OrgLevel.NONE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级机构",
    )
    name = models.CharField("全称", max_length=200, unique=True)
    short_name = models.CharField("简称", max_length=60, blank=True)
    aliases = models.CharField("别名", max_length=300, blank=True, help_text="多个别名用顿号或逗号分隔")
    is_handling_unit = models.BooleanField("可作为承办单位", default=False)
    is_active = models.BooleanField("启用", default=True)
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("深度", default=0, editable=False)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["path"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class ShareCapacity(models.TextChoices):
    CO_SPONSOR = "co_sponsor", "联合提出"
    HANDLER = "handler", "承办"
    PARTNER = "partner", "联动"
    ORGANISER = "organiser", "协办"


# Which sharing capacities a user of each external role sees records in.
CAPACITIES_BY_ROLE = {
    Role.UNIT: (ShareCapacity.HANDLER,),
    Role.PARTNER: (ShareCapacity.CO_SPONSOR, ShareCapacity.PARTNER, ShareCapacity.ORGANISER),
}


class Share(models.Model):
    """A record shared with another organisation in a named capacity (one through-table for all apps)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="对象类型")
    object_id = models.PositiveBigIntegerField("对象编号")
    obj = GenericForeignKey("content_type", "object_id")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shares", verbose_name="机构"
    )
    capacity = models.CharField("身份", max_length=20, choices=ShareCapacity.choices)
    created_at = models.DateTimeField("共享时间", auto_now_add=True)

    class Meta:
        verbose_name = "共享"
        verbose_name_plural = "共享"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "organisation", "capacity"], name="share_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "content_type", "object_id"])]

    def __str__(self):
        return f"{self.organisation} · {self.get_capacity_display()}"


class OwnedQuerySet(models.QuerySet):
    """Querysets of owned records. `visible_to(user)` is the only visibility filter in the platform."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        role = user.role
        if role == Role.ADMIN:
            return self
        model = self.model
        if role in (Role.MEMBER, Role.ADVISOR):
            if not model.person_lookups:
                return self.none()
            return self.filter(model.person_q(user))
        org = user.organisation
        if org is None:
            return self.none()
        ct = ContentType.objects.get_for_model(model)
        if role in CAPACITIES_BY_ROLE:
            # Handling-unit and partner users act for their own body only: what it owns itself and what is
            # shared with it in their capacity — never the subtree (a provincial CPPCC partner must not see
            # every city record below it).
            shares = Share.objects.filter(
                content_type=ct, organisation=org, capacity__in=CAPACITIES_BY_ROLE[role]
            )
            return self.filter(Q(owner_org=org) | Q(pk__in=shares.values("object_id")))
        shares = Share.objects.filter(content_type=ct, organisation__path__startswith=org.path)
        return self.filter(Q(owner_org__path__startswith=org.path) | Q(pk__in=shares.values("object_id")))


class OwnedModel(TimeStampedModel):
    """Abstract base of every domain record: an owning organisation, optional shares, visibility.

    Subclasses list `person_lookups`: ORM paths from the record to a `members.Person` (e.g.
    "invitations__person"), so members and advisors see the records that concern them.
    """

    owner_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="所属机构"
    )

    person_lookups: tuple[str, ...] = ()

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def person_q(cls, user) -> Q:
        person_id = getattr(getattr(user, "person", None), "pk", None) if _has_person(user) else None
        if person_id is None:
            return Q(pk__in=[])
        if _fans_out(cls):
            # A lookup across a to-many relation (co-signers, invitations) as a join would repeat rows (so
            # DISTINCT over every column) and, OR-ed with the others, make the database join the whole table
            # before filtering (a member's proposals at city scale: 47 ms). As `pk IN (… UNION ALL …)` each
            # part is read off its own index from the person, and no row repeats (6 ms).
            parts = [
                cls._default_manager.filter(**{lookup: person_id}).order_by().values("pk")
                for lookup in cls.person_lookups
            ]
            return Q(pk__in=parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
        q = Q()
        for lookup in cls.person_lookups:
            q |= Q(**{lookup: person_id})
        return q

    def shares(self):
        return Share.objects.filter(
            content_type=ContentType.objects.get_for_model(type(self)), object_id=self.pk
        ).select_related("organisation")


@functools.cache
def _fans_out(model) -> bool:
    """Whether any of `model.person_lookups` crosses a to-many relation (so a join can repeat a row)."""
    for lookup in model.person_lookups:
        current = model
        for part in lookup.split("__"):
            field = current._meta.get_field(part)
            if field.many_to_many or field.one_to_many:
                return True
            current = field.related_model
    return False


def _has_person(user) -> bool:
    try:
        return user.person is not None
    except Exception:  # RelatedObjectDoesNotExist: a member login not yet linked to a person record
        return False
