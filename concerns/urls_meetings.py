"""Analysis and follow-up meetings (/moeder/)."""

from django.urls import path

from concerns.views import meetings

app_name = "meetings"
urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("ny/", meetings.new_meeting, name="new"),
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
    path("<int:pk>/ret/", meetings.reschedule, name="reschedule"),
    path("<int:pk>/deltagere/", meetings.add_participant, name="add_participant"),
    path(
        "<int:pk>/deltagere/<int:participant_pk>/fjern/",
        meetings.remove_participant,
        name="remove_participant",
    ),
    path("<int:pk>/sager/", meetings.attach_case, name="attach_case"),
    path("<int:pk>/sager/<int:case_pk>/fjern/", meetings.detach_case, name="detach_case"),
    path("<int:pk>/sager/<int:case_pk>/vurdering/", meetings.assessment, name="assessment"),
    path("<int:pk>/sager/<int:case_pk>/aftaler/", meetings.add_agreement, name="add_agreement"),
]
