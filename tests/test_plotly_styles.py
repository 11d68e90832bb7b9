"""Our copy of plotly.js's global style rules matches the plotly.js we serve.

plotly.js would inject these rules as an inline <style> element, which the
Content-Security-Policy refuses, so pages with charts load them from
static/vendor/plotly-global.css instead. When an upgrade of the plotly package
changes the rules, this test says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from valuestreams.staticfiles import SOURCE

VENDORED = Path(__file__).resolve().parents[1] / "static" / "vendor" / "plotly-global.css"
# The rules object in plotly.min.js: "selector":"declarations" (or '…'), X and Y standing
# for the plot's and the notifier's classes.
RULE = re.compile(r'"((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')')


def bundled_rules() -> list[str]:
    bundle = (SOURCE / "plotly.min.js").read_text(encoding="utf-8")
    start = bundle.index('{"X,X div"')
    end = bundle.index("};", start)
    rules = []
    for selector, double, single in RULE.findall(bundle[start:end]):
        name = re.sub(r"^,", " ,", selector)
        name = name.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{name}{{{double or single}}}")
    # plotly.js inserts every rule at the top of its sheet: the last comes first.
    return rules[::-1]


def test_the_vendored_rules_are_those_of_the_served_plotly_js():
    css = re.sub(r"/\*.*?\*/\s*", "", VENDORED.read_text(encoding="utf-8"), flags=re.S)
    assert css.splitlines() == bundled_rules()


def test_chart_pages_tell_plotly_js_not_to_inject_its_styles():
    include = (Path(__file__).resolve().parents[1] / "templates" / "_plotly.html").read_text()
    assert 'id="plotly.js-style-global"' in include
    assert 'class="no-inline-styles"' in include
    # The map library inside the bundle skips its <style> when this id exists.
    bundle = (SOURCE / "plotly.min.js").read_text(encoding="utf-8")
    ids = re.findall(r'getElementById\("([0-9a-f]{64})"\)\)\{var e=document\.createElement', bundle)
    assert ids
    assert all(f'id="{style_id}"' in include for style_id in ids)
