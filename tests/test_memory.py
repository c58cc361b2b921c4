"""What a long document holds in memory while it is read, labelled and written in parts.

One file of many megabytes (an archive saved whole, often with no heading at all) is labelled
and written part by part; these tests measure with ``tracemalloc`` what stays held beside its
paragraphs, and that it does not grow with the document's length.
"""

from __future__ import annotations

import gc
import io
import json
import sys
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, corpus_config

from pipeline.config import Config
from pipeline.model import Bundle
from pipeline.output import LabelledWriter
from pipeline.scorer import Scorer
from pipeline.stages import _pipeline_for, label_in_parts, segment_file


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Bundle]:
    """A real model with section context and sentence actors, fitted on 400 written paragraphs."""
    tmp = tmp_path_factory.mktemp("small")
    config = corpus_config(tmp, vectorize={
        "actors": {"path": str(ROOT / "configs/actors.yaml"), "weight": 1.0},
        "context": {"title_weight": 0.5, "section_weight": 0.7}})
    lines = (ROOT / "corpus/written/batch_e.jsonl").read_text("utf-8").splitlines()[:400]
    train = [{**r, "section": r.get("report")} for r in map(json.loads, lines)]
    pipe = _pipeline_for(config).fit(train, [r["theme"] for r in train])
    return config, Bundle(Scorer.from_pipeline(pipe), {"themes": list(config.themes)}, tmp)


def _one_section(path: Path, paragraphs: int, join: int = 1) -> Path:
    """A file of ``paragraphs`` body paragraphs and no heading (one section), each ``join``
    written paragraphs on one line, numbered so that no two are the same; the written
    paragraphs come round again, so a longer file has no words a shorter one lacks."""
    lines = (ROOT / "corpus/written/batch_a.jsonl").read_text("utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:200]]
    path.write_text("\n\n".join(
        f"（{k}）" + "".join(texts[(k * join + j) % len(texts)] for j in range(join))
        for k in range(paragraphs)) + "\n", encoding="utf-8")
    return path


@contextmanager
def _traced() -> Iterator[list[int]]:
    """Trace allocations from here on: the list gets the peak, in bytes above the start."""
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    peak: list[int] = []
    try:
        yield peak
    finally:
        peak.append(tracemalloc.get_traced_memory()[1] - start)
        tracemalloc.stop()


def test_labelling_a_long_section_in_parts_holds_its_model_input_a_part_at_a_time(
        small_bundle: tuple[Config, Bundle], tmp_path: Path) -> None:
    # A document of one section is labelled in parts; the model's input for its paragraphs (a
    # record of text, heading, title and section key each) was made for the whole document
    # first, about 300 bytes a paragraph held till its last part: what labelling holds beside
    # the paragraphs grew with the document. Now each part's records are made for that part.
    config, bundle = small_bundle
    extra = {}
    for n in (1_500, 1_500, 6_000):  # the first run fills the tokenizer's and evidence's memos
        segmented = segment_file(_one_section(tmp_path / f"{n}.txt", n), config)
        with _traced() as peak:
            for _ in label_in_parts(bundle, segmented, config, limit=100):
                pass
        extra[n] = peak[0]
    per_paragraph = (extra[6_000] - extra[1_500]) / 4_500
    assert per_paragraph < 60, extra


def test_a_segmented_document_holds_its_paragraphs_not_its_text_again(
        small_bundle: tuple[Config, Bundle], tmp_path: Path) -> None:
    # The decoded text is needed to cut the paragraphs and give their offsets; after that the
    # paragraphs hold their own text. The segmented document kept the whole text beside them
    # all the while its parts were labelled: a second copy of it (twice, four times the file's
    # characters in bytes), and each paragraph's fields in a dictionary of its own.
    config, _ = small_bundle
    path = _one_section(tmp_path / "long.txt", 1_000, join=8)  # long lines: text outweighs
    text = path.read_text("utf-8")
    segment_file(path, config)  # the segmenter's own memos fill on the first
    with _traced():
        before = tracemalloc.get_traced_memory()[0]
        segmented = segment_file(path, config)
        held = tracemalloc.get_traced_memory()[0] - before
    paragraphs = segmented.paragraphs
    assert len(paragraphs) == 1_000 and paragraphs[-1].end <= len(text)
    texts = sum(sys.getsizeof(p.text) for p in paragraphs)
    assert held < texts + 330 * len(paragraphs) < 1.3 * sys.getsizeof(text), (held, texts)


def test_writing_a_long_document_keeps_no_copy_of_what_it_wrote(
        small_bundle: tuple[Config, Bundle], tmp_path: Path) -> None:
    # Written with orjson, a string keeps its UTF-8 form inside it as long as it lives; the
    # paragraphs of a long document live till its last part is written, so each part written
    # added its text again in UTF-8: by the end, a copy of the whole document beside it.
    config, bundle = small_bundle
    segmented = segment_file(_one_section(tmp_path / "long.txt", 2_000), config)
    utf8 = sum(len(p.text.encode("utf-8")) for p in segmented.paragraphs)
    writer = LabelledWriter(io.BytesIO(), "json", None)
    parts = label_in_parts(bundle, segmented, config, limit=100)
    writer.write(next(parts))  # the memos of the model and of evidence fill on the first
    with _traced():
        start = tracemalloc.get_traced_memory()[0]
        for part in parts:
            writer.write(part)
        del part
        writer.fh = io.BytesIO()  # what was written is not what is held
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    assert grown < 0.1 * utf8, (grown, utf8)
