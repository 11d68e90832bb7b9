"""What an editor write (or a changed poll) sends of the diagram: only what changed.

The browser tells which drawing it shows (the ``CW-Drawing`` header: the token
the wrapper carried, see `drawing_token`). When this process, or a shared cache,
still knows that drawing's checksums, the answer carries only the elements
whose markup changed, keyed by their stable ids (steps, handoffs, labels) or, for
the layers without ids (lanes, cells, ladder …), by their place among the
drawing's top-level children; ``static/js/editor.js`` applies it in place. So a
rename at 1,000 steps sends one card and the few connectors around it instead of
2 MB, and the browser keeps every unchanged node, the scroll position and the
focus. Otherwise (first paint, a drawing forgotten or of another shape) the
whole SVG goes, and the script swaps it under the same scrolled wrapper.

The checksums are kept in this process's memory and in a cache all web
processes share (the database's), so an answer from another worker patches too.
The splitting and diffing are pure; the caches keep only checksums.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.cache import cache, caches
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django_htmx.http import reswap

from ..analysis import MapAnalysis
from ..diagram import diagram_pieces
from ..mapdata import MapData
from ..models import Map

#: Top-level layers whose children are sent one by one (they have ids).
KEYED_LAYERS = frozenset(
    {'<g class="cw-handoffs">', '<g class="cw-steps">', '<g class="cw-handoff-labels">'}
)
#: A drawing's checksums are kept this long: a tab left open overnight gets the whole SVG.
TIMEOUT_SECONDS = 60 * 60
#: How many recent drawings of a map are kept to patch against.
KEPT = 4
_ID = re.compile(r'\sid="([^"]+)"')
_KIND = re.compile(r'<([a-zA-Z]+)(?:[^>]*?\sclass="([^"]*)")?')


@dataclass(frozen=True)
class Child:
    """One top-level child of the drawing: its kind, markup, and keyed items if a layer."""

    kind: str
    markup: str
    items: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class Drawing:
    """A rendered diagram split for comparison: the ``<svg>`` tag and its children."""

    head: str
    children: tuple[Child, ...]

    @property
    def svg(self) -> str:
        """The whole SVG document, as `render_svg` gives it."""
        parts = [self.head]
        for child in self.children:
            parts.append(child.markup)
        parts.append("</svg>")
        return "\n".join(parts)

    @cached_property
    def sums(self) -> list[int | dict[str, int]]:
        """What the cache keeps of the drawing: a checksum per child, or per item of a layer."""
        return [
            _sum(c.markup) if c.items is None else {key: _sum(m) for key, m in c.items}
            for c in self.children
        ]


def _sum(markup: str) -> int:
    return zlib.crc32(markup.encode())


def _depth(piece: str) -> int:
    # The renderer writes every group it opens piece by piece as an opening piece
    # and a "</g>" of its own; whole elements (cards, connectors) are one piece.
    if piece == "</g>":
        return -1
    if piece.startswith("<g") and not piece.endswith("</g>") and not piece.endswith("/>"):
        return 1
    return 0


def split(pieces: list[str]) -> Drawing:
    """Group the renderer's pieces into top-level children and, in keyed layers, items."""
    head, body = pieces[0], pieces[1:-1]
    children: list[Child] = []
    i = 0
    while i < len(body):
        start, depth = i, _depth(body[i])
        i += 1
        while depth > 0:
            depth += _depth(body[i])
            i += 1
        span = body[start:i]
        match = _KIND.match(span[0])
        kind = f"{match.group(1)}.{match.group(2) or ''}" if match else span[0][:20]
        items = None
        if span[0] in KEYED_LAYERS:
            items = tuple(_items(span[1:-1]))
        children.append(Child(kind, "\n".join(span), items))
    return Drawing(head, tuple(children))


