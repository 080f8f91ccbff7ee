"""The admin app with our admin site (this module imports no models: it is loaded before them)."""

from django.contrib.admin.apps import AdminConfig


class LscbAdminConfig(AdminConfig):
    default_site = "lscb.platform.admin_site.LscbAdminSite"
