"""The form renderer: Django's widget templates drawn by Jinja2, the rest by Django's engine.

Django ships every widget and form template twice, for its own template engine
and for Jinja2, with the same markup. An editor answer draws some sixty widgets
(the step panel's fields, the move pad, the radios of the emotion faces): through
Django's engine they cost several milliseconds of every edit, through Jinja2 a
fraction of that. A template that only exists for Django's engine (the admin's
widget wrappers, an app's own widget) is still found there.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


class _ShippedJinja2(Jinja2):
    """Django's Jinja2 widget renderer, without checking its files for changes.

    Under DEBUG, Jinja2 looks at each template file's time on every use (some
    hundred looks per editor answer); these are Django's own files, which only
    change with an upgrade, after which the server restarts anyway.
    """

    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [Path(django.forms.__file__).parent / "jinja2"],
                "NAME": "djangoforms",
                "OPTIONS": {"auto_reload": False},
            }
        )


class FormRenderer(BaseRenderer):
    """Jinja2 for the templates Django ships for it; Django's engine for every other."""

    def __init__(self) -> None:
        self._jinja2 = _ShippedJinja2()
        self._django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        """The Jinja2 template of that name, else the Django one (TemplateDoesNotExist if none)."""
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
