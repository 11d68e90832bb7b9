"""The database cache in which every web process finds the drawings browsers show."""

from django.core.management import call_command
from django.db import migrations


def create_drawings_table(apps, schema_editor):
    # settings.CACHES["drawings"]: the editor's diagram checksums, shared by all web processes.
    call_command(
        "createcachetable",
        "crosswalk_drawings",
        database=schema_editor.connection.alias,
        verbosity=0,
    )


def drop_drawings_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS crosswalk_drawings")


class Migration(migrations.Migration):
    dependencies = [("valuestreams", "0008_kpi_metric_names_as_figures")]

    operations = [migrations.RunPython(create_drawings_table, drop_drawings_table)]
