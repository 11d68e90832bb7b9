"""Which language a person reads Crosswalk in, decided once per request.

In order: the language the person chose with the switch (kept in their profile
and copied into the session at login, or in the language cookie before they log
in), else the first language of the browser's Accept-Language that we offer,
else the workspace's default language (applied when the workspace is loaded,
see `apply_workspace_language`), else the site's LANGUAGE_CODE.

Reading the choice from the session keeps it free: no query per request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from .models import UserProfile, Workspace

#: Session key of the language a person chose (from their profile or the switch).
SESSION_KEY = "crosswalk_language"


def supported(code: str | None) -> str | None:
    """The offered language for `code` ("de-AT" → "de"), or None when we offer none."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def chosen_language(request: HttpRequest) -> str | None:
    """The language the person chose with the switch, if any."""
    session = getattr(request, "session", None)
    saved = session.get(SESSION_KEY) if session is not None else None
    return supported(saved) or supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def browser_language(request: HttpRequest) -> str | None:
    """The first language of the browser's Accept-Language that we offer."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code != "*" and (found := supported(code)):
            return found
    return None


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with our order: the person's choice, then the browser.

    Marks the request with `language_decided` so that a workspace's default
    language applies only when neither the person nor the browser decided.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = chosen_language(request) or browser_language(request)
        request.language_decided = language is not None  # type: ignore[attr-defined]
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Content-Language and Vary as Django sets them (no language prefixes in URLs)."""
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def apply_workspace_language(request: HttpRequest, workspace: Workspace) -> None:
    """Switch to the workspace's default language when nothing else decided the request's."""
    if workspace.language and not getattr(request, "language_decided", True):
        translation.activate(workspace.language)
        request.LANGUAGE_CODE = workspace.language


def remember_language(request: HttpRequest, language: str) -> None:
    """Keep the switch's choice: in the session now, and in the person's profile for later."""
    request.session[SESSION_KEY] = language
    if request.user.is_authenticated:
        UserProfile.objects.update_or_create(
            user_id=request.user.pk, defaults={"language": language}
        )


@receiver(user_logged_in)
def _restore_language(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # The saved choice follows the person to every browser they log in from.
    if request is None or not hasattr(request, "session"):
        return
    language = (
        UserProfile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    )
    if supported(language):
        request.session[SESSION_KEY] = language
