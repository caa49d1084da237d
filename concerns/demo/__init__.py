"""Demo data: who logs in to the demo (here), what the data set looks like (`plan`),
how each case unfolds (`walk`), and the words it is made of (`texts`).
`manage.py seed_demo` writes it to the database."""

from __future__ import annotations

from dataclasses import dataclass

# --- Who logs in ------------------------------------------------------------------------

# For the demo only: every demo login shares this password. Never use it elsewhere.
DEMO_PASSWORD = "infohus-demo-kodeord"  # noqa: S105 - published demo credential


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    municipalities: tuple[str, ...] = ()
    district: str | None = None
    is_admin: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("koordinator.kbh", "coordinator", "Mette", "Lund", ("0101",)),
    DemoUser("koordinator.aarhus", "coordinator", "Jakob", "Vestergaard", ("0751",)),
    DemoUser("koordinator.odense", "coordinator", "Signe", "Holm", ("0461",)),
    DemoUser("koordinator.aalborg", "coordinator", "Anders", "Kjær", ("0851",)),
    DemoUser("koordinator.vestegn", "coordinator", "Camilla", "Nissen", ("0153", "0167")),
    DemoUser("politi.kbh", "police", "Henrik", "Bach", district="1470"),
    DemoUser("politi.oestjylland", "police", "Line", "Mogensen", district="1461"),
    DemoUser("politi.fyn", "police", "Thomas", "Iversen", district="1465"),
    DemoUser("politi.nordjylland", "police", "Susanne", "Dam", district="1460"),
    DemoUser("politi.vestegn", "police", "Peter", "Lauridsen", district="1469"),
    DemoUser("analytiker", "analyst", "Maria", "Clausen"),
    DemoUser("admin.infohus", "administrator", "Lars", "Simonsen", is_admin=True),
)

# Short login names for the police districts without a demo liaison.
DISTRICT_SLUGS = {
    "1460": "nordjylland",
    "1461": "oestjylland",
    "1462": "midt-vestjylland",
    "1463": "sydoestjylland",
    "1464": "syd-soenderjylland",
    "1465": "fyn",
    "1466": "sydsjaelland-lolland-falster",
    "1467": "midt-vestsjaelland",
    "1468": "nordsjaelland",
    "1469": "vestegn",
    "1470": "kbh",
    "1471": "bornholm",
}


def demo_municipality_codes() -> frozenset[str]:
    return frozenset(code for user in DEMO_USERS for code in user.municipalities)
