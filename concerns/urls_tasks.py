"""Each user's follow-up actions: "Mine opgaver" (/opgaver/)."""

from django.urls import path

from concerns.views import my_tasks

app_name = "tasks"
urlpatterns = [
    path("", my_tasks.my_tasks, name="list"),
]
