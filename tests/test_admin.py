"""The admin: every registered model's list, search and add pages open for a superuser."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from departments.models import Membership, Role, Workspace
from valuestreams.models import MapChange

from .factories import PASSWORD, UserFactory

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.fixture
def superuser_client(client, db):
    call_command("load_demo", "--no-user", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    # What the demo does not create: a group, a membership, an editor's change.
    Group.objects.create(name="Facilitators")
    workspace = Workspace.objects.get(slug="demo")
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    MapChange.objects.create(
        map=workspace.maps.first(), user=user, code="step_moved", params={"title": "Intake"}
    )
    # Login throttling's records: a login (access log), then a wrong password (attempt, failure).
    client.post(reverse("login"), {"username": "root", "password": PASSWORD})
    client.post(reverse("logout"))
    client.force_login(user)  # before the wrong password: a login resets the attempts
    client.post(reverse("login"), {"username": "root", "password": "wrong"})
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_list_opens_and_searches(superuser_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.get(url, {"q": "onboarding"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_change_page_opens(superuser_client, model):
    obj = model._default_manager.first()
    if obj is None:
        pytest.fail(f"the demo has no {model._meta.label}: the test would prove nothing")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    assert superuser_client.get(url).status_code == 200
