"""A self-contained HTML report of a labelled output, for people to look at rather than read.

:func:`render_report` turns a labelled output (the ``json`` format's object, see
``pipeline/schema/labelled.schema.json``) and, optionally, the labelling model's ``model.json`` into
one HTML page:

- the model and the totals;
- a contents chart: theme shares of the body paragraphs per document and per article;
- the model's figures (grouped cross-validation and held-out documents), when ``model.json`` is
  given: per-theme precision/recall/F1, macro-F1, log loss, ECE and the confusion matrix;
- the paragraphs flagged for review, smallest margin between the two best scores first;
- the files that were skipped;
- every document's paragraphs in order, coloured by theme, with confidence, scores and evidence.

:func:`write_report` reads a ``json`` or ``jsonl`` output file and writes the page atomically. An
output of more than :data:`PAGE_SIZE` paragraphs (or the size asked for) is split, because one page
of it is too big for a browser (10,000 documents: 57 MB, minutes to open): the page named is then
an index (the totals, a contents line per page, the model's figures, the flagged paragraphs with
the smallest margins, the skipped files) and the documents are on pages of about that many
paragraphs in a folder beside it, ``<name>_files/page-0001.html`` and on, each with its own
contents and flagged paragraphs. Relative links join them, so the folder works wherever it is put
beside the index; both are replaced together, and an old folder of pages is removed by a report
of one page.

The output is never held whole, so that an output of any size has its report in about the same
memory: :func:`write_report` reads it with :func:`pipeline.output.open_labelled`, which checks it
whole first, then once to gather what every page shows (the totals, the themes and their colours,
the facts of a document too long to hold, the flagged paragraphs the index lists; see
:class:`_Report`) and once more to make the pages, a document, or a run of paragraphs of a long
one, at a time. Each page is put together from temporary files as it is completed (:class:`_Page`).

The page opens without a network: the styles are inline, the charts are CSS bars and there is no
script. A document is laid out and painted only when it comes near the view (CSS
``content-visibility``), so a page of a few thousand paragraphs opens in a second or two. Every
string taken from the data is HTML-escaped, and names in ``<bdi>`` (see :func:`_isolated`). The
same input always gives the same bytes (no clock, no randomness), so reports can be compared and
cached.
"""

from __future__ import annotations

import functools
import html
import io
import itertools
import logging
import math
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import quote

from pipeline.corpus import ArticleOrdinals, no_hand_labels
from pipeline.errors import ModelError, OutputError, plural
from pipeline.output import (
    BLOCK,
    Labelled,
    atomic_write,
    model_header,
    open_labelled,
    remove_stale_temporaries,
    temporary_error,
    writes_into_stream,
)
from pipeline.review import Fewest, margin

log = logging.getLogger("pipeline")

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. Themes beyond
# the eighth reuse the colours in order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#7F7F7F")
FONTS = '"Noto Sans CJK SC", "Noto Sans CJK TC", "Microsoft YaHei", "PingFang SC", sans-serif'
HASH_PREFIX = 12
# Paragraphs on a page: a bigger output is split into pages of about this many. Headless Chromium
# loads a page of 2,000 paragraphs in about 1.5 s; one of 40,000 took two minutes.
PAGE_SIZE = 2000
# The flagged paragraphs listed on the index of a split report; each page lists all of its own.
REVIEW_ON_INDEX = 500
# Paragraphs of a document held at once while its page is written: a longer one is read in parts.
HOLD = 2000
# Bytes of a page (its documents, its contents) held in memory while it is made; more go to a
# temporary file.
SPOOL = 1 << 20
PAGE_FILE = re.compile(r"page-[0-9]{4,}\.html")
EVALUATIONS = {
    "cross_validation": "Grouped cross-validation",
    "heldout": "Held-out documents",
}
# Confusion cells: correct predictions in blue, mistakes in vermillion, darker for more.
DIAGONAL_RGB, OFF_DIAGONAL_RGB = (0, 114, 178), (213, 94, 0)

