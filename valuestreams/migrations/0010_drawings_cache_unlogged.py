"""The shared drawing cache as an unlogged table on PostgreSQL.

Every editor answer writes one entry (valuestreams/cache_backend.py). A write to a
logged table waits at commit for the write-ahead log to reach the disk; an
unlogged table writes no log, so its commit does not wait. What it costs: the
table is emptied after a crash and is not copied to standbys, which for checksums
of drawings only means the next edit sends the whole diagram once.
"""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE crosswalk_drawings SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE crosswalk_drawings SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("valuestreams", "0009_drawings_cache_table")]

    operations = [migrations.RunPython(unlogged, logged)]
