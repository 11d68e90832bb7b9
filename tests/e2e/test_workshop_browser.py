"""A workshop in three browsers: a facilitator and two participants who join by invite link.

On PostgreSQL the app is served under ASGI (uvicorn, in a child process on the
test database) so the browsers get live push by Server-Sent Events; on SQLite
Django's live server serves it and the pages poll. Screenshots land in
test-artifacts/ (not committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from departments.models import Membership, Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, map_with_steps
from valuestreams.models import Improvement
from workshop.models import Dot, Mention
from workshop.testing import asgi_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LIVE = 15_000  # ms: within a heartbeat or two even when polling
NEW_PASSWORD = "a long and unusual passphrase 42"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workshop-{name}.png"), full_page=True)


@pytest.fixture
def base_url_of_app(request: pytest.FixtureRequest) -> Iterator[str]:
    """ASGI with live push on PostgreSQL; Django's live server (polling) on SQLite."""
    if connection.vendor == "postgresql":
        with asgi_server() as (host, port, _process):
            yield f"http://{host}:{port}"
    else:
        yield request.getfixturevalue("live_server").url


def sign_up(page: Page, invite_url: str, username: str, name: str) -> None:
    page.goto(invite_url)
    page.fill("#id_username", username)
    page.fill("#id_first_name", name)
    page.fill("#id_email", f"{username}@example.org")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Sign up and join").click()
    expect(page.locator(".messages")).to_contain_text("Welcome to Town hall")


def test_a_workshop_with_invite_live_votes_presence_and_a_mention(
    browser: Browser, base_url_of_app: str, workspace: Any
) -> None:
    base = base_url_of_app
    facilitator = UserFactory.create(username="fenna", first_name="Fenna", last_name="Visser")
    MembershipFactory.create(workspace=workspace, role=Role.FACILITATOR, user=facilitator)
    map_obj, (ask, do) = map_with_steps(workspace, name="Event permit")
    editor_path = reverse("map_editor", args=[workspace.slug, map_obj.pk])
    room_path = reverse("workshop_room", args=[workspace.slug, map_obj.pk])

    host = browser.new_context(viewport={"width": 1400, "height": 1000})
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    fac, bram, anna = host.new_page(), laptop.new_page(), phone.new_page()

    # The facilitator logs in and makes one invite link.
    fac.goto(f"{base}/login/")
    fac.fill("input[name=username]", facilitator.username)
    fac.fill("input[name=password]", PASSWORD)
    fac.click("main button[type=submit]")
    fac.goto(f"{base}{reverse('invite_list', args=[workspace.slug])}")
    fac.fill("#id_label", "Town hall workshop")
    fac.get_by_role("button", name="Make link").click()
    invite_url = fac.locator("#new-link-url").input_value()
    assert invite_url.startswith(base + "/invite/")

    # Two participants join by it: one on a laptop, one on a phone.
    sign_up(bram, invite_url, "bram", "Bram de Boer")
    sign_up(anna, invite_url, "anna", "Anna Bakker")
    assert set(
        Membership.objects.filter(workspace=workspace, invite_join__isnull=False).values_list(
            "user__username", flat=True
        )
    ) == {"anna", "bram"}

    fac.goto(base + editor_path)
    bram.goto(base + editor_path)
    anna.goto(base + room_path)
    if connection.vendor == "postgresql":
        expect(fac.locator("#editor")).to_have_attribute("data-live", "stream", timeout=LIVE)

    # Presence: everyone sees who is in the map.
    for page in (fac, bram):
        people = page.locator("#ws-people")
        for name in ("Fenna Visser", "Bram de Boer", "Anna Bakker"):
            expect(people).to_contain_text(name, timeout=LIVE)

    # The facilitator selects a step: the others see her initials on it.
    fac.locator(f"#step-{ask.pk}").click()
    expect(bram.locator(f"#step-{ask.pk} .cw-live-person text")).to_have_text("FV", timeout=LIVE)

    # The facilitator starts a vote; it reaches the laptop and the phone.
    fac.locator("#workshop-panel summary", has_text="Start a dot vote").click()
    fac.fill("#workshop-panel #id_dots", "3")
    fac.get_by_role("button", name="Start vote").click()
    expect(bram.locator("#ws-dots-left")).to_contain_text("3 of 3", timeout=LIVE)
    expect(anna.locator("#ws-dots-left")).to_contain_text("3 of 3", timeout=LIVE)

    # They vote; the counts show on the facilitator's diagram live.
    anna.get_by_role("button", name="Put a dot on Ask for it").click()
    expect(anna.locator("#ws-dots-left")).to_contain_text("2 of 3")
    anna.get_by_role("button", name="Put a dot on Ask for it").click()
    expect(anna.locator("#ws-dots-left")).to_contain_text("1 of 3")
    bram.get_by_role("button", name="Put a dot on Ask for it").click()
    bram.get_by_role("button", name="Put a dot on Do it").click()
    expect(fac.locator(f"#step-{ask.pk} .cw-live-dot text")).to_have_text("3", timeout=LIVE)
    expect(fac.locator(f"#step-{do.pk} .cw-live-dot text")).to_have_text("1", timeout=LIVE)
    expect(anna.locator(f'.ws-step[data-step="{ask.pk}"] .ws-count')).to_have_text(
        "3", timeout=LIVE
    )
    assert Dot.objects.count() == 4

    # Bram comments on a step and mentions Anna; she finds it in her mentions.
    bram.select_option("#workshop-panel #id_target", label="Ask for it")
    bram.fill("#workshop-panel #id_body", "@anna is this the form you meant?")
    bram.get_by_role("button", name="Comment", exact=True).click()
    expect(fac.locator(f"#step-{ask.pk} .cw-live-comment text")).to_have_text("1", timeout=LIVE)
    assert Mention.objects.get().user.username == "anna"
    anna.goto(f"{base}{reverse('my_mentions', args=[workspace.slug])}")
    expect(anna.locator(".mention-list")).to_contain_text("@anna is this the form you meant?")
    shot(anna, "phone-mentions")
    anna.goto(base + room_path)
    shot(anna, "phone-vote")
    shot(bram, "laptop-editor")
    shot(fac, "facilitator-voting")

    # The facilitator closes the vote and turns the top step into an improvement card.
    fac.get_by_role("button", name="Close the vote").click()
    expect(fac.locator(".ws-results")).to_contain_text("Ask for it — 3 dots")
    fac.locator(".ws-results input[type=checkbox]").nth(1).uncheck()
    fac.get_by_role("button", name="Make improvement cards").click()
    expect(fac.locator(".ws-results li").first).to_contain_text("on the improvement board")
    shot(fac, "facilitator-closed")
    card = Improvement.objects.get()
    assert (card.step_id, card.map_id) == (ask.pk, map_obj.pk)

    # Someone who leaves disappears from the others' list within seconds.
    laptop.close()
    expect(fac.locator("#ws-people")).not_to_contain_text("Bram de Boer", timeout=LIVE)
    host.close()
    phone.close()
