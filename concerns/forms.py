"""Forms of the case pages. They validate and clean; the views hand the result to
`concerns.actions`, which does the writing.

Every form renders its fields with the design system's markup (see `DkfdsMixin`),
so templates call `{{ form.field.as_field_group }}` and get label, hint, error
message and input wired together with `aria-describedby`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.db.models.functions import JSONObject
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from concerns import choices as c
from concerns.duplicates import Match
from concerns.models import Case, FollowUpAction, Municipality, Note, Person, PoliceDistrict
from concerns.permissions import action_assignees

FIELD_TEMPLATE = "concerns/forms/field.html"
CHOOSE = _("Vælg")


def _date_input() -> forms.DateInput:
    # The browser's own date picker shows the date in the user's locale; the value
    # sent is ISO, which Django always accepts next to the Danish dd.mm.yyyy.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "form-checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "form-radio"
    if isinstance(widget, forms.CheckboxInput):
        return "form-checkbox"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-input"


class FormRenderer(DjangoTemplates):
    """Django's own widget templates, plus the project's templates for whole fields."""

    field_template_name = FIELD_TEMPLATE

    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(forms.__file__).parent / "templates",
                ],
                "NAME": "infohus_forms",
                "OPTIONS": {},
            }
        )


class DkfdsMixin(forms.BaseForm):
    """Give every field the design system's classes and field template."""

    default_renderer = FormRenderer()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = _css_class(field.widget)
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} {existing}".strip()
            _label_blank_choice(field)


