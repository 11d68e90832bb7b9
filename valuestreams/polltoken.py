"""The poll token: what lets a viewer's "nothing changed" poll skip Django's whole stack.

The editor and presentation pages poll every 2 s. The page Django rendered for a
logged-in member puts a token in its poll URL naming that user, that map and
(by a digest) that login session, signed with the site's secret. The poll gate
(`workshop.pollgate`) trusts the token instead of loading the session, and
still asks the database, in its one query, whether the user is a member now and
the session still open, so a revoked member or a logout stops it at once.

A token is only ever enough for a 204 "unchanged": everything else goes through
Django, which ignores the token.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.core import signing

SALT = "crosswalk.poll"
#: A page left open longer than this polls through Django (slower, same answer)
#: until the map changes and the changed answer brings a fresh token.
MAX_AGE_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class PollGrant:
    """Who may ask about which map, as a valid token says."""

    user_id: int
    map_id: int


def session_digest(session_key: str) -> str:
    """A short digest of the session key: binds a token to one login, never reveals it."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def poll_token(*, user_id: int, map_id: int, session_key: str) -> str:
    """The signed, timestamped token for `user_id` polling `map_id` in session `session_key`."""
    value = f"{user_id}.{map_id}.{session_digest(session_key)}"
    return signing.TimestampSigner(salt=SALT).sign(value)


def read_poll_token(token: str, *, session_key: str) -> PollGrant | None:
    """The grant a token carries, or None when it is forged, expired or of another session."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        return None
    parts = value.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts[:2]):
        return None
    if not hmac.compare_digest(parts[2], session_digest(session_key)):
        return None
    return PollGrant(int(parts[0]), int(parts[1]))
