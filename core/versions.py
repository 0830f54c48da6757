"""Lost-update detection for edit forms: a form remembers the version of the record it was opened on, and
saving refuses when someone else changed the record since, saying who changed which fields and when.

The version is the id of the record's newest simple-history row (every domain model keeps its history, and
every save writes one), so no column is added anywhere and the history says what changed. A form carries it
in a hidden `version` field (`core.forms.VersionField`); the view calls `check_version(obj, version)` in the
transaction that saves. After a refusal the form shows the newest version, so saving again — deliberately —
keeps the user's text.
"""

from django.utils import timezone

from .errors import DomainError


class EditConflict(DomainError):
    """The record changed since the form was opened; `version` is the newest one."""

    status_code = 409

    def __init__(self, message: str, *, version: str):
        super().__init__(message, code="conflict")
        self.version = version


def version_of(obj) -> str:
    """The version a form opened now would carry ("0" for a record without history yet)."""
    newest = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return str(newest or 0)


def check_version(obj, version: str | None) -> None:
    """Raise EditConflict when `obj` changed after `version`. Locks the row until the caller's transaction
    ends, so no save can slip in between the check and the caller's own save. An empty version (a door
    without the hidden field, e.g. the API) is not checked."""
    if not version:
        return
    type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True).first()
    current = version_of(obj)
    if current == str(version):
        return
    try:
        since = int(version)
    except ValueError:
        since = 0
    raise EditConflict(_what_changed(obj, since), version=current)


def _what_changed(obj, since: int) -> str:
    rows = list(
        obj.history.filter(history_id__gt=since).select_related("history_user").order_by("history_id")
    )
    fields, people = [], []
    for row in rows:
        previous = row.prev_record
        if previous is not None:
            for name in row.diff_against(previous).changed_fields:
                label = str(obj._meta.get_field(name).verbose_name)
                if label not in fields:
                    fields.append(label)
        who = row.history_user.display_name if row.history_user else "系统"
        if who not in people:
            people.append(who)
    when = timezone.localtime(rows[-1].history_date).strftime("%m-%d %H:%M") if rows else ""
    what = f"修改了：{'、'.join(fields)}" if fields else "修改了此记录"
    return (
        f"您打开此页后，{'、'.join(people) or '他人'}于 {when} {what}。您的修改尚未保存，以免覆盖；"
        "请核对后再次保存（将以本页内容为准），或重新打开此页查看最新内容。"
    )


def keep_version_of_conflict(form, exc: Exception) -> None:
    """After an EditConflict the re-shown form carries the newest version, so saving it again is the user's
    deliberate choice to keep their text. Other errors leave the form as it was."""
    if isinstance(exc, EditConflict):
        form.data = form.data.copy()
        form.data["version"] = exc.version
