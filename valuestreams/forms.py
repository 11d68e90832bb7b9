"""Forms of the swimlane editor.

Each form checks in `clean()` what the database constraints check, so bad input is
explained next to its field and nothing is saved; choices are limited to the
map's own lanes, stages and steps, so a handoff to another map's step or a move
into another map's lane is an ordinary form error, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from departments.form_renderer import FormRenderer
from departments.models import HEX_COLOR, Department

from .models import Channel, Lane, Map, Stage, Step, channel_label
from .rules import STEP_FIELDS, step_value_errors
from .units import MAX_INPUT_LENGTH, DurationError, minutes_as_input, parse_duration

#: The largest id or version a request may name (a PostgreSQL bigint).
MAX_REQUEST_NUMBER = 2**63 - 1


class RequestValuesForm(forms.Form):
    """The numbers that editor links and buttons carry beside the real forms.

    `?step=`, `?version=`, `?lane=` and the like: each optional, and when given a
    whole number in range, parsed by Django like every form field (`²` passes
    `str.isdigit()` but is no number). Views read them with `request_values`.
    """

    step = forms.IntegerField(required=False, min_value=0, max_value=MAX_REQUEST_NUMBER)
    version = forms.IntegerField(required=False, min_value=0, max_value=MAX_REQUEST_NUMBER)
    lane = forms.IntegerField(required=False, min_value=0, max_value=MAX_REQUEST_NUMBER)
    stage = forms.IntegerField(required=False, min_value=0, max_value=MAX_REQUEST_NUMBER)
    from_step = forms.IntegerField(required=False, min_value=0, max_value=MAX_REQUEST_NUMBER)
    map = forms.IntegerField(required=False, min_value=0, max_value=MAX_REQUEST_NUMBER)
    map_version = forms.IntegerField(required=False, min_value=0, max_value=MAX_REQUEST_NUMBER)


def request_values(data: Mapping[str, Any], *names: str) -> dict[str, int | None]:
    """The named values of a request's GET or POST data, parsed by `RequestValuesForm`.

    Missing or empty values are None. A value that is not a whole number in range
    raises BadRequest naming it, which the site answers with a 400 page.
    """
    form = RequestValuesForm({name: data.get(name) for name in names})
    if not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(map(str, messages))}" for name, messages in form.errors.items()
        )
        raise BadRequest(_("This request carries a value that is not valid (%s).") % problems)
    return {name: form.cleaned_data[name] for name in names}


class _LinesField(forms.CharField):
    """A list of short texts typed one per line (pain points, opportunities)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class _NumberInput(forms.NumberInput):
    """Shows 30 rather than 30.0: minutes and percentages are typed as whole numbers."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().format_value(value)


class DurationField(forms.Field):
    """A time typed with units ("2d", "3h", "45m", "1.5 d"; a plain number is minutes).

    Cleaned to minutes by `units.parse_duration`, the one parser of typed times,
    and shown back in units by `units.minutes_as_input`. A day is the workspace's
    working day, `working_day_minutes`, which the form sets.
    """

    widget = forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
    )
    default_error_messages = {
        "invalid": _("Type a time such as 45m, 3h, 2d or 1.5 d (a plain number is minutes)."),
    }

    def __init__(self, *, working_day_minutes: int = 480, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.working_day_minutes = working_day_minutes

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": str(MAX_INPUT_LENGTH)}

    def to_python(self, value: Any) -> float | None:
        if value is None or isinstance(value, int | float):
            return None if value is None else float(value)
        try:
            return parse_duration(str(value), self.working_day_minutes)
        except DurationError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float):
            return minutes_as_input(float(value), self.working_day_minutes)
        return value


class _EditorRenderer(FormRenderer):
    """The form renderer with the editor's field template (label, input, read-back, errors).

    The side panel's forms draw each field with ``{{ field.as_field_group }}``, so
    a field is drawn by Jinja2 in one go (valuestreams/jinja2/valuestreams/
    editor_field.html) instead of a partial of Django's engine around the widget:
    an edit's answer draws a dozen fields.
    """

    field_template_name = "valuestreams/editor_field.html"


EDITOR_RENDERER = _EditorRenderer()


#: The five faces of the emotion scale, from −2 to +2, with what each means.
EMOTION_CHOICES = [
    ("", pgettext_lazy("emotion", "not set")),
    ("-2", pgettext_lazy("emotion", "−2 very negative")),
    ("-1", pgettext_lazy("emotion", "−1 negative")),
    ("0", pgettext_lazy("emotion", "0 neutral")),
    ("1", pgettext_lazy("emotion", "+1 positive")),
    ("2", pgettext_lazy("emotion", "+2 very positive")),
]


class StepRulesForm(forms.ModelForm[Step]):
    """A form of a step that applies the step's value rules (rules.py) in `clean()`.

    The editor's side panel and the admin both build on it, so a value is judged
    the same way wherever it is typed.
    """

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, error in step_value_errors(data).items():
            if name not in self.errors:
                self.add_error(name, error)
        return data


class StepForm(StepRulesForm):
    """A step's fields in the side panel; `version` is the one the person started from.

    Times take units, a day being `working_day_minutes` (the workspace's working
    day); the emotion is one of five faces; the channel is free text with the
    suggested and already used channels offered (`channel_options`).
    """

    default_renderer = EDITOR_RENDERER

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    pain_points = _LinesField(label=_("Pain points (one per line)"), required=False)
    opportunities = _LinesField(label=_("Opportunities (one per line)"), required=False)
    process_time_minutes = DurationField(label=_("Process time"), required=False)
    lead_time_minutes = DurationField(label=_("Lead time"), required=False)
    emotion = forms.TypedChoiceField(
        label=_("Emotion"),
        choices=EMOTION_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose an emotion from −2 to +2.")},
    )

    def __init__(self, *args: Any, working_day_minutes: int = 480, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("process_time_minutes", "lead_time_minutes"):
            field: Any = self.fields[name]
            field.working_day_minutes = working_day_minutes
            field.widget.attrs["data-day-minutes"] = str(working_day_minutes)
        auto_id = self.auto_id if isinstance(self.auto_id, str) else "id_%s"
        self.fields["channel"].widget.attrs["list"] = f"{auto_id % 'channel'}-options"

    class Meta:
        model = Step
        fields = STEP_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "complete_accurate_pct": _NumberInput(attrs={"step": "any", "min": "0", "max": "100"}),
        }

    def _post_clean(self) -> None:
        # `clean` applied rules.py, which is the step's check constraints written
        # once; Django's model validation would ask the database again, one query
        # per constraint on every save, and could only repeat what the fields
        # already say (a constraint on a field with an error is skipped). The
        # model's field checks (lengths, choices) still run; the service checks
        # the rules again and the database holds them.
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
            exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
            self.instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The cleaned step fields, ready for `step_create` / `step_update`."""
        return {name: self.cleaned_data[name] for name in STEP_FIELDS if name in self.cleaned_data}


