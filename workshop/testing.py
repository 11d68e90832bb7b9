"""Serve the project under ASGI (uvicorn) in a child process, for benchmarks and tests.

Django's own live server speaks WSGI, which cannot hold event streams open.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def logged_in_session(user: Any) -> str:
    """The key of a new database session logged in as `user`, for a client's cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to now (the test one in tests)."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@contextmanager
def asgi_server(
    *, workers: int = 1, gunicorn: bool = False, env: dict[str, str] | None = None
) -> Iterator[tuple[str, int, subprocess.Popen[bytes]]]:
    """Start the app on a free loopback port and yield (host, port, process); stop it after."""
    from django.db import connection

    port = free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # A development server on the loopback interface: serves static files itself.
        "DEBUG": "true",
        # Under ASGI every request has a thread of its own: no persistent connections.
        "DB_CONN_MAX_AGE": "0",
        **(env or {}),
    }
    bind = ["127.0.0.1", str(port)]
    if gunicorn:
        command = [
            sys.executable, "-m", "gunicorn", "config.asgi:application",
            "-k", "uvicorn_worker.UvicornWorker", "--workers", str(workers),
            "--bind", ":".join(bind), "--log-level", "warning",
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", bind[0], "--port", bind[1], "--workers", str(workers),
            "--log-level", "warning",
        ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=environ)
    try:
        _wait_until_up(port, process)
        yield "127.0.0.1", port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        # A redirect is an answer too (to HTTPS, say, behind a TLS proxy): not followed.
        return None


_PROBE = urllib.request.build_opener(_NoRedirects)


def _wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            # Any HTTP answer means the app is up; a page without templates keeps
            # a production-like server (no collected static files) quiet.
            _PROBE.open(f"http://127.0.0.1:{port}/up-probe/", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("the server did not start")
