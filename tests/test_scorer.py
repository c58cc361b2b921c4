"""The NumPy scorer that classifies: the same tokens and probabilities as the fitted Pipeline."""

from __future__ import annotations

import io
import json
import pickle
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import opencc
import pytest
from conftest import HELDOUT, ROOT, SEED, corpus_config

from pipeline import stages
from pipeline.config import Config
from pipeline.corpus import body_records, labelled_examples, text_sha1
from pipeline.errors import InputError, ModelError
from pipeline.label import _top_first, annotate
from pipeline.model import MODEL_FILE, Bundle, build_pipeline, load_bundle
from pipeline.output import LabelledWriter, Part, Rendered
from pipeline.parallel import _dask_label_batch
from pipeline.reading import Document, read_document
from pipeline.scorer import Scorer, _count, _distinct, _key_order, _sorted_order
from pipeline.stages import (
    SCORE_BATCH,
    Skipped,
    _pipeline_for,
    label_document,
    label_documents,
    label_in_parts,
    label_sources,
    segment_document,
)
from pipeline.text import Tokenizer, fold_width, read_word_list, vocabulary_fold


def _written(n: int, batches: str = "batch_e") -> list[dict]:
    lines = [line for path in sorted((ROOT / "corpus/written").glob(f"{batches}.jsonl"))
             for line in path.read_text("utf-8").splitlines()]
    return [json.loads(line) for line in lines[:n]]


def _seed_records(config) -> list[dict]:
    doc = segment_document(read_document(SEED), config)
    return [r for r in body_records(doc.paragraphs) if r]


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_a_batch_gives_each_text_the_tokens_it_gets_alone(backend: str) -> None:
    tok = Tokenizer(backend=backend, user_words=read_word_list(ROOT / "configs/userdict.txt"),
                    stop_words=read_word_list(ROOT / "configs/stopwords.txt"))
    # Every written paragraph with rjieba; jieba, the slow reference, gets a sample.
    written = _written(10_000 if backend == "rjieba" else 150, batches="batch_*")
    texts = [r["text"] for r in written] + SEED.read_text("utf-8").splitlines()
    texts += ["", "  ", "醫院\r\n救治", "社區\n網格", "\r", "COVID-19患者"]
    for conversion in ("t2s", "s2twp"):
        convert = opencc.OpenCC(conversion).convert
        converted = [convert(t) for t in texts]
        raw = tok.cut_raw(tok.normalize_many(converted)[0])
        kept = [t for t in (u if u == "\n" else tok.map_token(u) for u in raw) if t]
        batches = " ".join(kept).split("\n")
        assert len(batches) == len(converted)
        for text, batch in zip(converted, batches, strict=True):
            assert batch.split() == tok(text), text


def test_fold_width_folds_exactly_full_width_ascii_and_the_ideographic_space() -> None:
    every = "".join(map(chr, range(0x20, 0x10000)))
    table = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
    assert fold_width(every) == every.translate(table)
    assert fold_width("") == ""