class ListedChoices(forms.models.ModelChoiceIterator):
    """A model choice field's options, read with one plain query. Django's own
    iterator reads them with `QuerySet.iterator()`, which on PostgreSQL is a
    server-side cursor: DECLARE, FETCH and CLOSE for a list of a dozen rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def _label_blank_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = str(CHOOSE)
        field.iterator = ListedChoices
        field.widget.choices = field.choices
        return
    if isinstance(field, forms.ChoiceField) and not isinstance(field.widget, forms.RadioSelect):
        choices: Any = field.choices
        options = list(choices)
        if options and options[0][0] == "":
            field.choices = [("", CHOOSE), *options[1:]]


class DkfdsForm(DkfdsMixin, forms.Form):
    pass


class DkfdsModelForm(DkfdsMixin, forms.ModelForm):
    pass


def not_in_future(day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(_("Datoen må ikke ligge i fremtiden."))


# --- CPR numbers ---------------------------------------------------------------------

_CPR_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")


def normalise_cpr(value: str) -> str:
    """Return the CPR number as 10 digits, or raise ValidationError.

    Accepts `DDMMÅÅ-XXXX` and `DDMMÅÅXXXX`. The modulus-11 check is not applied:
    CPR numbers issued since 2007 need not satisfy it.
    """
    match = _CPR_PATTERN.match(value.strip().replace(" ", ""))
    if match is None:
        raise forms.ValidationError(
            _("Angiv CPR-nummeret som 10 cifre, evt. med bindestreg: ddmmåå-xxxx.")
        )
    digits = match.group(1) + match.group(2)
    if not _cpr_date_exists(digits[:6]):
        raise forms.ValidationError(_("CPR-nummerets første seks cifre er ikke en gyldig dato."))
    return digits


def _cpr_date_exists(ddmmyy: str) -> bool:
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    # The century sits in the serial part; a date valid in either century is accepted.
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


# --- Recording a concern ----------------------------------------------------------------


class PersonForm(DkfdsModelForm):
    """The person a concern is about. Optional only for a group concern."""

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=11,
        help_text=_("10 cifre, med eller uden bindestreg."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "date_of_birth",
            "gender",
            "municipality",
            "psych_vulnerability",
            "gang_fringe",
            "relative_radicalised",
            "parallel_social_case",
        ]
        labels = {
            "name": _("Navn"),
            "date_of_birth": _("Fødselsdato"),
            "gender": _("Køn"),
            "municipality": _("Bopælskommune"),
            "psych_vulnerability": _("Psykisk sårbarhed"),
            "gang_fringe": _("I periferien af et bande- eller kriminelt miljø"),
            "relative_radicalised": _("Søskende eller pårørende til en radikaliseret person"),
            "parallel_social_case": _("Kendt parallel myndighedssag"),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "date_of_birth": _date_input(),
            "gender": forms.RadioSelect,
            "psych_vulnerability": forms.RadioSelect,
        }

    def __init__(self, *args: Any, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.optional = optional
        self.fields["name"].required = not optional

    def clean_cpr(self) -> str:
        value: str = self.cleaned_data["cpr"]
        return normalise_cpr(value) if value.strip() else ""

    def clean_date_of_birth(self) -> date | None:
        day: date | None = self.cleaned_data["date_of_birth"]
        not_in_future(day)
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        name, cpr, born = cleaned.get("name"), cleaned.get("cpr"), cleaned.get("date_of_birth")
        if self.optional and not name and (cpr or born):
            self.add_error(
                "name", _("Angiv personens navn, eller lad CPR-nummer og fødselsdato stå tomme.")
            )
        if cpr and born and born.strftime("%d%m%y") != cpr[:6]:
            self.add_error("cpr", _("CPR-nummeret passer ikke med fødselsdatoen."))
        return cleaned

    def person_fields(self) -> dict[str, Any] | None:
        """What `actions.record_concern` needs, or None for a group without a person."""
        if not self.cleaned_data.get("name"):
            return None
        return dict(self.cleaned_data)


class CaseForm(DkfdsModelForm):
    """The concern itself: how it came in and what it is about."""

    signs = forms.MultipleChoiceField(
        label=_("Bekymringstegn"),
        choices=c.Sign.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    secondary_extremism_types = forms.MultipleChoiceField(
        label=_("Sekundære typer af ekstremisme"),
        choices=c.ExtremismType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Case
        fields = [
            "municipality",
            "is_group",
            "received_on",
            "received_by",
            "channel",
            "sender_type",
            "sender_anonymous",
            "age_at_receipt",
            "description",
            "signs",
            "extremism_type",
            "secondary_extremism_types",
            "online_element",
            "milieu_tie",
            "housing_area",
            "acute",
            "psych_vulnerability_part",
        ]
        labels = {
            "municipality": _("Kommune"),
            "is_group": _("Bekymringen gælder en gruppe"),
            "received_on": _("Modtaget den"),
            "received_by": _("Modtaget af"),
            "channel": _("Kanal"),
            "sender_type": _("Afsender"),
            "sender_anonymous": _("Afsenderen er anonym"),
            "age_at_receipt": _("Alder ved modtagelse"),
            "description": _("Beskrivelse af bekymringen"),
            "extremism_type": _("Primær type af ekstremisme"),
            "online_element": _("Onlineelement"),
            "milieu_tie": _("Tilknytning til ekstremistisk miljø"),
            "housing_area": _("Boligområde"),
            "acute": _("Bekymringen er akut"),
            "psych_vulnerability_part": _("Psykisk sårbarhed indgår i bekymringen"),
        }
        help_texts = {
            "is_group": _("Så kan personoplysningerne udelades."),
            "age_at_receipt": _("Udregnes ud fra fødselsdatoen, hvis feltet står tomt."),
            "housing_area": _("Kun hvis det er relevant for indsatsen."),
        }
        widgets = {
            "received_on": _date_input(),
            "age_at_receipt": forms.NumberInput(attrs={"min": 0, "max": 120}),
            "description": _textarea(6),
            "online_element": forms.RadioSelect,
            "milieu_tie": forms.RadioSelect,
        }

    def __init__(
        self, *args: Any, municipalities: QuerySet[Municipality] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.single_municipality: Municipality | None = None
        if municipalities is not None:
            self._offer_municipalities(municipalities)
        self.fields["received_on"].initial = timezone.localdate
        self.fields["age_at_receipt"].validators.append(MaxValueValidator(120))

    def _offer_municipalities(self, municipalities: QuerySet[Municipality]) -> None:
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
        options = list(municipalities[:2])
        # A coordinator of one municipality has nothing to choose.
        self.single_municipality = options[0] if len(options) == 1 else None
        if self.single_municipality is not None:
            field.widget = forms.HiddenInput()
            field.initial = self.single_municipality.pk

    def is_group_checked(self) -> bool:
        """Whether the submitted data marks a group concern (before validation)."""
        return bool(self["is_group"].data)

    def clean_received_on(self) -> date:
        day: date = self.cleaned_data["received_on"]
        not_in_future(day)
        return day

    def case_fields(self) -> dict[str, Any]:
        """What `actions.record_concern` takes as `case_fields`."""
        fields = dict(self.cleaned_data)
        fields.pop("municipality", None)
        return fields


# --- Working on a case ----------------------------------------------------------------------


class TransitionForm(DkfdsForm):
    """A status change. The workflow decides whether it is allowed; this only cleans."""

    to = forms.ChoiceField(label=_("Ny status"), choices=c.Status.choices)
    closure_reason = forms.ChoiceField(
        label=_("Afslutningsårsag"),
        choices=[("", CHOOSE), *c.ClosureReason.choices],
        # Required by the workflow when closing; each reason has a form of its own.
        required=False,
        widget=forms.Select(attrs={"aria-required": "true"}),
    )
    cancel_reason = forms.CharField(
        label=_("Årsag til annullering"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"aria-required": "true"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "transition-%s")
        super().__init__(*args, **kwargs)


class ScreeningForm(DkfdsForm):
    """The police liaison's initial check of a concern."""

    result = forms.ChoiceField(
        label=_("Politiets vurdering"), choices=[("", CHOOSE), *c.ScreeningResult.choices]
    )
    screened_on = forms.DateField(
        label=_("Vurderet den"), initial=timezone.localdate, widget=_date_input()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "screening-%s")
        super().__init__(*args, **kwargs)

    def clean_screened_on(self) -> date:
        day: date = self.cleaned_data["screened_on"]
        not_in_future(day)
        return day


