"""Forms of the second factor: a code from the authenticator app, or a recovery code."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

CODE_HELP = _("The 6 digits your authenticator app shows now.")


def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


class CodeForm(forms.Form):
    """A current 6-digit code (setting up, new recovery codes, turning off)."""

    code = forms.CharField(
        label=_("Code from the app"),
        help_text=CODE_HELP,
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = _digits(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Type the 6 digits the app shows."), code="format")
        return code


class VerifyForm(forms.Form):
    """After the password: a 6-digit code, or one of the recovery codes."""

    token = forms.CharField(
        label=_("Code"),
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self):
        token = _digits(self.cleaned_data["token"]).lower()
        if not token:
            raise forms.ValidationError(_("Type a code."), code="required")
        return token

    @property
    def is_app_code(self) -> bool:
        token = self.cleaned_data["token"]
        return token.isdigit() and len(token) == 6
