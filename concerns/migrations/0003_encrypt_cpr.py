"""Store CPR numbers encrypted, with a keyed hash for duplicate checks."""

from django.db import migrations, models

from concerns import cpr as cpr_crypto


def encrypt_existing(apps, schema_editor):
    Person = apps.get_model("concerns", "Person")
    for person in Person.objects.exclude(cpr="").only("pk", "cpr").iterator():
        Person.objects.filter(pk=person.pk).update(
            cpr_encrypted=cpr_crypto.encrypt(person.cpr),
            cpr_hash=cpr_crypto.lookup_hash(person.cpr),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0002_reference_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="cpr_encrypted",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="person",
            name="cpr_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        # Irreversible on purpose: the plain CPR column is not brought back.
        migrations.RunPython(encrypt_existing),
        migrations.RemoveIndex(model_name="person", name="person_cpr_idx"),
        migrations.RemoveField(model_name="person", name="cpr"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["cpr_hash"], name="person_cpr_hash_idx"),
        ),
    ]
