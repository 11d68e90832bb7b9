"""Invite links: make, revoke, sign up or log in and join; password reset by e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments.invites import InviteUsedUp, invite_accept, invite_create
from departments.models import InviteJoin, InviteLink, Membership, Role, token_digest

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase 42"


def signup(client, url, username="sanne", email="sanne@example.org", password=NEW_PASSWORD):
    return client.post(
        url,
        {
            "username": username,
            "first_name": "Sanne de Vries",
            "email": email,
            "password1": password,
            "password2": password,
        },
    )


@pytest.fixture
def link(workspace):
    made, token = invite_create(workspace=workspace, role="editor", days=7, max_uses=2)
    return made, reverse("invite_accept", args=[token])


def test_a_facilitator_makes_a_link_shown_once_and_stored_only_as_a_digest(
    client, facilitator, workspace
):
    client.force_login(facilitator)

    response = client.post(
        reverse("invite_list", args=[workspace.slug]),
        {"label": "Workshop", "role": "editor", "days": 3, "max_uses": 10},
    )

    assert response.status_code == 200
    url = re.search(r'value="(http://testserver/invite/[^"]+)"', response.content.decode())[1]
    token = url.rstrip("/").rsplit("/", 1)[1]
    stored = InviteLink.objects.get()
    assert stored.token_hash == token_digest(token)
    assert token not in stored.token_hash
    assert stored.role == "editor" and stored.max_uses == 10
    assert stored.expires_at - timezone.now() > timedelta(days=2, hours=23)
    assert token not in client.get(reverse("invite_list", args=[workspace.slug])).content.decode()


def test_a_link_cannot_grant_more_than_editor(client, facilitator, workspace):
    client.force_login(facilitator)

    response = client.post(
        reverse("invite_list", args=[workspace.slug]),
        {"role": "owner", "days": 3, "max_uses": 10},
    )

    assert "owner is not one of the available choices" in response.content.decode()
    assert not InviteLink.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("days", 0), ("days", 91), ("max_uses", 0), ("max_uses", "many")]
)
def test_bad_link_settings_are_refused_with_a_message(client, facilitator, workspace, field, value):
    client.force_login(facilitator)
    data = {"role": "viewer", "days": 3, "max_uses": 10, field: value}

    response = client.post(reverse("invite_list", args=[workspace.slug]), data)

    assert "Please correct the errors below." in response.content.decode()
    assert not InviteLink.objects.exists()


def test_a_newcomer_signs_up_by_the_link_and_joins_with_its_role(client, workspace, link):
    made, url = link
    assert "Create your account" in client.get(url).content.decode()

    response = signup(client, url)

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace_home", args=[workspace.slug])
    user = get_user_model().objects.get(username="sanne")
    membership = Membership.objects.get(user=user, workspace=workspace)
    assert membership.role == Role.EDITOR
    assert InviteJoin.objects.get(membership=membership).link == made
    made.refresh_from_db()
    assert made.uses == 1
    assert client.get(reverse("workspace_home", args=[workspace.slug])).status_code == 200


def test_sign_up_applies_djangos_password_validators(client, link):
    response = signup(client, link[1], password="12345678")

    body = response.content.decode()
    assert "This password is too common." in body
    assert "This password is entirely numeric." in body
    assert not get_user_model().objects.filter(username="sanne").exists()


def test_sign_up_refuses_a_taken_username_or_email(client, link):
    UserFactory.create(username="sanne", email="taken@example.org")

    body = signup(client, link[1], email="taken@example.org").content.decode()

    assert "A user with that username already exists." in body
    assert "log in instead" in body
    assert InviteLink.objects.get().uses == 0


def test_a_signed_in_user_joins_by_confirming(client, workspace, link):
    user = UserFactory.create(username="kees")
    client.force_login(user)

    assert "Join as kees" in client.get(link[1]).content.decode()
    response = client.post(link[1])

    assert response.status_code == 302
    assert Membership.objects.get(user=user, workspace=workspace).role == Role.EDITOR


def test_an_existing_member_keeps_their_role_and_uses_no_place(client, owner, workspace, link):
    client.force_login(owner)

    client.post(link[1])

    assert Membership.objects.get(user=owner, workspace=workspace).role == Role.OWNER
    assert InviteLink.objects.get().uses == 0


def test_the_login_page_leads_back_to_the_invite(client, link):
    body = client.get(link[1]).content.decode()

    assert f"{reverse('login')}?next={link[1]}" in body


@pytest.mark.parametrize("how", ["revoked", "expired", "used up", "unknown"])
def test_a_link_that_is_no_longer_valid_admits_nobody(client, workspace, link, how):
    made, url = link
    if how == "revoked":
        made.revoked_at = timezone.now()
    elif how == "expired":
        made.expires_at = timezone.now() - timedelta(seconds=1)
    elif how == "used up":
        made.uses = made.max_uses
    elif how == "unknown":
        url = reverse("invite_accept", args=["not-a-real-token"])
    made.save()

    assert client.get(url).status_code == 410
    response = signup(client, url)

    assert response.status_code == 410
    assert "no longer valid" in response.content.decode()
    assert not get_user_model().objects.filter(username="sanne").exists()


def test_revoking_keeps_who_joined(client, facilitator, workspace, link):
    made, url = link
    signup(client, url)
    client.force_login(facilitator)

    client.post(reverse("invite_revoke", args=[workspace.slug, made.pk]))

    made.refresh_from_db()
    assert made.revoked_at is not None
    assert Membership.objects.filter(user__username="sanne").exists()
    assert client.logout() is None
    assert client.get(url).status_code == 410


def test_a_link_admits_no_more_than_its_maximum(workspace, link):
    made, _ = link
    for name in ("a", "b"):
        invite_accept(link=made, user=UserFactory.create(username=name))

    with pytest.raises(InviteUsedUp):
        invite_accept(link=made, user=UserFactory.create(username="c"))

    assert Membership.objects.filter(workspace=workspace, user__username="c").count() == 0


def test_the_members_page_shows_who_joined_by_which_link(client, owner, workspace):
    _made, token = invite_create(
        workspace=workspace, role="viewer", days=1, max_uses=5, label="Town hall workshop"
    )
    signup(client, reverse("invite_accept", args=[token]))
    client.force_login(owner)

    body = client.get(reverse("member_list", args=[workspace.slug])).content.decode()

    row = re.search(r"<tr>\s*<td>sanne.*?</tr>", body, re.S)[0]
    assert "Town hall workshop" in row
    invites = client.get(reverse("invite_list", args=[workspace.slug])).content.decode()
    assert "Sanne de Vries" in invites


def test_sign_up_is_rate_limited_per_address(client, link, settings, monkeypatch):
    monkeypatch.setattr("departments.invite_views.SIGNUP_RATE", "2/h")
    made, url = link
    made.max_uses = 10
    made.save()
    for name in ("one", "two"):
        signup(client, url, username=name, email=f"{name}@example.org")
        client.logout()

    response = signup(client, url, username="three", email="three@example.org")

    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert not get_user_model().objects.filter(username="three").exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    UserFactory.create(username="sanne", email="sanne@example.org")

    response = client.post(reverse("password_reset"), {"email": "sanne@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", str(mail.outbox[0].body))[1]
    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")

    # Through the login page: the throttling backend needs the request that login() lacks.
    def log_in(password: str) -> int:
        form = {"username": "sanne", "password": password}
        return Client().post(reverse("login"), form).status_code

    assert log_in(NEW_PASSWORD) == 302
    assert log_in(PASSWORD) == 200
