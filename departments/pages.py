"""Small helpers the write views of every app share: the form page and a safe save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
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


def model_form_page(
    request: HttpRequest,
    form: forms.ModelForm[Any],
    *,
    saved_message: Callable[[Any], str],
    success_url: Callable[[Any], str] | str,
    title: str,
    cancel_url: str,
    **context: Any,
) -> HttpResponse:
    """The life of a plain create or edit page, shared by every such view.

    On a valid POST the form is saved safely (`save_or_report`), `saved_message`
    of the saved object is flashed and the browser goes to `success_url`;
    otherwise the form page shows again with the errors in place.
    """
    if request.method == "POST" and form.is_valid():
        saved = save_or_report(form, form.save)
        if saved is not None:
            messages.success(request, saved_message(saved))
            url = success_url(saved) if callable(success_url) else success_url
            return HttpResponseRedirect(url)
    return form_page(request, form, title=title, cancel_url=cancel_url, **context)
