"""The editor's side panel in a real browser: fast entry, time read-back, focus after swaps."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from departments.models import Role
from tests.e2e.test_editor_browser import ARTIFACTS, editor_url, log_in, member, shot
from tests.factories import LaneFactory, MapFactory, StageFactory, StepFactory, map_with_steps
from valuestreams import services
from valuestreams.models import Step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_first_add_form(
    page: Page, live_server: Any, workspace: Any, username: str, stage_names: str
) -> tuple[Any, Any, list[Any], Any]:
    """A map of one lane and stages named by the letters of `stage_names`, opened by
    an editor at the "+" of its first cell: the map, lane, stages and title field."""
    user = member(workspace, Role.EDITOR, username)
    map_obj: Any = MapFactory(workspace=workspace)
    lane: Any = LaneFactory(map=map_obj)
    stages = [
        StageFactory(map=map_obj, name=name, position=i) for i, name in enumerate(stage_names)
    ]
    log_in(page, live_server, user)
    page.goto(editor_url(live_server, map_obj))
    page.get_by_role("button", name=f"Add a step in {lane.department.name} × A").click()
    title = page.locator("#side-panel .add-form input[name=title]")
    expect(title).to_be_focused()
    return map_obj, lane, stages, title


def open_step_panel(
    page: Page, live_server: Any, workspace: Any, username: str, map_obj: Any, step: Any
) -> None:
    """The editor of `map_obj` with `step`'s panel open, for a new editor named `username`."""
    log_in(page, live_server, member(workspace, Role.EDITOR, username))
    page.goto(editor_url(live_server, map_obj) + f"?step={step.pk}")


