from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as accounts_views
from concerns.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("login/kode/", accounts_views.verify, name="verify_second_factor"),
    path("login/kode/opsaet/", accounts_views.enrol, name="enrol_second_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Public: the sign-in page has the language switch too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("sager/", include("concerns.urls")),
    path("moeder/", include("concerns.urls_meetings")),
    path("opgaver/", include("concerns.urls_tasks")),
    path("rapporter/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
