"""Forms of the meeting pages. Like the case forms they validate and clean; the
views hand the result to `concerns.actions`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from concerns import choices as c
from concerns.forms import CHOOSE, DkfdsForm, DkfdsModelForm, _date_input, _textarea
from concerns.models import (
    Assessment,
    Case,
    FollowUpAction,
    Meeting,
    MeetingParticipant,
    Municipality,
)

# Free text in an assessment is long prose, but not unbounded.
TEXT_LIMIT = 5000
# Cases on the meeting's agenda first: the others still may be discussed.
AGENDA_STATUSES = (c.Status.READY_FOR_MEETING, c.Status.REASSESSMENT)


def _kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Mødetype"),
        choices=c.MeetingKind.choices,
        initial=c.MeetingKind.ANALYSIS,
        widget=forms.RadioSelect,
    )


class MeetingForm(DkfdsModelForm):
    """Scheduling a meeting: for which municipality, what kind, when."""

    kind = _kind_field()

    class Meta:
        model = Meeting
        fields = ["municipality", "kind", "held_on"]
        labels = {"municipality": _("Kommune"), "held_on": _("Dato")}
        widgets = {"held_on": _date_input()}

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "meeting-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
        options = list(municipalities[:2])
        # A coordinator of one municipality has nothing to choose.
        self.single_municipality = options[0] if len(options) == 1 else None
        if self.single_municipality is not None:
            field.widget = forms.HiddenInput()
            field.initial = self.single_municipality.pk
        self.fields["held_on"].initial = timezone.localdate


class RescheduleForm(DkfdsModelForm):
    """Changing a meeting's kind or date; its municipality stays, as its cases do."""

    kind = _kind_field()

    class Meta:
        model = Meeting
        fields = ["kind", "held_on"]
        labels = {"held_on": _("Dato")}
        widgets = {"held_on": _date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reschedule-%s")
        super().__init__(*args, **kwargs)


class ParticipantForm(DkfdsModelForm):
    """One authority at the table, and the role its representative has."""

    class Meta:
        model = MeetingParticipant
        fields = ["authority", "role"]
        labels = {"authority": _("Myndighed"), "role": _("Rolle")}
        help_texts = {"role": _("F.eks. sagsbehandler, SSP-konsulent eller mødeleder.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "participant-%s")
        super().__init__(*args, **kwargs)


class AttachCaseForm(DkfdsForm):
    """Putting a case on the agenda, chosen by its number among `cases`.

    The cases ready for a meeting come first. A case outside `cases` (another
    municipality's, a closed one) is not a valid choice."""

    case = forms.ChoiceField(label=_("Sag"))

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "attach-%s")
        super().__init__(*args, **kwargs)
        self.cases = {str(case.pk): case for case in cases.order_by("number")}
        ready = [case for case in self.cases.values() if case.status in AGENDA_STATUSES]
        others = [case for case in self.cases.values() if case.status not in AGENDA_STATUSES]
        groups: list[Any] = [("", CHOOSE)]
        if ready:
            groups.append((_("Klar til møde"), [_option(case) for case in ready]))
        if others:
            groups.append((_("Andre åbne sager"), [_option(case) for case in others]))
        field = self.fields["case"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = groups

    def clean_case(self) -> Case:
        return self.cases[self.cleaned_data["case"]]


def _option(case: Case) -> tuple[str, str]:
    return str(case.pk), f"{case.number} – {case.get_status_display()}"


class AssessmentForm(DkfdsForm):
    """CDE's dialogue-based assessment of one case at one meeting: concerns and
    resources in words for each of the nine dimensions, never a score."""

    main_problems = forms.CharField(
        label=_("Hovedproblemer"), required=False, max_length=TEXT_LIMIT, widget=_textarea(4)
    )
    main_resources = forms.CharField(
        label=_("Hovedressourcer"), required=False, max_length=TEXT_LIMIT, widget=_textarea(4)
    )
    focus_dimensions = forms.MultipleChoiceField(
        label=_("Anbefalede fokusdimensioner"),
        choices=c.Dimension.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(
        label=_("Resultat"), choices=c.AssessmentOutcome.choices, widget=forms.RadioSelect
    )
    overall_assessment = forms.CharField(
        label=_("Helhedsvurdering og anbefaling"), max_length=TEXT_LIMIT, widget=_textarea(6)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "assessment-%s")
        super().__init__(*args, **kwargs)
        for dimension in c.Dimension:
            for part, label in (("concerns", _("Bekymringer")), ("resources", _("Ressourcer"))):
                self.fields[f"{dimension.value}_{part}"] = forms.CharField(
                    label=label, required=False, max_length=TEXT_LIMIT, widget=_textarea(3)
                )
        # DkfdsMixin styled the fields that existed before the loop; style the new ones.
        for name in self.fields:
            widget = self.fields[name].widget
            if "class" not in widget.attrs:
                widget.attrs["class"] = "form-input"

    def dimension_fields(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        """(code, label, concerns field, resources field) per dimension, in CDE's order."""
        return [
            (
                dimension.value,
                str(dimension.label),
                self[f"{dimension.value}_concerns"],
                self[f"{dimension.value}_resources"],
            )
            for dimension in c.Dimension
        ]

    def dimensions(self) -> dict[str, dict[str, str]]:
        """The nine dimensions as `Assessment.dimensions` stores them."""
        data = self.cleaned_data
        return {
            dimension.value: {
                "concerns": data[f"{dimension.value}_concerns"].strip(),
                "resources": data[f"{dimension.value}_resources"].strip(),
            }
            for dimension in c.Dimension
        }

    def assessment_fields(self) -> dict[str, Any]:
        """What `actions.record_assessment` takes besides meeting, case and user."""
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "overall_assessment": data["overall_assessment"].strip(),
            "dimensions": self.dimensions(),
            "main_problems": data["main_problems"].strip(),
            "main_resources": data["main_resources"].strip(),
            "focus_dimensions": data["focus_dimensions"],
        }


def assessment_initial(case: Case, assessment: Assessment | None) -> dict[str, Any]:
    """The form's starting values: the meeting's earlier assessment of the case,
    and the case's current overall assessment."""
    initial: dict[str, Any] = {
        "outcome": case.assessment_outcome,
        "overall_assessment": case.overall_assessment,
        "focus_dimensions": list(case.focus_dimensions),
    }
    if assessment is None:
        return initial
    initial.update(
        main_problems=assessment.main_problems,
        main_resources=assessment.main_resources,
        focus_dimensions=list(assessment.focus_dimensions),
    )
    stored = assessment.dimensions if isinstance(assessment.dimensions, dict) else {}
    for dimension in c.Dimension:
        texts = stored.get(dimension.value) or {}
        for part in ("concerns", "resources"):
            initial[f"{dimension.value}_{part}"] = texts.get(part, "")
    return initial


class AssigneeChoiceField(forms.ModelChoiceField):
    """Colleagues by name, as they know each other."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class AgreementForm(DkfdsModelForm):
    """An agreement made at a meeting: a follow-up action with a deadline."""

    assignee = AssigneeChoiceField(
        label=_("Tildelt"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Den kollega i kommunen, der skal følge op på aftalen."),
    )

    class Meta:
        model = FollowUpAction
        fields = [
            "action_type",
            "responsible_authority",
            "responsible_person",
            "assignee",
            "due_on",
        ]
        labels = {
            "action_type": _("Type af indsats"),
            "responsible_authority": _("Ansvarlig myndighed"),
            "responsible_person": _("Ansvarlig person"),
            "due_on": _("Frist"),
        }
        widgets = {"due_on": _date_input()}

    def __init__(
        self, *args: Any, meeting: Meeting, assignees: QuerySet[User], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "agreement-%s")
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assignees
        # An agreement without a deadline is not an agreement.
        self.fields["due_on"].required = True

    def clean_due_on(self) -> date:
        day: date = self.cleaned_data["due_on"]
        if day < self.meeting.held_on:
            raise forms.ValidationError(_("Fristen kan ikke ligge før mødet."))
        return day