class FollowUpActionForm(DkfdsModelForm):
    """A follow-up action (indsats) planned by one authority, and the user who is to
    carry it out: someone who works on the case (see `AssigneeField`)."""

    class Meta:
        model = FollowUpAction
        fields = [
            "action_type",
            "responsible_authority",
            "responsible_person",
            "legal_basis",
            "national_corps",
            "consent_recorded",
            "status",
            "starts_on",
            "due_on",
            "assignee",
            "outcome",
        ]
        labels = {
            "action_type": _("Type af indsats"),
            "responsible_authority": _("Ansvarlig myndighed"),
            "responsible_person": _("Ansvarlig person"),
            "legal_basis": _("Lovgrundlag"),
            "national_corps": _("Mentor eller coach fra det nationale korps"),
            "consent_recorded": _("Samtykke er registreret"),
            "status": _("Status"),
            "starts_on": _("Start"),
            "due_on": _("Frist"),
            "outcome": _("Resultat"),
        }
        widgets = {
            "starts_on": _date_input(),
            "due_on": _date_input(),
            "outcome": _textarea(3),
        }

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "action-%s")
        super().__init__(*args, **kwargs)
        if case is None:
            del self.fields["assignee"]  # without a case there is no one to choose
        else:
            self.fields["assignee"] = AssigneeField(action_assignees(case))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts_on, due_on = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", _("Fristen kan ikke ligge før starten."))
        require_outcome_when_completed(self)
        return cleaned


class NoteForm(DkfdsForm):
    """A journal entry in one of the sections the user may write to."""

    visibility = forms.ChoiceField(label=_("Hvem må se notatet?"), widget=forms.RadioSelect)
    body = forms.CharField(label=_("Notat"), widget=_textarea(5))

    def __init__(self, *args: Any, visibilities: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "note-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["visibility"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, label) for value, label in c.NoteVisibility.choices if value in visibilities
        ]


def police_district_options() -> ArraySubquery:
    """Every police district as {pk, name}, by name, as a subquery: the case page
    reads the share form's options with the case."""
    return ArraySubquery(
        PoliceDistrict.objects.order_by("name").values(option=JSONObject(pk="pk", name="name"))
    )


