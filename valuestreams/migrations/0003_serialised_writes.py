import django.db.models.constraints
from django.db import migrations, models

TRACKED = ("HistoricalStage", "HistoricalLane", "HistoricalStep", "HistoricalHandoff")


def renumber_cells(apps, schema_editor):
    """Give the steps of every cell positions 0, 1, 2, … so no two share one."""
    Step = apps.get_model("valuestreams", "Step")
    cell, index = None, 0
    rows = Step.objects.order_by("lane_id", "stage_id", "position", "id")
    for step in rows.only("id", "lane_id", "stage_id", "position").iterator():
        if (step.lane_id, step.stage_id) != cell:
            cell, index = (step.lane_id, step.stage_id), 0
        if step.position != index:
            Step.objects.filter(pk=step.pk).update(position=index)
        index += 1


def purge_orphan_history(apps, schema_editor):
    """History rows of maps that no longer exist: their workspace or map was deleted."""
    Map = apps.get_model("valuestreams", "Map")
    live = Map.objects.values("id")
    for name in TRACKED:
        apps.get_model("valuestreams", name).objects.exclude(map_id__in=live).delete()
    apps.get_model("valuestreams", "HistoricalMap").objects.exclude(id__in=live).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('valuestreams', '0002_cross_table_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='mapchange',
            name='undoable',
            field=models.BooleanField(default=True, verbose_name='can be undone'),
        ),
        migrations.RunPython(renumber_cells, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='step',
            constraint=models.UniqueConstraint(deferrable=django.db.models.constraints.Deferrable['DEFERRED'], fields=('lane', 'stage', 'position'), name='step_unique_position'),
        ),
        migrations.RunPython(purge_orphan_history, migrations.RunPython.noop),
    ]
