"""Ending all of a user's sessions at once (ASVS 7.4.5)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F

from accounts.models import User
from audit.log import record
from audit.models import AuditAction


def end_sessions(user: User, *, by: AbstractBaseUser | AnonymousUser | None) -> None:
    """End every session `user` has, on each one's next request.

    Raising the session generation changes the user's session auth hash, so
    Django's authentication middleware flushes any session that still carries the
    old one. One UPDATE of the user row, whatever the number of sessions."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        record(user=by, action=AuditAction.UPDATE, obj=user, purpose="Sessioner afsluttet")
    user.refresh_from_db(fields=["session_generation"])
