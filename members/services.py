"""Writes to persons, terms, roles and their linked records. Keeps `search_text` and `sort_name` true
(either script, pinyin, romanised name), encrypts protected values and maintains their blind indexes."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.crypto import blind_index
from core.errors import DomainError
from core.sensitive import log_reveal
from core.text import normalise, search_form
from organisations.models import Organisation, OrgKind

from .identity import normalise_document, normalise_phone
from .models import (
    AssociationPosition,
    CommitteeMembership,
    CommitteePosition,
    DatePrecision,
    DocumentKind,
    Gender,
    IdentityDocument,
    ImportBatch,
    ImportSource,
    Party,
    Person,
    Phone,
    PhoneKind,
    Region,
    Sector,
    Tag,
    Term,
    TermRole,
    TermRoleKind,
)


def person_search_text(person: Person) -> str:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(person.name or "")
    return search_form(
        person.name, person.romanised_name, "".join(syllables), "".join(s[:1] for s in syllables)
    )


def person_sort_name(person: Person) -> str:
    """Pinyin of the name, so the roster sorts 陈 before 何 as people expect."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(normalise(person.name)))[:200]


# Plain fields a service call may set on a person (besides name, region, gender, romanised_name, user).
DETAIL_FIELDS = (
    "birth_date",
    "birth_precision",
    "sector",
    "party",
    "employer",
    "titles",
    "email",
    "address",
    "notes",
)
# Linked values a service call may replace as a whole.
LINKED_FIELDS = ("tags", "phones", "documents")
EDITABLE_FIELDS = ("name", "romanised_name", "gender", "region", "owner_org", *DETAIL_FIELDS, *LINKED_FIELDS)


def _validate(person: Person) -> None:
    if not (person.name or "").strip():
        raise DomainError("请填写姓名。", field="name")
    if person.region not in Region.values:
        raise DomainError("地区不正确。", field="region")
    if person.gender not in Gender.values:
        raise DomainError("性别不正确。", field="gender")
    if person.party not in Party.values:
        raise DomainError("党派不正确。", field="party")
    if person.birth_precision not in DatePrecision.values:
        raise DomainError("出生日期精度不正确。", field="birth_date")
    if person.birth_date is not None:
        if not isinstance(person.birth_date, dt.date):
            raise DomainError("出生日期不正确。", field="birth_date")
        if person.birth_date > timezone.localdate() or person.birth_date.year < 1900:
            raise DomainError(f"出生日期“{person.birth_date}”不合理。", field="birth_date")
    if person.email:
        try:
            validate_email(person.email)
        except ValidationError:
            raise DomainError(f"电子邮箱“{person.email}”格式不正确。", field="email")


def _apply(person: Person, changes: dict) -> dict:
    """Set plain fields on the instance; return the linked values (tags, phones, documents) to write after save."""
    linked = {k: changes.pop(k) for k in LINKED_FIELDS if k in changes}
    unknown = set(changes) - set(EDITABLE_FIELDS) - {"user"}
    if unknown:
        raise DomainError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if key == "sector" and value is not None and not isinstance(value, Sector):
            value = sector_for_name(str(value)) if str(value).strip() else None
        setattr(person, key, value)
    _validate(person)
    person.search_text = person_search_text(person)
    person.sort_name = person_sort_name(person)
    return linked


def _write_linked(person: Person, linked: dict) -> None:
    if "tags" in linked:
        person.tags.set([t if isinstance(t, Tag) else tag_for_name(t) for t in linked["tags"] if t])
    if "phones" in linked:
        person_set_phones(person=person, phones=linked["phones"])
    if "documents" in linked:
        for doc in linked["documents"]:
            person_set_document(person=person, **doc)


