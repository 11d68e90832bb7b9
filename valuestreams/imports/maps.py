"""Maps in and out of the interchange form: create a map from a document, or the reverse.

`map_import` writes a validated `MapDocument` (from a JSON file, a spreadsheet or
an event log's discovery) as a new map in one transaction; `map_document` reads
a stored map back into a document. Every way a map comes in goes through here.
"""

from __future__ import annotations

from django.db import transaction

from departments.models import Department, Workspace
from journeys.models import Persona, PersonaKind

from ..models import Handoff, Lane, Map, MapKind, Stage, Step
from .interchange import DepartmentDoc, HandoffDoc, MapDocument, StepDoc


@transaction.atomic
def map_import(*, workspace: Workspace, document: MapDocument, based_on: Map | None = None) -> Map:
    """Create a map from a validated interchange document; all or nothing.

    Departments are matched by name (case-insensitive) in the workspace and created
    when missing; the persona likewise. Returns the new map.
    """
    departments = _departments_by_name(workspace, document.departments)
    persona = None
    if document.persona:
        persona = Persona.objects.filter(workspace=workspace, name__iexact=document.persona).first()
        if persona is None:
            kind = (
                PersonaKind.EMPLOYEE
                if document.kind == MapKind.EMPLOYEE_JOURNEY
                else PersonaKind.CUSTOMER
            )
            persona = Persona.objects.create(workspace=workspace, name=document.persona, kind=kind)
    new_map = Map.objects.create(
        workspace=workspace,
        kind=document.kind,
        state=document.state,
        name=document.name,
        description=document.description,
        persona=persona,
        based_on=based_on,
    )
    stages = Stage.objects.bulk_create(
        Stage(map=new_map, name=name, position=i) for i, name in enumerate(document.stages)
    )
    lanes = Lane.objects.bulk_create(
        Lane(map=new_map, department=departments[d.name.casefold()], position=i)
        for i, d in enumerate(document.departments)
    )
    stage_by_name = {s.name: s for s in stages}
    lane_by_name = {
        d.name.casefold(): lane for d, lane in zip(document.departments, lanes, strict=True)
    }
    steps = Step.objects.bulk_create(
        _step_from_doc(new_map, doc, lane_by_name, stage_by_name, position)
        for doc, position in _cell_positions(document.steps)
    )
    step_by_key = {doc.key: step for doc, step in zip(document.steps, steps, strict=True)}
    Handoff.objects.bulk_create(
        _handoff_from_doc(new_map, doc, step_by_key) for doc in document.handoffs
    )
    return new_map


def _departments_by_name(
    workspace: Workspace, wanted: list[DepartmentDoc]
) -> dict[str, Department]:
    existing = {d.name.casefold(): d for d in Department.objects.filter(workspace=workspace)}
    missing = [d for d in wanted if d.name.casefold() not in existing]
    for dept in Department.objects.bulk_create(
        Department(workspace=workspace, name=d.name, color=d.color) for d in missing
    ):
        existing[dept.name.casefold()] = dept
    return existing


def _cell_positions(steps: list[StepDoc]) -> list[tuple[StepDoc, int]]:
    """Each step with its order inside its lane × stage cell, in file order."""
    counters: dict[tuple[str, str], int] = {}
    result = []
    for doc in steps:
        cell = (doc.department.casefold(), doc.stage)
        counters[cell] = counters.get(cell, -1) + 1
        result.append((doc, counters[cell]))
    return result


def _step_from_doc(
    new_map: Map,
    doc: StepDoc,
    lane_by_name: dict[str, Lane],
    stage_by_name: dict[str, Stage],
    position: int,
) -> Step:
    return Step(
        map=new_map,
        lane=lane_by_name[doc.department.casefold()],
        stage=stage_by_name[doc.stage],
        position=position,
        title=doc.title,
        description=doc.description,
        process_time_minutes=doc.process_time_minutes,
        lead_time_minutes=doc.lead_time_minutes,
        complete_accurate_pct=doc.complete_accurate_pct,
        value_adding=doc.value_adding,
        touchpoint=doc.touchpoint,
        channel=doc.channel,
        emotion=doc.emotion,
        pain_points=list(doc.pain_points),
        opportunities=list(doc.opportunities),
        owner=doc.owner,
    )


def _handoff_from_doc(new_map: Map, doc: HandoffDoc, step_by_key: dict[str, Step]) -> Handoff:
    return Handoff(
        map=new_map,
        from_step=step_by_key[doc.from_key],
        to_step=step_by_key[doc.to_key],
        label=doc.label,
        rework=doc.rework,
    )


def map_document(*, map_obj: Map) -> MapDocument:
    """The interchange document of a stored map (four queries whatever its size).

    Step keys are `s1`, `s2`, … in the map's reading order, so exporting the same
    map twice gives the same file.
    """
    lanes = list(map_obj.lanes.select_related("department"))
    stages = list(map_obj.stages.all())
    lane_order = {lane.pk: i for i, lane in enumerate(lanes)}
    stage_order = {stage.pk: i for i, stage in enumerate(stages)}
    steps = sorted(
        map_obj.steps.all(),
        key=lambda s: (stage_order[s.stage_id], lane_order[s.lane_id], s.position, s.pk),
    )
    key_of = {step.pk: f"s{i + 1}" for i, step in enumerate(steps)}
    lane_name = {lane.pk: lane.department.name for lane in lanes}
    stage_name = {stage.pk: stage.name for stage in stages}
    handoffs = sorted(
        map_obj.handoffs.all(), key=lambda h: (key_of[h.from_step_id], key_of[h.to_step_id])
    )
    return MapDocument(
        name=map_obj.name,
        kind=map_obj.kind,
        state=map_obj.state,
        description=map_obj.description,
        persona=map_obj.persona.name if map_obj.persona_id and map_obj.persona else "",
        departments=[DepartmentDoc(lane.department.name, lane.department.color) for lane in lanes],
        stages=[stage.name for stage in stages],
        steps=[
            StepDoc(
                key=key_of[s.pk],
                title=s.title,
                department=lane_name[s.lane_id],
                stage=stage_name[s.stage_id],
                process_time_minutes=s.process_time_minutes,
                lead_time_minutes=s.lead_time_minutes,
                complete_accurate_pct=s.complete_accurate_pct,
                value_adding=s.value_adding,
                touchpoint=s.touchpoint,
                channel=s.channel,
                emotion=s.emotion,
                pain_points=list(s.pain_points),
                opportunities=list(s.opportunities),
                description=s.description,
                owner=s.owner,
            )
            for s in steps
        ],
        handoffs=[
            HandoffDoc(key_of[h.from_step_id], key_of[h.to_step_id], h.label, h.rework)
            for h in handoffs
        ],
    )
