"""Analysis and follow-up meetings (/moeder/)."""

from django.urls import path  # noqa: F401 - used as pages are added

app_name = "meetings"
urlpatterns: list = []
