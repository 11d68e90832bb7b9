"""Personas: whose journey a customer or employee journey map follows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from departments.models import Workspace


class PersonaKind(models.TextChoices):
    """Whose journey a persona stands for."""

    CUSTOMER = "customer", _("Customer")
    EMPLOYEE = "employee", _("Employee")


class Persona(models.Model):
    """A representative customer or employee, with goals and frustrations."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PersonaKind.choices, default=PersonaKind.CUSTOMER
    )
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    frustrations = models.TextField(_("frustrations"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("persona")
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="persona_unique_name",
                violation_error_message=_("A persona with this name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PersonaKind]), name="persona_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
