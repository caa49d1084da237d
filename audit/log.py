"""Writing audit entries. Callers pass what was touched and why."""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from accounts.models import User
from audit.models import AuditAction, AuditEntry


def _user_or_none(user: AbstractBaseUser | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) else None


def record(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    person_id: int | None = None,
    purpose: str = "",
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEntry.objects.create(
        user=_user_or_none(user),
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        purpose=purpose[:200],
    )


def record_many(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    rows: Iterable[tuple[str, str, int | None]],
    purpose: str,
) -> None:
    """One entry per (object_type, object_id, person_id) row, in one INSERT."""
    actor = _user_or_none(user)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            user=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            person_id=person_id,
            purpose=purpose[:200],
        )
        for object_type, object_id, person_id in rows
    )