VARIANTS = {
    "complement_nb": {},
    "logistic_regression": {"model": {"classifier": "logistic_regression"}},
    "svm_isotonic": {"model": {"classifier": "linear_svm", "params": {"calibration": "isotonic"}}},
    "chars_lexicon_title": {
        "vectorize": {"chars": {"enabled": True}, "context": {"title_weight": 0.3},
                      "lexicon": {"path": str(ROOT / "configs/lexicon.yaml"), "weight": 0.5}},
        "model": {"classifier": "logistic_regression"},
    },
    "trigrams_binary": {"vectorize": {"words": {"ngram_range": [1, 3]}}},
    "actors_lexicon_title_svm": {
        "vectorize": {"actors": {"path": str(ROOT / "configs/actors.yaml"), "weight": 2.0},
                      "lexicon": {"path": str(ROOT / "configs/lexicon.yaml"), "weight": 0.5},
                      "context": {"title_weight": 0.5}},
        "model": {"classifier": "linear_svm"},
    },
    "section_actors_title": {
        "vectorize": {"actors": {"path": str(ROOT / "configs/actors.yaml"), "weight": 1.0},
                      "context": {"title_weight": 0.5, "section_weight": 0.7}},
    },
    "section_svm_sigmoid": {
        "vectorize": {"context": {"section_weight": 1.5}},
        "model": {"classifier": "linear_svm", "params": {"calibration": "sigmoid"}},
    },
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_scorer_gives_the_pipelines_probabilities(variant: str, tmp_path: Path) -> None:
    config = corpus_config(tmp_path, **VARIANTS[variant])
    train = [{**r, "section": r.get("report")} for r in _written(400)]
    if variant == "trigrams_binary":
        train = [r for r in train if r["theme"] in ("medical", "grassroots")]
    pipe = _pipeline_for(config).fit(train, [r["theme"] for r in train])
    scorer = Scorer.from_pipeline(pipe)
    records = [
        *_seed_records(config),
        {"text": "", "heading": None, "title": None},
        {"text": "abc xyz", "heading": "", "title": "無關"},
        {"text": "社區網格員\r\n入戶排查。", "heading": "一、基層", "title": None},
        # Sections: alone, of two (one without known words), long, and none.
        {"text": "醫院救治患者。", "section": "a"},
        {"text": "醫院開設發熱門診。", "section": "b"}, {"text": "xyz", "section": "b"},
        *({"text": f"村黨支部第{i}次入戶排查，志願者捐贈口罩。", "section": "c"}
          for i in range(30)),
        {"text": "市委書記部署防控工作。", "section": None},
    ]
    expected = pipe.predict_proba(records)
    scores = scorer.score(records)
    np.testing.assert_allclose(scores.proba, expected, rtol=0, atol=1e-9)
    if scores.siblings is not None:  # evidence's part of the section, reused or computed
        np.testing.assert_allclose(scorer.explained_section(scores),
                                   scorer.section_part(scores.siblings, scorer.explain_weights),
                                   rtol=0, atol=1e-12)
    assert scorer.classes == [str(c) for c in pipe.classes_]
    scorer.check(pipe, records)  # and the check agrees


def test_term_frequencies_looked_up_are_those_computed(tmp_path: Path) -> None:
    # The sublinear term frequency of a count below _TF_LOOKED_UP is looked up in a table; a
    # batch with a larger count (a word said thousands of times in one section) has them all
    # computed: the same probabilities either way, to the bit, and the Pipeline's.
    from pipeline.scorer import _TF_LOOKED_UP, _tf

    config = corpus_config(tmp_path)
    train = [{**r, "section": r.get("report")} for r in _written(400)]
    pipe = _pipeline_for(config).fit(train, [r["theme"] for r in train])
    scorer = Scorer.from_pipeline(pipe)
    records = _seed_records(config)
    many = {"text": "醫院收治患者。" * _TF_LOOKED_UP, "section": "many"}
    alone = scorer.score(records).proba
    together = scorer.score([*records, many]).proba
    assert np.array_equal(together[:-1], alone)
    np.testing.assert_allclose(together, pipe.predict_proba([*records, many]), rtol=0, atol=1e-9)
    counts = np.arange(_TF_LOOKED_UP + 1)
    assert np.array_equal(_tf(counts[:-1], True), _tf(counts, True)[:-1])
    assert _tf(counts, True)[[0, 1, -1]].tolist() == [0.0, 1.0, np.log(_TF_LOOKED_UP) + 1]


def test_the_rest_of_the_section_moves_a_paragraph_and_shows_in_its_evidence(
        tmp_path: Path) -> None:
    config = corpus_config(tmp_path, vectorize={"context": {"section_weight": 1.0}})
    train = [{**r, "section": r.get("report")} for r in _written(400, batches="batch_*")]
    pipe = _pipeline_for(config).fit(train, [r["theme"] for r in train])
    scorer = Scorer.from_pipeline(pipe)
    quote = "「我們一定守住。」"  # a short quotation, nothing in it says whose
    hospital = ["醫院開設發熱門診，醫護人員救治患者。", "護士在隔離病房連續工作，檢測樣本。"]
    village = ["村黨支部組織黨員入戶排查返鄉人員。", "網格員在社區卡點值守，登記車輛。"]
    records = [{"text": t, "section": "h"} for t in [quote, *hospital]]
    records += [{"text": t, "section": "v"} for t in [quote, *village]]
    records += [{"text": quote, "section": None}]
    scores = scorer.score(records)
    labels = annotate(scorer, config.themes, scores)
    assert labels[0]["label"] == "medical" and labels[3]["label"] == "grassroots"
    assert labels[0]["evidence"][0] == labels[3]["evidence"][0] == "context:section"
    assert "context:section" not in labels[6]["evidence"]  # alone: no section to lean on
    np.testing.assert_allclose(scores.proba, pipe.predict_proba(records), rtol=0, atol=1e-9)


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Bundle]:
    """A real model with section context, sentence actors and titles, fitted on 400 written
    paragraphs (a second or two), as a bundle classify can use."""
    tmp = tmp_path_factory.mktemp("small")
    config = corpus_config(tmp, **VARIANTS["section_actors_title"])
    train = [{**r, "section": r.get("report")} for r in _written(400)]
    pipe = _pipeline_for(config).fit(train, [r["theme"] for r in train])
    return config, Bundle(Scorer.from_pipeline(pipe), {"themes": list(config.themes)}, tmp)


