"""Fixtures for the analysis tests: demo maps stored through the real import service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import
from valuestreams.models import Map

DEMO_DIR = Path(__file__).resolve().parents[3] / "valuestreams" / "demo"


def import_demo(workspace: Any, name: str, based_on: Map | None = None) -> Map:
    """Store one of the demo maps in `workspace` and return it."""
    with open(DEMO_DIR / f"{name}.json", encoding="utf-8") as handle:
        document = parse_document(json.load(handle))
    return map_import(workspace=workspace, document=document, based_on=based_on)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty analysis cache (map ids repeat between tests)."""
    cache.clear()


@pytest.fixture
def onboarding(workspace: Any) -> Map:
    return import_demo(workspace, "onboarding_current")


@pytest.fixture
def onboarding_future(workspace: Any, onboarding: Map) -> Map:
    return import_demo(workspace, "onboarding_future", based_on=onboarding)
