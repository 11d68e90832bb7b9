import gc

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ValuestreamsConfig(AppConfig):
    name = "valuestreams"
    verbose_name = _("Maps")

    def ready(self) -> None:
        # The editor's signal receivers (change stamps, history clean-up) must be
        # connected before any write, not only once a view has been imported.
        from . import changes  # noqa: F401

        # Fewer, larger collections of young objects (settings.GC_YOUNG_THRESHOLD):
        # the older generations are walked a hundred times less often.
        if settings.GC_YOUNG_THRESHOLD > 0:
            gc.set_threshold(settings.GC_YOUNG_THRESHOLD, 20, 100)
