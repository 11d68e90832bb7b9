"""The settings file: production refuses unsafe defaults and passes `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import envbool, envint, envlist

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "crosswalk.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://crosswalk.example.org",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The test process allows async-unsafe ORM use for browser tests; production must not.
    dropped = {*PRODUCTION, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_envbool_reads_yes_and_no_words_and_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("CW_FLAG", "Yes")
    assert envbool("CW_FLAG", "false") is True
    monkeypatch.setenv("CW_FLAG", "off")
    assert envbool("CW_FLAG", "true") is False
    monkeypatch.setenv("CW_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="CW_FLAG must be true or false"):
        envbool("CW_FLAG", "false")


def test_envint_rejects_a_non_number(monkeypatch):
    monkeypatch.setenv("CW_NUMBER", "12x")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("CW_NUMBER", "1")


def test_envlist_drops_blanks(monkeypatch):
    monkeypatch.setenv("CW_LIST", "a.example, ,b.example,")
    assert envlist("CW_LIST", "") == ["a.example", "b.example"]


@pytest.mark.parametrize(("pool", "pooled"), [("true", True), ("false", False)])
def test_postgresql_connections_come_from_a_pool_unless_switched_off(pool, pooled):
    script = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print('pool' in d.get('OPTIONS', {}), d['CONN_MAX_AGE'])"
    )
    url = "postgres://crosswalk@db.example.org:5432/crosswalk"
    result = _manage(
        "shell", "-v", "0", "-c", script, DATABASE_URL=url, DB_POOL=pool, DB_CONN_MAX_AGE="60"
    )
    assert result.returncode == 0, result.stderr
    # A pool keeps the connections itself: Django must not also keep them per thread.
    assert result.stdout.split() == (["True", "0"] if pooled else ["False", "60"])


@pytest.mark.parametrize(("value", "expected"), [("", "50000"), ("12000", "12000"), ("0", "700")])
def test_the_collector_looks_at_young_objects_as_often_as_configured(value, expected):
    # Applied when the apps are ready (valuestreams/apps.py); 0 keeps Python's default.
    code = "import django, gc; django.setup(); print(gc.get_threshold()[0])"
    env = {k: v for k, v in os.environ.items() if k != "GC_YOUNG_THRESHOLD"}
    if value:
        env["GC_YOUNG_THRESHOLD"] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