def channel_options(used: list[str]) -> list[tuple[str, str]]:
    """Channels to offer beside a step's channel field: the suggested ones, then those in use.

    Each as (value, label); the value is what is stored (and shown in the field),
    the label how it reads in the active language. Free text stays allowed.
    """
    options = [(str(c.value), channel_label(c.value)) for c in Channel]
    known = {value for value, _label in options}
    options += [(name, name) for name in sorted(set(used) - known, key=str.casefold) if name]
    return options


class QuickStepForm(forms.Form):
    """Add a step to one cell: just its title, the rest is edited in the side panel."""

    default_renderer = EDITOR_RENDERER

    # Autofocus: htmx focuses it after the swap, so the facilitator can type at once.
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"autofocus": True})
    )
    lane = forms.ModelChoiceField(queryset=Lane.objects.none(), label=_("Lane"))
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), label=_("Stage"))

    def __init__(self, *args: Any, map_obj: Map, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lane_field: Any = self.fields["lane"]
        stage_field: Any = self.fields["stage"]
        lane_field.queryset = Lane.objects.filter(map=map_obj).select_related("department")
        stage_field.queryset = Stage.objects.filter(map=map_obj)

    def clean_title(self) -> str:
        title = str(self.cleaned_data["title"]).strip()
        if not title:
            raise forms.ValidationError(_("A step needs a title."))
        return title


class KnownChoiceField(forms.ModelChoiceField[Any]):
    """A choice among the map's lanes (or stages) that needs no query for an id it knows.

    `known` holds the ids of the map as this process has just drawn it: such a
    choice becomes an instance with only its id (all a move reads of it). Any
    other id is looked up as usual, so a lane added meanwhile by another process
    is still accepted; one removed meanwhile is refused by the service, which
    checks both again under the map's lock.
    """

    known: frozenset[int] = frozenset()

    def to_python(self, value: Any) -> Any:
        """The chosen row; without a query when its id is known."""
        if self.known and value not in self.empty_values and isinstance(value, str):
            try:
                pk = int(value)
            except ValueError:
                pk = None
            if pk in self.known and self.queryset is not None:
                return self.queryset.model(pk=pk)
        return super().to_python(value)


class StepMoveForm(forms.Form):
    """Where a step goes: a lane and a stage of the same map, and a place in the cell."""

    default_renderer = EDITOR_RENDERER

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    lane = KnownChoiceField(
        queryset=Lane.objects.none(),
        label=_("Move to lane"),
        error_messages={"invalid_choice": _("Choose a lane of this map.")},
    )
    stage = KnownChoiceField(
        queryset=Stage.objects.none(),
        label=_("Move to stage"),
        error_messages={"invalid_choice": _("Choose a stage of this map.")},
    )
    position = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        map_obj: Map,
        places: tuple[Sequence[tuple[int, str]], Sequence[tuple[int, str]]] | None = None,
        known: tuple[frozenset[int], frozenset[int]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        lane_field: Any = self.fields["lane"]
        stage_field: Any = self.fields["stage"]
        lane_field.queryset = Lane.objects.filter(map=map_obj).select_related("department")
        lane_field.label_from_instance = lambda lane: lane.department.name
        stage_field.queryset = Stage.objects.filter(map=map_obj)
        if known is not None:
            # The map's lane and stage ids as this process drew it (`mapdata.kept_places`):
            # a drag to one of them is checked without two queries.
            lane_field.known, stage_field.known = known
        if places is not None:
            # The map's lanes and stages as (id, name), already loaded by the caller:
            # the select shows them without two more queries. Only what is shown
            # comes from them; a posted choice is still checked against the map.
            lanes, stages = places
            empty = [("", lane_field.empty_label)]
            lane_field.widget.choices = [*empty, *lanes]
            stage_field.widget.choices = [*empty, *stages]


class HandoffForm(forms.Form):
    """Connect two steps of this map."""

    from_step = forms.ModelChoiceField(
        queryset=Step.objects.none(),
        label=_("From step"),
        error_messages={"invalid_choice": _("Choose a step of this map.")},
    )
    to_step = forms.ModelChoiceField(
        queryset=Step.objects.none(),
        label=_("To step"),
        error_messages={"invalid_choice": _("Choose a step of this map.")},
    )
    rework = forms.BooleanField(label=_("Rework (work sent back)"), required=False)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)

    def __init__(self, *args: Any, map_obj: Map, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The from-step whole: the view shows its panel after connecting. Of the
        # to-step only the id is compared.
        source: Any = self.fields["from_step"]
        source.queryset = Step.objects.filter(map=map_obj)
        target: Any = self.fields["to_step"]
        target.queryset = Step.objects.filter(map=map_obj).only("id", "title", "map_id")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_step") and data.get("from_step") == data.get("to_step"):
            self.add_error("to_step", _("A handoff joins two different steps."))
        return data


class HandoffUpdateForm(forms.Form):
    """Mark a handoff as rework, or label it."""

    default_renderer = EDITOR_RENDERER

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    rework = forms.BooleanField(label=_("Rework (work sent back)"), required=False)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)


class StageForm(forms.Form):
    """A stage's name."""

    default_renderer = EDITOR_RENDERER

    name = forms.CharField(label=_("Stage name"), max_length=120)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("A stage needs a name."))
        return name


