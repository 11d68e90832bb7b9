"""Refusals answer with a page of ours that says what happened and where to go."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import map_with_steps

pytestmark = pytest.mark.django_db


def test_a_write_the_role_does_not_allow_explains_itself(client, workspace, viewer):
    map_obj, _ = map_with_steps(workspace)
    client.force_login(viewer)

    response = client.post(reverse("stage_add", args=[workspace.slug, map_obj.pk]), {"name": "X"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role in this workspace does not allow this" in page
    assert reverse("home") in page


def test_another_workspaces_map_is_not_found_with_a_way_back(client, workspace, outsider):
    map_obj, _ = map_with_steps(workspace)
    client.force_login(outsider)

    response = client.get(reverse("map_detail", args=[workspace.slug, map_obj.pk]))

    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here, or it is not shared with you." in page
    assert workspace.name not in page