def _items(pieces: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(pieces):
        start, depth = i, _depth(pieces[i])
        i += 1
        while depth > 0:
            depth += _depth(pieces[i])
            i += 1
        found = _ID.search(pieces[start])
        key = found.group(1) if found else f"#{start}"
        out.append((key, "\n".join(pieces[start:i])))
    return out


def drawing_token(map_id: int, version: int, selected: int | None, mode: str, lang: str) -> str:
    """Names one rendering of one version of a map: what the browser sends back."""
    return f"{map_id}.{version}.{selected or 0}.{mode}.{lang}"


def _cache_key(map_id: int) -> str:
    return f"crosswalk:drawing:{map_id}"


#: The cache every web process shares (settings.CACHES, kept in the database).
SHARED = "drawings"


def _shared_key(map_id: int, token: str) -> str:
    return f"drawing:{map_id}:{token}"


def tidy() -> None:
    """Keep the shared cache within its bound: when a page opens, not on every edit.

    The shared cache's writes are one upsert each and do not cull
    (`valuestreams.cache_backend`); opening the editor or the presentation does,
    at one query (a count) while under the bound.
    """
    shared = caches[SHARED]
    cull = getattr(shared, "cull", None)
    if cull is not None:
        cull()


def _recall(map_id: int, token: str, kept: dict[str, Any]) -> tuple[Any, ...] | None:
    """The checksums of drawing `token`: this process's, else the shared cache's.

    Under several web processes the drawing a browser shows was as often drawn by
    another process than by this one; without the shared copy the whole SVG (2 MB
    at 1,000 steps) would go back in those answers.
    """
    old = kept.get(token)
    if not isinstance(old, tuple):
        old = caches[SHARED].get(_shared_key(map_id, token))
    return old if isinstance(old, tuple) else None


def _kept(map_id: int) -> dict[str, Any]:
    """The map's remembered drawings by token (empty when none): one cache read."""
    kept = cache.get(_cache_key(map_id))
    return dict(kept) if isinstance(kept, dict) else {}


def remember(
    map_id: int, token: str, drawing: Drawing, *, kept: dict[str, Any] | None = None
) -> None:
    """Keep the drawing's checksums (a few bytes per element), for the next edit's diff.

    One cache entry per map holds its KEPT newest drawings: a browser a few edits
    behind still gets a patch, and the memory stays bounded however long the
    workshop edits. `kept` is the entry as the caller has just read it (`_kept`),
    so a write reads (and unpickles) it once.
    """
    key = _cache_key(map_id)
    kept = dict(kept) if kept is not None else _kept(map_id)
    kept.pop(token, None)
    value = ([c.kind for c in drawing.children], drawing.sums)
    kept[token] = value
    while len(kept) > KEPT:
        del kept[next(iter(kept))]
    cache.set(key, kept, TIMEOUT_SECONDS)
    # For the other web processes: one entry per drawing, expired by the database cache.
    caches[SHARED].set(_shared_key(map_id, token), value, TIMEOUT_SECONDS)


def patch(
    map_id: int, shown: str | None, drawing: Drawing, *, kept: dict[str, Any] | None = None
) -> str | None:
    """The markup that turns the drawing the browser shows (`shown`) into `drawing`.

    None when it cannot be built (unknown or differently shaped drawing): then the
    whole SVG goes. The patch is an ``<svg>`` with the new root attributes whose
    children are operations: ``data-cw-at`` replaces a top-level child, ``data-cw-in``
    replaces or inserts (before ``data-cw-before``) an item of a layer, and
    ``data-cw-remove`` lists the ids of items that went.
    """
    if not shown:
        return None
    old = _recall(map_id, shown, kept if kept is not None else _kept(map_id))
    if old is None:
        return None
    kinds, sums = old
    if kinds != [c.kind for c in drawing.children]:
        return None
    ops: list[str] = []
    removed: list[str] = []
    pairs = zip(drawing.children, sums, drawing.sums, strict=True)
    for index, (child, before, now) in enumerate(pairs):
        if child.items is None or not isinstance(before, dict) or not isinstance(now, dict):
            if before != now:
                ops.append(f'<g data-cw-at="{index}">{child.markup}</g>')
            continue
        keys = [key for key, _markup in child.items]
        for position, (key, markup) in enumerate(child.items):
            if before.get(key) == now[key]:
                continue
            following = next((k for k in keys[position + 1 :] if k in before), "")
            ops.append(f'<g data-cw-in="{index}" data-cw-before="{following}">{markup}</g>')
        present = set(keys)
        removed.extend(key for key in before if key not in present)
    if removed:
        ops.append(f'<g data-cw-remove="{" ".join(removed)}"></g>')
    return "\n".join([drawing.head, *ops, "</svg>"])


@dataclass(frozen=True)
class LiveDiagram:
    """What the diagram's wrapper shows: markup, the token naming it, whether a patch."""

    markup: str
    token: str
    patched: bool


def live_diagram(
    request: HttpRequest,
    data: MapData,
    analysis: MapAnalysis,
    *,
    selected: int | None,
    interactive: bool,
    present: bool,
) -> LiveDiagram:
    """The diagram for the editor or presentation page: a patch when the browser allows one."""
    pieces = diagram_pieces(data, analysis, selected=selected, interactive=interactive)
    drawing = split(pieces)
    mode = "present" if present else "edit" if interactive else "view"
    token = drawing_token(data.id, data.version, selected, mode, get_language() or "")
    shown = request.headers.get("CW-Drawing") if request.headers.get("HX-Request") else None
    kept = _kept(data.id)
    if not request.headers.get("HX-Request"):
        tidy()  # a page opens
    markup = patch(data.id, shown, drawing, kept=kept)
    remember(data.id, token, drawing, kept=kept)
    if markup is None:
        return LiveDiagram(drawing.svg, token, False)
    return LiveDiagram(markup, token, True)


def live_response(response: TemplateResponse) -> TemplateResponse:
    """Everything in the live fragment swaps out of band, the diagram by editor.js's patch."""
    return reswap(response, "none")


def unchanged_since(request: HttpRequest, slug: str, map_id: int, version: str | None) -> bool:
    """Whether the map `map_id`, readable by this user, still has `version` (a poll's question).

    404 as every read of a map the user is no member of; the membership (any role
    may look) and the version are one query.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    current = (
        Map.objects.filter(pk=map_id, workspace__slug=slug, workspace__memberships__user=user)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        raise Http404
    return version is not None and version == str(current)
