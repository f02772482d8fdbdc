"""Device files are kept in pieces (DeviceBatchChunk) rather than whole in DeviceBatch.content, which lists uploaded
before keep (and are still read from). On PostgreSQL the pieces are stored uncompressed, like the whole files were
(see 0002): base64 text that the compressor fails to shrink."""

import django.db.models.deletion
from django.db import migrations, models


def external(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "autopilot_devicebatchchunk" ALTER COLUMN "text" SET STORAGE EXTERNAL')


class Migration(migrations.Migration):
    dependencies = [
        ("autopilot", "0002_uncompressed_storage"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeviceBatchChunk",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("index", models.PositiveIntegerField()),
                ("text", models.TextField()),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="chunks", to="autopilot.devicebatch"
                    ),
                ),
            ],
            options={
                "ordering": ["batch", "index"],
                "constraints": [
                    models.UniqueConstraint(fields=("batch", "index"), name="autopilot_batch_chunk_unique_index")
                ],
            },
        ),
        # Reversed by dropping the table.
        migrations.RunPython(external, migrations.RunPython.noop, elidable=False),
    ]
