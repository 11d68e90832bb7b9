"""Event-log pages: upload, column choice, progress, evidence, re-discovery, comparison."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from valuestreams.imports.eventlogs import eventlog_claim
from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import
from valuestreams.imports.models import Discovery, Event, EventLog, EventLogStatus
from valuestreams.models import Map

from .test_eventlog_import import TICKETS

pytestmark = pytest.mark.django_db

MAPPING = {
    "case": "case",
    "activity": "activity",
    "lifecycle": "",
    "timestamp": "time",
    "lane": "team",
    "missing": "EMPTY, ?",
    "missing_policy": "unknown",
    "max_steps": "25",
    "max_handoffs": "40",
}


@pytest.fixture(autouse=True)
def inline_runner(settings):
    settings.EVENTLOG_RUNNER = "inline"


def upload(client, workspace, text=TICKETS, name="tickets.csv", **headers):
    return client.post(
        reverse("eventlog_upload", args=[workspace.slug]),
        {"name": "Tickets", "file": SimpleUploadedFile(name, text.encode())},
        **headers,
    )


@pytest.fixture
def imported(client, editor, workspace, django_capture_on_commit_callbacks):
    """An editor's uploaded and imported TICKETS log (the inline runner runs on commit)."""

    def run(text=TICKETS):
        client.force_login(editor)
        upload(client, workspace, text=text)
        log = EventLog.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("eventlog_detail", args=[workspace.slug, log.pk]), MAPPING
            )
        log.refresh_from_db()
        return log, response

    return run


def test_an_editor_uploads_a_log_and_is_asked_for_its_columns(client, editor, workspace):
    client.force_login(editor)
    response = upload(client, workspace)
    log = EventLog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("eventlog_detail", args=[workspace.slug, log.pk])
    assert log.columns == ["case", "activity", "time", "team"]
    assert log.status == EventLogStatus.UPLOADED
    page = client.get(response["Location"])
    assert "Choose the columns" in page.text
    assert '<option value="team" selected>' in page.text


def test_an_htmx_upload_is_redirected_by_header(client, editor, workspace):
    client.force_login(editor)
    response = upload(client, workspace, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].endswith(f"/eventlogs/{EventLog.objects.get().pk}/")


def test_an_unreadable_file_is_refused_on_the_form(client, editor, workspace):
    client.force_login(editor)
    response = upload(client, workspace, text="<log><trace>", name="broken.xes")
    assert response.status_code == 200
    assert "the XML is not well-formed" in response.text
    assert not EventLog.objects.exists()


def test_a_file_of_another_kind_is_refused(client, editor, workspace):
    client.force_login(editor)
    response = upload(client, workspace, name="tickets.pdf")
    assert "Upload a .csv, .xes, .csv.gz or .xes.gz file." in response.text


def test_choosing_the_columns_imports_the_log_and_shows_the_evidence(client, workspace, imported):
    log, response = imported()
    url = reverse("eventlog_detail", args=[workspace.slug, log.pk])
    assert response.status_code == 302
    assert (log.status, log.progress, log.events, log.source) == (EventLogStatus.DONE, 100, 7, None)
    page = client.get(url).text
    assert "Evidence over the whole log" in page
    assert "Front desk" in page and "2 in 1 cases" in page
    discovery = Discovery.objects.get(log=log)
    assert discovery.map.name == "Tickets (discovered)"


def test_a_bad_column_choice_fails_with_reasons_and_can_be_retried(client, workspace, imported):
    log, _response = imported(TICKETS + "t3,Ask,someday,Front desk\n")
    url = reverse("eventlog_detail", args=[workspace.slug, log.pk])
    assert log.status == EventLogStatus.FAILED
    page = client.get(url).text
    assert "line 9: “someday” is not a date and time" in page
    assert "Choose the columns" in page
    assert not Event.objects.exists()


