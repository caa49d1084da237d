"""Users and their roles.

A user's role says what kind of work they do; their memberships (of municipalities
or of one police district) say whose cases they work on. Memberships are Django
groups owned by the reference rows (`Municipality.group`, `PoliceDistrict.group`),
which is what django-guardian grants case permissions to.
"""

from collections.abc import Iterator

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Kommunal tovholder")
    POLICE = "police", _("Politiets tovholder")
    ANALYST = "analyst", _("Ministeriets analytiker")
    ADMINISTRATOR = "administrator", _("Administrator")


# Changes to accounts are kept by database triggers (django-pghistory), without the
# password hash and the sign-in time.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
    model_name="UserHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class User(AbstractUser):
    role = models.CharField(_("rolle"), max_length=20, choices=Role, blank=True)
    # Part of every session's auth hash: raising it (`accounts.sessions.end_sessions`)
    # ends all the user's sessions on their next request, without a scan of the
    # session table.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    def get_session_auth_hash(self) -> str:
        return self._session_auth_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        # During a SECRET_KEY rotation too, an ended session must stay ended.
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(str(secret))

    def _session_auth_hash(self, secret: str | None = None) -> str:
        """Django's hash of the password, with the session generation mixed in."""
        return salted_hmac(
            "accounts.models.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_police(self) -> bool:
        return self.role == Role.POLICE

    @property
    def is_analyst(self) -> bool:
        return self.role == Role.ANALYST


# Memberships decide whose cases a user sees: every one added or removed is kept.
pghistory.track(
    pghistory.InsertEvent("membership.add"),
    pghistory.DeleteEvent("membership.remove"),
    obj_field=None,
    model_name="MembershipHistory",
    app_label="accounts",
)(User.groups.through)
