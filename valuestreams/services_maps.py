"""Writes on whole maps: create an empty map with its stages, delete a map.

Kept apart from `services.py`, which holds the editor's step, handoff, stage
and lane services.
"""

from __future__ import annotations

from django.db import transaction

from departments.models import Workspace
from journeys.models import Persona

from .models import Map, Stage


@transaction.atomic
def map_create(
    *,
    workspace: Workspace,
    name: str,
    kind: str,
    stage_names: list[str],
    description: str = "",
    persona: Persona | None = None,
) -> Map:
    """A new current-state map with the given stages (in order) and no lanes or steps."""
    new_map = Map(
        workspace=workspace, name=name, kind=kind, description=description, persona=persona
    )
    new_map.full_clean()
    new_map.save()
    Stage.objects.bulk_create(
        Stage(map=new_map, name=stage_name, position=i) for i, stage_name in enumerate(stage_names)
    )
    return new_map


@transaction.atomic
def map_delete(*, map_obj: Map) -> None:
    """Delete a map with everything on it (lanes, stages, steps, handoffs).

    Improvements on the map stay on the board without a map.
    """
    map_obj.delete()
