from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns.models import Municipality
from concerns.permissions import ReportScopes
from reporting import facts, jobs

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


def scope_choices(scopes: ReportScopes) -> list[tuple[str, Any]]:
    """The choices of a scope field: the whole country, then the police districts
    (as one group), then single municipalities, as far as `scopes` allows."""
    choices: list[tuple[str, Any]] = []
    if scopes.national:
        choices.append((facts.NATIONAL, gettext("Hele landet")))
    districts = [(facts.police_district_scope(d.code), d.name) for d in scopes.police_districts]
    if districts:
        choices.append((gettext("Politikredse"), districts))
    choices += [
        (facts.municipality_scope(m.code), jobs.municipality_label(m))
        for m in scopes.municipalities
    ]
    return choices


class StatusReportForm(ReportPeriodForm):
    """A status report to start: its period and what it covers, one of the scopes
    the user may choose (permissions.report_scopes_for). Left out (a script, an
    older page), it is the whole country for those who may have that."""

    scope = forms.ChoiceField(
        label=_("Omfang"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Vælg et af de omfang, der står på listen.")},
    )

    def __init__(self, *args: Any, scopes: ReportScopes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scope"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = scope_choices(scopes)
        self.default_scope = facts.NATIONAL if scopes.national else ""

    def clean_scope(self) -> str:
        scope: str = self.cleaned_data.get("scope") or self.default_scope
        if not scope:
            raise forms.ValidationError(_("Vælg, hvad rapporten skal omfatte."))
        return scope


class MunicipalStatisticsForm(ReportPeriodForm):
    """Which of the coordinator's municipalities, and which period, the statistics
    page shows. Left out, the municipality is the first of theirs; with only one,
    there is nothing to choose and the field is hidden."""

    municipality = forms.ChoiceField(
        label=_("Kommune"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Vælg en af dine egne kommuner.")},
    )
    field_order = ["municipality", "period_start", "period_end"]

    def __init__(self, *args: Any, municipalities: Sequence[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = {m.code: m for m in municipalities}
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.code, jobs.municipality_label(m)) for m in municipalities]
        if len(municipalities) == 1:
            field.widget = forms.HiddenInput()

    def clean_municipality(self) -> Municipality:
        code = self.cleaned_data.get("municipality") or next(iter(self.municipalities), "")
        if code not in self.municipalities:
            raise forms.ValidationError(_("Vælg en af dine egne kommuner."))
        return self.municipalities[code]
