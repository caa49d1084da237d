"""User administration, where memberships of municipalities and police districts
are managed as two plain fields instead of raw groups."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.memberships import set_memberships
from accounts.models import Role, User
from accounts.sessions import end_sessions
from concerns.models import Municipality, PoliceDistrict


class MembershipFields(forms.ModelForm):
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=FilteredSelectMultiple(_("kommuner"), is_stacked=False),
        help_text=_("Kun for kommunale tovholdere."),
    )
    police_district = forms.ModelChoiceField(
        label=_("Politikreds"),
        queryset=PoliceDistrict.objects.all(),
        required=False,
        help_text=_("Kun for politiets tovholdere."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            groups = self.instance.groups.all()
            self.fields["municipalities"].initial = Municipality.objects.filter(group__in=groups)
            self.fields["police_district"].initial = PoliceDistrict.objects.filter(
                group__in=groups
            ).first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        municipalities = data.get("municipalities") or []
        district = data.get("police_district")
        if role == Role.COORDINATOR and not municipalities:
            self.add_error("municipalities", _("En kommunal tovholder skal høre til en kommune."))
        if role != Role.COORDINATOR and municipalities:
            self.add_error("municipalities", _("Kun kommunale tovholdere hører til kommuner."))
        if role == Role.POLICE and district is None:
            self.add_error(
                "police_district", _("Politiets tovholder skal høre til en politikreds.")
            )
        if role != Role.POLICE and district is not None:
            self.add_error(
                "police_district", _("Kun politiets tovholdere hører til en politikreds.")
            )
        return data


class MembershipChangeForm(MembershipFields, UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = "__all__"  # noqa: DJ007 - Django's own user admin form, fieldsets limit it


class MembershipCreationForm(MembershipFields, UserCreationForm):
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "role")


@admin.register(User)
class InfohusUserAdmin(UserAdmin):
    form = MembershipChangeForm
    add_form = MembershipCreationForm
    list_display = ("username", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    actions = ["end_user_sessions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personlige oplysninger"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rolle og medlemskaber"), {"fields": ("role", "municipalities", "police_district")}),
        (_("Administration"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "role",
                    "municipalities",
                    "police_district",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        set_memberships(
            form.instance,
            municipalities=list(form.cleaned_data.get("municipalities") or []),
            district=form.cleaned_data.get("police_district"),
        )

    @admin.action(description=_("Afslut brugerens sessioner"), permissions=["change"])
    def end_user_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            end_sessions(user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d bruger er logget ud overalt.",
                "%(count)d brugere er logget ud overalt.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
