"""Load the regions, police districts and municipalities from concerns/reference/.

The CSV files are the facts (copied from the project's shared reference data); a
correction to them ships as a new data migration that calls this again. Each
district and municipality gets the group its members join.
"""

import csv
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(apps: Any) -> None:
    """Create or update every reference row; `apps` is a migration's app registry
    (or django.apps.apps), so this runs against historical models too."""
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
