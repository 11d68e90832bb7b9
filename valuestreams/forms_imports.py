"""Forms for what comes in: event logs (upload, columns, filter, comparison) and spreadsheets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .imports.eventlog_analysis import DiscoveryFilter
from .imports.eventlog_parse import DEFAULT_MISSING, ColumnMapping
from .imports.interchange import MapDocument
from .imports.problems import ImportProblems
from .imports.spreadsheet import read_sheet, rows_to_document
from .models import Map, MapKind

ACCEPTED = (".csv", ".csv.gz", ".tsv", ".txt", ".xes", ".xes.gz", ".gz")
# Column names real exports use, most likely first: the form starts from these.
GUESSES = {
    "case": ("case:concept:name", "case_id", "case id", "case", "caseid", "ticket", "id"),
    "activity": ("concept:name", "activity", "activity name", "event", "status"),
    "timestamp": ("time:timestamp", "timestamp", "time", "date", "start", "end"),
    "lane": ("org:group", "team", "department", "group", "org_line", "org:role", "org:resource"),
    # Only XES's own lifecycle attribute: a CSV's activity often already holds it.
    "lifecycle": ("lifecycle:transition",),
}


def _guess(columns: list[str], wanted: tuple[str, ...]) -> str:
    lowered = {c.casefold(): c for c in columns}
    return next((lowered[w] for w in wanted if w in lowered), "")


class EventLogUploadForm(forms.Form):
    """A name and a CSV or XES file (gzip allowed), within the upload size cap."""

    name = forms.CharField(label=_("Name"), max_length=200)
    file = forms.FileField(
        label=_("Event log"),
        help_text=_("CSV (any common delimiter, UTF-8) or XES, optionally gzipped."),
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the log a name."))
        return name

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.EVENTLOG_MAX_UPLOAD_MB * 1024 * 1024
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.")
                % {"limit": settings.EVENTLOG_MAX_UPLOAD_MB}
            )
        if not (upload.name or "").lower().endswith(ACCEPTED):
            raise forms.ValidationError(_("Upload a .csv, .xes, .csv.gz or .xes.gz file."))
        return upload


class FilterFields(forms.Form):
    """How much of the log the discovered map shows."""

    max_steps = forms.IntegerField(
        label=_("Most frequent steps"),
        min_value=1,
        max_value=200,
        initial=DiscoveryFilter.max_steps,
        help_text=_("A step is an activity in a lane; the rest is left off the map."),
    )
    max_handoffs = forms.IntegerField(
        label=_("Most frequent paths"),
        min_value=0,
        max_value=500,
        initial=DiscoveryFilter.max_handoffs,
    )

    def discovery_filter(self) -> DiscoveryFilter:
        return DiscoveryFilter(self.cleaned_data["max_steps"], self.cleaned_data["max_handoffs"])


class ColumnMappingForm(FilterFields):
    """Which columns are the case, activity, time and lane, and what a missing lane means."""

    case = forms.ChoiceField(label=_("Case id"))
    activity = forms.ChoiceField(label=_("Activity"))
    lifecycle = forms.ChoiceField(
        label=_("Joined to the activity"),
        required=False,
        help_text=_("A lifecycle or sub-status column, e.g. “Queued - Awaiting Assignment”."),
    )
    timestamp = forms.ChoiceField(label=_("Timestamp"))
    lane = forms.ChoiceField(
        label=_("Lane"), help_text=_("Department, team, org line or resource: one lane per value.")
    )
    missing = forms.CharField(
        label=_("Values meaning “no lane”"),
        required=False,
        initial=", ".join(DEFAULT_MISSING[1:]),
        help_text=_("Separated by commas; a blank value always counts."),
    )
    missing_policy = forms.ChoiceField(
        label=_("Events without a lane"),
        choices=[("unknown", _("Put them in an “Unknown” lane")), ("drop", _("Leave them out"))],
        initial="unknown",
        widget=forms.RadioSelect,
    )

    field_order = [
        "case", "activity", "lifecycle", "timestamp", "lane", "missing", "missing_policy",
        "max_steps", "max_handoffs",
    ]  # fmt: skip

    def __init__(
        self,
        data: Any = None,
        *,
        columns: list[str],
        initial: dict[str, Any] | None = None,
    ) -> None:
        guessed = {key: _guess(columns, wanted) for key, wanted in GUESSES.items()}
        super().__init__(data, initial={**guessed, **(initial or {})})
        choices = [(c, c) for c in columns]
        for name in ("case", "activity", "timestamp", "lane"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        lifecycle = self.fields["lifecycle"]
        assert isinstance(lifecycle, forms.ChoiceField)
        lifecycle.choices = [("", _("(none)")), *choices]

    def mapping(self) -> ColumnMapping:
        data = self.cleaned_data
        extra = [v.strip() for v in str(data["missing"]).split(",")]
        return ColumnMapping(
            case=data["case"],
            activity=data["activity"],
            timestamp=data["timestamp"],
            lane=data["lane"],
            lifecycle=data["lifecycle"] or "",
            missing=("", *[v for v in extra if v]),
            drop_missing=data["missing_policy"] == "drop",
        )


class CompareForm(forms.Form):
    """Two maps of the workspace: the workshop's and the one discovered from data."""

    workshop = forms.ModelChoiceField(label=_("Workshop map"), queryset=Map.objects.none())
    discovered = forms.ModelChoiceField(label=_("Map from data"), queryset=Map.objects.none())

    def __init__(self, *args: Any, maps: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("workshop", "discovered"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = maps


class MapSheetImportForm(forms.Form):
    """A map from a spreadsheet: its name and kind here, its steps in the file."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MapKind.choices, initial=MapKind.VALUE_STREAM)
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv or .xlsx file with one row per step; start from the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    document: MapDocument

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the map a name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload: UploadedFile | None = data.get("file")
        if upload is None or "name" not in data:
            return data
        if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            self.add_error("file", _("Upload a .csv or .xlsx file."))
            return data
        try:
            rows = read_sheet(upload, upload.name or "")
            self.document = rows_to_document(rows, name=data["name"], kind=data["kind"])
        except ImportProblems as exc:
            self.add_error(
                "file", [_("Nothing was imported. Fix these problems in the file:"), *exc.messages]
            )
        return data
