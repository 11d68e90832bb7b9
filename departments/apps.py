from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Workspaces and departments")

    def ready(self) -> None:
        # Connects the login signal that restores a person's chosen language.
        from . import language  # noqa: F401
