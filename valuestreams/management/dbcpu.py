"""The database server's own CPU time, for the benchmarks.

A benchmark's CPU time (`time.process_time`) leaves out the work PostgreSQL
does for it (parsing COPY, index inserts, planning and running queries), and
its wall clock on a shared machine also counts everyone else's turns. When the
server runs on this machine, Linux shows the CPU time of the backend process
that serves our connection in /proc; the benchmarks report it beside their own.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.db import connection


def database_cpu_seconds() -> float | None:
    """CPU seconds (user + system) used so far by the server process of our connection.

    None when the database is not PostgreSQL or its process is not readable here
    (another machine, another container).
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    try:
        stat = Path(f"/proc/{row[0]}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name in parentheses: utime and stime are 14th and
    # 15th of the whole line, in clock ticks.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
