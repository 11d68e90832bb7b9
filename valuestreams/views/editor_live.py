"""What an editor write (or a changed poll) sends of the diagram: only what changed.

The browser tells which drawing it shows (the ``CW-Drawing`` header: the token
the wrapper carried, see `drawing_token`). When this process, or a shared cache,
still knows that drawing's checksums, the answer carries only the elements
whose markup changed, keyed by their stable ids (steps, handoffs, labels) or, for
the layers without ids (lanes, stages, ladder …), by their place among the
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
import time
import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.cache import caches
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django_htmx.http import reswap

from ..analysis import MapAnalysis
from ..diagram import diagram_pieces
from ..mapdata import MapData
from ..models import Map
from ..weighed import WeighedStore

#: Top-level layers whose children are sent one by one (they have ids).
KEYED_LAYERS = frozenset(
    {
        '<g class="cw-handoffs">',
        '<g class="cw-steps">',
        '<g class="cw-handoff-labels">',
        '<g class="cw-cells">',
        '<g class="cw-adds">',
    }
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
    def sums(self) -> list[Sum | dict[str, Sum]]:
        """What the cache keeps of the drawing: a `Sum` per child, or per item of a layer."""
        return [
            _sum(c.markup) if c.items is None else {key: _sum(m) for key, m in c.items}
            for c in self.children
        ]


#: What is kept of one element, packed in one integer (the cache unpickles a few
#: thousand per edit: one int each is a third of the time of a tuple each):
#:
#: - bits 0-31: the checksum of its markup with every y-coordinate taken relative
#:   to its first one; equal with another first y means the element only moved up
#:   or down, and the browser shifts the one it has;
#: - bits 32-64: 2**32 + the checksum of its head (the group's tag and <title>, see
#:   `_head`), or 0 without one: an element whose head stayed gets only its drawing;
#: - bits 65-97: 2**32 + the checksum of that drawing with its paths' data left out,
#:   or 0 when it places things outside paths: when only paths changed, only their
#:   data goes (a handoff routed anew);
#: - bits 98 on: that first y in hundredths, plus 2**40 (so never 0).
Sum = int
_CRC = (1 << 32) - 1
_PART = (1 << 33) - 1
_Y_ZERO = 1 << 40


def _pack(relative: int, first: float, head: int | None, paths: int | None) -> Sum:
    head_part = 0 if head is None else head | 1 << 32
    paths_part = 0 if paths is None else paths | 1 << 32
    y_part = round(first * 100) + _Y_ZERO
    return relative | head_part << 32 | paths_part << 65 | y_part << 98


def _relative_sum(value: Sum) -> int:
    return value & _CRC


def _head_sum(value: Sum) -> int:
    return value >> 32 & _PART


def _paths_sum(value: Sum) -> int:
    return value >> 65 & _PART


def _first_y(value: Sum) -> float:
    return ((value >> 98) - _Y_ZERO) / 100


def _known(before: object) -> bool:
    """A sum of this kind (a plain checksum kept by an older version is not)."""
    return type(before) is int and before >> 98 > 0


#: Attributes that hold y-coordinates (alone, or among x-coordinates in paths,
#: points and translations). Text is escaped, so these never match inside it.
_COORDS = re.compile(r'\s(y|y1|y2|cy|d|points|transform)="([^"]*)"')
_PATH_TOKENS = re.compile(r"([A-Za-z])|(-?(?:\d+\.?\d*|\.\d+))")
_TRANSLATE = re.compile(r"translate\((-?[\d.]+)[ ,]+(-?[\d.]+)\)")
#: Which parameters of an absolute path command are y-coordinates (index modulo count).
_PATH_Y: dict[str, tuple[int, frozenset[int]]] = {
    "M": (2, frozenset({1})),
    "L": (2, frozenset({1})),
    "T": (2, frozenset({1})),
    "Q": (2, frozenset({1})),
    "C": (2, frozenset({1})),
    "S": (2, frozenset({1})),
    "H": (1, frozenset()),
    "V": (1, frozenset({0})),
    "A": (7, frozenset({6})),
    "Z": (1, frozenset()),
}
#: Sums by markup: most elements are the very same string as in the last drawing.
_SUMS: dict[str, Sum] = {}
_SUMS_SIZE = 20_000


def _sum(markup: str) -> Sum:
    found = _SUMS.get(markup)
    if found is None:
        relative, first = _relative(markup)
        head = _head(markup)
        found = _pack(
            zlib.crc32(relative.encode()),
            first,
            zlib.crc32(head.encode()) if head else None,
            _paths_only(markup[len(head) : -len("</g>")]) if head else None,
        )
        if len(_SUMS) >= _SUMS_SIZE:
            _SUMS.clear()  # bounded memory, as the renderer's memos
        _SUMS[markup] = found
    return found


def _relative(markup: str) -> tuple[str, float]:
    """`markup` with every y-coordinate minus the first one, and that first y (0 if none).

    Two elements with the same relative markup are the same picture, one moved
    down by the difference of their first y's. Anything not understood (relative
    path commands, transforms other than one translation on the element itself)
    stays as it is, so such elements only ever match when their markup is equal.
    """
    if 'transform="' in markup:
        head = markup[: markup.find(">") + 1]
        found = _TRANSLATE.search(head)
        if markup.count('transform="') != 1 or found is None or 'transform="' not in head:
            return markup, 0.0
        # Inside a translated element the coordinates are its own: only the translation moves.
        first = float(found.group(2))
        return markup[: found.start(2)] + "~" + markup[found.end(2) :], first
    ys: list[float] = []
    parts: list[str] = []
    last = 0
    for match in _COORDS.finditer(markup):
        name, value = match.group(1), match.group(2)
        if name == "d" and _PAIRS_ONLY.fullmatch(value):
            shifted = _shifted_pairs(value, ys)
        else:
            values = _y_positions(name, value)
            if values is None:
                continue
            shifted = _shifted(values, ys)
        parts.append(markup[last : match.start(2)])
        parts.append(shifted)
        last = match.end(2)
    if not ys:
        return markup, 0.0
    parts.append(markup[last:])
    return "".join(parts), ys[0]


#: Path data whose every command takes (x y) pairs, written "x y" as the renderer
#: writes them (every connector and arrowhead): each second number is a y.
_PAIRS_ONLY = re.compile(r"[MLQCTSZ0-9. -]*")
_PAIR = re.compile(r"(-?[0-9.]+) (-?[0-9.]+)")


def _shifted_pairs(value: str, ys: list[float]) -> str:
    """`_shifted` for path data of (x y) pairs only, in one pass: the common case."""

    def relative(pair: re.Match[str]) -> str:
        y = float(pair.group(2))
        if not ys:
            ys.append(y)
        return f"{pair.group(1)} {_number(y - ys[0])}"

    return _PAIR.sub(relative, value)


def _y_positions(name: str, value: str) -> list[tuple[str, bool]] | None:
    """The value's tokens, each with whether it is a y-coordinate (None: leave it alone)."""
    if name in ("y", "y1", "y2", "cy"):
        return [(value, True)]
    if name == "points":
        out: list[tuple[str, bool]] = []
        for pair in value.split():
            x, _, y = pair.partition(",")
            out += [(x, False), (",", False), (y, True), (" ", False)]
        return out
    if name == "d":
        out = []
        command, index = "", 0
        for letter, number in _PATH_TOKENS.findall(value):
            if letter:
                if letter not in _PATH_Y:
                    return None  # a relative command: its numbers are no coordinates
                command, index = letter, 0
                out.append((letter, False))
                continue
            if not command:
                return None
            size, y_at = _PATH_Y[command]
            out.append((number, index % size in y_at))
            out.append((" ", False))
            index += 1
        return out
    return None


