"""On PostgreSQL, store the kept device files and the hardware hashes uncompressed (STORAGE EXTERNAL): both are
mostly base64 of binary data, which the database's compressor tries at length and fails to shrink; skipping it
makes registering 10,000 devices markedly faster. Other databases: nothing to do."""

from django.db import migrations

COLUMNS = [("autopilot_devicebatch", "content"), ("autopilot_device", "hardware_hash")]


def external(apps, schema_editor, storage="EXTERNAL"):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STORAGE {storage}')


def extended(apps, schema_editor):
    external(apps, schema_editor, storage="EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("autopilot", "0001_initial")]

    operations = [migrations.RunPython(external, extended, elidable=False)]
