"""Step times are at most ten years (rules.MAX_MINUTES), so sums of them stay finite.

Rows saved before this rule with a larger (or NaN) time get that time cleared
(unknown) first: no real step takes longer, and a map with such a value broke
every page that analysed it.
"""

from importlib import import_module

from django.db import migrations, models
from django.db.models import Q

from departments.dbtriggers import install

# SQLite remakes the step table to add a constraint, which fails while triggers
# name it: drop the cross-table rules first and install them again at the end.
RULES = import_module("valuestreams.migrations.0002_cross_table_rules").RULES
install_rules, drop_rules = install(RULES)

MAX_MINUTES = 5256000


def clear_impossible_times(apps, schema_editor):
    # History rows too: undo restores them, and must not restore an impossible time.
    for name in ("Step", "HistoricalStep"):
        model = apps.get_model("valuestreams", name)
        for field in ("process_time_minutes", "lead_time_minutes"):
            model.objects.filter(Q(**{f"{field}__gt": MAX_MINUTES})).update(**{field: None})
    # NaN compares as larger than any number on PostgreSQL, so the filter above
    # clears it too; SQLite stores NaN as NULL.


class Migration(migrations.Migration):
    dependencies = [
        ("valuestreams", "0003_serialised_writes"),
    ]

    operations = [
        migrations.RunPython(clear_impossible_times, migrations.RunPython.noop),
        migrations.RunPython(drop_rules, install_rules),
        migrations.AddConstraint(
            model_name="step",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("process_time_minutes__isnull", True),
                    ("process_time_minutes__lte", 5256000),
                    _connector="OR",
                ),
                name="step_process_time_at_most_ten_years",
            ),
        ),
        migrations.AddConstraint(
            model_name="step",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("lead_time_minutes__isnull", True),
                    ("lead_time_minutes__lte", 5256000),
                    _connector="OR",
                ),
                name="step_lead_time_at_most_ten_years",
            ),
        ),
        migrations.RunPython(install_rules, drop_rules),
    ]
