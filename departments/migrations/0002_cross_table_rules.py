from django.db import migrations

from departments.dbtriggers import RowRule, install

RULES = [
    RowRule(
        "cw_goal_orchestrator_same_workspace",
        "departments_sharedgoal",
        "NEW.orchestrator_id IS NOT NULL AND (SELECT workspace_id FROM departments_department"
        " WHERE id = NEW.orchestrator_id) <> NEW.workspace_id",
        "orchestrator must be a department of the goal's workspace",
    ),
    RowRule(
        "cw_participant_same_workspace",
        "departments_goalparticipant",
        "(SELECT workspace_id FROM departments_department WHERE id = NEW.department_id)"
        " <> (SELECT workspace_id FROM departments_sharedgoal WHERE id = NEW.goal_id)",
        "participant must be a department of the goal's workspace",
    ),
    RowRule(
        "cw_decisionright_dept_same_workspace",
        "departments_decisionright_departments",
        "(SELECT workspace_id FROM departments_department WHERE id = NEW.department_id)"
        " <> (SELECT workspace_id FROM departments_decisionright WHERE id = NEW.decisionright_id)",
        "decision right departments must belong to its workspace",
    ),
]
forwards, backwards = install(RULES)


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
