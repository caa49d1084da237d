"""The project's form renderer: its faster widget templates give the same markup as
Django's own, and a model choice field reads its options with one plain query."""

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext

from concerns.forms import DkfdsForm, FormRenderer, ShareForm, police_district_options
from concerns.models import Case, PoliceDistrict


class Everything(forms.Form):
    """A widget of each kind the case pages use, with choices in groups, an option
    with attributes of its own, and values that must be escaped."""

    name = forms.CharField(initial='Ahmed "A" <b>', widget=forms.TextInput(attrs={"maxlength": 50}))
    born = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "disabled": True}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "required": False}))
    status = forms.ChoiceField(
        choices=[
            ("", "Vælg"),
            ("Åbne", [("a", "Modtaget & åben"), ("b", "Screenet")]),
            ("c", "Lukket"),
        ],
        initial="b",
    )
    kinds = forms.MultipleChoiceField(
        choices=[("x", "<x>"), ("y", "Y")], initial=["x", "y"], widget=forms.SelectMultiple
    )
    milieu = forms.ChoiceField(
        choices=[("ja", "Ja"), ("nej", "Nej")], initial="nej", widget=forms.RadioSelect
    )
    signs = forms.MultipleChoiceField(
        choices=[("s", "Symboler"), ("v", "Vold")], widget=forms.CheckboxSelectMultiple
    )
    hidden = forms.CharField(widget=forms.HiddenInput, initial="1")
    agree = forms.BooleanField(initial=True)


class Marked(forms.Select):
    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-code"] = f"{option['value']}&"
        return option


def rendered(form: forms.Form) -> list[str]:
    return [str(field) for field in form]


@pytest.mark.parametrize(
    "data", [None, {"name": "x", "status": "c", "kinds": ["y"], "signs": ["v"]}]
)
def test_widgets_render_as_djangos_own_templates(data: dict[str, Any] | None) -> None:
    ours = Everything(data, renderer=FormRenderer())
    djangos = Everything(data, renderer=DjangoTemplates())
    assert rendered(ours) == rendered(djangos)


def test_option_attributes_render_as_djangos_own_templates() -> None:
    class WithMarks(forms.Form):
        pick = forms.ChoiceField(choices=[("1", "En"), ("2", "To")], widget=Marked)

    ours = str(WithMarks(renderer=FormRenderer())["pick"])
    assert ours == str(WithMarks(renderer=DjangoTemplates())["pick"])
    assert 'data-code="1&amp;"' in ours


@pytest.mark.django_db
def test_model_choices_are_read_with_one_plain_query() -> None:
    class DistrictForm(DkfdsForm):
        district = forms.ModelChoiceField(queryset=PoliceDistrict.objects.order_by("name"))

    form = DistrictForm()
    with CaptureQueriesContext(connection) as queries:
        html = str(form["district"])
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("SELECT")  # not DECLARE ... CURSOR
    assert html.count("<option") == PoliceDistrict.objects.count() + 1
    assert '<option value="" selected>Vælg</option>' in html


@pytest.mark.django_db
def test_the_share_form_renders_the_same_with_districts_read_along(case: Case) -> None:
    loaded = Case.objects.annotate(options=police_district_options()).get(pk=case.pk)
    read_along = str(ShareForm(case=case, districts=loaded.options)["district"])  # type: ignore[attr-defined]
    assert read_along == str(ShareForm(case=case)["district"])
    assert read_along.count("<option") == PoliceDistrict.objects.count() + 1
    assert f'value="{case.municipality.police_district_id}" selected' in read_along
