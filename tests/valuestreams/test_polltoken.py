"""The poll token: signed, for one user, one map and one session, for a few hours."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import signing

from tests.factories import map_with_steps
from valuestreams.polltoken import (
    MAX_AGE_SECONDS,
    SALT,
    PollGrant,
    poll_token,
    read_poll_token,
)
from valuestreams.services import map_touch

from .editor_helpers import HTMX, client_for, url

SESSION = "k" * 32


def test_a_token_names_its_user_and_map() -> None:
    token = poll_token(user_id=12, map_id=34, session_key=SESSION)

    assert read_poll_token(token, session_key=SESSION) == PollGrant(user_id=12, map_id=34)


def test_a_token_does_not_show_the_session_key() -> None:
    assert SESSION not in poll_token(user_id=1, map_id=2, session_key=SESSION)


def test_a_token_of_another_session_is_refused() -> None:
    token = poll_token(user_id=12, map_id=34, session_key=SESSION)

    assert read_poll_token(token, session_key="x" * 32) is None


def test_a_changed_token_is_refused() -> None:
    token = poll_token(user_id=12, map_id=34, session_key=SESSION)
    other_user = token.replace("12.34.", "13.34.", 1)

    assert other_user != token
    assert read_poll_token(other_user, session_key=SESSION) is None
    assert read_poll_token(token[:-1], session_key=SESSION) is None
    assert read_poll_token("", session_key=SESSION) is None


def test_a_value_signed_for_another_purpose_is_refused() -> None:
    token = poll_token(user_id=12, map_id=34, session_key=SESSION)
    value = token.rsplit(":", 2)[0]
    elsewhere = signing.TimestampSigner(salt="another.purpose").sign(value)

    assert read_poll_token(elsewhere, session_key=SESSION) is None


class _Past(signing.TimestampSigner):
    """Signs as if it were MAX_AGE_SECONDS and a minute ago."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - MAX_AGE_SECONDS - 60)


def test_an_old_token_is_refused_a_fresh_one_of_the_same_value_is_not() -> None:
    value = poll_token(user_id=12, map_id=34, session_key=SESSION).rsplit(":", 2)[0]
    old = _Past(salt=SALT).sign(value)
    fresh = signing.TimestampSigner(salt=SALT).sign(value)

    assert read_poll_token(old, session_key=SESSION) is None
    assert read_poll_token(fresh, session_key=SESSION) == PollGrant(12, 34)


# -- the pages that poll, and Django's poll view ---------------------------------------


def _poll_url(page: str) -> str:
    found = re.search(r'id="diagram"[^>]*?hx-get="([^"]+)"', page, re.S)
    assert found is not None
    return html.unescape(found.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["map_editor", "map_present"])
def test_the_live_pages_poll_with_a_token_for_the_reader_and_map(workspace, viewer, page) -> None:
    map_obj, _steps = map_with_steps(workspace)
    client = client_for(viewer)

    poll = _poll_url(client.get(url(page, map_obj)).content.decode())

    query = parse_qs(urlsplit(poll).query)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert urlsplit(poll).path == url("map_poll", map_obj)
    assert query["version"] == [str(map_obj.version)]
    assert read_poll_token(query["t"][0], session_key=session) == PollGrant(viewer.pk, map_obj.pk)


@pytest.mark.django_db
def test_a_changed_poll_answer_carries_a_fresh_token(workspace, viewer) -> None:
    map_obj, _steps = map_with_steps(workspace)
    client = client_for(viewer)
    poll = _poll_url(client.get(url("map_editor", map_obj)).content.decode())
    map_touch(map_id=map_obj.pk)

    answer = client.get(poll, headers=HTMX)

    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    fresh = parse_qs(urlsplit(_poll_url(answer.content.decode())).query)
    assert answer.status_code == 200
    assert fresh["version"] == [str(map_obj.version + 1)]
    assert read_poll_token(fresh["t"][0], session_key=session) == PollGrant(viewer.pk, map_obj.pk)


@pytest.mark.django_db
def test_django_answers_a_poll_the_same_with_or_without_a_token(
    workspace, viewer, outsider, django_assert_num_queries
) -> None:
    map_obj, _steps = map_with_steps(workspace)
    client = client_for(viewer)
    poll = _poll_url(client.get(url("map_editor", map_obj)).content.decode())

    with django_assert_num_queries(3):
        assert client.get(poll, headers=HTMX).status_code == 204
    # Django never trusts the token: someone else's session gets the usual 404.
    assert client_for(outsider).get(poll, headers=HTMX).status_code == 404
