"""What citizens' ideas keep only for a while (core.retention)."""

from core import retention

from .models import END_STATES, Idea


@retention.register("citizen_contacts", label="已办结百姓提案的提出人联系方式", default_days=365)
def _citizen_contacts(cutoff, dry_run):
    """A year after an idea ended, the citizen's phone and e-mail are blanked (the idea and its outcome stay)."""
    old = Idea.objects.filter(status__in=END_STATES, closed_at__lt=cutoff).exclude(
        citizen_phone="", citizen_email=""
    )
    if dry_run:
        return old.count()
    return old.update(citizen_phone="", citizen_email="")