def test_documents_scored_together_get_the_labels_they_get_alone(
        small_bundle: tuple[Config, Bundle], monkeypatch: pytest.MonkeyPatch) -> None:
    # classify scores many documents in one call. No paragraph's scores or evidence may depend
    # on what was scored with it: not even when two documents share an id (their sections share
    # keys), and not on how many paragraphs the call had (evidence's sort key).
    from pipeline import label

    config, bundle = small_bundle
    seed = segment_document(read_document(SEED), config)
    heldout = segment_document(read_document(sorted(HELDOUT.glob("*.txt"))[0]), config)
    alone = [label_document(bundle, d, config) for d in (seed, heldout)]
    assert any("context:section" in p.get("evidence", ()) for p in alone[0]["paragraphs"])
    assert label_documents(bundle, [seed, heldout, seed], config) == [*alone, alone[0]]
    monkeypatch.setattr(label, "ROW_BITS", 1)  # too few bits for the key: the exact sort
    assert label_documents(bundle, [seed, heldout], config) == alone


def _long_document(sections: int = 12, per_section: int = 40, headings: bool = True
                   ) -> Document:
    """A report of ``sections`` numbered sections of ``per_section`` written paragraphs each
    (without ``headings``: the same paragraphs, all in one section)."""
    texts = iter(r["text"] for r in _written(sections * per_section, batches="batch_*"))
    lines = ["疫情防控工作總結"]
    for k in range(sections):
        if headings:
            lines.append(f"{'一二三四五六七八九十'[k % 10]}{'、' * (1 + k // 10)}第{k + 1}項工作")
        lines += [next(texts) for _ in range(per_section)]
    return Document("long", "long.txt", "utf-8", "\n".join(lines) + "\n")


