"""Small helpers the write views of every app share: the form page and a safe save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest, QueryDict
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

CONFLICT = _(
    "This could not be saved because it conflicts with data someone changed meanwhile. "
    "Check the values and save again."
)


def post_data(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST, even when empty (so the form is bound), else None."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    cancel_url: str,
    template: str = "form_page.html",
    **context: Any,
) -> TemplateResponse:
    """The shared form page (`form_page.html`) or a page template that extends it."""
    return TemplateResponse(
        request, template, {"form": form, "title": title, "cancel_url": cancel_url, **context}
    )


def confirm_page(
    request: HttpRequest, *, title: str, question: str, cancel_url: str, **context: Any
) -> TemplateResponse:
    """The shared confirmation page for deleting or removing something."""
    return TemplateResponse(
        request,
        "confirm_delete.html",
        {"title": title, "question": question, "cancel_url": cancel_url, **context},
    )


def save_or_report(form: forms.BaseForm, save: Callable[[], T]) -> T | None:
    """Run `save` in a transaction; on a database refusal put a message on the form.

    The forms check every constraint first, so this only catches what changed
    between validation and saving (two people adding the same name at once).
    Returns None when nothing was saved.
    """
    try:
        with transaction.atomic():
            return save()
    except IntegrityError:
        form.add_error(None, CONFLICT)
        return None
