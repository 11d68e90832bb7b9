"""Forms for whole maps and improvements: create, import, and the improvement board.

The editor's forms for steps, handoffs, stages and lanes live in `forms.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from departments.models import Workspace

from .imports.interchange import InterchangeError, MapDocument, load_document
from .models import Improvement, ImprovementStatus, Map, Step

DEFAULT_STAGES = "Before, During, After"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
STAGE_NAME_MAX = 120


class MapCreateForm(forms.ModelForm[Map]):
    """An empty map with its stages; lanes and steps are added in the editor."""

    stages = forms.CharField(
        label=_("Stages"),
        initial=DEFAULT_STAGES,
        max_length=2000,
        help_text=_("The map's columns, separated by commas, in order."),
    )

    class Meta:
        model = Map
        fields = ["name", "kind", "persona", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"persona": _("Whose journey the map follows (journey maps).")}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.workspace = workspace
        persona = self.fields["persona"]
        assert isinstance(persona, forms.ModelChoiceField)
        persona.queryset = workspace.personas.all()

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the map a name."))
        return name

    def clean_stages(self) -> list[str]:
        names = [part.strip() for part in str(self.cleaned_data["stages"]).split(",")]
        names = [name for name in names if name]
        if not names:
            raise forms.ValidationError(_("Name at least one stage."))
        problems = []
        seen: set[str] = set()
        for name in names:
            if len(name) > STAGE_NAME_MAX:
                problems.append(
                    _("“%(name)s…” is longer than %(max)d characters.")
                    % {"name": name[:20], "max": STAGE_NAME_MAX}
                )
            if name in seen:
                problems.append(_("“%s” is listed twice.") % name)
            seen.add(name)
        if problems:
            raise forms.ValidationError(problems)
        return names


class MapImportForm(forms.Form):
    """An uploaded interchange file, fully validated before anything is written."""

    file = forms.FileField(
        label=_("Map file (JSON)"),
        help_text=_("A crosswalk-map JSON file, as exported from Crosswalk."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    document: MapDocument

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            self.document = load_document(upload.read())
        except InterchangeError as exc:
            # Each problem keeps its place in the file, e.g. steps[3].emotion.
            raise forms.ValidationError(
                [_("Nothing was imported. Fix these problems in the file:"), *exc.errors]
            ) from None
        return upload


class StepChoiceField(forms.ModelChoiceField[Step]):
    """Steps named with their map, since several maps may have a step of the same title."""

    def label_from_instance(self, obj: Step) -> str:
        return f"{obj.map.name} — {obj.title}"


class ImprovementForm(forms.ModelForm[Improvement]):
    """An improvement; its map and step come from the workspace and must fit together."""

    step = StepChoiceField(
        queryset=Step.objects.none(),
        required=False,
        label=_("Step"),
        help_text=_("Optional: the step of the map this improvement changes."),
    )
    impact = forms.IntegerField(label=_("Impact (1–5)"), min_value=1, max_value=5, initial=3)
    effort = forms.IntegerField(label=_("Effort (1–5)"), min_value=1, max_value=5, initial=3)

    class Meta:
        model = Improvement
        fields = [
            "title",
            "description",
            "map",
            "step",
            "impact",
            "effort",
            "status",
            "owner",
            "done_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "done_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "done_date": _("Set to today when the improvement is marked done without a date."),
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.workspace = workspace
        map_field = self.fields["map"]
        step_field = self.fields["step"]
        assert isinstance(map_field, forms.ModelChoiceField)
        assert isinstance(step_field, forms.ModelChoiceField)
        map_field.queryset = Map.objects.filter(workspace=workspace)
        map_field.label = _("Map")
        step_field.queryset = Step.objects.filter(map__workspace=workspace).select_related("map")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        step: Step | None = cleaned.get("step")
        map_obj: Map | None = cleaned.get("map")
        if step is not None:
            if map_obj is None and "map" not in self.errors:
                cleaned["map"] = step.map
            elif map_obj is not None and step.map_id != map_obj.pk:
                self.add_error("step", _("This step is not on the chosen map."))
        if cleaned.get("status") == ImprovementStatus.DONE and not cleaned.get("done_date"):
            cleaned["done_date"] = dt.date.today()
        return cleaned
