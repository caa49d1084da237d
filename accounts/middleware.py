"""Session lifetime and caching rules for signed-in users."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers

SIGNED_IN_AT = "signed_in_at"


def stamp_sign_in(request: HttpRequest) -> None:
    """Remember when the session was authenticated (called on every login)."""
    request.session[SIGNED_IN_AT] = timezone.now().isoformat()


TOUCHED_AT = "touched_at"


def end_sessions_past_their_lifetime(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """End a session SESSION_MAX_AGE after sign-in, however active it has been; and
    move the idle expiry on (SESSION_COOKIE_AGE from now) at most once every
    SESSION_TOUCH_INTERVAL, rather than writing the session row on every request:
    a session then ends between SESSION_COOKIE_AGE minus the interval and
    SESSION_COOKIE_AGE after its last request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            touched = request.session.get(TOUCHED_AT)
            now = timezone.now()
            if touched is None or now - datetime.fromisoformat(touched) >= (
                settings.SESSION_TOUCH_INTERVAL
            ):
                request.session[TOUCHED_AT] = now.isoformat()  # saved, with a new expiry
            stamp = request.session.get(SIGNED_IN_AT)
            too_old = stamp is None or (
                now - datetime.fromisoformat(stamp) > settings.SESSION_MAX_AGE
            )
            if too_old:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware


def no_store_when_signed_in(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Every response to a signed-in user says `Cache-Control: no-store`: the page
    may hold case data, and the browser's back button must not show it after
    logout. Django only does this for views marked `never_cache`."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware


# The sign-in steps themselves, logout and static files need no second factor.
SECOND_FACTOR_EXEMPT = ("/login/", "/logout/", "/static/")


def require_second_factor(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A password alone opens nothing: until the session is verified with a code
    (django-otp's `is_verified`), every page sends the user to the code step."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr, attr-defined]
            and not request.path.startswith(SECOND_FACTOR_EXEMPT)
        ):
            return redirect_to_login(request.get_full_path(), login_url="/login/kode/")
        return get_response(request)

    return middleware


def admin_only_from_allowed_networks(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """The admin, its sign-in page included, does not exist for addresses outside
    ADMIN_ALLOWED_NETWORKS (SECURITY.md 8.4.2: one more layer before the admin)."""
    from concerns.permissions import from_admin_network

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/") and not from_admin_network(
            request.META.get("REMOTE_ADDR")
        ):
            raise Http404
        return get_response(request)

    return middleware


def language_from_choice(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Danish unless the user chose another language with the switch (the language
    cookie set by `set_language`); unlike LocaleMiddleware, the browser's
    Accept-Language never changes the language of a page on its own."""

    def middleware(request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware
