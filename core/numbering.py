"""Numbers given in sequence (立案号, 社情民意编号) without collisions between concurrent requests.

"Highest + 1" read by two transactions at once gives both the same number; on PostgreSQL the second then fails
on the unique constraint (a 500). `next_in_sequence` first locks the row that owns the sequence (the session
of a proposal, the organisation of a report) with SELECT … FOR UPDATE, so requests numbering in the same
sequence queue up; the highest number is read after the lock is granted, when the previous holder has
committed (READ COMMITTED takes a new snapshot per statement), so it is always the latest. The number is read
from the records themselves, so demo, scale and imported data stay in sequence, and a filing that fails rolls
back its number with it: no gap is ever left silently. SQLite serialises writers anyway (IMMEDIATE
transactions); the lock is then a no-op.
"""

from collections.abc import Callable

from django.db import models, transaction


def next_in_sequence(*, owner: models.Model, highest: Callable[[], int]) -> int:
    """The number after `highest()`, with the sequence's `owner` row locked until the caller's transaction
    ends. Must run inside that transaction (the number is stored by the same transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_in_sequence must run inside the transaction that stores the number.")
    list(type(owner)._base_manager.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True))
    return (highest() or 0) + 1
