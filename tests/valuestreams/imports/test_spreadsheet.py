"""Maps as spreadsheets: round trips JSON ↔ CSV ↔ XLSX, errors by row and column, safety."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_document
from valuestreams.imports.problems import ImportProblems
from valuestreams.imports.spreadsheet import (
    TEMPLATE_ROWS,
    SheetLimits,
    document_to_rows,
    read_sheet,
    rows_to_csv,
    rows_to_document,
    rows_to_xlsx,
)
from valuestreams.models import Handoff, Map, Step

DEMO = Path(__file__).resolve().parents[3] / "valuestreams" / "demo" / "onboarding_current.json"


def demo():
    return parse_document(json.loads(DEMO.read_text(encoding="utf-8")))


def carried(document):
    """What a spreadsheet carries: steps, lanes with colours, stages, handoffs without labels."""
    return (
        document.steps,
        document.departments,
        document.stages,
        sorted((h.from_key, h.to_key, h.rework) for h in document.handoffs),
    )


def through_csv(document):
    text = rows_to_csv(document_to_rows(document))
    rows = read_sheet(io.BytesIO(text.encode()), "map.csv")
    return rows_to_document(rows, name=document.name, kind=document.kind)


def through_xlsx(document):
    data = rows_to_xlsx(document_to_rows(document))
    rows = read_sheet(io.BytesIO(data), "map.xlsx")
    return rows_to_document(rows, name=document.name, kind=document.kind)


def test_json_to_csv_and_back_keeps_the_map():
    original = demo()
    assert carried(through_csv(original)) == carried(original)


def test_json_to_xlsx_to_csv_and_back_keeps_the_map():
    original = demo()
    assert carried(through_csv(through_xlsx(original))) == carried(original)


def test_a_stored_map_round_trips_through_a_spreadsheet(workspace):
    from valuestreams.imports.maps import map_import

    first = map_import(workspace=workspace, document=demo())
    again = map_import(workspace=workspace, document=through_xlsx(map_document(map_obj=first)))
    assert carried(map_document(map_obj=again)) == carried(map_document(map_obj=first))


def test_formulas_are_neutralised_in_csv_and_kept_as_text_in_xlsx():
    rows = [{"key": "1", "title": '=HYPERLINK("http://x")', "department": "+IT", "emotion": -2}]
    text = rows_to_csv(rows)
    assert "'=HYPERLINK" in text and ",'+IT," in text and ",-2," in text
    book = openpyxl.load_workbook(io.BytesIO(rows_to_xlsx(rows)))
    cell = book["Steps"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    back = rows_to_document(read_sheet(io.BytesIO(text.encode()), "m.csv"), name="M")
    assert back.steps[0].title == '=HYPERLINK("http://x")'
    assert back.steps[0].department == "+IT"


def test_every_problem_is_named_by_row_and_column():
    text = (
        "Key;Title;Department;Process time;Lead time;%C&A;Value adding;Emotion;Next\n"
        "1;Ask;HR;10;5;80;yes;;2\n"
        "2;Check;IT;abc;;120;maybe;;9\n"
        "3;;IT;1,5;2;;;3;rework:1\n"
    )
    with pytest.raises(ImportProblems) as caught:
        rows_to_document(read_sheet(io.BytesIO(text.encode()), "m.csv"), name="M")
    assert caught.value.messages == [
        "row 3, column process_time_minutes: “abc” is not a number",
        "row 3, column value_adding: “maybe” is not yes or no",
    ]
    fixed = text.replace("abc", "").replace("maybe", "no")
    with pytest.raises(ImportProblems) as caught:
        rows_to_document(read_sheet(io.BytesIO(fixed.encode()), "m.csv"), name="M")
    assert caught.value.messages == [
        "row 2, column lead_time_minutes: Lead time cannot be shorter than the process time: "
        "the work takes at least that.",
        "row 3, column complete_accurate_pct: %C&A is a percentage from 0 to 100.",
        "row 4, column title: must not be empty",
        "row 4, column emotion: Emotion goes from −2 to +2.",
        "row 3, column next: no step has the key '9'",
    ]


def test_unknown_and_missing_columns_are_refused():
    with pytest.raises(ImportProblems) as caught:
        read_sheet(io.BytesIO(b"key,title,colour scheme\n1,A,red\n"), "m.csv")
    assert caught.value.messages == [
        "row 1, column colour scheme: “colour scheme” is not a column Crosswalk knows",
        "line 1: the column “department” is missing",
    ]


def test_a_zip_bomb_is_refused_before_unpacking():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 30_000_000)
    with pytest.raises(ImportProblems) as caught:
        read_sheet(io.BytesIO(data.getvalue()), "bomb.xlsx")
    assert caught.value.messages == ["the workbook would unpack to far more than its size; refused"]


def test_too_many_rows_and_too_many_bytes_are_refused():
    text = "key,title,department\n" + "".join(f"{i},T,D\n" for i in range(11))
    with pytest.raises(ImportProblems, match="too_many_rows"):
        read_sheet(io.BytesIO(text.encode()), "m.csv", SheetLimits(max_rows=10))
    with pytest.raises(ImportProblems, match="too_big"):
        read_sheet(io.BytesIO(text.encode()), "m.csv", SheetLimits(max_bytes=20))


def test_the_template_imports_as_it_is():
    document = through_xlsx(rows_to_document(TEMPLATE_ROWS_AS_ROWS(), name="T"))
    assert [s.title for s in document.steps] == [
        "Request laptop",
        "Prepare laptop",
        "Hand over laptop",
    ]
    assert [(h.from_key, h.to_key, h.rework) for h in document.handoffs] == [
        ("1", "2", False), ("2", "3", False), ("2", "1", True)
    ]  # fmt: skip


def TEMPLATE_ROWS_AS_ROWS():
    return [(n, row) for n, row in enumerate(TEMPLATE_ROWS, start=2)]


@pytest.mark.django_db
def test_the_page_imports_a_spreadsheet_and_lists_problems_by_row(client, editor, workspace):
    client.force_login(editor)
    url = reverse("map_sheet_import", args=[workspace.slug])
    good = rows_to_xlsx(document_to_rows(demo()))
    response = client.post(
        url,
        {
            "name": "Onboarding",
            "kind": "employee_journey",
            "file": SimpleUploadedFile("o.xlsx", good),
        },
    )
    new_map = Map.objects.get(name="Onboarding")
    assert response["Location"] == reverse("map_detail", args=[workspace.slug, new_map.pk])
    assert new_map.kind == "employee_journey"
    assert Step.objects.filter(map=new_map).count() == len(demo().steps)
    bad = b"key,title,department,emotion\n1,A,HR,5\n"
    response = client.post(
        url, {"name": "Bad", "kind": "value_stream", "file": SimpleUploadedFile("b.csv", bad)}
    )
    assert "row 2, column emotion: Emotion goes from −2 to +2." in response.text
    assert not Map.objects.filter(name="Bad").exists()


@pytest.mark.django_db
def test_a_viewer_downloads_steps_and_the_template_but_cannot_import(client, viewer, workspace):
    from valuestreams.imports.maps import map_import

    map_obj = map_import(workspace=workspace, document=demo())
    client.force_login(viewer)
    csv_response = client.get(
        reverse("map_sheet_download", args=[workspace.slug, map_obj.pk, "csv"])
    )
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_sheet(io.BytesIO(csv_response.content), "m.csv")
    assert len(rows) == Step.objects.filter(map=map_obj).count()
    xlsx = client.get(reverse("map_sheet_template", args=[workspace.slug, "xlsx"]))
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content))["Steps"]["B2"].value == "Request laptop"
    assert (
        client.get(reverse("map_sheet_template", args=[workspace.slug, "pdf"])).status_code == 404
    )
    assert client.get(reverse("map_sheet_import", args=[workspace.slug])).status_code == 403


@pytest.mark.django_db
def test_import_map_takes_csv_and_xlsx(workspace, tmp_path, capsys):
    path = tmp_path / "onboarding.xlsx"
    path.write_bytes(rows_to_xlsx(document_to_rows(demo())))
    call_command("import_map", str(path), "--workspace", workspace.slug)
    map_obj = Map.objects.get(pk=int(capsys.readouterr().out))
    assert map_obj.name == "onboarding"
    assert Handoff.objects.filter(map=map_obj).count() == len(demo().handoffs)
    bad = tmp_path / "bad.csv"
    bad.write_text("key,title,department,lead_time_minutes\n1,A,HR,-3\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match="row 2, column lead_time_minutes: Lead time cannot be negative"
    ):
        call_command("import_map", str(bad), "--workspace", workspace.slug, "--name", "Bad")
