"""The form renderer draws every widget as Django's own templates do, the admin's included."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
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


def same(ours: str, theirs: str) -> bool:
    """The same HTML (Jinja2 escapes a quote as &#34;, Django as &quot;: one character)."""
    return bool(parse_html(ours) == parse_html(theirs))


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_it_draws_each_widget_as_djangos_templates_do(widget: forms.Widget, value: Any) -> None:
    ours = widget.render("field", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    theirs = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    assert same(ours, theirs)


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
            assert same(str(ours[name]), str(theirs[name])), name
        for mine, django in zip(ours["emotion"], theirs["emotion"], strict=True):
            assert same(str(mine.tag()), str(django.tag()))


def test_a_widget_whose_template_exists_only_for_djangos_engine_is_still_drawn() -> None:
    # The admin's related-field wrapper has no Jinja2 copy: it must come from Django's engine.
    from django.contrib import admin
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

    from departments.models import Membership

    rel = Membership._meta.get_field("workspace").remote_field
    wrapper = RelatedFieldWidgetWrapper(forms.Select(choices=[("1", "one")]), rel, admin.site)
    ours = wrapper.render("workspace", "1", renderer=FormRenderer())
    theirs = wrapper.render("workspace", "1", renderer=DjangoTemplates())
    assert same(ours, theirs) and 'class="related-widget-wrapper"' in ours
