from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.chain import broken_links
from audit.models import AuditEntry


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exits non-zero if an entry was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = broken_links()
        if broken:
            for link in broken[:50]:
                self.stderr.write(
                    f"entry {link.entry_id} (chain position {link.chain_seq}): {link.reason}"
                )
            raise CommandError(f"The audit trail has {len(broken)} broken link(s).")
        self.stdout.write(f"The audit trail is intact: {AuditEntry.objects.count()} entries.")
