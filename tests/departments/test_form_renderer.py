"""The form renderer draws plain widgets exactly as Django's templates do."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.forms.boundfield import BoundWidget
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from departments.form_renderer import FormRenderer
from valuestreams.forms import StepForm
from valuestreams.models import Step

ODD = "a <b> & \"c\" 'd'"
WIDGETS: list[tuple[forms.Widget, Any]] = [
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.TextInput(attrs={"maxlength": 10, "required": True, "hidden": False}), ODD),
    (forms.TextInput(attrs={"data-x": ODD, "list": None}), mark_safe("<b>safe</b>")),
    (forms.TextInput(attrs={"autofocus": True}), 42),
    (forms.NumberInput(attrs={"step": "any", "min": "0"}), 12.5),
    (forms.HiddenInput(), 7),
    (forms.EmailInput(), "x@example.org"),
    (forms.PasswordInput(render_value=True), ODD),
    (forms.DateInput(), datetime.date(2026, 11, 30)),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.Textarea(attrs={"rows": 2}), ""),
    (forms.Textarea(), ODD + "\nsecond line"),
    (forms.Textarea(), mark_safe("<i>kept</i>")),
    (forms.RadioSelect(choices=[("", "none"), ("1", ODD), ("2", "two")]), "1"),
    (forms.RadioSelect(choices=[("a", "A"), ("b", "B")], attrs={"id": "r"}), "b"),
    (forms.CheckboxSelectMultiple(choices=[("a", "A <1>"), ("b", "B")]), ["a"]),
    (forms.Select(choices=[("", "—"), ("1", ODD)]), "1"),
    (forms.Select(choices=[("", "—"), (ODD, [("1", "one"), ("2", "two")])]), "2"),
    (forms.Select(choices=[]), None),
    (forms.SelectMultiple(choices=[("1", "one"), ("2", "<two>")]), ["1", "2"]),
    (forms.NullBooleanSelect(), True),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_it_draws_each_widget_as_djangos_templates_do(widget: forms.Widget, value: Any) -> None:
    ours = widget.render("field", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    theirs = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    assert ours == theirs


def step_forms(renderer: Any) -> list[StepForm]:
    """The step panel's form unbound (with odd values) and bound (with errors)."""
    step = Step(title=ODD, description="x < y", process_time_minutes=90, emotion=-1)
    step.pain_points = ["slow", "<lost>"]
    data = {"title": "", "emotion": "9", "version": "x", "value_adding": "on"}
    return [
        StepForm(instance=step, auto_id="step_%s", renderer=renderer),
        StepForm(data, instance=Step(), renderer=renderer),
    ]


def test_it_draws_the_step_panel_form_as_djangos_templates_do() -> None:
    for ours, theirs in zip(step_forms(FormRenderer()), step_forms(DjangoTemplates()), strict=True):
        for name in ours.fields:
            assert str(ours[name]) == str(theirs[name]), name
        radios = [str(r.tag()) for r in ours["emotion"]]
        assert radios == [str(r.tag()) for r in theirs["emotion"]]


class Watched(FormRenderer):
    """The renderer, noting each template it asks Django's engine for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def get_template(self, template_name: str) -> Any:
        self.asked.append(template_name)
        return super().get_template(template_name)


def render_all(renderer: FormRenderer, widgets: list[tuple[forms.Widget, Any]]) -> None:
    """Each widget, and each option of a radio group as the step panel draws it."""
    for widget, value in widgets:
        widget.render("field", value, renderer=renderer)
    radio = forms.RadioSelect(choices=[("1", "one"), ("2", "two")])
    for option in radio.subwidgets("field", "1"):
        BoundWidget(radio, option, renderer).tag()


def test_it_draws_inputs_textareas_selects_and_options_without_the_template_engine() -> None:
    renderer = Watched()
    render_all(renderer, WIDGETS)  # looks once whose templates they are
    renderer.asked.clear()
    # Radio and checkbox groups as a whole stay templates; their options are drawn.
    render_all(renderer, [(w, v) for w, v in WIDGETS if not isinstance(w, forms.RadioSelect)])
    assert renderer.asked == []