def _score_calls(bundle: Bundle, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of paragraphs of each call to the bundle's scorer from now on (the real
    scorer scores them)."""
    calls: list[int] = []
    score = bundle.scorer.score

    def counted(batch: list[dict], *more: object) -> object:
        calls.append(len(batch))
        return score(batch, *more)

    monkeypatch.setattr(bundle.scorer, "score", counted)
    return calls


def test_a_long_document_is_scored_in_runs_of_whole_sections_with_the_same_labels(
        small_bundle: tuple[Config, Bundle], monkeypatch: pytest.MonkeyPatch) -> None:
    # One long document is not scored in one call (its memory would grow with its length): its
    # body paragraphs go in runs of whole sections, and each gets the labels, scores and
    # evidence (the section's context among them) it gets when the document is scored at once.
    config, bundle = small_bundle
    doc = segment_document(_long_document(), config)
    records = [r for r in body_records(doc.paragraphs) if r]
    largest = max(Counter(r["section"] for r in records).values())
    assert 1 < largest < len(records) / 10
    whole = label_documents(bundle, [doc], config, limit=len(records))
    assert any("context:section" in p.get("evidence", ()) for p in whole[0]["paragraphs"])
    calls = _score_calls(bundle, monkeypatch)
    assert label_documents(bundle, [doc], config, limit=100) == whole
    assert len(calls) > 2 and max(calls) < 100 + largest and sum(calls) == len(records)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_long_document_comes_in_parts_that_write_the_bytes_of_the_whole(
        small_bundle: tuple[Config, Bundle], fmt: str) -> None:
    # classify writes a long document part by part instead of holding it whole; the output is
    # the one the whole document gives, before, between and after other documents.
    config, bundle = small_bundle
    short = Document("short", "short.txt", "utf-8", "疫情防控\n社區網格員入戶排查。\n")
    docs = [short, _long_document(), short]
    items = list(label_sources(bundle, docs, config, limit=100))
    parts = [item for item in items if isinstance(item, Part)]
    assert len(parts) > 2 and len(items) == len(parts) + 2
    assert [(p.first, p.last) for p in parts] == (
        [(True, False)] + [(False, False)] * (len(parts) - 2) + [(False, True)])
    whole = [label_document(bundle, segment_document(d, config), config) for d in docs]
    assert [p for part in parts for p in part.paragraphs] == whole[1]["paragraphs"]

    def written(stream: list) -> bytes:
        out = io.BytesIO()
        writer = LabelledWriter(out, fmt, {"hash": "0" * 64}, created="2020-01-01T00:00:00Z")
        counts = [writer.write(item) for item in stream]
        writer.close([])
        assert writer.count == 3 and sum(c.paragraphs for c in counts) == sum(
            len(d["paragraphs"]) for d in whole)
        return out.getvalue()

    assert written(items) == written(whole)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_segment_writes_a_long_document_in_parts_as_the_bytes_of_the_whole(
        tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # pipeline segment writes a long document part by part too, not as one object whole.
    config = corpus_config(tmp_path)
    files = {"short.txt": "疫情防控\n社區網格員入戶排查。\n", "long.txt": _long_document().text,
             "empty.txt": ""}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    inputs = [tmp_path / name for name in files]
    monkeypatch.setattr(stages, "SCORE_BATCH", 50)
    sizes: list[int] = []
    write = LabelledWriter.write

    def counted(self: LabelledWriter, document: object) -> Rendered:
        sizes.append((rendered := write(self, document)).paragraphs)
        return rendered

    monkeypatch.setattr(LabelledWriter, "write", counted)
    result = stages.segment(inputs, tmp_path / f"out.{fmt}", config, fmt=fmt)
    monkeypatch.undo()
    assert max(sizes) == 50
    whole = [stages.segment_file(path, config).to_dict() for path in inputs]
    assert len(whole[1]["paragraphs"]) > 3 * 50
    out = io.BytesIO()
    writer = LabelledWriter(out, fmt, None)
    for doc in whole:
        writer.write(doc)
    writer.close([])
    assert (tmp_path / f"out.{fmt}").read_bytes() == out.getvalue()
    assert (result.documents, result.paragraphs) == (3, sum(len(d["paragraphs"]) for d in whole))


def test_a_section_longer_than_a_part_is_cut_with_its_whole_context(
        small_bundle: tuple[Config, Bundle], monkeypatch: pytest.MonkeyPatch) -> None:
    # Without headings a long document is one section, which no cut can keep whole: it is cut
    # anyway, each part scored with the word counts of the whole section, and every paragraph
    # gets the labels, scores and evidence it gets when the document is scored at once.
    config, bundle = small_bundle
    doc = segment_document(_long_document(headings=False), config)
    sections = {r["section"] for r in body_records(doc.paragraphs) if r}
    assert len(sections) == 1
    whole = label_document(bundle, doc, config)
    assert any("context:section" in p.get("evidence", ()) for p in whole["paragraphs"])
    calls = _score_calls(bundle, monkeypatch)
    parts = list(label_in_parts(bundle, doc, config, limit=50))
    assert [p for part in parts for p in part.paragraphs] == whole["paragraphs"]
    assert len(parts) > 5 and max(calls) <= 50


def test_a_section_longer_than_a_part_is_cut_into_words_once(
        small_bundle: tuple[Config, Bundle], monkeypatch: pytest.MonkeyPatch) -> None:
    # The first pass over a section no part holds whole (its word counts) cuts its paragraphs
    # into words; the second (the scores) takes them from there instead of cutting them again,
    # which took a quarter of the time such a document took.
    config, bundle = small_bundle
    doc = segment_document(_long_document(headings=False), config)
    tok = bundle.scorer.tokenizer
    body = sum(len(tok.normalizer(r["text"])) for r in body_records(doc.paragraphs) if r)
    cut: list[str] = []
    segmenter_tokens = tok.segmenter_tokens

    def counted(normalized: str) -> list[str]:
        cut.append(normalized)
        return segmenter_tokens(normalized)

    monkeypatch.setattr(tok, "segmenter_tokens", counted)
    parts = list(label_in_parts(bundle, doc, config, limit=50))
    monkeypatch.undo()
    assert len(parts) > 5
    # Each paragraph once, with the line breaks between them and the title beside each part.
    assert body <= sum(map(len, cut)) < 1.1 * body


def test_a_temporary_folder_that_cannot_be_written_is_named(
        small_bundle: tuple[Config, Bundle], monkeypatch: pytest.MonkeyPatch) -> None:
    # The first pass keeps a long section's words in a temporary file: a full temporary folder
    # was an OSError from deep inside labelling, a bug's traceback (exit 3).
    import tempfile

    from pipeline.errors import OutputError

    config, bundle = small_bundle
    doc = segment_document(_long_document(headings=False), config)
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda: open("/dev/full", "w+b"))  # noqa: SIM115
    with pytest.raises(OutputError) as info:
        list(label_in_parts(bundle, doc, config, limit=50))
    assert str(info.value).startswith(f"{tempfile.gettempdir()}: cannot write the temporary "
                                      f"file that labelling {doc.document.source}'s long section "
                                      "needs: No space left on device")


def test_a_long_document_in_parts_on_a_cluster_worker(small_bundle: tuple[Config, Bundle]
                                                      ) -> None:
    # A Dask batch holds each document's items in order: all parts of a long one, then the next.
    config, small = small_bundle
    bundle = Bundle(small.scorer, {**small.meta, "files": {MODEL_FILE: {"sha256": "0" * 64}}},
                    small.path)  # rendered with the model's hash, as a saved bundle has it
    long = _long_document(sections=40, per_section=30).text.encode("utf-8")
    batch = [("a.txt", long), ("b.txt", "cannot read: gone"), ("c.txt", "醫院救治患者。".encode())]
    items = _dask_label_batch(bundle, config, None, batch, {}, "json")
    n = next(k for k, item in enumerate(items) if isinstance(item, Skipped))
    parts = [(item.opens, item.closes) for item in items[:n] if isinstance(item, Rendered)]
    assert n > 1 and parts == [(True, False)] + [(False, False)] * (n - 2) + [(False, True)]
    assert len(items) == n + 2 and isinstance(items[-1], Rendered) and items[-1].closes


def test_strict_labels_what_comes_before_the_bad_file(small_bundle: tuple[Config, Bundle],
                                                      tmp_path: Path) -> None:
    # On standard output, what was labelled before the error has already gone out: the documents
    # held for a batch must go out before the error is raised.
    config, bundle = small_bundle
    good = [tmp_path / f"{name}.txt" for name in ("a", "b", "d")]
    for path in good:
        path.write_text(SEED.read_text("utf-8")[:2000], "utf-8")
    bad = tmp_path / "c.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    got = []
    with pytest.raises(InputError, match="PNG"):
        for item in label_sources(bundle, [*good[:2], bad, good[2]], config, strict=True):
            got.append(item["id"])
    assert got == ["a", "b"]


def test_documents_without_body_paragraphs_do_not_pile_up(
        small_bundle: tuple[Config, Bundle]) -> None:
    # A batch closes on paragraphs of any kind, so a stream of documents with no body paragraph
    # is labelled and let go as it comes, not held to the end.
    config, bundle = small_bundle
    pulled = 0

    def headings_only() -> Iterator[Document]:
        nonlocal pulled
        for i in range(100_000):
            pulled += 1
            yield Document(f"d{i}", f"d{i}.txt", "utf-8", "疫情防控\n社區網格員\n")

    first = next(label_sources(bundle, headings_only(), config))
    assert first["id"] == "d0" and all("label" not in p for p in first["paragraphs"])
    assert pulled <= SCORE_BATCH


def test_a_scorer_pickled_by_an_earlier_release_loads_and_scores_the_same(
        small_bundle: tuple[Config, Bundle]) -> None:
    # Earlier releases pickled the feature names as a list and the vocabulary's terms beside
    # them; their bundles must still load, score and explain as this release's do.
    import pickle

    config, bundle = small_bundle
    scorer = bundle.scorer
    old = pickle.loads(pickle.dumps(scorer))
    old.__dict__["feature_names"] = list(scorer.feature_names)
    old.words.__dict__["terms"] = list(scorer.feature_names)[: scorer.words.size]
    loaded = pickle.loads(pickle.dumps(old))
    assert isinstance(loaded.feature_names, type(scorer.feature_names))
    assert "terms" not in vars(loaded.words)
    assert list(loaded.feature_names) == list(scorer.feature_names)
    records = _seed_records(config)
    new, got = scorer.score(records), loaded.score(records)
    assert np.array_equal(new.proba, got.proba)
    fields = {"review_below": 0.5, "review_margin": 0.15, "evidence_terms": 5}
    assert (annotate(loaded, bundle.themes, got, **fields)
            == annotate(scorer, bundle.themes, new, **fields))


def test_the_check_refuses_a_scorer_of_another_model(tmp_path: Path) -> None:
    config = corpus_config(tmp_path)
    train = _written(300)
    first = build_pipeline(config).fit(train, [r["theme"] for r in train])
    other = build_pipeline(config).fit(train[:150], [r["theme"] for r in train[:150]])
    with pytest.raises(ModelError, match="differs from the fitted Pipeline"):
        Scorer.from_pipeline(other).check(first, train[:50])


def test_paragraphs_without_known_words_are_flagged_with_no_evidence(trained) -> None:
    _, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    records = [{"text": "ZZZQQQ"}, {"text": "醫院發熱門診救治患者。"}, {"text": ""}]
    fields = annotate(bundle.scorer, bundle.themes, bundle.scorer.score(records),
                      evidence_terms=3)
    assert [f["needs_review"] for f in fields] == [True, fields[1]["needs_review"], True]
    assert fields[0]["evidence"] == [] and fields[2]["evidence"] == []
    assert fields[1]["label"] == "medical" and 1 <= len(fields[1]["evidence"]) <= 3
    assert list(fields[1]["scores"]) == bundle.themes


def test_evidence_is_each_paragraphs_strongest_features_in_order(trained) -> None:
    config, bundle_dir = trained
    scorer = load_bundle(bundle_dir).scorer
    records = _seed_records(config)
    scores = scorer.score(records)
    fields = annotate(scorer, scorer.classes, scores, evidence_terms=5)
    f = scores.features
    indptr = f.indptr()
    for i, field in enumerate(fields):
        label = scorer.classes.index(field["label"])
        cols, values = f.cols[indptr[i]:indptr[i + 1]], f.values[indptr[i]:indptr[i + 1]]
        contrib = values * scorer.explain_weights[label, cols]
        ranked = sorted((c, col) for c, col in zip(-contrib, cols, strict=True) if c < 0)
        # A sentence-actor feature is shown as the actor words of its theme that lead sentences.
        expected: list[str] = []
        for _, col in ranked:
            name = scorer.feature_names[col]
            if name.startswith("actors:") and scorer.actors is not None:
                theme = scorer.actors.themes.index(name.removeprefix("actors:"))
                leading = scorer.actors.leading(scores.normalized[i])
                expected += [f"actor:{t}" for t in dict.fromkeys(leading) if t is not None
                             and scorer.actors.term_theme[t] == theme
                             and f"actor:{t}" not in expected]
            else:
                expected.append(name)
            if len(expected) >= 5:
                break
        # A word the Taiwan-vocabulary fold made is shown as the paragraph writes it.
        fold = vocabulary_fold()
        counted = [" ".join(fold.get(w, w) for w in t.split(" ")) for t in field["evidence"]]
        assert counted == expected[:5]


def test_evidence_shows_words_as_written_from_the_batchs_tokens_as_from_a_cut_of_its_own(
        trained) -> None:
    # The batch keeps its tokens for evidence; a long section's spool does not, and evidence
    # then cuts each paragraph again: the same evidence either way.
    config, bundle_dir = trained
    scorer = load_bundle(bundle_dir).scorer
    written = ["集寧區各社群為居家隔離戶每天上門收取生活垃圾，社群網格員逐戶排查登記。",
               "社群志工透過網路登記物資\n並送到醫院。", "www.gov.cn網站公佈社群名單。"]
    records = _seed_records(config) + [{"text": t} for t in written]
    scores = scorer.score(records)
    tokenized, tokenizer = scores.tokenized, scorer.tokenizer
    for k, text in enumerate(scores.normalized):
        assert tokenized.text_tokens(k) == tokenizer.segmenter_tokens(text.replace("\n", " "))
    fields = annotate(scorer, scorer.classes, scores)
    assert any("社群" in term for f in fields[-3:] for term in f["evidence"])
    scores.tokenized = pickle.loads(pickle.dumps(tokenized))
    assert scores.tokenized.tokens is None and scores.tokenized.text_tokens(0) is None
    assert annotate(scorer, scorer.classes, scores) == fields


def test_a_paragraph_of_wrapped_lines_is_scored_as_its_text_on_one_line(trained) -> None:
    # A paragraph joined from a text's wrapped lines (segment.join_wrapped) holds their line
    # breaks; each fell where the width did, here inside 病例 and 確診, and the features saw
    # the word's halves. Classify and training now see the words whole, as on one line.
    config, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    line = "醫院開設發熱門診,對疑似病例進行隔離觀察,並為確診患者提供救治。"
    cut, cut_again = line.index("病例") + 1, line.index("確診") + 1
    wrapped = f"{line[:cut]}\n{line[cut:cut_again]}\r\n{line[cut_again:]}"
    scores = bundle.scorer.score([{"text": line}, {"text": wrapped}])
    assert scores.normalized[0] == scores.normalized[1]
    assert np.array_equal(scores.proba[0], scores.proba[1])
    fields = annotate(bundle.scorer, bundle.themes, scores)
    assert fields[0] == fields[1] and "疑似病例" in bundle.scorer.tokenizer(wrapped)
    prepare = _pipeline_for(config).named_steps["prepare"]  # what training cuts
    assert prepare.transform([{"text": wrapped}]) == prepare.transform([{"text": line}])


def test_the_vocabulary_fold_has_no_word_of_latin_letters_and_digits() -> None:
    # Evidence looks for a folded word among the segmenter's tokens, which rjieba cuts as jieba
    # does but in such runs (see Tokenizer.cut_raw).
    assert not [word for word in vocabulary_fold() if re.fullmatch(r"[a-z0-9+#&._%-]+", word)]


def test_evidence_shows_words_as_written_with_the_built_in_defaults() -> None:
    # No part of the built-in model needs the normalized texts; evidence still does.
    records = [{"text": "軟體公司捐贈口罩。"}, {"text": "醫院救治患者。"}]
    pipe = build_pipeline(Config()).fit(records, ["public_participation", "medical"])
    scorer = Scorer.from_pipeline(pipe)
    assert "软件" in scorer.feature_names  # what the model counts
    (field,) = annotate(scorer, scorer.classes, scorer.score(records[:1]), evidence_terms=20)
    assert "软体" in field["evidence"] and "软件" not in field["evidence"]


def _numbered_report(first: int, titles: tuple[str, str]) -> str:
    """Two articles numbered ``01`` and ``02``, each a title and six written paragraphs with no
    section heading (so each article is one section)."""
    texts = [r["text"] for r in _written(first + 12, batches="batch_*")][first:]
    return "".join(f"0{k + 1}\n{title}\n" + "\n".join(texts[6 * k : 6 * k + 6]) + "\n"
                   for k, title in enumerate(titles))


def _assert_joined_as_alone(small_bundle: tuple[Config, Bundle], reports: list[str]) -> None:
    """The body paragraphs of ``reports`` joined in one file get the labels, scores and evidence
    they get in their report alone, section context among them."""
    config, bundle = small_bundle

    def labels(text: str) -> list[tuple]:
        doc = label_document(bundle, segment_document(Document("r", "r.txt", "utf-8", text),
                                                      config), config)
        return [(p["label"], p["scores"], p["evidence"]) for p in doc["paragraphs"]
                if p["kind"] == "body"]

    alone = [labels(text) for text in reports]
    assert any("context:section" in e for report in alone for _, _, e in report)
    assert labels("".join(reports)) == alone[0] + alone[1]


def test_articles_numbered_again_in_one_file_keep_their_own_sections(
        small_bundle: tuple[Config, Bundle]) -> None:
    # A file that joins reports, each numbering its articles from 01: the second 01 is another
    # article, so its paragraphs get the context of their own section, as in the report alone.
    reports = [_numbered_report(0, ("市委部署疫情防控", "醫院救治紀實")),
               _numbered_report(40, ("社區網格排查", "志願者捐贈物資"))]
    _assert_joined_as_alone(small_bundle, reports)


def test_a_section_heading_that_comes_back_starts_a_section_of_its_own(
        small_bundle: tuple[Config, Bundle]) -> None:
    # Daily reports of one outline joined in one file, each with the same numbered headings: each
    # 一、 is its own report's section, so its paragraphs get the context of that section alone,
    # as in their report alone (the key of every 一、 was one, so each day's paragraphs leaned on
    # every day's text, and a long archive's few huge sections took minutes to score).
    config, _ = small_bundle
    texts = [r["text"] for r in _written(24, batches="batch_*")]
    reports = ["".join(f"{number}\n" + "\n".join(texts[12 * day + 6 * k: 12 * day + 6 * k + 6])
                       + "\n" for k, number in enumerate(("一、排查工作", "二、救治工作")))
               for day in range(2)]
    _assert_joined_as_alone(small_bundle, reports)
    # and training sees the sections classify sees
    paragraphs = segment_document(Document("r", "r.txt", "utf-8", "".join(reports)),
                                  config).paragraphs
    examples, _ = labelled_examples("r", paragraphs, {
        f"sha1:{text_sha1(p.text)}": "medical" for p in paragraphs if p.kind == "body"})
    sections = [r["section"] for r in body_records(paragraphs) if r]
    assert [e.record()["section"] for e in examples] == sections
    assert len(set(sections)) == 4


@pytest.mark.parametrize("n_cols", [7, 200_000, 2**40])  # the last: codes beyond 32 bits
def test_counting_codes_as_32_bit_integers_gives_numpys_counts(n_cols: int) -> None:
    rng = np.random.default_rng(0)
    rows = np.sort(rng.integers(0, 3_000, 50_000))
    ids = rng.integers(0, n_cols if n_cols < 2**20 else 2**20, 50_000)
    codes, counts = _count(rows, ids, n_cols)
    expected = np.unique(rows * n_cols + ids, return_counts=True)
    assert codes.dtype == np.int64
    assert np.array_equal(codes, expected[0]) and np.array_equal(counts, expected[1])


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_distinct_codes_are_numpys(dtype: type) -> None:
    """Runs already sorted (a section's paragraphs' columns), repeats, and none at all."""
    rng = np.random.default_rng(1)
    runs = [np.sort(rng.integers(0, 5_000, rng.integers(0, 300))) + 5_000 * (k // 4)
            for k in range(200)]
    for codes in (np.concatenate(runs).astype(dtype), rng.integers(0, 50, 1_000).astype(dtype),
                  np.zeros(0, dtype=dtype)):
        found, counts = _distinct(codes)
        expected = np.unique(codes, return_counts=True)
        assert np.array_equal(found, expected[0]) and np.array_equal(counts, expected[1])
        found, where = _distinct(codes, inverse=True)
        expected = np.unique(codes, return_inverse=True)
        assert np.array_equal(found, expected[0]) and np.array_equal(where, expected[1])
        assert found.dtype == dtype and where.dtype == expected[1].dtype


@pytest.mark.parametrize("high", [50, 2**31, 2**40])  # the last: past 31 bits, argsort
def test_codes_sorted_with_their_places_keep_a_stable_sorts_order(high: int) -> None:
    rng = np.random.default_rng(2)
    for codes in (rng.integers(0, high, 20_000), rng.integers(-5, 5, 1_000), np.zeros(0, int)):
        order, ordered = _sorted_order(codes)
        assert np.array_equal(order, codes.argsort(kind="stable"))
        assert np.array_equal(ordered, codes[order]) and ordered.dtype == codes.dtype


@pytest.mark.parametrize("n", [0, 1, 5, 50])
def test_each_rows_first_keys_come_as_a_stable_sort_of_all_orders_them(n: int) -> None:
    """Ties at a row's n-th key (many here: few distinct keys) included, in place order."""
    rng = np.random.default_rng(5)
    low = 20
    for rows, values in ((np.sort(rng.integers(0, 300, 20_000)), rng.integers(0, 40, 20_000)),
                         (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))):
        key = (rows << low) | values
        everything = np.argsort(key, kind="stable")
        starts = np.searchsorted(rows[everything], np.arange(301))
        expected = everything[np.arange(len(key)) - starts[rows[everything]] < n]
        got = _top_first(key, 300, low, n)
        got_rows = rows[got]
        got_starts = np.searchsorted(got_rows, np.arange(301))
        assert np.array_equal(got[np.arange(len(got)) - got_starts[got_rows] < n], expected)


@pytest.mark.parametrize("size", [25_491, 65_536, 70_000])  # the last: past 16 bits, sorted whole
def test_n_gram_keys_are_ordered_by_their_two_words(size: int) -> None:
    rng = np.random.default_rng(4)
    first = rng.integers(0, size, 30_000)
    then = np.concatenate([rng.integers(0, size, 29_999), [size - 1]])
    keys = first * size + then
    order = _key_order(first, then, keys)
    assert np.array_equal(keys[order], np.sort(keys))
    assert _key_order(first[:0], then[:0], keys[:0]).tolist() == []
