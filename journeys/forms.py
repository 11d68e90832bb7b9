"""Persona form: the name is unique within the workspace, as the database requires."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.forms import is_taken
from departments.models import Workspace

from .models import Persona


class PersonaForm(forms.ModelForm[Persona]):
    class Meta:
        model = Persona
        fields = ["name", "kind", "description", "goals", "frustrations"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "frustrations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance.workspace = workspace

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if is_taken(self.workspace.personas.all(), self.instance, name__iexact=name):
            raise forms.ValidationError(_("A persona with this name already exists."))
        return name