def _shifted(values: list[tuple[str, bool]], ys: list[float]) -> str:
    """The tokens with y's relative to the first y met (appended to `ys` when first)."""
    out = []
    for text, is_y in values:
        if not is_y:
            out.append(text)
            continue
        y = float(text)
        if not ys:
            ys.append(y)
        out.append(_number(y - ys[0]))
    return "".join(out)


def _number(value: float) -> str:
    """`value` to two decimals, the same text for the same number (no "-0")."""
    rounded = round(value, 2)
    return str(rounded + 0.0 if rounded else 0.0)


def _head(markup: str) -> str | None:
    """A group's opening tag and leading <title>: its name and what it says, no coordinates.

    None for anything else, and for a group placed by a transform (its head has
    coordinates, and a shift in the browser would leave the old ones there).
    """
    end = markup.find("</title>")
    if not markup.startswith("<g") or not markup.endswith("</g>") or end < 0:
        return None
    head = markup[: end + len("</title>")]
    return None if 'transform="' in head else head


_PATH_DATA = re.compile(r'\sd="([^"]*)"')
_PLACED = re.compile(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|points|transform)="')


def _paths_only(body: str) -> int | None:
    """The checksum of `body` without its paths' data (None: it places things otherwise too)."""
    if _PLACED.search(body):
        return None
    return zlib.crc32(_PATH_DATA.sub(' d=""', body).encode())


