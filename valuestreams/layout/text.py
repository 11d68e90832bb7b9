"""Text measuring: deterministic widths, so the layout never depends on installed fonts.

Text is measured with a fixed table of sans-serif advance widths (the wider of
DejaVu Sans and Liberation Sans), so a box sized here holds its text in every
font of `FONT_FAMILY`, on every machine, in every renderer.

A word wider than a whole line (German compounds such as
"Durchlaufzeitverkürzungsmaßnahme") is hyphenated at a syllable boundary with
the hyphenation patterns of the active language (pyphen ships LibreOffice's
dictionaries), so it reads "Durchlaufzeit-/verkürzungs-/maßnahme" rather than
being cut between any two letters.
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import cache

import pyphen
from django.utils.translation import get_language

__all__ = ["FONT_FAMILY", "measure_text", "shorten", "soft_hyphenated", "wrap_text"]

#: The font stack every renderer uses; the width table below approximates it.
FONT_FAMILY = "Inter, 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


def _widths(numbers: str) -> tuple[int, ...]:
    return tuple(int(w) for w in numbers.split())


# Advance widths in thousandths of an em for ASCII 32..126: the larger of DejaVu
# Sans and Liberation Sans, the widest of the font stack's fallbacks, so text that
# fits here fits in every font the SVG may end up with (Inter is narrower).
_REGULAR = _widths(
    """
    318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337
    636 636 636 636 636 636 636 636 636 636 337 337 838 838 838 556
    1015 684 686 722 770 667 611 778 752 295 500 667 557 863 748 787
    667 787 722 667 611 732 684 989 685 667 685 390 337 390 838 556
    500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612
    635 635 411 521 392 634 592 818 592 592 525 636 337 636 838
"""
)
_BOLD = _widths(
    """
    348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365
    696 696 696 696 696 696 696 696 696 696 400 400 838 838 838 611
    1000 774 762 734 830 683 683 821 837 372 556 775 637 995 837 850
    733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 556
    500 675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687
    716 716 493 595 478 712 652 924 645 652 582 712 365 712 838
"""
)
_SPECIAL = {"·": 318, "…": 1000, "−": 838, "–": 500, "—": 1000, "€": 636, "×": 838}
_ELLIPSIS = "…"


def _char_width(char: str, table: tuple[int, ...]) -> int:
    """Width of one character in thousandths of an em."""
    code = ord(char)
    if 32 <= code < 127:
        return table[code - 32]
    if char in _SPECIAL:
        return _SPECIAL[char]
    if unicodedata.combining(char):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1000
    # Accented Latin letters (é, ü, ß→s) are about as wide as their base letter.
    base = unicodedata.normalize("NFD", char)[:1]
    if base and 32 <= ord(base) < 127:
        return table[ord(base) - 32]
    return 650


# Per-character widths, filled as characters are met: measuring is the hot loop of
# a big layout, and a dict lookup is much cheaper than the rules above.
_CACHE: tuple[dict[str, int], dict[str, int]] = ({}, {})


def _units(text: str, bold: bool) -> int:
    """Width of ``text`` in thousandths of an em."""
    cache = _CACHE[1 if bold else 0]
    total = 0
    for char in text:
        width = cache.get(char)
        if width is None:
            width = cache[char] = _char_width(char, _BOLD if bold else _REGULAR)
        total += width
    return total


def measure_text(text: str, size: float, *, bold: bool = False) -> float:
    """Approximate rendered width in px of ``text`` at font ``size`` px.

    Deterministic and font-independent on purpose: layout must not change with the
    machine it runs on. Slightly generous, so wrapped text never spills a box.
    """
    return _units(text, bold) * size / 1000.0


def _truncate(text: str, width: float, size: float, bold: bool) -> str:
    """Cut ``text`` so that it plus an ellipsis fits ``width``."""
    text = text.rstrip()
    while text and measure_text(text + _ELLIPSIS, size, bold=bold) > width:
        text = text[:-1].rstrip()
    return text + _ELLIPSIS


def shorten(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text`` on one line of at most ``width`` px: as is when it fits, else cut
    with an ellipsis (renderers show the full text on hover)."""
    text = " ".join(text.split())
    if measure_text(text, size, bold=bold) <= width:
        return text
    return _truncate(text, width, size, bold)


