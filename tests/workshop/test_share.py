"""Share links: read-only map page and presentation for anyone with the link, nothing else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from departments.models import token_digest
from valuestreams.services import map_touch
from workshop.models import ShareLink
from workshop.services import share_link_create

from ..factories import MapFactory, UserFactory, map_with_steps
from ..test_foreign_workspace import ROUTES, build_world, kwargs_for

pytestmark = pytest.mark.django_db

SHARE_VIEWS = ["share_map", "share_present", "share_poll"]


@pytest.fixture
def shared(workspace):
    map_obj, _steps = map_with_steps(workspace, name="Permit request")
    _link, token = share_link_create(map_obj=map_obj, days=None)
    return map_obj, token


def test_a_facilitator_makes_a_link_shown_once_and_stored_as_a_digest(
    client, facilitator, workspace
):
    map_obj, _ = map_with_steps(workspace)
    client.force_login(facilitator)

    response = client.post(
        reverse("share_list", args=[workspace.slug, map_obj.pk]), {"label": "Council", "days": 2}
    )

    url = re.search(r'value="(http://testserver/s/[^"]+)"', response.content.decode())[1]
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = ShareLink.objects.get()
    assert link.token_hash == token_digest(token)
    assert len(token) >= 40
    assert link.expires_at - timezone.now() > timedelta(days=1, hours=23)
    listing = client.get(reverse("share_list", args=[workspace.slug, map_obj.pk]))
    assert token not in listing.content.decode()
    assert client.logout() is None
    assert client.get(url).status_code == 200


def test_bad_lifetime_is_refused_with_a_message(client, facilitator, workspace):
    map_obj, _ = map_with_steps(workspace)
    client.force_login(facilitator)

    response = client.post(reverse("share_list", args=[workspace.slug, map_obj.pk]), {"days": "-3"})

    assert "Please correct the errors below." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_shared_page_shows_the_map_and_no_names_and_is_not_indexed(
    client, workspace, owner, shared
):
    _map_obj, token = shared
    MapFactory(workspace=workspace, name="Secret reorganisation")
    UserFactory(username="jansen-hr")
    owner.first_name = "Ingrid"
    owner.save()

    for name in ("share_map", "share_present"):
        response = client.get(reverse(name, args=[token]))
        body = response.content.decode()
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in body
        assert "Permit request" in body and "<svg" in body and "Ask for it" in body
        for secret in ("Secret reorganisation", "Town hall", "owner", "Ingrid", "jansen-hr"):
            assert secret not in body, (name, secret)
        assert f"/w/{workspace.slug}/" not in body


def test_the_poll_answers_204_while_current_and_the_new_state_after_a_change(client, shared):
    map_obj, token = shared
    url = reverse("share_poll", args=[token])

    assert client.get(url, {"version": map_obj.version}).status_code == 204
    map_touch(map_id=map_obj.pk)
    response = client.get(url, {"version": map_obj.version})

    assert response.status_code == 200
    assert f'data-version="{map_obj.version + 1}"' in response.content.decode()


def test_the_stream_under_wsgi_says_no_push_so_the_page_polls(client, shared):
    assert client.get(reverse("share_stream", args=[shared[1]])).status_code == 204


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_a_dead_link_opens_nothing(client, shared, how):
    _map_obj, token = shared
    link = ShareLink.objects.get()
    if how == "revoked":
        link.revoked_at = timezone.now()
    elif how == "expired":
        link.expires_at = timezone.now() - timedelta(seconds=1)
    else:
        token = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    link.save()

    for name in [*SHARE_VIEWS, "share_stream"]:
        assert client.get(reverse(name, args=[token])).status_code == 404, name


def test_a_facilitator_revokes_a_link(client, facilitator, workspace, shared):
    map_obj, token = shared
    client.force_login(facilitator)

    client.post(
        reverse("share_revoke", args=[workspace.slug, map_obj.pk, ShareLink.objects.get().pk])
    )

    client.logout()
    assert client.get(reverse("share_map", args=[token])).status_code == 404


def test_a_share_link_reaches_nothing_but_its_map(client, workspace, shared):
    """Every workspace URL sends a visitor who holds a share link to the login page."""
    _map_obj, token = shared
    world = build_world(workspace)
    assert client.get(reverse("share_map", args=[token])).status_code == 200

    for route in ROUTES:
        url = reverse(route.name, kwargs=kwargs_for(route, world))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (302, 405), (url, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), url


def test_the_share_views_take_only_a_token():
    share_routes = {r.name: r.kwargs for r in ROUTES if r.name.startswith("share_")}

    assert set(share_routes) == {"share_list", "share_revoke"}
