"""A dot's step and a comment's step or handoff belong to the same map (database rules)."""

from django.db import migrations

from departments.dbtriggers import RowRule, install

RULES = [
    RowRule(
        name="dot_step_in_vote_map",
        table="workshop_dot",
        bad="(SELECT map_id FROM valuestreams_step WHERE id = NEW.step_id)"
        " <> (SELECT map_id FROM workshop_vote WHERE id = NEW.vote_id)",
        message="a dot's step must be on the vote's map",
    ),
    RowRule(
        name="comment_target_in_map",
        table="workshop_comment",
        bad="(NEW.step_id IS NOT NULL AND"
        " (SELECT map_id FROM valuestreams_step WHERE id = NEW.step_id) <> NEW.map_id)"
        " OR (NEW.handoff_id IS NOT NULL AND"
        " (SELECT map_id FROM valuestreams_handoff WHERE id = NEW.handoff_id) <> NEW.map_id)",
        message="a comment's step or handoff must be on the comment's map",
    ),
]

forwards, backwards = install(RULES)


class Migration(migrations.Migration):
    dependencies = [("workshop", "0003_presence_votes_comments")]

    operations = [migrations.RunPython(forwards, backwards)]
