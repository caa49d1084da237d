from django.urls import path

app_name = "reporting"
urlpatterns: list = []
