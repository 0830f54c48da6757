"""Background jobs of the archive (django-tasks; the `django_tasks_db` backend in production, run by
`manage.py db_worker`; the immediate backend in tests)."""

from django_tasks import task


@task()
def close_year(run_id: int) -> int:
    """The year-end closing of one `ClosingRun`: every person's archive and PDF, then the ZIP. Returns the
    number of archives. Safe to run again: it continues an unfinished run (see `archives.closing`)."""
    from .closing import closing_run_execute

    return closing_run_execute(run_id=run_id).done
