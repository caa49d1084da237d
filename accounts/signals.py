"""Hooks into Django's authentication events."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.middleware import stamp_sign_in
from accounts.models import User
from audit.log import record
from audit.models import AuditAction


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        stamp_sign_in(request)
    record(user=user, action=AuditAction.LOGIN, obj=user, purpose="adgangskode")


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Only the account, if the name is one: never what was typed as the password.
    user = User.objects.filter(username=credentials.get("username", "")).first()
    record(user=user, action=AuditAction.LOGIN_FAILED, object_type="accounts.user")


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record(user=user, action=AuditAction.LOGOUT, obj=user)
