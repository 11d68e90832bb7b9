"""Personas: the list for every member, create and edit for facilitators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.models import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_facilitator(client, facilitator):
    client.force_login(facilitator)
    return client


def persona_data(**overrides):
    data = {"name": "Sanne", "kind": "employee", "description": "", "goals": "", "frustrations": ""}
    data.update(overrides)
    return data


def test_the_persona_list_shows_the_workspace_personas_only(
    client, workspace, other_workspace, viewer
):
    Persona.objects.create(workspace=workspace, name="Sanne")
    Persona.objects.create(workspace=other_workspace, name="Stranger")
    client.force_login(viewer)

    response = client.get(reverse("persona_list", args=[workspace.slug]))

    assert "Sanne" in response.text
    assert "Stranger" not in response.text
    assert reverse("persona_create", args=[workspace.slug]) not in response.text


def test_a_facilitator_sees_the_new_persona_button(as_facilitator, workspace):
    response = as_facilitator.get(reverse("persona_list", args=[workspace.slug]))

    assert reverse("persona_create", args=[workspace.slug]) in response.text


def test_a_facilitator_creates_a_persona(as_facilitator, workspace):
    response = as_facilitator.post(
        reverse("persona_create", args=[workspace.slug]), persona_data(goals="Start well")
    )

    assert response.status_code == 302
    assert Persona.objects.get(workspace=workspace).goals == "Start well"


def test_a_duplicate_persona_name_is_refused(as_facilitator, workspace):
    Persona.objects.create(workspace=workspace, name="Sanne")

    response = as_facilitator.post(
        reverse("persona_create", args=[workspace.slug]), persona_data(name="SANNE")
    )

    assert response.status_code == 200
    assert "A persona with this name already exists." in response.text
    assert Persona.objects.count() == 1


def test_an_unknown_persona_kind_is_refused(as_facilitator, workspace):
    response = as_facilitator.post(
        reverse("persona_create", args=[workspace.slug]), persona_data(kind="alien")
    )

    assert "Select a valid choice" in response.text
    assert not Persona.objects.exists()


def test_a_persona_without_a_name_is_refused(as_facilitator, workspace):
    response = as_facilitator.post(
        reverse("persona_create", args=[workspace.slug]), persona_data(name="")
    )

    assert "This field is required." in response.text
    assert not Persona.objects.exists()


def test_a_facilitator_edits_a_persona(as_facilitator, workspace):
    persona = Persona.objects.create(workspace=workspace, name="Sanne")

    response = as_facilitator.post(
        reverse("persona_edit", args=[workspace.slug, persona.pk]),
        persona_data(name="Sanne, new advisor"),
    )

    persona.refresh_from_db()
    assert response.status_code == 302
    assert persona.name == "Sanne, new advisor"
