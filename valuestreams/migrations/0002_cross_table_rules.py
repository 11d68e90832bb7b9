from django.db import migrations

from departments.dbtriggers import RowRule, install

RULES = [
    RowRule(
        "cw_map_persona_same_workspace",
        "valuestreams_map",
        "NEW.persona_id IS NOT NULL AND (SELECT workspace_id FROM journeys_persona"
        " WHERE id = NEW.persona_id) <> NEW.workspace_id",
        "persona must belong to the map's workspace",
    ),
    RowRule(
        "cw_map_based_on_same_workspace",
        "valuestreams_map",
        "NEW.based_on_id IS NOT NULL AND (SELECT workspace_id FROM valuestreams_map"
        " WHERE id = NEW.based_on_id) <> NEW.workspace_id",
        "a future state must be based on a map of the same workspace",
    ),
    RowRule(
        "cw_lane_department_same_workspace",
        "valuestreams_lane",
        "(SELECT workspace_id FROM departments_department WHERE id = NEW.department_id)"
        " <> (SELECT workspace_id FROM valuestreams_map WHERE id = NEW.map_id)",
        "a lane's department must belong to the map's workspace",
    ),
    RowRule(
        "cw_step_lane_same_map",
        "valuestreams_step",
        "(SELECT map_id FROM valuestreams_lane WHERE id = NEW.lane_id) <> NEW.map_id",
        "a step's lane must belong to its map",
    ),
    RowRule(
        "cw_step_stage_same_map",
        "valuestreams_step",
        "(SELECT map_id FROM valuestreams_stage WHERE id = NEW.stage_id) <> NEW.map_id",
        "a step's stage must belong to its map",
    ),
    RowRule(
        "cw_handoff_same_map",
        "valuestreams_handoff",
        "(SELECT map_id FROM valuestreams_step WHERE id = NEW.from_step_id) <> NEW.map_id"
        " OR (SELECT map_id FROM valuestreams_step WHERE id = NEW.to_step_id) <> NEW.map_id",
        "a handoff must join two steps of its own map",
    ),
    RowRule(
        "cw_improvement_same_workspace",
        "valuestreams_improvement",
        "(NEW.map_id IS NOT NULL AND (SELECT workspace_id FROM valuestreams_map"
        " WHERE id = NEW.map_id) <> NEW.workspace_id) OR (NEW.step_id IS NOT NULL AND"
        " (SELECT map_id FROM valuestreams_step WHERE id = NEW.step_id) <> NEW.map_id)",
        "an improvement's map and step must belong to its workspace and map",
    ),
]
forwards, backwards = install(RULES)


class Migration(migrations.Migration):
    dependencies = [("valuestreams", "0001_initial"), ("journeys", "0001_initial"), ("departments", "0002_cross_table_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
