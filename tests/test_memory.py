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
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from conftest import ROOT, corpus_config

from pipeline.config import Config
from pipeline.model import Bundle, load_bundle
from pipeline.output import LabelledWriter, model_header
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
    # A first run, not measured, fills the tokenizer's and evidence's memos.
    for _ in label_in_parts(bundle, segment_file(_one_section(tmp_path / "first.txt", 1_500),
                                                 config), config, limit=100):
        pass
    extra = {}
    for n in (1_500, 6_000):
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


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_long_document_comes_back_from_a_worker_process_part_by_part(
        trained: tuple[Config, Path], tmp_path: Path, fmt: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # With --jobs 2 a worker labels a batch and returns it as one result, pickled whole there
    # and unpickled whole here: a long document's rendered parts were held whole in both
    # processes (on a 50 MB file, 111 MB in each). Past SPOOL_BYTES of a batch's output, the
    # worker writes them to a file of the pool's temporary folder, which this process reads
    # back a part at a time and which is gone once the labelling ends.
    import tempfile

    from pipeline import parallel

    config, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    inputs = [_one_section(tmp_path / "long.txt", 3_000), tmp_path / "short.txt"]
    inputs[1].write_text("疫情防控\n社區網格員入戶排查。\n", encoding="utf-8")
    monkeypatch.setattr(parallel, "SPOOL_BYTES", 200_000)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()

    def written(jobs: int, traced: bool) -> tuple[bytes, list[int]]:
        """The output on ``jobs`` processes, and (``traced``) its peak in this process."""
        out = tmp_path / f"{jobs}.{fmt}"
        with out.open("wb") as fh, (_traced() if traced else nullcontext([])) as peak:
            writer = LabelledWriter(fh, fmt, model_header(bundle.meta), created="2020")
            for item in parallel.labelled_stream(bundle, inputs, config, jobs=jobs, fmt=fmt):
                writer.write(item)
            writer.close([])
        return out.read_bytes(), peak

    one, _ = written(1, traced=False)  # the output to compare with: its peak is not measured
    two, (peak,) = written(2, traced=True)
    assert two == one and len(two) > 2_000_000
    assert peak < len(two) / 2, peak  # it was twice the output: its pickle and its items
    assert not list((tmp_path / "tmp").iterdir())


def test_a_worker_that_cannot_write_its_batch_aside_says_so_in_one_line(
        trained: tuple[Config, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A full temporary folder is an error that names it (exit 2), not a traceback; and with no
    # temporary folder to write in at all, batches come back whole, as they did.
    import tempfile

    from pipeline import parallel
    from pipeline.errors import OutputError

    config, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    inputs = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path in inputs:
        path.write_text("疫情防控\n社區網格員入戶排查。\n醫院救治患者。\n", encoding="utf-8")
    one = list(parallel.labelled_stream(bundle, inputs, config, jobs=1))
    monkeypatch.setattr(parallel, "SPOOL_BYTES", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    assert [i.data for i in parallel.labelled_stream(bundle, inputs, config, jobs=2)] == [
        parallel.render(d, "json", bundle.hash).data for d in one]
    (tmp_path / "missing").mkdir()
    monkeypatch.setattr(tempfile, "NamedTemporaryFile",
                        lambda **_: open("/dev/full", "w+b"))  # noqa: SIM115
    with pytest.raises(OutputError) as info:
        list(parallel.labelled_stream(bundle, inputs, config, jobs=2))
    assert str(info.value).startswith(f"{tmp_path / 'missing'}/pipeline-batches.")
    assert str(info.value).endswith(": cannot write the temporary file that brings a long "
                                    "document's labelled parts back from its worker process: "
                                    "No space left on device (TMPDIR names another folder)")


def test_the_bench_joins_its_corpus_into_one_section(tmp_path: Path) -> None:
    # bench/bench_classify.py measures one long document of one section too: its corpus
    # joined without the files' titles and headings, every paragraph body text.
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_classify
    finally:
        sys.path.remove(str(ROOT / "bench"))
    lines = (ROOT / "corpus/written/batch_a.jsonl").read_text("utf-8").splitlines()
    bench_classify.build_corpus(tmp_path, 0.2, [json.loads(line)["text"] for line in lines])
    files = sorted(tmp_path.glob("*.txt"))
    assert len(files) > 2
    path = tmp_path / "one.txt"
    path.write_bytes(bench_classify.one_section(tmp_path))
    paragraphs = segment_file(path, corpus_config(tmp_path)).paragraphs
    lines = [line for f in files for line in f.read_text("utf-8").splitlines() if line]
    left_out = [line for line in lines if bench_classify._TITLE_OR_HEADING.fullmatch(line)]
    assert len(left_out) > 2 * len(files)  # a title and headings of each
    assert {(p.kind, p.article, p.heading) for p in paragraphs} == {("body", "1", None)}
    assert [p.text for p in paragraphs] == [line for line in lines if line not in left_out]
