"""Admin for personas."""

from __future__ import annotations

from django.contrib import admin

from .models import Persona


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin[Persona]):
    list_display = ["name", "kind", "workspace"]
    list_filter = ["kind", "workspace"]
    search_fields = ["name", "description", "goals", "frustrations"]
