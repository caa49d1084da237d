"""Small display helpers for the case pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from concerns.choices import Status

register = template.Library()

_BADGES = {
    Status.HANDED_TO_POLICE: "badge-warning",
    Status.REFERRED_ELSEWHERE: "badge-success",
    Status.CLOSED: "badge-success",
    Status.CANCELLED: "",
}


@register.filter
def status_badge(status: str) -> str:
    """The badge variant for a status: open cases are informational."""
    return _BADGES.get(status, "badge-info")  # type: ignore[call-overload]


@register.filter
def yes_no(value: bool | None) -> str:
    if value is None:
        return _("Ukendt")
    return _("Ja") if value else _("Nej")
