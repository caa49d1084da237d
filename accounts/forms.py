from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """A code from the authenticator app, or a one-time recovery code."""

    token = forms.CharField(
        label=_("Kode"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())
