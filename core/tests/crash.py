"""Running a real command in a subprocess that may be killed, against the test database.

PostgreSQL: the subprocess connects to the same test database (the test must use `transaction=True`, so what it
wrote is committed). SQLite: the test database lives in memory, so it is copied to a file for the subprocess
(the online backup API) and copied back afterwards, WAL recovery and all.
"""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
KILLED = -signal.SIGKILL


class SharedDatabase:
    def __init__(self, tmp_path: Path):
        self.file = tmp_path / "shared.sqlite3"

    def _url(self) -> str:
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.file}"
        db = connection.settings_dict
        auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def run(self, *args: str, crash_at: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
        """`manage.py *args` in a new process; `crash_at` names a `core.crash.point` where it is SIGKILLed."""
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()
        else:
            connection.close()
        env = {k: v for k, v in os.environ.items() if k != "TONGXIN_CRASH_AT"}
        env.update(DJANGO_SETTINGS_MODULE="tongxin.settings.test", DATABASE_URL=self._url())
        if crash_at:
            env["TONGXIN_CRASH_AT"] = crash_at
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if connection.vendor == "sqlite":
            source = sqlite3.connect(self.file)  # opening it recovers from the killed writer's WAL
            source.backup(connection.connection)
            source.close()
        return result
