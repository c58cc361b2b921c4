"""The paragraphs most worth a person's look, as a file a person can label.

:func:`review_items` reads a labelled output (``json`` or ``jsonl``) and ranks body paragraphs by
the margin between their top two scores, smallest first, leaving out those a person has labelled
already (the config's hand labels). Each item is a hand-label line with an empty ``theme``: fill
it in, add the file to ``corpus.labels`` in the config, and ``pipeline train`` learns from it
(lines whose ``theme`` is still empty are ignored). A document labelled from standard input is
left out, with a warning: a label finds its document by file name, and it has none. The output is
read a document at a time and only the paragraphs ranked first are kept (:class:`Fewest`), so
that memory does not grow with it.
"""

from __future__ import annotations

import bisect
import itertools
import json
import logging
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

from pipeline.corpus import changed_suggestion, saved_as, text_sha1
from pipeline.errors import plural
from pipeline.output import open_labelled, writes_into_stream

log = logging.getLogger("pipeline")


def margin(paragraph: Mapping[str, Any]) -> float:
    """The gap between a labelled paragraph's two best scores: how sure the model is."""
    ranked = sorted(paragraph["scores"].values(), reverse=True)
    return round(ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0), 6)


def review_items(path: Path, limit: int = 50, flagged_only: bool = True,
                 labelled: Mapping[str, Mapping[str, str]] | None = None) -> list[dict[str, Any]]:
    """Body paragraphs ranked by the margin between their two best themes (smallest first);
    not those ``labelled`` already (document id -> ``sha1:<hex>`` or ``index:<n>`` -> theme, as
    :func:`pipeline.corpus.load_labels` gives): a person has looked at them."""
    chosen, order = Fewest(limit), itertools.count()
    unnamed = 0  # paragraphs of a document read from standard input
    labelled = labelled or {}
    with open_labelled(path) as output:
        for doc, paragraphs in output.documents():
            doc_id = doc["id"]
            known = labelled.get(doc_id, {})
            for p in paragraphs:
                if p.get("kind") != "body" or "scores" not in p:
                    continue
                if flagged_only and not p.get("needs_review"):
                    continue
                sha1 = text_sha1(p["text"])
                if f"sha1:{sha1}" in known or f"index:{p['index']}" in known:
                    continue
                if doc.get("source") == "-":
                    unnamed += 1
                    continue
                item = {
                    "document": doc_id,
                    "sha1": sha1,
                    "index": p["index"],
                    "theme": None,
                    "suggested": p["label"],
                    "margin": margin(p),
                    "scores": p["scores"],
                    "heading": p.get("heading"),
                    "text": p["text"],
                }
                # A label names its paragraph by document and sha1, so the copies of one
                # paragraph in a document (reports joined in one file) share it: one line for
                # them, the first. Ties in document order.
                chosen.add((item["margin"], doc_id, p["index"], next(order)), item,
                           (doc_id, sha1))
    if unnamed:
        log.warning("%s: %s of the document read from standard input left out: a hand label "
                    "finds its document by file name, and it has none; label the file by its "
                    "name ('pipeline classify FILE') and review that output", path,
                    plural(unnamed, "paragraph"))
    return chosen.items()


def first_filled_in(path: Path | str) -> int | None:
    """The number of the first line of the file ``path`` that is a hand label with its ``theme``
    filled in, or its ``suggested`` theme changed (a review list a person has worked on, as
    :func:`pipeline.corpus.changed_suggestion` tells), or None: such a file is not to be
    written over, whether saved as UTF-8, UTF-16 or UTF-32 (training reads only UTF-8, but the
    person's work is in it all the same). A stream, device or pipe (``-o /dev/stdout``) is not
    read: nothing written into it replaces anything."""
    if writes_into_stream(path):
        return None
    try:
        with open(path, "rb") as fh:
            encoding = saved_as(fh.read(4))
        with open(path, encoding=encoding, errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict) and (item.get("theme") or changed_suggestion(item)):
                    return number
    except OSError:  # what cannot be read is checked, and named, when it is written
        return None
    return None


class Fewest:
    """The items of smallest key as they come, at most ``limit`` of them (0: no limit) and one
    for each group (its item of smallest key): what sorting all of them, keeping each group's
    first and then the first ``limit`` gives, without holding all of them. Keys are distinct."""

    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 0)
        self.kept: dict[Hashable, tuple[Any, Any]] = {}  # group: (key, item)
        self.order: list[tuple[Any, Hashable]] = []  # (key, group) of those kept, with a limit

    def add(self, key: Any, item: Any, group: Hashable | None = None) -> bool:
        """Offer ``item``; whether it is kept (for now). No ``group``: a group of its own."""
        group = key if group is None else group
        old = self.kept.get(group)
        if old is not None and old[0] <= key:
            return False
        if self.limit:
            if old is None and len(self.order) >= self.limit and key >= self.order[-1][0]:
                return False
            if old is not None:
                self.order.remove((old[0], group))
            bisect.insort(self.order, (key, group))
            if len(self.order) > self.limit:
                del self.kept[self.order.pop()[1]]
        self.kept[group] = (key, item)
        return True

    def items(self) -> list[Any]:
        """Those kept, smallest key first."""
        return [item for _, item in sorted(self.kept.values(), key=lambda kept: kept[0])]