CSS = "*{box-sizing:border-box}\nbody{margin:0;background:#f3f5f8;color:#1d2430;font:15px/1.6 " \
    + FONTS + "}" + """
a{color:#0b5cad}
[id]{scroll-margin-top:3.6rem}
nav.top{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:.3rem 1.3rem;
  align-items:center;padding:.55rem 1.5rem;background:#1d2430;color:#fff;font-size:.9rem}
nav.top b{margin-right:.6rem}
nav.top a{color:#cdd6e1;text-decoration:none}
nav.top a:hover{color:#fff;text-decoration:underline}
main{max-width:1140px;margin:0 auto;padding:1.4rem 1.5rem 3rem}
main>header,main>section,article.doc{background:#fff;border:1px solid #dfe3e9;border-radius:10px;
  padding:1.2rem 1.5rem;margin-bottom:1.2rem}
/* Laid out and painted only near the view: a page of many documents opens at once. */
article.doc{content-visibility:auto;contain-intrinsic-size:auto 1200px}
h1{font-size:1.6rem;margin:0 0 .2rem}
h2{font-size:1.25rem;margin:0 0 .6rem}
.n{display:inline-block;min-width:1.6rem;padding:0 .45rem;border-radius:999px;background:#e8ecf1;
  color:#3b4756;font-size:.8rem;text-align:center;vertical-align:.15em}
.hint{color:#5b6676;font-size:.86rem;margin:-.3rem 0 .8rem}
.model{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1.2rem;margin:.8rem 0;
  font-size:.92rem}
.model dt{color:#5b6676}
.model dd{margin:0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88em;background:#eef1f5;
  padding:0 .3em;border-radius:4px}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem;margin:.8rem 0}
.tile{border:1px solid #dfe3e9;border-radius:8px;padding:.4rem .85rem;min-width:7rem;
  background:#fafbfc}
.tile b{display:block;font-size:1.35rem;line-height:1.25;font-variant-numeric:tabular-nums}
.tile span{color:#5b6676;font-size:.8rem}
.tile.alert{border-color:#d9c900;background:#fffbe0}
.warn{border-left:4px solid #D55E00;background:#fff1e8;padding:.5rem .8rem;
  border-radius:0 6px 6px 0}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.88rem;margin:.4rem 0 .7rem}
.sw{display:inline-block;width:.85em;height:.85em;border-radius:3px;background:var(--c);
  vertical-align:-.08em;margin-right:.35em}
.bar{display:flex;height:1.3rem;border-radius:4px;overflow:hidden;background:#e9edf2}
.bar.big{height:1.8rem}
.bar.thin{height:.8rem}
.seg{background:var(--c);color:var(--on);font-size:.72rem;line-height:1.3rem;text-align:center;
  white-space:nowrap;overflow:hidden}
.bar.big .seg{line-height:1.8rem;font-size:.8rem;font-weight:600}
.chart{display:grid;grid-template-columns:minmax(9rem,19rem) 1fr max-content;gap:.35rem 1rem;
  align-items:center}
.chart .name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}
.chart .name.art{padding-left:1.3rem;font-weight:400;font-size:.85rem;color:#3b4756;
  text-decoration:none}
.chart .name.art:hover{text-decoration:underline}
.chart .count{color:#5b6676;font-size:.8rem;white-space:nowrap;font-variant-numeric:tabular-nums}
.empty{color:#8a94a3;font-size:.8rem;font-style:italic}
.card+.card{margin-top:1rem}
.card{border:1px solid #dfe3e9;border-radius:8px;padding:.9rem 1rem}
.card h3{margin:0;font-size:1.08rem}
.card .what{color:#5b6676;font-size:.84rem;margin:.2rem 0 .6rem}
.card .tiles{margin:.5rem 0}
.card .tile{min-width:6.5rem}
.tables{display:flex;flex-wrap:wrap;gap:0 2rem;align-items:flex-start}
.tables table{flex:1 1 26rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;font-variant-numeric:tabular-nums;
  margin:.6rem 0}
caption{text-align:left;font-weight:600;font-size:.85rem;padding-bottom:.3rem}
th,td{padding:.28rem .5rem;border-bottom:1px solid #e6e9ee;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
thead th{color:#5b6676;font-weight:600}
tfoot td{font-weight:600;border-bottom:none}
.f1{display:inline-block;height:.55rem;background:var(--c);border-radius:2px;margin-right:.4rem;
  vertical-align:middle}
.confusion td{text-align:center;border:2px solid #fff;width:5.4rem}
.confusion th{font-size:.78rem;white-space:normal}
.confusion thead th{text-align:center}
.confusion .corner{color:#8a94a3;font-weight:400}
.confusion .sum{color:#5b6676}
.review td{vertical-align:top;text-align:left}
.review th{text-align:left}
.review td.text{white-space:normal;width:100%}
.review td.text a{text-decoration:none;color:#1d2430}
.review td.text a:hover{text-decoration:underline}
.review .where{color:#8a94a3;font-size:.78rem}
.badge{display:inline-block;background:var(--c);color:var(--on);border-radius:999px;
  padding:0 .55rem;font-weight:600;font-size:.76rem;line-height:1.45rem;white-space:nowrap}
.badge.soft{background:var(--tint);color:#1d2430;box-shadow:inset 0 0 0 1px var(--c)}
.flag{display:inline-block;background:#F0E442;color:#1d2430;border:1px solid #b3a800;
  border-radius:4px;padding:0 .4rem;font-weight:700;font-size:.68rem;letter-spacing:.05em;
  text-transform:uppercase;line-height:1.3rem}
.skipped li{margin:.2rem 0}
.chart details{grid-column:1/-1;margin:-.2rem 0 .4rem;font-size:.84rem}
.chart summary{color:#5b6676;cursor:pointer}
.docs a{margin-right:.9rem;white-space:nowrap}
article.doc>header{border-bottom:1px solid #e6e9ee;padding-bottom:.7rem;margin-bottom:.6rem}
article.doc>header h2{margin:0;overflow-wrap:anywhere}
article.doc>header p{margin:.1rem 0 .5rem;color:#5b6676;font-size:.84rem}
.art-mark{margin:1.6rem 0 .2rem;padding-top:.3rem;border-top:1px dashed #cfd5dd;color:#8a94a3;
  font-size:.72rem;letter-spacing:.08em;text-transform:uppercase}
h3.h-article{font-size:1.2rem;margin:.4rem 0 .4rem}
h4.h-section{font-size:1.02rem;margin:1.1rem 0 .3rem;color:#2e3a48}
.boiler{color:#98a1ae;font-size:.76rem;margin:.25rem 0}
.para{border-left:5px solid var(--c);background:var(--tint);border-radius:0 6px 6px 0;
  padding:.5rem .9rem .6rem;margin:.55rem 0}
.para.flagged{box-shadow:inset 0 0 0 1px #b3a800}
.meta{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .6rem;font-size:.8rem;
  color:#5b6676}
.conf{font-weight:700;color:#1d2430;font-variant-numeric:tabular-nums}
.scores{display:inline-flex;width:8rem;height:.6rem;border-radius:3px;overflow:hidden;
  background:#dde2e8}
.scores span{background:var(--c)}
.pnum{margin-left:auto;color:#8a94a3}
.text{margin:.35rem 0 .25rem;font-size:1rem;line-height:1.85}
.chips{display:flex;flex-wrap:wrap;gap:.3rem}
.chip{background:#fff;border:1px solid #d5dbe3;border-radius:999px;padding:0 .55rem;
  font-size:.76rem;line-height:1.4rem}
.chip i{font-style:normal;color:#8a94a3;margin-right:.25rem}
.para:target,.boiler:target,h3:target,h4:target{outline:3px solid #1d2430;outline-offset:3px}
.totop{margin:.8rem 0 0;font-size:.82rem}
/* A long unbroken run (a link, a path, a file name) wraps rather than widening the page. */
.text,.boiler,.h-article,.h-section,article.doc>header p,.where,.skipped li,.model dd{
  overflow-wrap:anywhere}
"""


def _esc(value: object) -> str:
    """Text from the data, safe inside HTML elements and quoted attributes."""
    return html.escape(str(value), quote=True)


def _isolated(value: object) -> str:
    """A name from the data (a file's, a theme's) escaped in a ``<bdi>``: a right-to-left mark or
    override in it (``rtl\u202eTXT.exe``) then ends with it, rather than reversing the page's own
    text after it up to the end of the line."""
    return f"<bdi>{_esc(value)}</bdi>"


def _breakable(name: str) -> str:
    """An escaped theme name that may wrap after its underscores (narrow table headers)."""
    return _esc(name).replace("_", "_<wbr>")


def _pct(share: float, digits: int = 1) -> str:
    """A share as a percentage, for people (``0.256`` -> ``25.6%``)."""
    return f"{100 * share:.{digits}f}%"


