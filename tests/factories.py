"""factory_boy factories: consistent maps (lanes, stages and steps of one map)."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from departments.models import Department, Membership, Role, Workspace
from valuestreams.models import Handoff, Lane, Map, Stage, Step

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"ws-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Department {n}")
    color = "#4C78A8"


class MapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Map

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Map {n}")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    map = factory.SubFactory(MapFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(lambda n: n)


class LaneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lane

    map = factory.SubFactory(MapFactory)
    department = factory.SubFactory(
        DepartmentFactory, workspace=factory.SelfAttribute("..map.workspace")
    )
    position = factory.Sequence(lambda n: n)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    map = factory.SubFactory(MapFactory)
    lane = factory.SubFactory(LaneFactory, map=factory.SelfAttribute("..map"))
    stage = factory.SubFactory(StageFactory, map=factory.SelfAttribute("..map"))
    title = factory.Sequence(lambda n: f"Step {n}")
    # Unique in any cell: two steps never share a place (a database rule on PostgreSQL).
    position = factory.Sequence(lambda n: n)
    process_time_minutes = 10.0
    lead_time_minutes = 60.0


class HandoffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handoff

    map = factory.SubFactory(MapFactory)
    from_step = factory.SubFactory(StepFactory, map=factory.SelfAttribute("..map"))
    to_step = factory.SubFactory(StepFactory, map=factory.SelfAttribute("..map"))


def map_with_steps(workspace: Workspace, **kwargs: Any) -> tuple[Any, list[Any]]:
    """A map with two departments, two stages and a cross-department handoff A → B."""
    map_obj = MapFactory(workspace=workspace, **kwargs)
    stage1, stage2 = StageFactory(map=map_obj, name="Ask"), StageFactory(map=map_obj, name="Do")
    lane_a, lane_b = LaneFactory(map=map_obj), LaneFactory(map=map_obj)
    first = StepFactory(map=map_obj, lane=lane_a, stage=stage1, title="Ask for it")
    second = StepFactory(map=map_obj, lane=lane_b, stage=stage2, title="Do it")
    HandoffFactory(map=map_obj, from_step=first, to_step=second)
    return map_obj, [first, second]
