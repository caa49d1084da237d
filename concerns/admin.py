"""Reference data and infohus profiles. Case contents are deliberately not in the
admin: administrators manage accounts, not cases (DESIGN.md §2)."""

from django.contrib import admin

from concerns.models import InfohusProfile, Municipality, PoliceDistrict, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(PoliceDistrict)
class PoliceDistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    readonly_fields = ("group",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "police_district")
    list_filter = ("region", "police_district")
    search_fields = ("code", "name")
    readonly_fields = ("group",)


@admin.register(InfohusProfile)
class InfohusProfileAdmin(admin.ModelAdmin):
    list_display = ("municipality", "organisation_model", "meeting_cadence", "uses_assessment_tool")
    list_filter = ("organisation_model", "meeting_cadence", "uses_assessment_tool")
    search_fields = ("municipality__name",)
