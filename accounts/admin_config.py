from django.contrib.admin.apps import AdminConfig


class InfohusAdminConfig(AdminConfig):
    """Django's admin app, with the site that applies Infohus's access rule."""

    default_site = "accounts.admin_site.InfohusAdminSite"
