"""Substring search of a normalised search column (`search_text`, see `core.text.search_form`), served by an
index on PostgreSQL.

A search is "the column contains the query" (`LIKE '%滑板%'`): Chinese has no spaces between words, so a word
index would miss what the user typed. `LIKE '%…%'` reads every row, though — 300,000 proposals of a province in
about 200 ms — and pg_trgm cannot help: its index needs three characters, and two-character searches (滑板, 陈明)
are the common Chinese ones. So on PostgreSQL the large tables get a **bigram index**: an expression GIN index
over `tongxin_bigrams(search_text)`, the text's overlapping two-character pieces (滑板车 → {滑板, 板车}). A text
containing the query contains all of the query's bigrams, so `tongxin_bigrams(col) @> ARRAY[query's bigrams]`
finds a superset of the matches from the index, and the `LIKE` keeps the exact ones. One-character searches (no
bigram) and SQLite (its tables are a city's, where the scan takes a few ms) use the `LIKE` alone.

A table gets the index by a migration calling `create_bigram_index` (PostgreSQL only; it creates the function
too), its model is declared with `register`, and its searches go through `contains_q`.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connections, models
from django.db.models import Func, Q

from core.text import normalise

# COST: the planner evaluates the cheap LIKE first and this only on the rows it kept, when it filters instead of
# reading the index (a few hundred rows in a page's newest-first scan).
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION tongxin_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
  SELECT coalesce(array_agg(substr(t, i, 2)), '{}'::text[]) FROM generate_series(1, char_length(t) - 1) AS i
$$
"""

MAX_QUERY_BIGRAMS = 32

# Tables whose search column has a bigram index (db_table, column): their searches use it on PostgreSQL.
_INDEXED: set[tuple[str, str]] = set()


def bigrams(text: str) -> list[str]:
    """The overlapping two-character pieces of `text`, as `tongxin_bigrams` computes them (sorted, distinct)."""
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


class Bigrams(Func):
    function = "tongxin_bigrams"
    output_field = ArrayField(models.TextField())


class _TextArrayContains(DataContains):
    """`lhs @> rhs::text[]`: the operator the GIN index over the bigram arrays serves."""

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::text[]", (*lhs_params, self.rhs)


def register(model, column: str = "search_text") -> None:
    """Declare that `model.column` has a bigram index (on PostgreSQL): called where the model is defined."""
    _INDEXED.add((model._meta.db_table, column))


def contains_q(model, q: str, *, field: str = "search_text", using: str = "default") -> Q:
    """Rows whose `field` contains the normalised query; with the bigram index where there is one. An empty
    query matches everything."""
    norm = normalise(q)
    if not norm:
        return Q()
    match = Q(**{f"{field}__contains": norm})
    column = model._meta.get_field(field).column
    if (
        len(norm) >= 2
        and (model._meta.db_table, column) in _INDEXED
        and connections[using].vendor == "postgresql"
    ):
        # Any of the query's bigrams narrow to a superset of the matches; a few dozen are plenty (a pasted
        # paragraph would otherwise send thousands to the index).
        match &= Q(_TextArrayContains(Bigrams(field), bigrams(norm)[:MAX_QUERY_BIGRAMS]))
    return match


def create_bigram_index(schema_editor, table: str, column: str = "search_text") -> None:
    """Migration step: the bigram index of `table.column` (PostgreSQL only; SQLite scans)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS_FUNCTION)
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{table}_{column}_bigrams" ON "{table}" '
        f'USING gin (tongxin_bigrams("{column}"))'
    )


def drop_bigram_index(schema_editor, table: str, column: str = "search_text") -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_{column}_bigrams"')