def test_the_progress_fragment_reloads_the_page_when_finished(client, viewer, workspace):
    log = EventLog.objects.create(
        workspace=workspace, name="L", status=EventLogStatus.RUNNING, progress=40
    )
    client.force_login(viewer)
    url = reverse("eventlog_progress", args=[workspace.slug, log.pk])
    running = client.get(url, HTTP_HX_REQUEST="true")
    assert 'value="40"' in running.text and 'hx-trigger="every 1s"' in running.text
    assert "HX-Refresh" not in running
    EventLog.objects.filter(pk=log.pk).update(status=EventLogStatus.DONE, progress=100)
    assert client.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_a_viewer_reads_but_cannot_upload_or_import(client, viewer, workspace):
    log = EventLog.objects.create(workspace=workspace, name="L", source=b"x", columns=["a"])
    client.force_login(viewer)
    assert client.get(reverse("eventlog_list", args=[workspace.slug])).status_code == 200
    assert upload(client, workspace).status_code == 403
    url = reverse("eventlog_detail", args=[workspace.slug, log.pk])
    assert client.post(url, MAPPING).status_code == 403
    assert "An editor has not chosen the columns yet." in client.get(url).text


def test_anonymous_visitors_are_sent_away(client, workspace):
    assert client.get(reverse("eventlog_list", args=[workspace.slug])).status_code in (302, 404)


def test_a_new_filter_discovers_another_map(client, workspace, imported):
    log, _response = imported()
    response = client.post(
        reverse("eventlog_discover", args=[workspace.slug, log.pk]),
        {"max_steps": "2", "max_handoffs": "1"},
    )
    newest = Discovery.objects.order_by("-pk").first()
    assert response["Location"] == reverse("map_detail", args=[workspace.slug, newest.map.pk])
    assert newest.map.steps.count() == 2


def test_the_comparison_lists_handoffs_each_side_missed(client, workspace, imported):
    imported()
    found = Discovery.objects.get().map
    workshop = map_import(
        workspace=workspace,
        document=parse_document(
            {
                "format": "crosswalk-map",
                "version": 1,
                "name": "Workshop",
                "steps": [
                    {"key": "1", "title": "register", "department": "Reception"},
                    {"key": "2", "title": "Check", "department": "Back office"},
                    {"key": "3", "title": "Archive", "department": "Back office"},
                ],
                "handoffs": [{"from": "1", "to": "2"}, {"from": "2", "to": "3"}],
            }
        ),
    )
    response = client.get(
        reverse("map_compare", args=[workspace.slug]),
        {"workshop": workshop.pk, "discovered": found.pk, "aliases": "Front desk = reception"},
    )
    result = response.context["result"]
    assert ("register", "Check") in {(p.from_name, p.to_name) for p in result.step_handoffs_both}
    assert ("Check", "Archive") in {(p.from_name, p.to_name) for p in result.step_handoffs_unseen}
    missed = {(p.from_name, p.to_name) for p in result.lane_handoffs_missed}
    assert missed == {("Back office", "Reception")}
    assert result.lanes_both == ["Back office", "Reception"]


@pytest.mark.django_db(transaction=True)
def test_two_runners_never_claim_the_same_log(workspace):
    """The claim is one compare-and-set UPDATE: of many tries at once exactly one wins."""
    if connection.vendor != "postgresql":
        pytest.skip("claims from threads need a server database")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    for _round in range(10):
        log = EventLog.objects.create(workspace=workspace, name="L", status=EventLogStatus.QUEUED)

        def claim(log_id=log.pk):
            try:
                return eventlog_claim(log_id=log_id)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(8) as pool:
            claimed = [r for r in pool.map(lambda _: claim(), range(8)) if r is not None]
        assert len(claimed) == 1


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_imports_in_the_background(client, editor, workspace, settings):
    if connection.vendor != "postgresql":
        pytest.skip("a background thread needs a server database")
    settings.EVENTLOG_RUNNER = "thread"
    client.force_login(editor)
    upload(client, workspace)
    log = EventLog.objects.get()
    client.post(reverse("eventlog_detail", args=[workspace.slug, log.pk]), MAPPING)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log.refresh_from_db()
        if log.is_finished:
            break
        time.sleep(0.1)
    assert log.status == EventLogStatus.DONE
    assert Map.objects.filter(discovery__log=log).exists()


def test_the_worker_command_imports_what_is_queued(client, editor, workspace, settings):
    settings.EVENTLOG_RUNNER = "worker"
    client.force_login(editor)
    upload(client, workspace)
    log = EventLog.objects.get()
    client.post(reverse("eventlog_detail", args=[workspace.slug, log.pk]), MAPPING)
    log.refresh_from_db()
    assert log.status == EventLogStatus.QUEUED
    call_command("eventlog_worker", "--once", stdout=io.StringIO())
    log.refresh_from_db()
    assert log.status == EventLogStatus.DONE
