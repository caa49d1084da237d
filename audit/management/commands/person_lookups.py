"""Every look-up made on one person's data, with dates and purposes.

Data subjects have the right to know which look-ups were made on their data and
why (CJEU C-579/21); an administrator answers such a request with this command.
"""

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from audit.models import AuditEntry


class Command(BaseCommand):
    help = "List every audit entry about one person (CSV on standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person_id", type=int, help="The person's id in Infohus.")

    def handle(self, *args: Any, person_id: int, **options: Any) -> None:
        entries = (
            AuditEntry.objects.filter(person_id=person_id)
            .select_related("user")
            .order_by("at", "id")
        )
        writer = csv.writer(self.stdout)
        writer.writerow(["tidspunkt", "bruger", "handling", "objekt", "formål"])
        for entry in entries.iterator():
            writer.writerow(
                [
                    timezone.localtime(entry.at).isoformat(timespec="seconds"),
                    entry.user.get_username() if entry.user else "",
                    entry.get_action_display(),
                    f"{entry.object_type}:{entry.object_id}",
                    entry.purpose,
                ]
            )
