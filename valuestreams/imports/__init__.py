"""Everything that comes in: event logs (parsing, storage, discovery, evidence).

Parsing and analysis modules are pure (no models, no requests); `eventlogs.py`
holds the services that write, `models.py` the stored logs and their events.
"""
