"""Login throttling, the Content-Security-Policy and private caching of member pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from .factories import PASSWORD, UserFactory, map_with_steps

pytestmark = pytest.mark.django_db

LIMIT = 3
# django-axes' record of failed logins (the package has no type hints to import).
AccessAttempt = apps.get_model("axes", "AccessAttempt")


@pytest.fixture(autouse=True)
def _small_limit(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


def log_in(password: str, *, username: str = "owner", address: str = "192.0.2.1") -> Any:
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )


def test_wrong_passwords_for_one_account_lock_it_with_a_clear_message(owner):
    for attempt in range(LIMIT - 1):
        # From a new address each time: the account alone is counted.
        assert log_in("wrong", address=f"198.51.100.{attempt}").status_code == 200
    assert log_in("wrong", address="198.51.100.99").status_code == 429

    refused = log_in(PASSWORD, address="203.0.113.9")

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many failed logins" in html
    assert "Wait 15 minutes, then try again." in html
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_wrong_passwords_from_one_address_lock_that_address_for_every_account(owner):
    for attempt in range(LIMIT - 1):
        assert log_in("wrong", username=f"guess{attempt}").status_code == 200
    assert log_in("wrong", username="guess-last").status_code == 429

    assert log_in(PASSWORD).status_code == 429
    assert log_in(PASSWORD, address="192.0.2.200").status_code == 302


def test_the_real_owner_gets_back_in_once_the_short_lockout_has_passed(owner):
    for _ in range(LIMIT):
        log_in("wrong")
    assert log_in(PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))

    assert log_in(PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failures_of_the_account(owner):
    for _ in range(LIMIT - 1):
        log_in("wrong")
    assert log_in(PASSWORD).status_code == 302

    assert log_in("wrong").status_code == 200
    assert log_in(PASSWORD).status_code == 302


def test_the_client_address_can_come_from_the_proxys_header(settings, owner):
    settings.LOGIN_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    for attempt in range(LIMIT):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="192.0.2.7").post(
            reverse("login"), {"username": f"guess{attempt}", "password": "wrong"}
        )

    behind_same_proxy = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="192.0.2.8")
    response = behind_same_proxy.post(reverse("login"), {"username": "owner", "password": PASSWORD})

    assert response.status_code == 302


# -- Content-Security-Policy and caching ---------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def member_pages(workspace: Any) -> list[str]:
    map_obj, (step, _other) = map_with_steps(workspace)
    on_map = [workspace.slug, map_obj.pk]
    return [
        reverse("workspace_home", args=[workspace.slug]),
        reverse("map_list", args=[workspace.slug]),
        reverse("department_list", args=[workspace.slug]),
        reverse("improvement_list", args=[workspace.slug]),
        reverse("map_detail", args=on_map),
        reverse("map_editor", args=on_map) + f"?step={step.pk}",
        reverse("map_present", args=on_map),
    ]


def test_member_pages_send_a_policy_without_inline_scripts_and_are_never_cached(
    client, workspace, owner
):
    client.force_login(owner)
    for path in member_pages(workspace):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", path
        assert directives["style-src"] == "'self'", path
        assert "unsafe-eval" not in policy
        cache_control = {v.strip() for v in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, path
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), path
        assert not EVENT_HANDLER.search(html), (path, EVENT_HANDLER.search(html))
        assert "<style" not in html, path


def test_the_login_page_has_the_policy_too(client):
    response = client.get(reverse("login"))

    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_logged_in_users_get_private_no_store_even_on_redirects(client, workspace, owner):
    client.force_login(owner)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_a_staff_login_through_the_admin_is_throttled_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(LIMIT):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})

    response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})

    assert response.status_code == 429


def test_template_comments_never_reach_the_page(client, workspace, owner):
    client.force_login(owner)
    page = client.get(reverse("workspace_home", args=[workspace.slug])).content.decode()
    head = page.split("<body", 1)[0]
    # Whatever stands between tags in <head> is shown as text at the top of the page.
    assert not re.search(r">\s*[^<\s][^<]*<", head.split("<title>", 1)[1].split("</title>", 1)[1])
