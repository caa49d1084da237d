"""The Django admin with Infohus's own access rule (concerns.permissions.can_administer)."""

from django.contrib import admin
from django.http import HttpRequest

from concerns import permissions


class InfohusAdminSite(admin.AdminSite):
    site_header = "Infohus – administration"
    site_title = "Infohus"

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.can_administer(request.user)
