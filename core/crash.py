"""Crash points for the crash-consistency tests (issue 11, guard 5).

`TONGXIN_CRASH_AT=name` (or `name:n`) makes the n-th arrival (default the first) at `point(name)` kill this very
process with SIGKILL — no `finally`, no `atexit`, no rollback by Python: what a power cut or the OOM killer does.
The tests run a real command in a subprocess with it, then check that the database holds no half-written data and
that re-running completes the work. Unset (always, outside those tests) a point costs one global lookup.
"""

import os
import signal

_TARGET = os.environ.get("TONGXIN_CRASH_AT", "")
_NAME, _, _NTH = _TARGET.partition(":")
_seen = 0


def point(name: str) -> None:
    """Mark a place where a crash must leave the data consistent; the tests may die here."""
    global _seen
    if not _TARGET or name != _NAME:
        return
    _seen += 1
    if _seen >= int(_NTH or 1):
        os.kill(os.getpid(), signal.SIGKILL)
