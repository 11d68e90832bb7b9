from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuestreamsConfig(AppConfig):
    name = "valuestreams"
    verbose_name = _("Maps")

    def ready(self) -> None:
        # The editor's signal receivers (change stamps, history clean-up) must be
        # connected before any write, not only once a view has been imported.
        from . import changes  # noqa: F401
