"""Every page, read in Dutch and in German, shows no English text of ours.

Walks every workspace URL (the same walker as the foreign-workspace test), renders
each page as the workspace's owner in nl and de, and compares the visible text
(text nodes and the title, aria-label, placeholder and alt attributes) with the
catalogue's msgids: a text of ours that is shown as its English msgid was either
not marked or not translated.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from departments.models import Membership, Role
from valuestreams.models import MapChange

from .factories import UserFactory
from .test_foreign_workspace import ROUTES, build_world, kwargs_for

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "de"]
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


class _VisibleText(HTMLParser):
    """Text a person sees or hears: text nodes outside scripts, and labelling attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        self.chunks.extend(v for k, v in attrs if k in ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.chunks.append(data)


def visible_text(content: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(content)
    return [" ".join(chunk.split()) for chunk in parser.chunks]


class English:
    """The catalogue's English texts whose translation differs from them, as matchers."""

    def __init__(self, language: str) -> None:
        path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
        self.exact: set[str] = set()
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            pairs = [(entry.msgid, entry.msgstr)]
            if entry.msgid_plural:
                pairs = [
                    (entry.msgid, entry.msgstr_plural.get(0, "")),
                    (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
                ]
            for english, translated in pairs:
                if english != translated:
                    self._add(html.unescape(english.replace("%%", "%")))

    def _add(self, english: str) -> None:
        parts = PLACEHOLDER.split(english)
        if len(parts) == 1:
            self.exact.add(english)
            if len(english.split()) >= 3:
                self.patterns.append((english, re.compile(re.escape(english))))
        elif sum(len(p.strip()) for p in parts) >= 12:
            body = ".+?".join(re.escape(p) for p in parts)
            self.patterns.append((english, re.compile(body)))

    def found_in(self, chunk: str) -> str | None:
        """The msgid that `chunk` shows untranslated, if any."""
        if chunk in self.exact:
            return chunk
        for english, pattern in self.patterns:
            if pattern.search(chunk):
                return english
        return None


@pytest.fixture
def owner_client(client, workspace):
    user = UserFactory.create(username="eigenaar")
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    client.force_login(user)
    return client


def _pages(workspace):
    world = build_world(workspace)
    # The walker's objects are named after their kinds ("Goal"); user data is not ours
    # to translate, so give them names that are no msgid.
    for obj, field in ((world.goal, "title"), (world.improvement, "title"), (world.kpi, "name")):
        setattr(obj, field, "Zaak 7")
        obj.save()
    MapChange.objects.create(map=world.map, code="steps_connected")
    yield reverse("home")
    for route in ROUTES:
        try:
            yield reverse(route.name, kwargs=kwargs_for(route, world))
        except Exception as exc:  # a route the walker cannot fill fails loudly there
            raise AssertionError(f"{route}: {exc}") from exc


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_english_text_of_ours(owner_client, workspace, language):
    english = English(language)
    left: list[str] = []
    pages = 0
    for url in _pages(workspace):
        response = owner_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        content = response.content.decode()
        assert f'<html lang="{language}"' in content or "<html" not in content, url
        for chunk in visible_text(content):
            if (found := english.found_in(chunk)) is not None:
                left.append(f"{url}: {found!r} in {chunk!r}")
    assert pages >= 20, f"only {pages} pages rendered"
    assert not left, f"{len(left)} English texts in {language}:\n" + "\n".join(sorted(set(left)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_is_translated(client, language):
    english = English(language)
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)
    left = [c for c in visible_text(response.content.decode()) if english.found_in(c)]
    assert not left


def test_the_check_finds_english_in_an_english_page(owner_client, workspace):
    # The same matchers, on the English page: proves the check can fail.
    english = English("nl")
    url = reverse("workspace_home", args=[workspace.slug])
    content = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert any(english.found_in(chunk) for chunk in visible_text(content))
