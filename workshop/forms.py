"""Forms of the workshop app."""

from __future__ import annotations

from typing import Any

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


class VoteForm(forms.Form):
    """A facilitator starts a dot vote."""

    question = forms.CharField(
        label=_("Question"),
        max_length=200,
        initial=_("Where does it hurt most?"),
    )
    dots = forms.IntegerField(label=_("Dots per participant"), min_value=1, max_value=20, initial=3)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=240, initial=10)


class CommentForm(forms.Form):
    """A comment on a step or handoff of the map; `target` is "step-<id>" or "handoff-<id>"."""

    target = forms.ChoiceField(label=_("On"))
    body = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mention someone with @ and their username."),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = targets

    def target_ids(self) -> tuple[int | None, int | None]:
        """(step id, handoff id) of the chosen target."""
        kind, _sep, pk = str(self.cleaned_data["target"]).partition("-")
        return (int(pk), None) if kind == "step" else (None, int(pk))