@transaction.atomic
def person_create(
    *,
    actor,
    owner_org,
    name: str,
    region: str = Region.HONG_KONG,
    gender: str = Gender.UNKNOWN,
    romanised_name: str = "",
    user=None,
    check: bool = True,
    **details,
) -> Person:
    """Create a person record with optional details (see DETAIL_FIELDS, LINKED_FIELDS).

    Checks `can(actor, "create", Person)` unless `check=False` (demo, importer after its own check).
    Phones and document numbers are validated by shape and stored encrypted; nothing is written on error.
    """
    if check:
        permissions.require(actor, "create", Person)
    person = Person(owner_org=owner_org, user=user)
    linked = _apply(
        person,
        {"name": name, "region": region, "gender": gender, "romanised_name": romanised_name or "", **details},
    )
    person.save()
    _write_linked(person, linked)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, check: bool = True, **changes) -> Person:
    """Change a person's fields and (when given) replace tags, phones or documents. Locks the row."""
    if check:
        permissions.require(actor, "edit", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_anonymised:
        raise DomainError("该人员已删除（已匿名化），不能修改。")
    linked = _apply(person, dict(changes))
    person.save()
    _write_linked(person, linked)
    return person


def person_set_phones(*, person: Person, phones: Iterable) -> list[Phone]:
    """Replace a person's phones. Items: "+852 9123 4567", "+1 604 555 0123", "13812345678" or dicts
    {number, kind?, country_code?}; each read by core.phones in the person's region and stored in E.164."""
    made = []
    seen = set()
    for item in phones:
        if isinstance(item, dict):
            text, kind = item.get("number", ""), item.get("kind") or PhoneKind.MOBILE
            code_given = item.get("country_code") or ""
        else:
            text, kind, code_given = item, PhoneKind.MOBILE, ""
        if not str(text or "").strip():
            continue
        text = str(text).strip()
        if code_given.startswith("+") and not text.startswith(("+", "00")):
            text = f"{code_given} {text}"
        code, number = normalise_phone(text, person.region)
        if kind not in PhoneKind.values:
            raise DomainError("电话类别不正确。", field="phones")
        if (code, number) in seen:
            continue
        seen.add((code, number))
        made.append(
            Phone(
                owner_org_id=person.owner_org_id,
                person=person,
                kind=kind,
                country_code=code,
                number=number,
                number_index=blind_index(number),
                is_primary=not made,
            )
        )
    Phone.objects.filter(person=person).delete()
    for phone in made:
        phone.save()
    return made


def person_set_document(
    *, person: Person, kind: str, number: str, expiry_date: dt.date | None = None
) -> IdentityDocument | None:
    """Record (or replace) the person's document of this type. An empty number removes it.

    Refuses a number of the wrong shape, and a number already recorded for another person.
    """
    if not str(number or "").strip():
        IdentityDocument.objects.filter(person=person, kind=kind).delete()
        return None
    canonical = normalise_document(kind, number)
    index = blind_index(canonical)
    other = (
        IdentityDocument.objects.filter(number_index=index, kind=kind)
        .exclude(person=person)
        .select_related("person")
        .first()
    )
    if other is not None:
        raise DomainError(
            f"{DocumentKind(kind).label}号码已登记在“{other.person.name}”名下，请核对或合并重复人员。",
            field="document_number",
        )
    doc = IdentityDocument.objects.filter(person=person, kind=kind).first() or IdentityDocument(
        person=person, kind=kind, owner_org_id=person.owner_org_id
    )
    doc.number = canonical
    doc.number_index = index
    doc.expiry_date = expiry_date
    doc.save()
    return doc


def sector_for_name(name: str) -> Sector:
    """The sector of this name (either script), created when new."""
    norm = normalise(name)
    for sector in Sector.objects.all():
        if normalise(sector.name) == norm:
            return sector
    return Sector.objects.create(name=name.strip())


def tag_for_name(name: str) -> Tag:
    norm = normalise(name)
    for tag in Tag.objects.filter(name__iexact=name.strip()) or Tag.objects.all():
        if normalise(tag.name) == norm:
            return tag
    return Tag.objects.create(name=name.strip()[:40])


@transaction.atomic
def term_create(
    *,
    actor,
    cppcc: Organisation,
    number: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    is_current: bool = True,
    check: bool = True,
) -> Term:
    """A term (届) of a CPPCC; five years unless `end_date` says otherwise. A current term makes the CPPCC's
    other terms not current. Checks `can(actor, "create", Term)` unless `check=False` (first-run command)."""
    if check:
        permissions.require(actor, "create", Term)
    if cppcc.kind != OrgKind.CPPCC:
        raise DomainError("届次只能属于政协。", field="cppcc")
    if not number or number < 1:
        raise DomainError("届次编号应为正整数。", field="number")
    if end_date is None:
        end_date = start_date.replace(year=start_date.year + 5) - dt.timedelta(days=1)
    if end_date <= start_date:
        raise DomainError("结束日期应晚于开始日期。", field="end_date")
    if Term.objects.filter(cppcc=cppcc, number=number).exists():
        raise DomainError(f"{cppcc}已有第 {number} 届。", field="number")
    if is_current:
        Term.objects.filter(cppcc=cppcc, is_current=True).update(is_current=False)
    return Term.objects.create(
        cppcc=cppcc, number=number, start_date=start_date, end_date=end_date, is_current=is_current
    )


def term_role_add(*, person: Person, term: Term, role: str) -> TermRole:
    if role not in TermRoleKind.values:
        raise DomainError("届内身份不正确。", field="role")
    term_role, _ = TermRole.objects.get_or_create(person=person, term=term, role=role)
    return term_role


def committee_membership_set(
    *, person: Person, committee: Organisation, term: Term | None, position: str = CommitteePosition.MEMBER
) -> CommitteeMembership:
    """Record the person's position in a special committee for a term (idempotent)."""
    if committee.kind != OrgKind.COMMITTEE:
        raise DomainError(f"“{committee.name}”不是专门委员会。", field="committee")
    if position not in CommitteePosition.values:
        raise DomainError("专门委员会职务不正确。", field="position")
    membership, _ = CommitteeMembership.objects.update_or_create(
        person=person,
        committee=committee,
        term=term,
        defaults={"position": position, "owner_org_id": person.owner_org_id},
    )
    return membership


def association_position_add(
    *,
    person: Person,
    organisation: Organisation,
    title: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> AssociationPosition:
    """Record a position in an association (idempotent on person + organisation + title)."""
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写社团职务。", field="title")
    if start_date and end_date and end_date < start_date:
        raise DomainError("结束日期不能早于起始日期。", field="end_date")
    position, _ = AssociationPosition.objects.update_or_create(
        person=person,
        organisation=organisation,
        title=title,
        defaults={"start_date": start_date, "end_date": end_date, "owner_org_id": person.owner_org_id},
    )
    return position


SENSITIVE_FIELDS = {"documents": "证件号码", "phones": "电话", "address": "通讯地址"}


def person_reveal(*, actor, person: Person, field: str, ip: str | None = None) -> dict:
    """Show the clear value of a protected field: checks `reveal_sensitive`, logs who saw whose what, when."""
    permissions.require(actor, "reveal_sensitive", person)
    if field not in SENSITIVE_FIELDS:
        raise DomainError("不能查看该字段。")
    log_reveal(user=actor, obj=person, field=field, ip=ip)
    if field == "documents":
        return {d.kind: d.number for d in person.documents.all()}
    if field == "phones":
        return {p.pk: p.display for p in person.phones.all()}
    return {"address": person.address}


@transaction.atomic
def person_delete(*, actor, person: Person) -> Person:
    """Delete a person the PIPL way: personal data is erased (including its change history), the row stays
    as "已删除人员N" so statistics (roles, attendance, proposals) keep counting.

    Also erased: the person's login (`accounts.services.user_anonymise`: name, e-mail, password, tokens, second
    factors, history), their notifications, the name in the sensitive-data access log (rows kept, relabelled),
    and what other apps hold about the person in free text (their `person_erase(person)` hook)."""
    from accounts.services import user_anonymise
    from core.hooks import collect
    from core.models import SensitiveAccessLog
    from notifications.services import notifications_erase

    permissions.require(actor, "delete", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_anonymised:
        return person
    if person.user_id:
        notifications_erase(user=person.user)
        user_anonymise(user=person.user)
    collect("person_erase", person)
    SensitiveAccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=person.pk
    ).update(subject_label=f"已删除人员{person.pk}")
    Phone.objects.filter(person=person).delete()
    IdentityDocument.objects.filter(person=person).delete()
    for model in (Phone, IdentityDocument):
        model.history.filter(person_id=person.pk).delete()
    Person.history.filter(id=person.pk).delete()
    if person.photo:
        person.photo.delete(save=False)
    person.tags.clear()
    person.name = f"已删除人员{person.pk}"
    person.romanised_name = ""
    if person.birth_date:  # keep the year for age statistics, nothing finer
        person.birth_date = dt.date(person.birth_date.year, 1, 1)
        person.birth_precision = DatePrecision.YEAR
    person.employer = person.titles = person.email = person.address = person.notes = ""
    person.photo = ""
    person.user = None
    person.search_text = ""
    person.sort_name = "~"
    person.anonymised_at = timezone.now()
    person.save()
    return person


@transaction.atomic
def person_merge(*, actor, keep: Person, drop: Person) -> Person:
    """Merge duplicate `drop` into `keep`, in one transaction.

    Every ForeignKey / OneToOne / ManyToMany pointing to Person, found through `Person._meta.related_objects`
    (so records other apps add later move too), is re-pointed to `keep`. A linked row that would clash with
    a unique constraint (e.g. the same role in the same term on both) is a duplicate of a row `keep` already
    has and is dropped. Blank fields of `keep` are filled from `drop`; tags are united; then `drop` is deleted.
    """
    permissions.require(actor, "merge", keep)
    permissions.require(actor, "merge", drop)
    if keep.pk == drop.pk:
        raise DomainError("不能把人员与其自身合并。")
    keep, drop = (
        Person.objects.select_for_update().get(pk=keep.pk),
        Person.objects.select_for_update().get(pk=drop.pk),
    )
    if keep.is_anonymised or drop.is_anonymised:
        raise DomainError("已删除（匿名化）的人员不能合并。")
    for rel in Person._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            name = rel.field.m2m_reverse_field_name()
        else:
            through = rel.related_model
            name = rel.field.name
        _move_rows(through, name, drop, keep)
    for tag in drop.tags.all():
        keep.tags.add(tag)
    if drop.user_id and not keep.user_id:
        user = drop.user
        drop.user = None
        drop.save(update_fields=["user"])
        keep.user = user
    for field in ("romanised_name", "gender", "birth_date", "sector", "party", "employer", "titles", "email"):
        if not getattr(keep, field) and getattr(drop, field):
            setattr(keep, field, getattr(drop, field))
            if field == "birth_date":
                keep.birth_precision = drop.birth_precision
    if not keep.address and drop.address:
        keep.address = drop.address
    if drop.notes:
        keep.notes = "\n".join(n for n in (keep.notes, drop.notes) if n)
    keep.search_text = person_search_text(keep)
    keep.sort_name = person_sort_name(keep)
    keep.save()
    drop.delete()
    return keep


def _move_rows(model, field_name: str, drop: Person, keep: Person) -> None:
    manager = model._base_manager
    if not manager.filter(**{field_name: drop}).exists():
        return
    try:
        with transaction.atomic():
            manager.filter(**{field_name: drop}).update(**{field_name: keep})
        return
    except IntegrityError:
        pass
    for pk in manager.filter(**{field_name: drop}).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                manager.filter(pk=pk).update(**{field_name: keep})
        except IntegrityError:
            manager.filter(pk=pk).delete()


@transaction.atomic
def person_set_photo(*, actor, person: Person, upload) -> Person:
    """Store a photo (validated and re-encoded by core.uploads, so EXIF/GPS is dropped)."""
    from core.uploads import IMAGE, validate_upload

    permissions.require(actor, "edit", person)
    clean = validate_upload(upload, kinds=(IMAGE,), max_bytes=5 * 1024 * 1024)
    if person.photo:
        person.photo.delete(save=False)
    person.photo.save(f"{person.pk}-{clean.name}", clean, save=True)
    return person


@transaction.atomic
def import_batch_create(*, actor, upload, term: Term | None) -> ImportBatch:
    """Store an uploaded roster for preview. Refuses what is not a readable .xlsx before storing it."""
    from core.uploads import EXCEL, validate_upload

    from .importer import MAX_BYTES, read_rows

    permissions.require(actor, "import", Person)
    if actor.organisation is None:
        raise DomainError("您的账号没有所属机构，不能导入名册。")
    upload = validate_upload(upload, kinds=(EXCEL,), max_bytes=MAX_BYTES)
    data = upload.read()
    read_rows(data, upload.name)  # refuse corrupted, protected, empty or oversized workbooks before storing
    batch = ImportBatch(owner_org=actor.organisation, created_by=actor, filename=upload.name[:200], term=term)
    batch.file.save(f"roster-{timezone.now():%Y%m%d%H%M%S}.xlsx", _content(data), save=False)
    batch.save()
    return batch


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def import_batch_commit(
    *, actor, batch, mapping: dict[int, str] | None = None, skip_errors: bool = False
) -> dict:
    """Analyse the stored file again (with the mapping staff confirmed) and write it in one transaction.
    Afterwards the file is deleted (personal data is kept only where it belongs) and the summary recorded."""
    from .importer import analyse, commit

    permissions.require(actor, "import", Person)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.committed_at is not None:
            raise DomainError("这份名册已经导入过了。")
        data = batch.file.read() if batch.file else b""
        analysis = analyse(data, user=actor, term=batch.term, filename=batch.filename, mapping=mapping)
        counts = commit(analysis, user=actor, owner_org=batch.owner_org, skip_errors=skip_errors)
        batch.committed_at = timezone.now()
        batch.summary = counts
        batch.file.delete(save=False)
        batch.save()
    return counts


def roster_import(
    *,
    actor,
    data: bytes,
    filename: str,
    owner_org,
    term: Term | None,
    mapping: dict[int, str] | None = None,
    dry_run: bool = True,
    skip_errors: bool = False,
    progress=None,
    source: str = ImportSource.API,
):
    """The importer's one door for the API and the command line: analyse, and unless `dry_run`, commit
    atomically. Returns (analysis, counts or None). Raises ImportRefused / DomainError with a Chinese message;
    nothing is written when it raises."""
    from .importer import analyse

    analysis = analyse(data, user=actor, term=term, filename=filename, mapping=mapping, progress=progress)
    if dry_run:
        return analysis, None
    return analysis, roster_import_commit(
        actor=actor,
        analysis=analysis,
        owner_org=owner_org,
        skip_errors=skip_errors,
        progress=progress,
        source=source,
    )


def roster_import_commit(
    *, actor, analysis, owner_org, skip_errors: bool = False, progress=None, source: str = ImportSource.API
) -> dict:
    """Write an analysed roster (all or nothing) and leave the same import record as the page (who, when,
    which file, the counts, through which door; no file is kept)."""
    from .importer import commit

    with transaction.atomic():
        counts = commit(analysis, user=actor, owner_org=owner_org, skip_errors=skip_errors, progress=progress)
        ImportBatch.objects.create(
            owner_org=owner_org,
            created_by=actor,
            source=source,
            filename=analysis.filename[:200],
            term=analysis.term,
            committed_at=timezone.now(),
            summary=counts,
        )
    return counts