def test_enter_adds_a_step_and_opens_the_next_empty_cell_with_the_title_focused(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, lane, stages, _title = open_first_add_form(page, live_server, workspace, "fast", "ABC")
    for name in ("First", "Second"):
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        expect(page.locator(".cw-step", has_text=name)).to_be_visible()
        expect(page.locator("#cw-status")).to_contain_text("Add a step in")
    expect(page.locator("#side-panel")).to_contain_text(f"{lane.department.name} × C")
    expect(page.locator("#side-panel .add-form input[name=title]")).to_be_focused()
    cells = {s.title: s.stage_id for s in Step.objects.filter(map=map_obj)}
    assert cells == {"First": stages[0].pk, "Second": stages[1].pk}


def test_times_read_back_in_working_days_and_focus_follows_the_panel(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, (first, _second) = map_with_steps(workspace)
    open_step_panel(page, live_server, workspace, "timer", map_obj, first)
    lead = page.locator("#step_lead_time_minutes")
    lead.fill("2880")
    expect(page.locator("#step_lead_time_minutes_readback")).to_have_text("= 6 d at 8 h a day")
    lead.fill("2d")
    expect(page.locator("#step_lead_time_minutes_readback")).to_have_text("= 2 d at 8 h a day")
    page.get_by_role("button", name="Save step").click()
    expect(page.locator("#side-panel .flash.ok")).to_contain_text("Saved.")
    expect(page.locator("#panel-h")).to_be_focused()
    expect(page.locator("#cw-status")).to_contain_text(f"Step “{first.title}”")
    first.refresh_from_db()
    assert first.lead_time_minutes == 960
    # Move down: the button goes away with the swap; focus lands on the panel heading.
    page.get_by_role("button", name="Move down").click()
    expect(page.locator("#side-panel .flash.ok")).to_contain_text("Moved.")
    expect(page.locator("#panel-h")).to_be_focused()
    # Close: the structure panel's heading.
    page.get_by_role("button", name="Close").click()
    expect(page.locator("#panel-h")).to_have_text("Build the map")
    expect(page.locator("#panel-h")).to_be_focused()
    shot(page, "panel-focus")


def test_the_times_section_stays_as_the_facilitator_left_it(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, (first, second) = map_with_steps(workspace, kind="customer_journey")
    open_step_panel(page, live_server, workspace, "journey", map_obj, first)
    times = page.locator("details[data-remember=times]")
    expect(times).not_to_have_attribute("open", "")
    times.locator("summary").click()
    expect(times).to_have_attribute("open", "")
    page.locator(".cw-step", has_text=second.title).click()
    expect(page.locator("#step_title")).to_have_value(second.title)
    expect(page.locator("details[data-remember=times]")).to_have_attribute("open", "")
    # The emotion faces are a radio group that the keyboard can use.
    page.locator("label.face", has_text="0 neutral").click()
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=emotion][value='1']")).to_be_checked()
    page.locator("#step_process_time_minutes").fill("2880")
    page.locator("#side-panel").screenshot(path=str(ARTIFACTS / "editor-panel-journey.png"))


def test_an_answer_arriving_late_leaves_focus_where_the_facilitator_moved_it(
    page: Page, live_server: Any, workspace: Any
) -> None:
    """The workshop panel refreshes on its own: its answer must not pull focus back.

    Clicking a step focuses it; the facilitator then clicks into the panel. An
    answer swapped in meanwhile used to hand focus back to the step, so the next
    arrow key moved through the diagram instead of the emotion faces.
    """
    map_obj, (first, second) = map_with_steps(workspace)
    open_step_panel(page, live_server, workspace, "late", map_obj, first)
    expect(page.locator("#workshop-panel")).to_be_attached()
    page.locator(".cw-step", has_text=second.title).click()
    expect(page.locator("#step_title")).to_have_value(second.title)
    expect(page.locator(f"#step-{second.pk}")).to_be_focused()
    focused = page.evaluate(
        """() => new Promise((done) => {
            // An answer of its own, from and into a holder of its own: the workshop
            // panel reloads by itself (workshop.js), and htmx drops a request made
            // while another from the same element is on its way.
            const holder = document.body.appendChild(document.createElement("div"));
            const mine = (e) => e.detail.target === holder;
            // Focus moves between the answer's swap and its settle, as a click would.
            document.body.addEventListener("htmx:afterSwap", (e) => {
                if (mine(e)) document.getElementById("step_title").focus();
            });
            document.body.addEventListener("htmx:afterSettle", (e) => {
                if (mine(e)) setTimeout(() => done(document.activeElement.id), 0);
            });
            setTimeout(() => done("no answer within 10 s"), 10000);
            const poll = document.getElementById("diagram").getAttribute("hx-get");
            htmx.ajax("GET", poll.split("?")[0].replace(/poll\\/$/, "workshop/"),
                { source: holder, target: holder, swap: "innerHTML" });
        })"""
    )
    assert focused == "step_title"


def test_connect_and_delete_leave_focus_on_the_panel_heading_and_say_so(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, (first, second) = map_with_steps(workspace)
    third: Any = StepFactory(map=map_obj, lane=second.lane, stage=first.stage, title="Third")
    open_step_panel(page, live_server, workspace, "linker", map_obj, first)
    # "Hand off to" groups by lane and leaves out what is already connected.
    group = page.locator(f"#handoff_to_step optgroup[label='{second.lane.department.name}']")
    expect(group.locator("option")).to_have_text(["Third"])
    page.select_option("#handoff_to_step", label="Third")
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.locator("#side-panel .flash.ok")).to_contain_text("Connected.")
    expect(page.locator("#panel-h")).to_be_focused()
    page.get_by_role("button", name="Delete step").click()
    expect(page.locator("#side-panel")).to_contain_text(f"Deleted “{first.title}”.")
    expect(page.locator("#panel-h")).to_be_focused()
    expect(page.locator("#cw-status")).to_contain_text(f"Deleted “{first.title}”.")
    assert not Step.objects.filter(pk=first.pk).exists()
    assert Step.objects.filter(pk=third.pk).exists()


def test_a_panel_fetched_again_keeps_what_was_typed_into_the_same_form(
    page: Page, live_server: Any, workspace: Any
) -> None:
    """A second answer for the same "+" must not wipe the title being typed."""
    _map_obj, lane, _stages, title = open_first_add_form(
        page, live_server, workspace, "typist", "AB"
    )
    page.keyboard.type("Half")
    fetch_again = """(name) => new Promise((done) => {
        const root = document.getElementById("editor");
        const add = [...document.querySelectorAll("#diagram .cw-add")]
            .find((b) => b.getAttribute("aria-label").endsWith(name));
        const cell = `lane=${add.dataset.laneId}&stage=${add.dataset.stageId}`;
        const url = `${root.dataset.addUrl}?${cell}`;
        // This answer's settle, not another one's (the workshop panel reloads by itself).
        document.body.addEventListener("htmx:afterSettle", function settled(e) {
            if (e.detail.requestConfig.path !== url) return;
            document.body.removeEventListener("htmx:afterSettle", settled);
            setTimeout(done, 0);
        });
        htmx.ajax("GET", url, { target: "#side-panel", swap: "cw-replace", source: root });
    })"""
    page.evaluate(fetch_again, "× A")
    expect(title).to_have_value("Half")
    expect(title).to_be_focused()
    page.keyboard.type("way")
    expect(title).to_have_value("Halfway")
    # Another cell's form is another form: it starts empty.
    page.evaluate(fetch_again, "× B")
    expect(page.locator("#side-panel")).to_contain_text(f"{lane.department.name} × B")
    expect(title).to_have_value("")


def test_a_step_moved_while_its_panel_is_being_typed_into_keeps_the_typing(
    page: Page, live_server: Any, workspace: Any
) -> None:
    """Typing in the step's form, then moving the step (Alt+arrows, a drag): the new
    panel keeps the typed, unsaved title, and Save stores it on the moved step."""
    map_obj, (first, second) = map_with_steps(workspace)
    open_step_panel(page, live_server, workspace, "mover", map_obj, first)
    title = page.locator("#side-panel .step-form input[name=title]")
    title.fill("Ask for it, typed")
    lead = page.locator("#step_lead_time_minutes")
    lead.fill("2d")
    page.locator(f"#step-{first.pk}").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(f"#step-{first.pk}")).to_have_attribute("data-lane-id", str(second.lane_id))
    expect(page.locator("#side-panel")).to_contain_text(f"In {second.lane.department.name}")
    expect(title).to_have_value("Ask for it, typed")
    expect(lead).to_have_value("2d")
    page.get_by_role("button", name="Save step").click()
    expect(page.locator(f"#step-{first.pk}")).to_contain_text("Ask for it, typed")
    moved = Step.objects.get(pk=first.pk)
    assert (moved.title, moved.lane_id, moved.lead_time_minutes) == (
        "Ask for it, typed",
        second.lane_id,
        2 * 480,
    )


def test_typing_kept_over_someone_elses_newer_save_is_refused_with_both_values(
    page: Page, live_server: Any, workspace: Any
) -> None:
    """The kept typing never overwrites a colleague's newer value of that field: the
    form keeps the version it was typed against, and Save shows the conflict."""
    map_obj, (first, second) = map_with_steps(workspace)
    third: Any = StepFactory(map=map_obj, lane=second.lane, stage=second.stage, title="Check it")
    open_step_panel(page, live_server, workspace, "slow", map_obj, first)
    title = page.locator("#side-panel .step-form input[name=title]")
    title.fill("Mine")
    services.step_update(step_id=first.pk, version=first.version, values={"title": "Theirs"})
    # Another write of this person's (a handoff from the step) brings the step's panel
    # again, with the colleague's title as stored.
    page.select_option("#handoff_to_step", str(third.pk))
    page.get_by_role("button", name="Connect").click()
    expect(page.locator("#side-panel .handoff-list")).to_contain_text("Check it")
    expect(title).to_have_value("Mine")
    page.get_by_role("button", name="Save step").click()
    conflict = page.locator("#side-panel .conflict")
    expect(conflict).to_contain_text("Theirs")
    expect(conflict).to_contain_text("Mine")
    assert Step.objects.get(pk=first.pk).title == "Theirs"


def test_clicking_a_handoff_label_opens_that_handoff(
    page: Page, live_server: Any, workspace: Any
) -> None:
    user = member(workspace, Role.EDITOR, "labeller")
    map_obj, (first, second) = map_with_steps(workspace)
    handoff = first.outgoing.get()
    handoff.label = "Ticket: desk and badge"
    handoff.save()
    log_in(page, live_server, user)
    page.goto(editor_url(live_server, map_obj))
    page.locator(f"#handoff-{handoff.pk}-label").click()
    expect(page.locator("#side-panel h2", has_text="Handoff")).to_be_visible()
    expect(page.locator("#side-panel")).to_contain_text(first.title)
    expect(page.locator("#side-panel")).to_contain_text(second.title)
