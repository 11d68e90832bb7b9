"""axe-core in the browser tests: run it on a page and fail on any WCAG A/AA violation.

axe-core is vendored under ``tests/e2e/vendor/axe-core`` (MPL-2.0, licence beside it)
and injected through the DevTools protocol, so the page's Content-Security-Policy
stays as strict as it is for users and nothing is downloaded while testing.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_DIR = Path(__file__).resolve().parent / "vendor" / "axe-core"
AXE_JS = AXE_DIR / "axe.min.js"
AXE_VERSION = "4.12.1"
#: axe-core's own published integrity hash of this version's axe.min.js (sri-history.json).
AXE_SRI = "sha256-ZqiqqVqLBEp/10pUNYc78E/2WhynVWfJIbdQl0IIWhQ="
#: The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 6).map((n) => n.target.join(" ") + " → " + n.failureSummary),
    count: v.nodes.length,
  }));
}"""


@cache
def axe_source() -> str:
    """The vendored axe.min.js, refused when it is not the published 4.12.1 file."""
    data = AXE_JS.read_bytes()
    digest = "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()
    if digest != AXE_SRI:
        raise AssertionError(f"{AXE_JS} is not axe-core {AXE_VERSION} ({digest})")
    return data.decode("utf-8")


def inject_axe(page: Page) -> None:
    """Load axe into the page unless it is there (a navigation or full reload drops it).

    Through the DevTools protocol, because the CSP rightly refuses an inline script.
    """
    if page.evaluate("typeof window.axe === 'object'"):
        return
    session = page.context.new_cdp_session(page)
    try:
        answer = session.send("Runtime.evaluate", {"expression": axe_source()})
    finally:
        session.detach()
    if answer.get("exceptionDetails"):
        raise AssertionError(f"axe-core did not load: {answer['exceptionDetails']}")
    version = page.evaluate("window.axe.version")
    assert version == AXE_VERSION, version


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG A/AA violations axe finds in the page as it is now."""
    inject_axe(page)
    violations: list[dict[str, Any]] = page.evaluate(_RUN, WCAG_TAGS)
    return violations


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    """A readable failure message: each rule, how often, and its first nodes."""
    lines = [f"{where}:"]
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}, {v['count']}×): {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    """Fail with every WCAG A/AA violation axe finds on ``page`` (named ``where``)."""
    violations = axe_violations(page)
    assert not violations, describe(where, violations)
