"""End all sessions of one or more users: `manage.py end_sessions USERNAME [USERNAME ...]`.

The same as the admin action "Afslut brugerens sessioner", for when the admin
itself is out of reach (or the administrator's own account is the one at risk)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.sessions import end_sessions


class Command(BaseCommand):
    help = "End every session of the given users on their next request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args: Any, usernames: list[str], **options: Any) -> None:
        users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        unknown = [name for name in usernames if name not in users]
        if unknown:
            # Check every name before ending anything: a typo ends no one's sessions.
            raise CommandError(f"Unknown username(s): {', '.join(unknown)}. No sessions ended.")
        for name in dict.fromkeys(usernames):
            end_sessions(users[name], by=None)
            self.stdout.write(self.style.SUCCESS(f"Ended all sessions of {name}."))
