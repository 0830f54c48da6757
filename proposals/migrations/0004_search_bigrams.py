"""The proposals' search served by an index on PostgreSQL (core.search: a GIN index over the search text's
bigrams); nothing on SQLite."""

from django.db import migrations

from core.search import create_bigram_index, drop_bigram_index

TABLE = "proposals_proposal"


def forwards(apps, schema_editor):
    create_bigram_index(schema_editor, TABLE)


def backwards(apps, schema_editor):
    drop_bigram_index(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0003_proposal_proposal_created")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