def _path_data(before: object, now: Sum, markup: str) -> str | None:
    """The paths' data of the element, "|"-separated, when nothing else of it changed;
    a path drawn as the one before it (a handoff's hit area under its line) is empty."""
    if not _known(before) or not _paths_sum(now):
        return None
    assert isinstance(before, int)
    if _head_sum(before) != _head_sum(now) or _paths_sum(before) != _paths_sum(now):
        return None
    data = _PATH_DATA.findall(markup)
    return "|".join(d if i == 0 or d != data[i - 1] else "" for i, d in enumerate(data))


def _body(before: object, now: Sum, markup: str) -> str | None:
    """The element's markup after its head when only that changed (None: send it all)."""
    if not _known(before) or not _head_sum(now):
        return None
    assert isinstance(before, int)
    if _head_sum(before) != _head_sum(now):
        return None
    return markup[markup.find("</title>") + len("</title>") : -len("</g>")]


def _moved(before: object, now: Sum) -> float | None:
    """How far down an element moved with nothing else changed (None: it changed)."""
    if not _known(before) or before == now:
        return None
    assert isinstance(before, int)
    if _relative_sum(before) != _relative_sum(now):
        return None
    return round(_first_y(now) - _first_y(before), 2)


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


#: Checksums this process keeps over all maps, about 100 bytes each (some 25 MB):
#: the four drawings of 20 maps of 1,000 steps, or of hundreds of workshop-sized
#: maps. The least recently written maps go first; their next edit patches from the
#: shared cache.
KEPT_ELEMENTS = 250_000
#: This process's recent drawings by map id: (expiry, {token: checksums}), weighed
#: in checksums. Kept as objects, not in Django's cache: a local-memory cache
#: pickles, and an edit would unpickle and pickle the map's drawings again.
_DRAWINGS: WeighedStore[tuple[float, dict[str, Any]]] = WeighedStore(lambda: KEPT_ELEMENTS)


def _kept(map_id: int) -> dict[str, Any]:
    """The map's remembered drawings by token (empty when none or expired)."""
    found = _DRAWINGS.get(map_id)
    if found is None or found[0] < time.monotonic():
        return {}
    return dict(found[1])


def _elements(kept: dict[str, Any]) -> int:
    """How many checksums the map's kept drawings hold."""
    return sum(
        len(part) if isinstance(part, dict) else 1
        for _kinds, sums in kept.values()
        for part in sums
    )


def forget_drawings() -> None:
    """Forget this process's remembered drawings, as a restart does."""
    _DRAWINGS.clear()


