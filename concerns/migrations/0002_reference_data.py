"""Load the 5 regions, 12 police districts and 98 municipalities.

The CSV files in concerns/reference are the facts; a correction to them is a new
data migration. Each district and municipality gets its membership group.
"""

from django.db import migrations

from concerns.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
