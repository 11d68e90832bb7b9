"""Django's form renderer, with the plainest widgets written out in Python.

Inputs, textareas, selects and the options of radio and checkbox groups.

Every `<input>` and `<textarea>` Django renders goes through three small
templates (`text.html` includes `input.html`, which includes `attrs.html`); the
editor's side panel renders some forty of them on every save of a step, and the
template engine spent more time on them than on the rest of the panel. The
markup here is the same, character for character (tests compare both for every
widget kind); any other template, and a project template overriding one of
these, still renders as Django's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
#: Widget templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _text(value: Any) -> str:
    # `{{ value }}` of a text, as the template engine autoescapes it.
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _formatted(value: Any) -> str:
    # `{{ value|stringformat:'s' }}`: the filter keeps a safe value safe.
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: False leaves an attribute out, True writes its bare name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """`input.html`."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    """`textarea.html` (the newline after the tag is the template's)."""
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


def _option(widget: Mapping[str, Any]) -> str:
    """`input_option.html`: a radio button or checkbox of a group, in its label."""
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    opening = f'<label for="{_text(target)}">' if target else "<label>"
    return f"{opening}{_input(widget)} {_text(widget['label'])}</label>"


def _select(widget: Mapping[str, Any]) -> str:
    """`select.html` with its `select_option.html` options (the templates' line breaks)."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"  # the option template's last line break
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain_options(widget: Mapping[str, Any]) -> bool:
    # Only options drawn by Django's own option template are drawn here.
    return all(
        option.get("template_name") == f"{_WIDGETS}select_option.html"
        for _name, group, _index in widget["optgroups"]
        for option in group
    )


_INPUT_CHAIN = (f"{_WIDGETS}input.html", f"{_WIDGETS}attrs.html")
#: What each template is drawn by, and the templates it stands for (its includes).
_DRAWN: dict[str, tuple[Callable[[Mapping[str, Any]], str], tuple[str, ...]]] = {
    **{name: (_input, (name, *_INPUT_CHAIN)) for name in _INPUTS},
    f"{_WIDGETS}textarea.html": (_textarea, (f"{_WIDGETS}textarea.html", f"{_WIDGETS}attrs.html")),
    f"{_WIDGETS}select.html": (
        _select,
        (f"{_WIDGETS}select.html", f"{_WIDGETS}select_option.html", f"{_WIDGETS}attrs.html"),
    ),
    **{
        f"{_WIDGETS}{name}": (
            _option,
            (f"{_WIDGETS}{name}", f"{_WIDGETS}input_option.html", *_INPUT_CHAIN),
        )
        for name in ("input_option.html", "radio_option.html", "checkbox_option.html")
    },
}


class FormRenderer(DjangoTemplates):
    """Django's default renderer, drawing plain inputs, textareas and options directly."""

    def __init__(self) -> None:
        super().__init__()
        self._django_own: dict[str, bool] = {}

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        drawn = _DRAWN.get(template_name)
        widget = context.get("widget")
        if drawn is None or not isinstance(widget, Mapping) or not self._own(drawn[1]):
            return str(super().render(template_name, context, request))
        if drawn[0] is _select and not _plain_options(widget):
            return str(super().render(template_name, context, request))
        return drawn[0](widget)

    def _own(self, names: tuple[str, ...]) -> bool:
        """Whether these templates are Django's: a project's own version of one wins."""
        for name in names:
            own = self._django_own.get(name)
            if own is None:
                origin = str(self.get_template(name).origin.name).replace("\\", "/")
                own = self._django_own[name] = "/django/forms/templates/" in origin
            if not own:
                return False
        return True
