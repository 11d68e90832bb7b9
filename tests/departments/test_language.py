"""Choosing the language: the person's choice, then the browser, then the workspace default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from departments.language import SESSION_KEY
from departments.models import UserProfile

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def _lang(response):
    text = response.content.decode()
    return text.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_browser_language_decides_when_nobody_chose(client, viewer, workspace):
    client.force_login(viewer)
    url = reverse("workspace_home", args=[workspace.slug])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9,en;q=0.5")
    assert _lang(response) == "de" and response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="fr,nl;q=0.8")) == "nl"


def test_the_switch_beats_the_browser_and_is_kept_in_the_profile(client, viewer, workspace):
    client.force_login(viewer)
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=viewer).language == "nl"
    url = reverse("workspace_home", args=[workspace.slug])
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="de")) == "nl"


def test_the_choice_follows_the_person_to_a_new_login(client, viewer, workspace):
    UserProfile.objects.create(user=viewer, language="de")
    client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD})
    assert client.session[SESSION_KEY] == "de"
    url = reverse("workspace_home", args=[workspace.slug])
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="en")) == "de"


def test_the_workspace_default_applies_when_the_browser_offers_none_of_ours(
    client, viewer, workspace
):
    workspace.language = "nl"
    workspace.save()
    client.force_login(viewer)
    url = reverse("workspace_home", args=[workspace.slug])
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="fr")) == "nl"
    # A browser that asks for one of ours wins over the workspace's default.
    assert _lang(client.get(url, HTTP_ACCEPT_LANGUAGE="de")) == "de"


def test_the_switch_works_before_login_and_refuses_an_unknown_language(client):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/login/"})
    assert response.status_code == 302
    assert _lang(client.get(reverse("login"))) == "de"
    client.post(reverse("set_language"), {"language": "xx", "next": "/login/"})
    assert _lang(client.get(reverse("login"))) == "de"
    assert UserProfile.objects.count() == 0


def test_an_owner_sets_the_workspace_default_language(client, owner, workspace):
    client.force_login(owner)
    page = client.get(reverse("member_list", args=[workspace.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="language"' in page.content.decode()
    url = reverse("workspace_language", args=[workspace.slug])
    response = client.post(url, {"language": "de"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.language == "de"
    client.post(url, {"language": "fr"}, HTTP_ACCEPT_LANGUAGE="en")
    workspace.refresh_from_db()
    assert workspace.language == "de"


def test_only_an_owner_sets_the_default_language(client, facilitator, workspace):
    client.force_login(facilitator)
    url = reverse("workspace_language", args=[workspace.slug])
    assert client.post(url, {"language": "de"}).status_code == 403
    workspace.refresh_from_db()
    assert workspace.language == ""
