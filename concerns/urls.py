from django.urls import path

from concerns.views import action_updates, case_edit, case_list, case_updates, cases, intake

app_name = "concerns"
urlpatterns = [
    path("", case_list.case_list, name="list"),
    path("ny/", intake.new_concern, name="new"),
    path("ny/dubletter/", intake.check_duplicates, name="check_duplicates"),
    path("<int:pk>/", cases.case_detail, name="detail"),
    path("<int:pk>/rediger/", case_edit.edit_case, name="edit"),
    path("<int:pk>/cpr/", case_updates.reveal_cpr, name="reveal_cpr"),
    path("<int:pk>/status/", case_updates.transition, name="transition"),
    path("<int:pk>/vurdering/", case_updates.screening, name="screening"),
    path("<int:pk>/tilbagehold/", case_updates.legal_hold, name="legal_hold"),
    path("<int:pk>/indsatser/", case_updates.add_action, name="add_action"),
    path("<int:pk>/indsatser/<int:action_pk>/", action_updates.edit_action, name="edit_action"),
    path("<int:pk>/notater/", case_updates.add_note, name="add_note"),
    path("<int:pk>/deling/", case_updates.share, name="share"),
    path(
        "<int:pk>/deling/<int:share_pk>/tilbagekald/",
        case_updates.revoke_share,
        name="revoke_share",
    ),
]
