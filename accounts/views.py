"""The second sign-in step: a TOTP code from an authenticator app (django-otp),
with one-time recovery codes for a lost phone. Every page but login requires it."""

import base64
import io

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from accounts.forms import TokenForm
from audit.log import record
from audit.models import AuditAction

RECOVERY_CODES = 10


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def _complete(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    otp_login(request, device)
    record(
        user=request.user,
        action=AuditAction.LOGIN,
        object_type="accounts.user",
        object_id=str(request.user.pk),
        purpose="totrinsbekræftelse",
    )
    # django-otp keeps the session key; a new one after the second factor means a
    # key seen before it is worth nothing after it.
    request.session.cycle_key()


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect(_with_next("enrol_second_factor", request))
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            _complete(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Koden er forkert eller udløbet. Prøv igen."))
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/verify.html", context, status=status)


def _qr_data_uri(device: TOTPDevice) -> str:
    svg = io.BytesIO()
    write_qrcode_image(device.config_url, svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: show the QR code, confirm with a first code,
    then show the recovery codes once."""
    if user_has_device(request.user):
        return redirect(_with_next("verify_second_factor", request))
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator"}
    )
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                codes = _new_recovery_codes(request)
            _complete(request, device)
            done = {"codes": codes, "next": _next_url(request)}
            return render(request, "registration/recovery_codes.html", done)
        form.add_error(
            "token", _("Koden passer ikke. Tjek at telefonens ur er rigtigt, og prøv igen.")
        )
    context: dict[str, object] = {
        "form": form,
        "qr": _qr_data_uri(device),
        "key": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "registration/enrol.html", context, status=400 if form.is_bound else 200)


def _new_recovery_codes(request: HttpRequest) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=request.user, defaults={"name": "Gendannelseskoder"}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
