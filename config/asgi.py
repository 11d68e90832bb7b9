"""ASGI entry point: Django behind the poll gate (workshop/pollgate.py).

The gate answers a viewer's "nothing changed" poll on PostgreSQL without
Django's stack; every other request, and any poll it has a doubt about, goes
to Django unchanged.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

# Imported once Django is set up: the gate names its query from the models.
from workshop.pollgate import poll_gate  # noqa: E402

application = poll_gate(django_application)
