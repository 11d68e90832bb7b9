from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuestreamsConfig(AppConfig):
    name = "valuestreams"
    verbose_name = _("Maps")