@cache
def _hyphenator(language: str) -> pyphen.Pyphen | None:
    """The hyphenation patterns for `language` ("de", "nl", "en"), None when none ship."""
    found = pyphen.language_fallback(language.replace("-", "_"))
    return pyphen.Pyphen(lang=found) if found else None


#: Shortest piece before and after a break: shorter ones read as typos, not syllables.
_MIN_HEAD = 2
_MIN_TAIL = 3


def _break_points(word: str, language: str) -> list[int]:
    """Where `word` may be broken, best last: syllable boundaries and after a hyphen or slash."""
    points = {i + 1 for i, char in enumerate(word[:-1]) if char in "-/"}
    hyphenator = _hyphenator(language)
    if hyphenator is not None:
        points.update(hyphenator.positions(word))
    return sorted(p for p in points if _MIN_HEAD <= p <= len(word) - _MIN_TAIL)


#: Words at least this long get soft hyphens in pages (shorter ones fit any card).
SOFT_HYPHEN_MIN_LENGTH = 12


def soft_hyphenated(text: str, language: str) -> str:
    """`text` with soft hyphens (U+00AD) at the syllable boundaries of its long words.

    For HTML: a browser breaks a long compound ("Veranstaltungsgenehmigung") at a
    syllable with a visible hyphen, and only where the line ends, instead of
    between any two letters. Copying the text gives it back without them in
    today's browsers; short words are left alone.
    """
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) >= SOFT_HYPHEN_MIN_LENGTH:
            # After a hyphen or slash the browser breaks anyway.
            points = [p for p in _break_points(word, language) if word[p - 1] not in "-/"]
            if points:
                cuts = [0, *points, len(word)]
                words[i] = "\u00ad".join(word[a:b] for a, b in itertools.pairwise(cuts))
    return " ".join(words)


def _char_cut(word: str, limit: float, bold: bool) -> int:
    """How many characters of `word` fit in `limit` (at least one)."""
    cut = 0
    used = 0
    while cut < len(word) - 1:
        char_units = _units(word[cut], bold)
        if cut and used + char_units > limit:
            break
        used += char_units
        cut += 1
    return cut


def _split_long_word(word: str, limit: float, bold: bool, language: str) -> list[str]:
    """Break a word wider than a line into pieces that fit: hyphenated where possible."""
    pieces: list[str] = []
    hyphen = _units("-", bold)
    while _units(word, bold) > limit and len(word) > 1:
        fitting = [
            p
            for p in _break_points(word, language)
            if _units(word[:p], bold) + (0 if word[p - 1] in "-/" else hyphen) <= limit
        ]
        if fitting:
            cut = fitting[-1]
            pieces.append(word[:cut] if word[cut - 1] in "-/" else word[:cut] + "-")
        else:
            cut = _char_cut(word, limit, bold)
            pieces.append(word[:cut])
        word = word[cut:]
    pieces.append(word)
    return pieces


def wrap_text(
    text: str,
    width: float,
    size: float,
    *,
    bold: bool = False,
    max_lines: int | None = None,
    language: str | None = None,
) -> tuple[str, ...]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` px.

    Words longer than a line are hyphenated at a syllable boundary of ``language``
    (the active language by default), or broken between characters when no
    boundary fits. With ``max_lines``, the last kept line ends in an ellipsis
    when text was cut. Returns no lines for blank text.
    """
    # Widths add up (no kerning in the model), so each word is measured once.
    limit = width * 1000.0 / size if size > 0 else 0.0
    space = _units(" ", bold)
    lines: list[str] = []
    line = ""
    line_units = 0
    for word in text.split():
        word_units = _units(word, bold)
        if line and line_units + space + word_units <= limit:
            line = f"{line} {word}"
            line_units += space + word_units
            continue
        if line:
            lines.append(line)
        if word_units > limit and len(word) > 1:
            # A word wider than the line: hyphenate it, the last piece starts the next line.
            *full, word = _split_long_word(word, limit, bold, language or get_language() or "en")
            lines.extend(full)
            word_units = _units(word, bold)
        line, line_units = word, word_units
        if max_lines is not None and len(lines) > max_lines:
            break  # enough to know it will be cut; keeps huge titles cheap
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = _truncate(kept[-1], width, size, bold)
        return tuple(kept)
    return tuple(lines)
