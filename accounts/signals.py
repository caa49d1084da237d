"""Hooks into Django's authentication events."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.middleware import stamp_sign_in


@receiver(user_logged_in)
def remember_sign_in_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        stamp_sign_in(request)
