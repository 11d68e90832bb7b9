"""Forms of the workshop app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ShareLinkForm(forms.Form):
    """A share link's label and optional lifetime."""

    label = forms.CharField(label=_("Label"), max_length=120, required=False)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("Leave empty for a link that works until you revoke it."),
    )