class PositionForm(forms.Form):
    """A new place in the map's order of stages or lanes (0 = first)."""

    position = forms.IntegerField(min_value=0)


class UndoForm(forms.Form):
    """Which change the undo (or redo) button named: another one next by now is refused."""

    change = forms.IntegerField(min_value=1, required=False)

    def seen(self) -> int | None:
        """The change id, or None when the request names none (or garbage)."""
        return self.cleaned_data["change"] if self.is_valid() else None


class LaneForm(forms.Form):
    """A lane for an existing department of the workspace, or for a new one named inline."""

    default_renderer = EDITOR_RENDERER

    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label=_("Department"),
        empty_label=_("New department…"),
        error_messages={"invalid_choice": _("Choose a department of this workspace.")},
    )
    new_department = forms.CharField(label=_("New department"), max_length=120, required=False)
    color = forms.RegexField(
        regex=HEX_COLOR,
        label=_("Colour"),
        initial="#4C78A8",
        required=False,
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": _("Use a hex colour such as #4C78A8.")},
    )

    def __init__(self, *args: Any, map_obj: Map, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["department"]
        field.queryset = Department.objects.filter(workspace_id=map_obj.workspace_id).exclude(
            lanes__map=map_obj
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("department") and not str(data.get("new_department") or "").strip():
            self.add_error("new_department", _("Choose a department or name a new one."))
        return data


class FutureStateForm(forms.Form):
    """The name of a new future-state copy."""

    name = forms.CharField(label=_("Name of the future state"), max_length=200, required=False)