class ShareForm(DkfdsForm):
    """Disclosure of a case to a police district (retsplejeloven § 115)."""

    district = forms.ModelChoiceField(
        label=_("Politikreds"), queryset=PoliceDistrict.objects.order_by("name")
    )
    purpose = forms.ChoiceField(label=_("Formål"), choices=[("", CHOOSE), *c.SharePurpose.choices])
    purpose_detail = forms.CharField(
        label=_("Uddybning af formålet"),
        max_length=500,
        widget=_textarea(3),
        help_text=_("Hvorfor er det nødvendigt at dele netop denne sag?"),
    )
    legal_basis = forms.ChoiceField(
        label=_("Hjemmel"), choices=c.LegalBasis.choices, initial=c.LegalBasis.RPL_115
    )

    def __init__(
        self, *args: Any, case: Case, districts: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        """`districts` ({pk, name}, by name; see `police_district_options`) saves the
        blank form's query for its options; a choice is checked against the table."""
        kwargs.setdefault("auto_id", "share-%s")
        super().__init__(*args, **kwargs)
        self.case = case
        field = self.fields["district"]
        field.initial = case.municipality.police_district_id
        if districts is not None:
            assert isinstance(field, forms.ModelChoiceField)
            field.choices = [("", field.empty_label), *((d["pk"], d["name"]) for d in districts)]

    def clean_district(self) -> PoliceDistrict:
        district: PoliceDistrict = self.cleaned_data["district"]
        if self.case.shares.filter(to_district=district, revoked_at__isnull=True).exists():
            raise forms.ValidationError(
                _("Sagen er allerede delt med %(district)s."), params={"district": district}
            )
        return district


class RevealCprForm(DkfdsForm):
    """Why the full CPR number is needed; the reason goes to the audit trail."""

    purpose = forms.CharField(
        label=_("Formål med at se hele CPR-nummeret"),
        max_length=150,
        help_text=_("F.eks. opslag i et fagsystem. Formålet logges."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cpr-%s")
        super().__init__(*args, **kwargs)


class RevokeShareForm(DkfdsForm):
    """Ending a disclosure, with the reason for the disclosure log."""

    reason = forms.CharField(label=_("Årsag til tilbagekaldelse"), max_length=500)

    def __init__(self, *args: Any, share_pk: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"revoke-{share_pk}-%s")
        super().__init__(*args, **kwargs)


class LegalHoldForm(DkfdsForm):
    """Setting a legal hold, which stops the retention clock, or lifting it."""

    hold = forms.TypedChoiceField(
        label=_("Retligt tilbagehold"),
        choices=[("on", _("Sæt")), ("off", _("Ophæv"))],
        coerce=lambda value: value == "on",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=500,
        required=False,
        help_text=_(
            "F.eks. en verserende klage eller retssag. Sagen slettes ikke, mens den er sat."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "hold-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("hold") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Skriv hvorfor sagen skal holdes tilbage."))
        return data


# --- Intake duplicates, case edits and note corrections --------------------------------


CHOOSE_PERSON = _(
    "Vælg, om bekymringen skal knyttes til den registrerede person, eller om der skal "
    "oprettes en ny person."
)


class DuplicateChoiceForm(DkfdsForm):
    """At intake, when the person may be registered already: link the concern to
    that person, or create a new one. Only the offered persons can be chosen."""

    NEW = "new"

    link = forms.ChoiceField(
        label=_("Er det den samme person?"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE_PERSON},
    )

    def __init__(self, *args: Any, matches: Sequence[Match], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matches = list(matches)
        field = self.fields["link"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(match.person.pk), _("Knyt til denne person: %(name)s") % {"name": match.person})
            for match in self.matches
        ] + [(self.NEW, _("Opret ny person"))]

    def clean_link(self) -> str:
        value: str = self.cleaned_data["link"]
        if self.matches and not value:
            raise forms.ValidationError(CHOOSE_PERSON)
        return value

    def linked(self) -> Match | None:
        """The chosen registered person, or None for a new person."""
        value = self.cleaned_data.get("link")
        return next((match for match in self.matches if str(match.person.pk) == value), None)


class CaseEditForm(CaseForm):
    """The descriptive fields of a recorded case, with the version the form was
    loaded at. Not the status: that changes through transitions only."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta(CaseForm.Meta):
        fields = [name for name in CaseForm.Meta.fields if name != "municipality"]
        help_texts = {
            name: text for name, text in CaseForm.Meta.help_texts.items() if name == "housing_area"
        }

    def case_fields(self) -> dict[str, Any]:
        """What `actions.update_case` takes as `fields`."""
        fields = super().case_fields()
        fields.pop("version")
        return fields


class PersonEditForm(PersonForm):
    """The person's details on a recorded case. The CPR number is never put into the
    form: left empty, the registered number is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.cpr_encrypted:
            self.fields["cpr"].help_text = _(
                "Lad feltet stå tomt for at beholde det registrerede nummer (%(masked)s)."
            ) % {"masked": self.instance.masked_cpr}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        born = cleaned.get("date_of_birth")
        kept = not cleaned.get("cpr") and self.instance.cpr_encrypted
        if kept and born and born.strftime("%d%m%y") != self.instance.cpr[:6]:
            self.add_error(
                "date_of_birth", _("Fødselsdatoen passer ikke med det registrerede CPR-nummer.")
            )
        return cleaned


class NoteCorrectionForm(DkfdsForm):
    """A correction of a journal entry: a new note that refers to the old one, which
    stays. Only a note the user may see, and that is not corrected yet, qualifies."""

    corrects = forms.ModelChoiceField(
        queryset=Note.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Notatet kan ikke rettes.")},
    )
    body = forms.CharField(label=_("Rettelse"), widget=_textarea(4))

    def __init__(self, *args: Any, notes: QuerySet[Note], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "correct-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["corrects"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = notes.filter(corrections__isnull=True)


# --- Follow-up actions: who carries them out, and updates ----------------------------------


class AssigneeField(forms.TypedChoiceField):
    """One of `users` (those who work on the case), or no one. The users are read
    once, when the field is made, and a choice is checked against them."""

    def __init__(self, users: Iterable[User], **kwargs: Any) -> None:
        self.users = {user.pk: user for user in users}
        choices = [("", _("Ingen")), *((pk, _user_label(u)) for pk, u in self.users.items())]
        super().__init__(
            label=_("Tildelt"),
            help_text=_("Den, der skal udføre indsatsen. Den vises under »Mine opgaver«."),
            choices=choices,
            coerce=self._user,
            empty_value=None,
            required=False,
            widget=forms.Select(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _("Vælg en, der arbejder på sagen.")},
            **kwargs,
        )

    def _user(self, value: str) -> User:
        return self.users[int(value)]


def _user_label(user: User) -> str:
    return f"{user.get_full_name() or user.username} ({user.get_role_display()})"


def require_outcome_when_completed(form: forms.BaseForm) -> None:
    """A completed action needs its outcome written down."""
    cleaned = form.cleaned_data
    completed = cleaned.get("status") == c.ActionStatus.COMPLETED
    if completed and not (cleaned.get("outcome") or "").strip() and "outcome" not in form.errors:
        form.add_error(
            "outcome", _("Skriv resultatet af indsatsen, før du markerer den som gennemført.")
        )


class ActionUpdateForm(DkfdsForm):
    """Progress on a follow-up action: status, outcome, consent, due date, assignee.

    `state` carries the action's fingerprint (`actions.action_state`) from when
    the form was opened, so a change made by someone else in between is caught.
    """

    status = forms.ChoiceField(label=_("Status"), choices=c.ActionStatus.choices)
    outcome = forms.CharField(
        label=_("Resultat"),
        required=False,
        max_length=5000,
        widget=_textarea(3),
        help_text=_("Skal udfyldes, når indsatsen er gennemført."),
    )
    consent_recorded = forms.BooleanField(label=_("Samtykke er registreret"), required=False)
    due_on = forms.DateField(label=_("Frist"), required=False, widget=_date_input())
    state = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, action: FollowUpAction, assignees: Iterable[User], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"indsats-{action.pk}-%s")
        kwargs["initial"] = {
            "status": action.status,
            "outcome": action.outcome,
            "consent_recorded": action.consent_recorded,
            "due_on": action.due_on,
            "assignee": action.assignee_id or "",
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        self.action = action
        field = AssigneeField(assignees)
        if action.assignee is not None and action.assignee_id not in field.users:
            field.help_text = _(
                "%(name)s arbejder ikke længere på sagen. Vælg en anden, eller lad feltet stå tomt."
            ) % {"name": action.assignee.get_full_name() or action.assignee.username}
        self.fields["assignee"] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        due_on, starts_on = cleaned.get("due_on"), self.action.starts_on
        if due_on and starts_on and due_on < starts_on:
            self.add_error(
                "due_on",
                _("Fristen kan ikke ligge før indsatsens start (%(start)s).")
                % {"start": starts_on.strftime("%d.%m.%Y")},
            )
        require_outcome_when_completed(self)
        return cleaned

    def changes(self) -> dict[str, Any]:
        """What `actions.update_follow_up_action` takes as `fields`."""
        names = ("status", "outcome", "consent_recorded", "due_on", "assignee")
        return {name: self.cleaned_data[name] for name in names}
