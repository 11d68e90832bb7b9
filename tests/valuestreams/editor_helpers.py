"""Shared helpers for the editor's view tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from valuestreams.mapdata import forget_kept
from valuestreams.views.editor_live import forget_drawings

HTMX = {"HX-Request": "true"}


def client_for(user: Any) -> Client:
    client = Client()
    # force_login skips password hashing: the e2e tests log in through the form.
    client.force_login(user)
    return client


def url(name: str, map_obj: Any, *args: Any) -> str:
    return reverse(name, args=[map_obj.workspace.slug, map_obj.pk, *args])


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Analysis is cached by (map id, version); test databases reuse ids, so start clean."""
    cache.clear()
    forget_kept()
    forget_drawings()
    yield
    cache.clear()
    forget_kept()
    forget_drawings()


def map_version(map_obj: Any) -> int:
    """The map's version as stored now: what a stage or lane delete must say it saw."""
    from valuestreams.models import Map

    return int(Map.objects.values_list("version", flat=True).get(pk=map_obj.pk))
