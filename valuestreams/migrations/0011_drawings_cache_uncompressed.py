"""The shared drawing cache's values stored without compression on PostgreSQL.

Every editor answer writes one entry of about 26 KB (base64 of pickled checksums)
to `crosswalk_drawings` (valuestreams/cache_backend.py). PostgreSQL compresses a
value that large before storing it (pglz), which took about a third of the
upsert's time (0.90 → 0.61 ms per write at 200 steps); the table is a cache of a
few hundred rows, so the space compression saves does not matter.
"""

from django.db import migrations


def uncompressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE crosswalk_drawings ALTER COLUMN value SET STORAGE EXTERNAL"
        )


def compressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE crosswalk_drawings ALTER COLUMN value SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("valuestreams", "0010_drawings_cache_unlogged")]

    operations = [migrations.RunPython(uncompressed, compressed)]
