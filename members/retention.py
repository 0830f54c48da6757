"""What the member registry keeps only for a while (core.retention)."""

from core import retention

from .models import ImportBatch


@retention.register("import_files", label="未导入的名册文件", default_days=7)
def _abandoned_roster_files(cutoff, dry_run):
    """A roster uploaded but never imported: the file (names, documents, phones) goes; the row stays as a record
    of who uploaded what. Imported ones are deleted at commit already."""
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(file="")
    if dry_run:
        return old.count()
    count = 0
    for batch in old:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
        count += 1
    return count
