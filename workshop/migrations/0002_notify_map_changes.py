"""Every committed bump of a map's version notifies that map's channel (PostgreSQL only).

One trigger catches every writer (edit services, undo and redo, imports, a
future one) without any of them knowing about live push. NOTIFY is delivered
when the transaction commits, and never for one that rolls back.
"""

from django.db import migrations

# Must stay equal to workshop.live.CHANNEL_PREFIX (a test checks it).
CHANNEL_PREFIX = "crosswalk_map_"
FUNCTION = f"""
CREATE OR REPLACE FUNCTION crosswalk_notify_map_version() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL_PREFIX}' || NEW.id, NEW.version::text);
  RETURN NULL;
END; $$ LANGUAGE plpgsql
"""
TRIGGER = """
CREATE TRIGGER crosswalk_notify_map_version AFTER UPDATE OF version ON valuestreams_map
FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
EXECUTE FUNCTION crosswalk_notify_map_version()
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS crosswalk_notify_map_version ON valuestreams_map")
        schema_editor.execute("DROP FUNCTION IF EXISTS crosswalk_notify_map_version()")


class Migration(migrations.Migration):
    dependencies = [("workshop", "0001_share_links"), ("valuestreams", "0002_cross_table_rules")]

    operations = [migrations.RunPython(forwards, backwards)]
