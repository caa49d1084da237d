from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from concerns import permissions


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    if permissions.can_run_national_report(request.user):
        return redirect("reporting:list")
    if permissions.works_on_cases(request.user):
        return redirect("concerns:list")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "home.html")
