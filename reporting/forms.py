from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Typed by hand (dd.mm.åååå) or sent by the DKFDS date picker (ISO).
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
MAX_YEARS = 10


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _date_field(label: StrOrPromise, required_message: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=_("Skriv datoen som dd.mm.åååå, fx 01.01.2024."),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"class": "form-input"}),
        error_messages={
            "required": required_message,
            "invalid": _("Skriv en gyldig dato som dd.mm.åååå, fx 01.01.2024."),
        },
    )


class ReportPeriodForm(forms.Form):
    """The period of a status report: both days included, at most ten years."""

    period_start = _date_field(_("Fra"), _("Angiv den første dag i perioden."))
    period_end = _date_field(_("Til"), _("Angiv den sidste dag i perioden."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start is None or end is None:
            return cleaned
        if end < start:
            self.add_error("period_end", _("Slutdatoen må ikke ligge før startdatoen."))
        elif end >= add_years(start, MAX_YEARS):
            self.add_error(
                "period_end", _("Perioden må højst være %(years)d år.") % {"years": MAX_YEARS}
            )
        return cleaned