def _ink(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (WCAG relative luminance)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#fff"


def _theme_names(model: Mapping[str, Any], model_meta: Mapping[str, Any] | None) -> list[str]:
    """The themes the labelling model and ``model.json`` (its figures too) name, in order."""
    names = [str(t) for t in model.get("themes", [])]
    meta = model_meta or {}
    names.extend(str(t) for t in meta.get("themes", []))
    for figures in (meta.get("metrics") or {}).values():
        names.extend(str(t) for t in figures.get("confusion_labels", []))
        names.extend(str(t) for t in figures.get("per_theme", {}))
    return names


class _Themes:
    """Theme order and colours, one colour per theme across the whole page.

    The labelling model's themes come first, then those of ``model.json`` and its figures, then
    any other label met in the data, so every theme shown has a colour even if they disagree.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(names))
        self.index = {name: i for i, name in enumerate(self.names)}

    def cls(self, theme: str) -> str:
        """The CSS class that sets ``--c`` (colour), ``--on`` (ink on it) and ``--tint``."""
        return f"t{self.index[theme]}"

    def css(self) -> str:
        """One rule per theme class; colours repeat after the palette's eighth."""
        rules = []
        for i in range(len(self.names)):
            colour = PALETTE[i % len(PALETTE)]
            rules.append(f".t{i}{{--c:{colour};--on:{_ink(colour)};--tint:{colour}17}}")
        return "\n".join(rules)

    def counts(self, labels: Mapping[str, int]) -> dict[str, int]:
        """Body paragraphs per predicted theme, as a :class:`_Tally` counts them (``labels``),
        every theme present (zero included)."""
        return {name: labels.get(name, 0) for name in self.names}

    def legend(self, counts: Mapping[str, int] | None = None) -> str:
        """Swatch and name of every theme, with its count and share when ``counts`` is given."""
        total = sum(counts.values()) if counts else 0
        items = []
        for name in self.names:
            extra = ""
            if counts is not None:
                share = f" ({_pct(counts[name] / total)})" if total else ""
                extra = f" <span class=\"n\">{counts[name]}{share}</span>"
            items.append(f'<span class="{self.cls(name)}"><span class="sw"></span>'
                         f"{_isolated(name)}{extra}</span>")
        return f'<div class="legend">{"".join(items)}</div>'

    def bar(self, counts: Mapping[str, int], size: str = "") -> str:
        """A stacked bar of body-paragraph ``counts``; each part names its theme and numbers on
        hover, and says its share in place when there is room (not in ``thin`` bars)."""
        total = sum(counts.values())
        if total == 0:
            return '<span class="empty">no body paragraphs</span>'
        parts = []
        for name in self.names:
            n = counts.get(name, 0)
            if n == 0:
                continue
            share = n / total
            text = _pct(share, 0) if share >= 0.08 and size != "thin" else ""
            parts.append(
                f'<span class="seg {self.cls(name)}" style="width:{100 * share:.3f}%" '
                f'title="{_esc(name)}: {n} of {total} body paragraphs ({_pct(share)})">'
                f"{text}</span>"
            )
        return f'<div class="{" ".join(["bar", size]).strip()}">{"".join(parts)}</div>'


def _model_info(model: Mapping[str, Any], meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """The labelling model's header: the output's own (``model``), gaps filled from
    ``model.json``.

    A ``jsonl`` output carries only the model's hash; ``model.json`` supplies the rest.
    """
    info = dict(model_header(meta)) if meta else {}
    info.update({k: v for k, v in model.items() if v})
    return info


KINDS = ("body", "heading", "boilerplate")


class _Tally:
    """Paragraphs counted: by kind, the body ones by predicted theme (``labels``), and those
    flagged for review (body ones only: the schema says so)."""

    def __init__(self) -> None:
        self.paragraphs = self.flagged = 0
        self.kinds = dict.fromkeys(KINDS, 0)
        self.labels: dict[str, int] = {}

    def add(self, p: Mapping[str, Any]) -> None:
        self.paragraphs += 1
        self.kinds[p["kind"]] += 1
        if p["kind"] == "body":
            self.labels[p["label"]] = self.labels.get(p["label"], 0) + 1
        if p.get("needs_review"):
            self.flagged += 1

    def merge(self, other: _Tally) -> None:
        """Count ``other``'s paragraphs too."""
        self.paragraphs += other.paragraphs
        self.flagged += other.flagged
        for kind, n in other.kinds.items():
            self.kinds[kind] += n
        for label, n in other.labels.items():
            self.labels[label] = self.labels.get(label, 0) + n


class _Article:
    """An article of a document: its number as written, its title, and the positions of its
    paragraphs, ``start`` up to ``end`` (an article's paragraphs are consecutive)."""

    __slots__ = ("end", "number", "start", "title")

    def __init__(self, number: str, start: int) -> None:
        self.number, self.title, self.start, self.end = number, "", start, start + 1


class _Facts(_Tally):
    """What every part of a document shows of the whole of it, worked out once rather than once a
    page (a document of 100,000 paragraphs is on 50 pages): its paragraphs counted, and its
    articles in order, none before the first (a number that comes back is another article: see
    :func:`pipeline.corpus.article_ordinals`). Paragraphs are added in order, so that a long
    document need not be held whole."""

    def __init__(self) -> None:
        super().__init__()
        self.articles: list[_Article] = []
        self._ordinal, self._last = ArticleOrdinals(), -1

    @classmethod
    def of(cls, paragraphs: Iterable[Mapping[str, Any]]) -> _Facts:
        facts = cls()
        for p in paragraphs:
            facts.add(p)
        return facts

    def add(self, p: Mapping[str, Any]) -> None:
        at = self.paragraphs
        super().add(p)
        ordinal = self._ordinal(p["kind"], p["text"], p["article"])
        if p["article"] is None:
            return
        if ordinal != self._last:
            self._last = ordinal
            self.articles.append(_Article(str(p["article"]), at))
        article = self.articles[-1]
        article.end = at + 1
        if not article.title and p["article_title"]:
            article.title = str(p["article_title"])


class _Part(NamedTuple):
    """The paragraphs of document ``d`` (its fields ``head``) from position ``lo`` up to ``hi``: a
    whole document, or the part of one longer than a page that is on one page."""

    d: int
    head: Mapping[str, Any]
    lo: int
    hi: int
    facts: _Facts

    @property
    def whole(self) -> bool:
        return self.lo == 0 and self.hi == self.facts.paragraphs

    @property
    def anchor(self) -> str:
        """The id of the part on its page: the document's own for its first part."""
        return _Anchors.doc(self.d) + (f"-at{self.lo + 1}" if self.lo else "")


class _Plan:
    """Documents in order on pages of at most ``size`` paragraphs: a document that does not fit
    in what is left of a page starts the next one; one longer than a page is cut into parts."""

    def __init__(self, size: int) -> None:
        self.size, self.room = size, size
        self.closed, self.open = 0, False  # pages done; whether one is begun

    @property
    def pages(self) -> int:
        return self.closed + self.open

    def place(self, n: int) -> list[tuple[int, int, int]]:
        """The parts of the next document, of ``n`` paragraphs: (page from 1, from, to)."""
        parts, lo = [], 0
        if self.open and n > self.room:
            self.closed, self.open, self.room = self.closed + 1, False, self.size
        while n - lo > self.room:  # on a page of its own: cut it
            self.closed += 1
            parts.append((self.closed, lo, lo + self.room))
            lo += self.room
        parts.append((self.closed + 1, lo, n))
        self.open, self.room = True, self.room - (n - lo)
        return parts


class _Anchors:
    """Stable ids for documents, articles and paragraphs, independent of the data's characters."""

    @staticmethod
    def doc(d: int) -> str:
        return f"doc-{d + 1}"

    @staticmethod
    def article(d: int, a: int) -> str:
        return f"doc-{d + 1}-a{a + 1}"

    @staticmethod
    def para(d: int, paragraph: Mapping[str, Any]) -> str:
        return f"doc-{d + 1}-p{paragraph['index']}"



# ----------------------------------------------------------------------------- sections
def _overview(model: Mapping[str, Any], documents: int, totals: _Tally,
              errors: Sequence[Mapping[str, Any]], themes: _Themes) -> str:
    """The model, the totals and the theme shares over all documents."""
    kinds = totals.kinds
    full_hash = str(model.get("hash", ""))
    rows = [
        ("Model", _esc(model.get("name") or "—")),
        ("Classifier", _esc(model.get("classifier") or "—")),
        ("Tokenizer", _esc(model.get("tokenizer") or "—")),
        ("Model hash", f'<code title="SHA-256 of model.pkl: {_esc(full_hash)}">'
                       f"{_esc(full_hash[:HASH_PREFIX]) or '—'}</code>"),
        ("Trained at", _esc(model.get("trained_at") or "—")),
    ]
    tiles = [
        ("documents", documents, ""), ("paragraphs", totals.paragraphs, ""),
        ("body", kinds["body"], ""), ("headings", kinds["heading"], ""),
        ("boilerplate", kinds["boilerplate"], ""),
        ("flagged for review", totals.flagged, " alert" if totals.flagged else ""),
        ("files skipped", len(errors), " alert" if errors else ""),
    ]
    counts = themes.counts(totals.labels)
    return (
        '<header id="overview"><h1>Paragraph themes</h1>'
        '<p class="hint">Theme of every body paragraph, as the model labelled it.</p>'
        '<dl class="model">'
        + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        + '</dl><div class="tiles">'
        + "".join(f'<div class="tile{cls}"><b>{n}</b><span>{label}</span></div>'
                  for label, n, cls in tiles)
        + "</div><h2>Theme shares, all documents</h2>"
        + themes.legend(counts) + themes.bar(counts, "big") + "</header>"
    )


def _contents_lines(part: _Part, tally: _Tally, members: Mapping[int, _Tally],
                    themes: _Themes) -> str:
    """The contents' lines of a part of a document (``tally``: its paragraphs): a bar for it and
    for each article that begins in it (``members``: by article, its paragraphs in the part),
    names linking down."""
    d, head = part.d, part.head
    note = f" · {tally.flagged} to review" if tally.flagged else ""
    if not part.whole:
        note += f" · paragraphs {part.lo + 1}–{part.hi} of {part.facts.paragraphs}"
    cells = [
        f'<a class="name" href="#{part.anchor}" title="{_esc(head["source"])}">'
        f'{_isolated(head["id"])}</a>{themes.bar(themes.counts(tally.labels))}'
        f'<span class="count">{tally.kinds["body"]} body{note}</span>'
    ]
    for a, members_of in members.items():
        article = part.facts.articles[a]
        label = f"{article.number} · {article.title}" if article.title else article.number
        cells.append(
            f'<a class="name art" href="#{_Anchors.article(d, a)}" title="{_esc(label)}">'
            f"{_isolated(label)}</a>{themes.bar(themes.counts(members_of.labels), 'thin')}"
            f'<span class="count">{members_of.kinds["body"]} body</span>'
        )
    return "".join(cells)


def _contents_start(themes: _Themes) -> str:
    """Contents and chart at once: the lines of :func:`_contents_lines` follow."""
    return (
        '<section id="contents"><h2>Contents and theme shares</h2>'
        '<p class="hint">Share of each document\'s body paragraphs by predicted theme; indented '
        "rows are its articles. Hover over a bar for the numbers; click a name to open the "
        "document.</p>" + themes.legend()
    )


def unmeasured(figures: Mapping[str, Any]) -> list[str]:
    """The themes of one evaluation's figures that nothing measured: no paragraph of them and
    none predicted as them (a theme missing from a few held-out documents). Their precision,
    recall and F1 are 0/0, which scikit-learn gives (and ``model.json`` keeps) as 0; they are
    shown as a dash, and macro-F1 (:func:`pipeline.evaluate.metrics`) averages the other
    themes. A theme predicted but never the truth is measured: precision 0, F1 0, counted."""
    labels = figures.get("confusion_labels") or []
    matrix = figures.get("confusion") or []
    predicted = {name: sum(int(row[j]) for row in matrix) for j, name in enumerate(labels)}
    return [name for name, f in figures.get("per_theme", {}).items()
            if not f.get("support") and predicted.get(name) == 0]


def unmeasured_note(figures: Mapping[str, Any], dash: str) -> str:
    """The note beside figures that show a theme as ``dash`` (:func:`unmeasured`): under
    ``evaluate``'s table, on the report's card. It says what macro-F1 averages; ``""`` when every
    theme was measured."""
    missing = unmeasured(figures)
    if not missing:
        return ""
    rest = len(figures.get("per_theme", {})) - len(missing)
    return (f"nothing was measured for {' and '.join(missing)} ({dash}): no paragraph and none "
            f"predicted; macro-F1 is the mean over the other {plural(rest, 'theme')}")


def _figure_table(figures: Mapping[str, Any], themes: _Themes) -> str:
    """Per-theme precision, recall, F1 (with a bar) and support; macro-F1 in the footer. A
    theme nothing measured (:func:`unmeasured`) shows a dash (the card says what macro-F1
    averages then)."""
    per_theme = figures.get("per_theme", {})
    missing = set(unmeasured(figures))
    rows = []
    for name in (t for t in themes.names if t in per_theme):
        f = per_theme[name]
        if name in missing:
            cells = "<td>\u2014</td>" * 3
        else:
            cells = (f'<td>{f["precision"]:.3f}</td><td>{f["recall"]:.3f}</td>'
                     f'<td><span class="f1" style="width:{4 * f["f1"]:.2f}rem"></span>'
                     f'{f["f1"]:.3f}</td>')
        rows.append(
            f'<tr class="{themes.cls(name)}"><td><span class="sw"></span>{_esc(name)}</td>'
            f'{cells}<td>{int(f["support"])}</td></tr>'
        )
    return (
        "<table><thead><tr><th>theme</th><th>precision</th><th>recall</th><th>F1</th>"
        f"<th>support</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><td>macro average</td><td></td><td></td><td>{figures["macro_f1"]:.3f}</td>'
        f"<td>{int(figures.get('paragraphs', 0))}</td></tr></tfoot></table>"
    )


def _confusion(figures: Mapping[str, Any], key: str, themes: _Themes) -> str:
    """The confusion matrix in the report's theme order, cells shaded by count."""
    labels = [str(x) for x in figures["confusion_labels"]]
    matrix = figures["confusion"]
    order = [t for t in themes.names if t in labels]
    at = {name: labels.index(name) for name in order}
    peak = max((n for row in matrix for n in row), default=0) or 1
    head = "".join(f"<th>{_breakable(name)}</th>" for name in order)
    rows = []
    for truth in order:
        cells = []
        for predicted in order:
            n = int(matrix[at[truth]][at[predicted]])
            rgb = DIAGONAL_RGB if truth == predicted else OFF_DIAGONAL_RGB
            alpha = 0.1 + 0.8 * n / peak if n else 0.0
            ink = "#fff" if alpha > 0.5 else ("#1d2430" if n else "#b4bcc7")
            cells.append(
                f'<td style="background:rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha:.3f});'
                f'color:{ink}" title="hand label {_esc(truth)}, predicted {_esc(predicted)}: '
                f'{n}">{n}</td>'
            )
        total = sum(int(n) for n in matrix[at[truth]])
        rows.append(f"<tr><th>{_breakable(truth)}</th>{''.join(cells)}"
                    f'<td class="sum">{total}</td></tr>')
    return (
        f'<table class="confusion" id="confusion-{_esc(key)}"><caption>Confusion matrix '
        "(rows: hand label, columns: predicted)</caption>"
        f'<thead><tr><th class="corner">hand ↓<br>predicted →</th>{head}<th>total</th></tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _evaluation_card(key: str, figures: Mapping[str, Any], themes: _Themes) -> str:
    """One set of figures, saying how it was measured."""
    n = int(figures.get("paragraphs", 0))
    if key == "cross_validation":
        what = (f"{figures.get('folds', '?')} folds grouped by article "
                f"({figures.get('groups', '?')} articles): each of the {n} hand-labelled "
                "paragraphs is scored by a model that never saw its article.")
        if figures.get("written_in_training"):
            what += (f" The {int(figures['written_in_training'])} written paragraphs are only "
                     "added to the training side.")
    elif figures.get("in_training"):  # the config's held-out documents are in its training data
        what = (f"{n} hand-labelled paragraphs of whole documents, scored by the final model; "
                f"{int(figures['in_training'])} of them are also in its training data, so these "
                "are not figures on unseen text.")
    else:
        what = (f"{n} hand-labelled paragraphs of whole documents kept out of training, scored "
                "by the final model.")
    note = unmeasured_note(figures, "\u2014")
    if note:
        what += f" N{note[1:]}."
    tiles = [
        ("macro-F1", f"{figures['macro_f1']:.3f}"),
        ("accuracy", _pct(figures["accuracy"])),
        ("log loss", f"{figures['log_loss']:.3f}"),
        ("ECE", f"{figures['ece']:.3f}"),
    ]
    return (
        f'<div class="card" id="eval-{_esc(key)}"><h3>{EVALUATIONS[key]}</h3>'
        f'<p class="what">{_esc(what)}</p><div class="tiles">'
        + "".join(f'<div class="tile"><b>{v}</b><span>{k}</span></div>' for k, v in tiles)
        + '</div><div class="tables">' + _figure_table(figures, themes)
        + _confusion(figures, key, themes) + "</div></div>"
    )


def _other_model(model_meta: Mapping[str, Any] | None, labelled_hash: str) -> str:
    """The hash of the model whose ``model.json`` is ``model_meta`` when another model than
    ``labelled_hash`` labelled the output (its figures are not of that model), else ``""``."""
    meta_hash = str((model_meta or {}).get("files", {}).get("model.pkl", {}).get("sha256", ""))
    return meta_hash if labelled_hash and meta_hash and meta_hash != labelled_hash else ""


# How to give the report the model that labelled an output (in the page's words).
_WHICH_MODEL = ("write the report with <code>--model DIR</code> (the bundle that labelled this "
                "output) or <code>--config FILE</code> (the config that names it)")


def _evaluation(model_meta: Mapping[str, Any] | None, labelled_hash: str,
                themes: _Themes) -> str:
    """The model's figures from ``model.json``, or a note saying there are none."""
    metrics = (model_meta or {}).get("metrics") or {}
    cards = [_evaluation_card(key, metrics[key], themes) for key in EVALUATIONS if key in metrics]
    parts = ['<section id="evaluation"><h2>Model evaluation</h2>']
    if not cards:
        # Say how to get them: there is no option that takes a model.json itself.
        trained_on = (model_meta or {}).get("training_data") or {}
        corpus = ((model_meta or {}).get("config") or {}).get("corpus") or {}
        why = ("the model was trained without them (<code>pipeline train --no-metrics</code>); "
               "train it with them, or see <code>pipeline evaluate</code>"
               if model_meta and "metrics" not in model_meta else
               # {}: trained with them, but none could be made: no hand label at all ...
               "the model had none to give: " + _esc(no_hand_labels(
                   corpus.get("labels") or [], corpus.get("documents") or [],
                   "it learnt from the written paragraphs alone, and it had no held-out "
                   "documents")) + ", and train it again"
               if model_meta and trained_on.get("real_paragraphs") == 0 else
               # ... or labels from one article
               "the model had none to give: its hand labels come from fewer than two articles, "
               "which cross-validation needs, and it had no held-out documents; label "
               "paragraphs of another article and train it again" if model_meta else
               f"no model bundle was given or found; to see them here, {_WHICH_MODEL}")
        parts.append(f'<p class="hint">No figures: {why}.</p></section>')
        return "".join(parts)
    meta_hash = _other_model(model_meta, labelled_hash)
    if meta_hash:
        parts.append(
            f'<p class="warn">These figures belong to model <code>{_esc(meta_hash[:HASH_PREFIX])}'
            f"</code>, not to <code>{_esc(labelled_hash[:HASH_PREFIX])}</code>, which labelled "
            f"the paragraphs below; for its figures, {_WHICH_MODEL}.</p>"
        )
    what = {"cross_validation": "grouped cross-validation scores the training corpus's own hand "
            "labels, article by article", "heldout": "held-out documents score whole documents "
            "the model never trained on"}
    shown = [text for key, text in what.items() if key in metrics]
    parts.append(
        '<p class="hint">' + ("Two different measurements" if len(shown) > 1 else "Measured")
        + " in model.json" + (": " + "; ".join(shown) if shown else "") + ". Log loss and ECE "
        "(calibration error: the gap between confidence and accuracy) are better when lower.</p>"
    )
    parts.append("".join(cards) + "</section>")
    return "".join(parts)


def _number(value: object) -> bool:
    """A finite JSON number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _count(value: object) -> bool:
    """A whole JSON number from 0 on (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _figures_problem(figures: object) -> tuple[str, str] | None:
    """What is wrong with one evaluation's figures for the page, if anything: the key under it
    (``""``: the figures themselves) and what that must be."""
    if not isinstance(figures, dict):
        return "", "an object of figures"
    for key in ("macro_f1", "accuracy", "log_loss", "ece"):
        if not _number(figures.get(key)):
            return f".{key}", "a number"
    for key in ("paragraphs", "written_in_training", "in_training"):
        if key in figures and not _count(figures[key]):
            return f".{key}", "a whole number"
    per_theme = figures.get("per_theme", {})
    if not isinstance(per_theme, dict):
        return ".per_theme", "an object of themes"
    for name, f in per_theme.items():
        if not (isinstance(f, dict) and _count(f.get("support"))
                and all(_number(f.get(k)) for k in ("precision", "recall", "f1"))):
            return f".per_theme.{name}", "numbers precision, recall and f1 and a whole support"
    labels, matrix = figures.get("confusion_labels"), figures.get("confusion")
    if not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
        return ".confusion_labels", "a list of theme names"
    if not (isinstance(matrix, list) and len(matrix) == len(labels)
            and all(isinstance(row, list) and len(row) == len(labels) and all(map(_count, row))
                    for row in matrix)):
        return ".confusion", f"{len(labels)} rows of {len(labels)} whole numbers (its labels')"
    return None


def check_figures(meta: Mapping[str, Any], source: Path) -> None:
    """Refuse a ``model.json`` whose figures the page cannot show (edited by hand, damaged, or of
    another shape), naming the key: its hashes cover the pickles, not itself.

    Raises :class:`ModelError` with one line, rather than a traceback from inside the page.
    """
    metrics = meta.get("metrics") or {}
    if not isinstance(metrics, dict):
        raise ModelError(f"{source}: damaged: 'metrics' must be an object of figures")
    for key in EVALUATIONS:
        problem = _figures_problem(metrics[key]) if key in metrics else None
        if problem:
            raise ModelError(f"{source}: damaged: 'metrics.{key}{problem[0]}' must be "
                             f"{problem[1]}")


def _review_row(p: Mapping[str, Any], d: int, document: str, themes: _Themes,
                page: str = "") -> str:
    """A flagged paragraph (of document ``d``, named ``document``) in the review list, linking
    down to it, or to it on ``page``."""
    ranked = sorted(p["scores"].items(), key=lambda kv: -kv[1])
    runner = (f'<span class="badge soft {themes.cls(ranked[1][0])}">{_isolated(ranked[1][0])} '
              f"{_pct(ranked[1][1], 0)}</span>") if len(ranked) > 1 else ""
    excerpt = p["text"] if len(p["text"]) <= 120 else p["text"][:120] + "…"
    return (
        f"<tr><td>{margin(p):.3f}</td>"
        f'<td><span class="badge {themes.cls(p["label"])}">{_isolated(p["label"])} '
        f'{_pct(p["confidence"], 0)}</span></td><td>{runner}</td>'
        f'<td class="text"><a href="{page}#{_Anchors.para(d, p)}" lang="zh">{_esc(excerpt)}</a>'
        f'<div class="where">{_isolated(document)} ¶{int(p["index"])}</div></td></tr>'
    )


def _write_review(out: _Out, flagged: int, shown: int, rows: Iterable[str | bytes]) -> None:
    """The flagged paragraphs (``flagged`` of them), smallest margin first (ties in document
    order): ``rows``, the ``shown`` first, by :func:`_review_row`."""
    more = (f" The {shown} with the smallest margins of {flagged}: each page lists all "
            "of its own." if shown < flagged else "")
    out.write(
        f'<section id="review"><h2>Flagged for review <span class="n">{flagged}</span></h2>'
        '<p class="hint">Body paragraphs marked needs_review (low confidence, or two themes '
        "close together), the smallest margin between the two best scores first. Click a "
        f"paragraph to see it in its document.{more}</p>"
    )
    if shown:
        out.write("<table class=\"review\"><thead><tr><th>margin</th><th>predicted</th>"
                  "<th>runner-up</th><th>paragraph</th></tr></thead><tbody>")
        for row in rows:
            out.write(row)
        out.write("</tbody></table>")
    else:
        out.write("<p>No paragraph is flagged for review.</p>")
    out.write("</section>")


def _skipped(errors: Sequence[Mapping[str, Any]]) -> str:
    """The input files that could not be labelled, and why."""
    if errors:
        items = "".join(f"<li><code>{_isolated(e['source'])}</code>: {_isolated(e['error'])}</li>"
                        for e in errors)
        body = f'<ul class="skipped">{items}</ul>'
    else:
        # True of both formats: a jsonl output has no list of skipped files to show.
        body = ("<p>None listed in the output. (An output in JSON lines does not list them: "
                "classify named them on standard error.)</p>")
    return (f'<section id="skipped"><h2>Skipped files <span class="n">{len(errors)}</span></h2>'
            + body + "</section>")


def _paragraph(d: int, p: Mapping[str, Any], themes: _Themes) -> str:
    """One paragraph in place: heading, dimmed boilerplate, or a coloured body block."""
    anchor, pid, text = _Anchors.para(d, p), _esc(p["id"]), _esc(p["text"])
    if p["kind"] == "heading":
        tag, cls = ("h3", "h-article") if p["text"] == p["article_title"] else ("h4", "h-section")
        return f'<{tag} class="{cls}" id="{anchor}" data-pid="{pid}" lang="zh">{text}</{tag}>'
    if p["kind"] != "body":
        return (f'<p class="boiler" id="{anchor}" data-pid="{pid}" title="{_esc(p["kind"])}" '
                f'lang="zh">{text}</p>')
    label = str(p["label"])
    scores = "".join(
        f'<span class="{themes.cls(name)}" style="width:{100 * score:.3f}%" '
        f'title="{_esc(name)} {_pct(score)}"></span>'
        for name, score in p["scores"].items()
    )
    summary = " · ".join(f"{name} {_pct(score)}" for name, score in p["scores"].items())
    flagged = bool(p.get("needs_review"))
    flag = (f'<span class="flag">review</span><span>margin {margin(p):.3f}</span>'
            if flagged else "")
    chips = "".join(_chip(term) for term in p.get("evidence", []))
    return (
        f'<div class="para {themes.cls(label)}{" flagged" if flagged else ""}" id="{anchor}" '
        f'data-pid="{pid}" data-label="{_esc(label)}"><div class="meta">'
        f'<span class="badge {themes.cls(label)}">{_isolated(label)}</span>'
        f'<span class="conf" title="confidence">{_pct(p["confidence"])}</span>'
        f'<span class="scores" title="{_esc(summary)}">{scores}</span>{flag}'
        f'<span class="pnum">¶{int(p["index"])}</span></div>'
        f'<p class="text" lang="zh">{text}</p>'
        + (f'<div class="chips" title="evidence">{chips}</div>' if chips else "")
        + "</div>"
    )


def _chip(term: str) -> str:
    """An evidence term; a ``lexicon:``, ``actor:``, ``context:`` or ``chars:`` source is shown
    apart."""
    source, sep, rest = str(term).partition(":")
    if sep and source in {"lexicon", "actor", "context", "chars"}:
        return f'<span class="chip"><i>{_esc(source)}</i>{_esc(rest)}</span>'
    return f'<span class="chip">{_esc(term)}</span>'


def _document_start(part: _Part, themes: _Themes) -> str:
    """A document's header with its own bar (the paragraphs of ``part`` follow)."""
    head, facts, kinds = part.head, part.facts, part.facts.kinds
    shown = "" if part.whole else f" · here paragraphs {part.lo + 1}–{part.hi}"
    return (
        f'<article class="doc" id="{part.anchor}"><header><h2>{_isolated(head["id"])}</h2>'
        f'<p><code>{_isolated(head["source"])}</code> · {_isolated(head["encoding"])} · '
        f'{plural(facts.paragraphs, "paragraph")}: {kinds["body"]} body, '
        f'{plural(kinds["heading"], "heading")}, {kinds["boilerplate"]} boilerplate · '
        f'{facts.flagged} flagged for review{shown}</p>'
        f"{themes.bar(themes.counts(facts.labels))}</header>"
    )


DOCUMENT_END = '<p class="totop"><a href="#contents">↑ contents</a></p></article>'


# ----------------------------------------------------------------------------- entry points
def _head(title: str, themes: _Themes, nav: Sequence[tuple[str, str]]) -> str:
    """The page up to ``<main>``: title, styles and the bar of links (href, text) at the top."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{CSS}{themes.css()}\n"
        "</style>\n</head>\n<body>\n"
        '<nav class="top"><b>Paragraph themes</b>'
        + "".join(f'<a href="{href}">{text}</a>' for href, text in nav) + "</nav>\n<main>\n"
    )


class _Spool:
    """Text kept as UTF-8 in a temporary file, in memory until it holds :data:`SPOOL` bytes: a
    page's documents, the contents of a report of one page, the index's lines."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(SPOOL)  # noqa: SIM115 (closed by close)

    def write(self, text: str | bytes) -> int:
        """Add ``text``; how many bytes it takes."""
        data = text.encode() if isinstance(text, str) else text
        try:
            self.file.write(data)
        except OSError as exc:  # a full temporary folder, say
            raise temporary_error(exc, "writing the report") from None
        return len(data)

    def tell(self) -> int:
        return self.file.tell()

    def read(self, at: int, size: int) -> bytes:
        self.file.seek(at)
        return self.file.read(size)

    def copy(self, out: _Out | _Spool) -> None:
        """Write what it holds into ``out``."""
        self.file.seek(0)
        while block := self.file.read(BLOCK):
            out.write(block)

    def close(self) -> None:
        self.file.close()


class _Out:
    """A page being written into a binary file, as UTF-8."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh

    def write(self, text: str | bytes) -> None:
        self.fh.write(text.encode() if isinstance(text, str) else text)


class _Page:
    """A page of documents as it is made: its contents lines, flagged paragraphs and documents
    go to :class:`_Spool` s as its paragraphs come, and are put together once it is complete,
    so that no page, not even a report of one page, is held whole. ``href``: where the index
    links to it, for a page of a split report."""

    def __init__(self, themes: _Themes, href: str | None = None) -> None:
        self.themes, self.href = themes, href
        self.contents, self.documents, self.flagged = _Spool(), _Spool(), _Spool()
        self.links = _Spool() if href is not None else None  # the index's, to its documents
        self.rows: list[tuple[tuple[float, int, int, int], int, int]] = []  # key, where in flagged
        self.tally = _Tally()
        self.first: _Part | None = None
        self.last: _Part | None = None
        self.count = 0  # parts

    def add(self, part: _Part, paragraphs: Iterable[Mapping[str, Any]]) -> None:
        """The paragraphs of ``part``, in order."""
        themes, d, articles = self.themes, part.d, part.facts.articles
        if len(articles) < 2:
            articles = []
        marks = {article.start: a for a, article in enumerate(articles)}
        # The articles that begin in the part, counted in the contents: their paragraphs in it.
        members = {a: _Tally() for a, article in enumerate(articles)
                   if part.lo <= article.start < part.hi}
        html = ["\n"] if self.count else []  # written a run of paragraphs at a time
        html.append(_document_start(part, themes))
        # The part's paragraphs counted: a whole document's are counted already.
        tally, a = part.facts if part.whole else _Tally(), 0
        for i, p in zip(range(part.lo, part.hi), paragraphs, strict=True):
            if i in marks:
                html.append(f'<div class="art-mark" id="{_Anchors.article(d, marks[i])}">'
                            f"article {_esc(articles[marks[i]].number)}</div>")
            html.append(_paragraph(d, p, themes))
            if len(html) > 500:
                self.documents.write("".join(html))
                html.clear()
            if not part.whole:
                tally.add(p)
            if p["kind"] == "body" and p.get("needs_review"):
                at = self.flagged.tell()
                size = self.flagged.write(_review_row(p, d, part.head["id"], themes))
                self.rows.append(((margin(p), d, p["index"], len(self.rows)), at, size))
            if members:
                while articles[a].end <= i and a + 1 < len(articles):
                    a += 1
                if a in members and articles[a].start <= i < articles[a].end:
                    members[a].add(p)
        html.append(DOCUMENT_END)
        self.documents.write("".join(html))
        self.contents.write(_contents_lines(part, tally, members, themes))
        if self.links is not None:
            self.links.write(f'<a href="{self.href}#{part.anchor}">'
                             f'{_isolated(part.head["id"])}</a> ')
        self.tally.merge(tally)
        self.first, self.last = self.first or part, part
        self.count += 1

    def span(self) -> str:
        """Which documents the page holds, by number and name: ``documents 3–9 (a to b)``, or
        ``document 3 (a), paragraphs 2001–4000 of 9000`` for a part of one."""
        first, last = self.first, self.last
        assert first is not None and last is not None  # a page holds a part at least
        if first.d != last.d:
            return (f"documents {first.d + 1}–{last.d + 1} ({_isolated(first.head['id'])} to "
                    f"{_isolated(last.head['id'])})")
        part = "" if first.whole else \
            f", paragraphs {first.lo + 1}–{first.hi} of {first.facts.paragraphs}"
        return f"document {first.d + 1} ({_isolated(first.head['id'])}){part}"

    def write_contents(self, out: _Out) -> None:
        out.write(_contents_start(self.themes))
        if self.count:
            out.write('<div class="chart">')
            self.contents.copy(out)
            out.write("</div>")
        else:
            out.write("<p>No documents.</p>")
        out.write("</section>")

    def write_review(self, out: _Out) -> None:
        self.rows.sort(key=lambda row: row[0])
        _write_review(out, len(self.rows), len(self.rows),
                      (self.flagged.read(at, size) for _, at, size in self.rows))

    def write_documents(self, out: _Out) -> None:
        out.write('<div id="documents">')
        self.documents.copy(out)
        out.write("</div>\n</main>\n</body>\n</html>\n")

    def write_line(self, k: int, out: _Spool) -> None:
        """The index's line for it, page ``k``: a bar, and its documents (folded) as links."""
        assert self.links is not None  # a page of a split report
        note = f" · {self.tally.flagged} to review" if self.tally.flagged else ""
        out.write(f'<a class="name" href="{self.href}">Page {k}</a>'
                  f"{self.themes.bar(self.themes.counts(self.tally.labels))}"
                  f'<span class="count">{plural(self.count, "document")} · '
                  f'{self.tally.kinds["body"]} body{note}</span>'
                  f'<details><summary>{self.span()}</summary><p class="docs">')
        self.links.copy(out)
        out.write("</p></details>")

    def close(self) -> None:
        for spool in (self.contents, self.documents, self.flagged, self.links):
            if spool is not None:
                spool.close()


class _Report:
    """A report of a labelled output. What its pages share is gathered in one reading of the
    output, before any page is made: the model, the themes (their colours are in every page's
    head), the totals, the facts of each document too long to hold whole, how many pages there
    are, and the flagged paragraphs the index lists. The pages are made in another reading."""

    def __init__(self, labelled: Labelled, model_meta: Mapping[str, Any] | None,
                 page_size: int) -> None:
        self.labelled, self.model_meta, self.page_size = labelled, model_meta, page_size
        self.errors = labelled.errors
        self.model = _model_info(labelled.model, model_meta)
        self.labelled_hash = str(labelled.model.get("hash", ""))
        names = dict.fromkeys(_theme_names(self.model, model_meta))
        self.totals, self.documents, self.to_review = _Tally(), 0, 0  # flagged body paragraphs
        self.long: dict[int, _Facts] = {}  # by document: those read in parts
        plan = _Plan(page_size) if page_size else None
        listed = Fewest(REVIEW_ON_INDEX)  # the flagged paragraphs of smallest margin
        starts: dict[int, list[tuple[int, int]]] = {}  # their documents: (first position, page)
        for d, (head, paragraphs) in enumerate(labelled.documents()):
            held: list[Mapping[str, Any]] = []  # till the document is found long
            facts, listed_here = None, False
            for at, p in enumerate(paragraphs):
                self.totals.add(p)
                if facts is not None:
                    facts.add(p)
                elif len(held) < HOLD:
                    held.append(p)
                else:
                    facts, held = _Facts.of([*held, p]), []
                if p["kind"] != "body":
                    continue
                names.setdefault(p["label"])
                for theme in p["scores"]:
                    names.setdefault(theme)
                if p.get("needs_review"):
                    self.to_review += 1
                    listed_here |= listed.add((margin(p), d, p["index"], at),
                                              (d, at, head["id"], p))
            self.documents += 1
            if facts is not None:
                self.long[d] = facts
            if plan is not None:
                parts = plan.place(len(held) if facts is None else facts.paragraphs)
                if listed_here:
                    starts[d] = [(lo, k) for k, lo, _ in parts]
        self.themes = _Themes(names)
        self.page_count = plan.pages if plan is not None else 1

        def page(d: int, at: int) -> int:
            return next((k for lo, k in reversed(starts.get(d, [])) if lo <= at), 0)
        # Each as (document, paragraph, document's id, page: 0 if the report is one page).
        self.listed = [(d, p, name, page(d, at)) for d, at, name, p in listed.items()]
        self.lines: _Spool | None = None  # the index's lines, by pages()

    def title(self, what: str) -> str:
        return f"Paragraph themes · {self.model.get('name') or 'model'} · {what}"

    def _parts(self, plan: _Plan | None) -> Iterator[tuple[int, _Part, Iterator[Any]]]:
        """The documents read again, by parts (one a document with no ``plan``): each with its
        page and its paragraphs, read as they are written. A document is held whole while its
        parts are written, unless it is longer than :data:`HOLD` paragraphs."""
        for d, (head, paragraphs) in enumerate(self.labelled.documents()):
            facts = self.long.get(d)
            if facts is None:
                held = list(paragraphs)
                facts, paragraphs = _Facts.of(held), iter(held)
            parts = plan.place(facts.paragraphs) if plan else [(1, 0, facts.paragraphs)]
            for k, lo, hi in parts:
                yield k, _Part(d, head, lo, hi, facts), itertools.islice(paragraphs, hi - lo)

    def one_page(self, fh: IO[bytes]) -> None:
        """Everything on one page, written into ``fh``."""
        page = _Page(self.themes)
        try:
            for _, part, paragraphs in self._parts(None):
                page.add(part, paragraphs)
            out = _Out(fh)
            nav = [("#overview", "Overview"), ("#contents", "Contents"),
                   ("#evaluation", "Evaluation"), ("#review", f"Review ({self.totals.flagged})"),
                   ("#skipped", f"Skipped ({len(self.errors)})"),
                   ("#documents", f"Documents ({self.documents})")]
            out.write(_head(self.title(plural(self.documents, 'document')), self.themes, nav))
            out.write(_overview(self.model, self.documents, self.totals, self.errors,
                                self.themes) + "\n")
            page.write_contents(out)
            out.write("\n" + _evaluation(self.model_meta, self.labelled_hash, self.themes) + "\n")
            page.write_review(out)
            out.write("\n" + _skipped(self.errors) + "\n")
            page.write_documents(out)
        finally:
            page.close()

    def pages(self, index: str) -> Iterator[tuple[str, Callable[[IO[bytes]], None]]]:
        """The pages of documents of a split report beside the index named ``index``, made one
        at a time: each page's file name and what writes it (the index's lines are kept for
        :meth:`index` meanwhile)."""
        folder = quote(pages_folder(index).name)
        self.lines = _Spool()
        page, k = None, 0
        for on, part, paragraphs in self._parts(_Plan(self.page_size)):
            if on != k:
                if page is not None:
                    yield self._done(k, page, index)
                page, k = _Page(self.themes, f"{folder}/{_page_name(on)}"), on
            page.add(part, paragraphs)
        if page is not None:
            yield self._done(k, page, index)

    def _done(self, k: int, page: _Page, index: str) -> tuple[str, Callable[[IO[bytes]], None]]:
        """Page ``k`` complete: its line on the index kept, its name and what writes it."""
        assert self.lines is not None
        page.write_line(k, self.lines)

        def write(fh: IO[bytes]) -> None:
            try:
                self.page(k, page, index, fh)
            finally:
                page.close()
        return _page_name(k), write

    def page(self, k: int, page: _Page, index: str, fh: IO[bytes]) -> None:
        """Page ``k`` (from 1) of documents, beside the index named ``index`` one folder up."""
        up = f"../{quote(index)}"
        nav = [(up, "↑ Report"), ("#contents", "Contents"),
               ("#review", f"Review ({page.tally.flagged})"),
               ("#documents", f"Documents ({page.count})")]
        if k > 1:
            nav.append((_page_name(k - 1), f"← Page {k - 1}"))
        if k < self.page_count:
            nav.append((_page_name(k + 1), f"Page {k + 1} →"))
        counts = self.themes.counts(page.tally.labels)
        out = _Out(fh)
        out.write(_head(self.title(f"page {k} of {self.page_count}"), self.themes, nav))
        out.write(
            f'<header id="overview"><h1>Page {k} of {self.page_count}</h1>'
            f'<p class="hint">{plural(page.tally.paragraphs, "paragraph")}: {page.span()}, of '
            f"{plural(self.documents, 'document')} in all. The totals, the model's figures "
            f'and the skipped files are in <a href="{up}">{_isolated(index)}</a>.</p>'
            "<h2>Theme shares, this page</h2>"
            + self.themes.legend(counts) + self.themes.bar(counts, "big") + "</header>\n"
        )
        page.write_contents(out)
        out.write("\n")
        page.write_review(out)
        out.write("\n")
        page.write_documents(out)

    def index(self, folder: str, fh: IO[bytes]) -> None:
        """The index of a split report, once :meth:`pages` has made the pages: the whole
        output's sections, and a line per page of documents in ``folder`` (its name, quoted)."""
        assert self.lines is not None
        out = _Out(fh)
        nav = [("#overview", "Overview"), ("#contents", f"Pages ({self.page_count})"),
               ("#evaluation", "Evaluation"), ("#review", f"Review ({self.totals.flagged})"),
               ("#skipped", f"Skipped ({len(self.errors)})")]
        out.write(_head(self.title(plural(self.documents, 'document')), self.themes, nav))
        out.write(_overview(self.model, self.documents, self.totals, self.errors, self.themes))
        out.write(
            f'\n<section id="contents"><h2>Pages <span class="n">{self.page_count}</span></h2>'
            '<p class="hint">Too many paragraphs for one page: the documents are on pages of '
            "their own, each with its contents and its paragraphs flagged for review. Share of "
            "each page's body paragraphs by predicted theme; open a line for its documents.</p>"
            + self.themes.legend() + '<div class="chart">'
        )
        self.lines.copy(out)
        out.write("</div></section>\n"
                  + _evaluation(self.model_meta, self.labelled_hash, self.themes) + "\n")
        _write_review(out, self.to_review, len(self.listed), (
            _review_row(p, d, name, self.themes, f"{folder}/{_page_name(k)}")
            for d, p, name, k in self.listed))
        out.write("\n" + _skipped(self.errors) + "\n</main>\n</body>\n</html>\n")
        self.lines.close()


def _page_name(k: int) -> str:
    """The file of page ``k`` (from 1) in the folder of pages."""
    return f"page-{k:04d}.html"


def render_report(labelled: dict, model_meta: dict | None = None) -> str:
    """The HTML page for a labelled output (``json`` form) and, optionally, its ``model.json``.

    Only the content is shown, not the output's ``created`` time, so the page depends on nothing
    but the labels: the ``json`` and ``jsonl`` forms of one run give the same page when nothing was
    skipped (jsonl has no ``errors``) and ``model.json`` is given (jsonl names only the model's
    hash).
    """
    page = io.BytesIO()
    _Report(Labelled.held(labelled), model_meta, 0).one_page(page)
    return page.getvalue().decode()


def pages_folder(out: Path | str) -> Path:
    """The folder of pages beside a split report: ``report_files`` for ``report.html``."""
    out = Path(out)
    return out.with_name(f"{out.stem}_files")


def _foreign(folder: Path) -> str | None:
    """What makes ``folder`` not a folder of pages a report wrote (``None`` if it is one or is not
    there): it is a file or a link, or holds something other than ``page-NNNN.html`` files."""
    if not (folder.exists() or folder.is_symlink()):
        return None
    if folder.is_symlink() or not folder.is_dir():
        return "which is there and is not a folder of report pages"
    strange = next((f for f in sorted(folder.iterdir())
                    if not (PAGE_FILE.fullmatch(f.name) and f.is_file() and not f.is_symlink())),
                   None)
    return None if strange is None else f"which holds {strange.name}, not a report's page"


def write_report(labelled_path: Path | str, out: Path | str, model_meta: dict | None = None,
                 page_size: int = PAGE_SIZE) -> None:
    """Read a labelled output (``json`` or ``jsonl``) and write its HTML report atomically.

    One page when the output has at most ``page_size`` paragraphs (0: one page whatever its size)
    or ``out`` is a stream (``-``, a pipe); it removes the folder of pages of an earlier split
    report (only such a folder). Else an index at ``out`` and pages in :func:`pages_folder`,
    refused (:class:`OutputError`, nothing written) if something else has that name. The index
    and its folder are replaced together: pages are written into a new folder first, and the old
    one is set aside until the index is in place, then removed (restored if the index could not
    be written). The output is checked whole first, then read twice more a document at a time
    (see :class:`_Report`), so memory does not grow with it.
    """
    with open_labelled(labelled_path) as labelled:
        report = _Report(labelled, model_meta, page_size)
        meta_hash = _other_model(model_meta, report.labelled_hash)
        if meta_hash:
            # The page says so too, but only to whoever reads as far as the figures.
            log.warning(f"{labelled_path}: labelled by model {report.labelled_hash[:HASH_PREFIX]}"
                        f", but the figures on the page are of model {meta_hash[:HASH_PREFIX]}; "
                        "for its own, give --model DIR (the bundle that labelled it) or --config "
                        "FILE (the config that names it)")
        size = report.totals.paragraphs
        if writes_into_stream(out):
            with atomic_write(out, "wb") as fh:
                report.one_page(fh)
            return
        out = Path(out)
        folder = pages_folder(out)
        remove_stale_temporaries(out)  # left by a killed report: its index, its folder of pages
        remove_stale_temporaries(out.parent, "pages", folders=True)
        if page_size == 0 or size <= page_size:
            _replace(out, report.one_page, None, _foreign(folder) is None)
            return
        foreign = _foreign(folder)
        if foreign:
            raise OutputError(f"{out}: a report of {size} paragraphs puts its pages in {folder}, "
                              f"{foreign}; move it, or name another output (or --page-size 0)")
        _replace(out, functools.partial(report.index, quote(folder.name)),
                 report.pages(out.name), True)


def _replace(out: Path, index: Callable[[IO[bytes]], None],
             pages: Iterable[tuple[str, Callable[[IO[bytes]], None]]] | None, ours: bool) -> None:
    """Write the index (``index`` writes it) at ``out`` and ``pages`` (name, what writes it;
    none: no folder) as its folder of pages, in place of what was there (a folder there only if
    ``ours``); on any failure, both as they were."""
    folder = pages_folder(out)
    fresh = aside = None  # the new pages till in place; the folder the old pages are moved into
    moved = placed = False
    try:
        if pages is not None:
            fresh = _new_folder(folder.parent)
            for name, page in pages:
                with atomic_write(fresh / name, "wb") as fh:
                    page(fh)
        with atomic_write(out, "wb") as fh:  # renamed into place once this block is done
            index(fh)
            fh.flush()
            if ours and folder.is_dir():
                aside = _new_folder(folder.parent)
                folder.rename(aside / "pages")
                moved = True
            if fresh is not None:
                fresh.rename(folder)
                placed = True
    except BaseException:
        if fresh is not None:
            shutil.rmtree(folder if placed else fresh, ignore_errors=True)
        if moved:
            (aside / "pages").rename(folder)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _new_folder(parent: Path) -> Path:
    """An empty hidden folder in ``parent``, ``.pages.<8 random characters>.tmp``, with the
    permissions a new folder gets (pages readable as the index is)."""
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        # A killed report's is removed by the next (pipeline.output.remove_stale_temporaries).
        folder = parent / f".pages.{secrets.token_hex(4)}.tmp"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
