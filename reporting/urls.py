from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("ny/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.download, name="download"),
    path("<int:pk>/csv/", views.download_csv, name="download_csv"),
    path("<int:pk>/xlsx/", views.download_xlsx, name="download_xlsx"),
    path("<int:pk>/igen/", views.retry, name="retry"),
    path("kommune/", views.dashboard, name="dashboard"),
]
