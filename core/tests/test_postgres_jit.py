"""PostgreSQL connections run without JIT compilation (tongxin/settings/base.py): the visibility filters make the
planner's cost estimates large enough to JIT-compile 15 ms queries for 100 ms (province scale, docs/benchmarks.md)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_apps_connections_do_not_jit_compile():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
