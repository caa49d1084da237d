"""Reference data, infohus profiles, retention policies and deletion receipts.

Case contents are deliberately not in the admin: administrators manage accounts, not
cases (DESIGN.md §2)."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from concerns.choices import Authority
from concerns.models import (
    DeletionReceipt,
    InfohusProfile,
    Municipality,
    PoliceDistrict,
    Region,
    RetentionPolicy,
)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Regions, police districts and municipalities come from the reference CSV files
    (concerns/reference/, loaded by migration); the admin can correct them but not add
    or remove any: each district and municipality owns the group its members are in."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ("code", "name")


@admin.register(PoliceDistrict)
class PoliceDistrictAdmin(ReferenceDataAdmin):
    list_display = ("code", "name")
    readonly_fields = ("group",)


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdmin):
    list_display = ("code", "name", "region", "police_district")
    list_filter = ("region", "police_district")
    search_fields = ("code", "name")
    readonly_fields = ("group",)


class InfohusProfileForm(forms.ModelForm):
    # Checkboxes over the fixed vocabulary instead of free comma-separated text.
    participating_authorities = forms.MultipleChoiceField(
        label=_("deltagende myndigheder"),
        choices=Authority.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    beredskab_url = forms.URLField(
        label=_("beredskab offentliggjort på"), required=False, assume_scheme="https"
    )

    class Meta:
        model = InfohusProfile
        fields = "__all__"  # noqa: DJ007 - every field of the profile is editable here


@admin.register(InfohusProfile)
class InfohusProfileAdmin(admin.ModelAdmin):
    form = InfohusProfileForm
    list_display = ("municipality", "organisation_model", "meeting_cadence", "uses_assessment_tool")
    list_filter = ("organisation_model", "meeting_cadence", "uses_assessment_tool")
    search_fields = ("municipality__name",)


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ("municipality", "years_after_closure", "unfounded_months", "updated_at")
    search_fields = ("municipality__name", "municipality__code")


@admin.register(DeletionReceipt)
class DeletionReceiptAdmin(admin.ModelAdmin):
    """Receipts are read here, never written: they come from the retention job."""

    list_display = ("at", "case_number", "municipality", "ended_in", "rule", "person_anonymised")
    list_filter = ("municipality",)
    search_fields = ("case_number",)
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False