def remember(
    map_id: int, token: str, drawing: Drawing, *, kept: dict[str, Any] | None = None
) -> None:
    """Keep the drawing's checksums (a few bytes per element), for the next edit's diff.

    This process keeps a map's KEPT newest drawings: a browser a few edits behind
    still gets a patch, and the memory stays bounded however long the workshop
    edits (and over all maps: KEPT_ELEMENTS). `kept` is what the caller has just
    read (`_kept`), so a write looks it up once.
    """
    kept = dict(kept) if kept is not None else _kept(map_id)
    kept.pop(token, None)
    value = ([c.kind for c in drawing.children], drawing.sums)
    kept[token] = value
    while len(kept) > KEPT:
        del kept[next(iter(kept))]
    _DRAWINGS.put(map_id, (time.monotonic() + TIMEOUT_SECONDS, kept), _elements(kept))
    # For the other web processes: one entry per drawing, expired by the database cache.
    caches[SHARED].set(_shared_key(map_id, token), value, TIMEOUT_SECONDS)


def patch(
    map_id: int, shown: str | None, drawing: Drawing, *, kept: dict[str, Any] | None = None
) -> str | None:
    """The markup that turns the drawing the browser shows (`shown`) into `drawing`.

    None when it cannot be built (unknown or differently shaped drawing): then the
    whole SVG goes. The patch is an ``<svg>`` with the new root attributes whose
    children are operations: ``data-cw-at`` replaces a top-level child, ``data-cw-in``
    replaces or inserts (before ``data-cw-before``) an item of a layer,
    ``data-cw-remove`` lists the ids of items that went, and ``data-cw-shift``
    moves the items it names (``data-cw-ids``) or top-level children
    (``data-cw-tops``, by place) down by its value: elements whose markup differs
    from the shown one only by that much in every y-coordinate; ``data-cw-body``
    replaces what an item draws after its <title> (a handoff routed anew keeps
    its tag, name and title), and ``data-cw-paths`` only the data of its paths
    (``data-d``, in order) when they are all that changed and all it places.
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
    # Elements that only moved down or up, by how far: a lane that grew moves all
    # below it, and each of those is a word in one small op instead of its markup.
    shifted: dict[float, list[str]] = {}
    shifted_tops: dict[float, list[str]] = {}
    pairs = zip(drawing.children, sums, drawing.sums, strict=True)
    for index, (child, before, now) in enumerate(pairs):
        if child.items is None or not isinstance(before, dict) or not isinstance(now, dict):
            if before != now:
                dy = _moved(before, now) if isinstance(now, int) else None
                if dy is None:
                    ops.append(f'<g data-cw-at="{index}">{child.markup}</g>')
                else:
                    shifted_tops.setdefault(dy, []).append(str(index))
            continue
        keys = [key for key, _markup in child.items]
        for position, (key, markup) in enumerate(child.items):
            old = before.get(key)
            if old == now[key]:
                continue
            dy = _moved(old, now[key])
            if dy is not None:
                shifted.setdefault(dy, []).append(key)
                continue
            paths = _path_data(old, now[key], markup)
            if paths is not None:
                ops.append(f'<g data-cw-paths="{key}" data-d="{paths}"></g>')
                continue
            body = _body(old, now[key], markup)
            if body is not None:
                ops.append(f'<g data-cw-body="{key}">{body}</g>')
                continue
            following = next((k for k in keys[position + 1 :] if k in before), "")
            ops.append(f'<g data-cw-in="{index}" data-cw-before="{following}">{markup}</g>')
        present = set(keys)
        removed.extend(key for key in before if key not in present)
    if removed:
        ops.append(f'<g data-cw-remove="{" ".join(removed)}"></g>')
    for dy, keys in shifted.items():
        ops.append(f'<g data-cw-shift="{_number(dy)}" data-cw-ids="{" ".join(keys)}"></g>')
    for dy, tops in shifted_tops.items():
        ops.append(f'<g data-cw-shift="{_number(dy)}" data-cw-tops="{" ".join(tops)}"></g>')
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
