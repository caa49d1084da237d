"""Users and their roles.

A user's role says what kind of work they do; their memberships (of municipalities
or of one police district) say whose cases they work on. Memberships are Django
groups owned by the reference rows (`Municipality.group`, `PoliceDistrict.group`),
which is what django-guardian grants case permissions to.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Kommunal tovholder")
    POLICE = "police", _("Politiets tovholder")
    ANALYST = "analyst", _("Ministeriets analytiker")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("rolle"), max_length=20, choices=Role, blank=True)

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_police(self) -> bool:
        return self.role == Role.POLICE

    @property
    def is_analyst(self) -> bool:
        return self.role == Role.ANALYST
