"""Load the 5 regions, 12 police districts and 98 municipalities.

The CSV files in concerns/reference are the facts; a correction to them is a new
data migration. Each district and municipality gets its membership group.
"""

import csv
from pathlib import Path

from django.db import migrations

REFERENCE = Path(__file__).resolve().parent.parent / "reference"


def _rows(name):
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Region = apps.get_model("concerns", "Region")
    PoliceDistrict = apps.get_model("concerns", "PoliceDistrict")
    Municipality = apps.get_model("concerns", "Municipality")
    InfohusProfile = apps.get_model("concerns", "InfohusProfile")

    regions = {}
    for row in _rows("regioner.csv"):
        regions[row["kode"]], _ = Region.objects.update_or_create(
            code=row["kode"], defaults={"name": row["navn"]}
        )
    districts = {}
    for row in _rows("politikredse.csv"):
        group, _ = Group.objects.get_or_create(name=f"Politikreds {row['kode']} {row['navn']}")
        districts[row["kode"]], _ = PoliceDistrict.objects.update_or_create(
            code=row["kode"], defaults={"name": row["navn"], "group": group}
        )
    for row in _rows("kommuner.csv"):
        group, _ = Group.objects.get_or_create(name=f"Kommune {row['kode']} {row['navn']}")
        municipality, _ = Municipality.objects.update_or_create(
            code=row["kode"],
            defaults={
                "name": row["navn"],
                "region": regions[row["region_kode"]],
                "police_district": districts[row["politikreds_kode"]],
                "group": group,
            },
        )
        InfohusProfile.objects.get_or_create(municipality=municipality)


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
