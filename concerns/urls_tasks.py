"""Each user's follow-up actions: "Mine opgaver" (/opgaver/)."""

from django.urls import path  # noqa: F401 - used as pages are added

app_name = "tasks"
urlpatterns: list = []
