from django.db import migrations

from departments.dbtriggers import keeps_an_owner_sql


def forwards(apps, schema_editor):
    for sql in keeps_an_owner_sql(schema_editor.connection.vendor)[0]:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in keeps_an_owner_sql(schema_editor.connection.vendor)[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("departments", "0003_lead_first")]
    operations = [migrations.RunPython(forwards, backwards)]
