"""Training, the bundle round trip, the classifiers of the registry, labels and evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED, SOME_WRITTEN, corpus_config

from pipeline.config import Config
from pipeline.errors import ModelError
from pipeline.label import annotate
from pipeline.model import CLASSIFIERS, load_bundle
from pipeline.reading import read_document
from pipeline.stages import label_document, load_training_set, segment_document
from pipeline.text import Tokenizer, sentences, vocabulary_fold


def _seed_records(config: Config) -> list[dict]:
    from pipeline.corpus import body_records

    doc = segment_document(read_document(SEED), config)
    return [r for r in body_records(doc.paragraphs) if r]


def test_bundle_round_trip_gives_identical_scores(trained: tuple[Config, Path]) -> None:
    config, bundle_dir = trained
    meta = json.loads((bundle_dir / "model.json").read_text("utf-8"))
    assert meta["themes"] == list(config.themes)
    assert meta["tokenizer"]["backend"] == "rjieba"
    assert meta["training_data"]["real_paragraphs"] == 102
    assert len(meta["training_data"]["hash"]) == 16
    assert meta["versions"]["scikit-learn"]
    records = _seed_records(config)
    first = load_bundle(bundle_dir).scorer.score(records).proba
    second = load_bundle(bundle_dir).scorer.score(records).proba
    assert first.shape == (102, 4)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first.sum(axis=1), 1.0, atol=1e-9)


def test_training_is_reproducible(tmp_path: Path) -> None:
    from pipeline.stages import train

    # Two trainings of one config (the seed and one written batch) into folders of their own:
    # a second training on the whole corpus, beside the session's model, took twenty seconds.
    written = {"written": [str(SOME_WRITTEN[0])]}
    config = corpus_config(tmp_path / "first", corpus=written)
    bundle_dir = train(config, with_metrics=False)
    again = train(corpus_config(tmp_path / "again", corpus=written), with_metrics=False)
    assert bundle_dir.resolve() != again.resolve()
    first, second = load_bundle(bundle_dir), load_bundle(again)
    assert first.meta["training_data"]["hash"] == second.meta["training_data"]["hash"]
    assert first.hash == second.hash  # the same bytes: the same model
    records = _seed_records(config)
    np.testing.assert_array_equal(load_bundle(bundle_dir).scorer.score(records).proba,
                                  load_bundle(again).scorer.score(records).proba)


def test_labelled_paragraphs_carry_label_scores_evidence(trained: tuple[Config, Path]) -> None:
    config, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    doc = label_document(bundle, segment_document(read_document(SEED), config), config)
    body = [p for p in doc["paragraphs"] if p["kind"] == "body"]
    others = [p for p in doc["paragraphs"] if p["kind"] != "body"]
    assert len(body) == 102 and others
    assert all("label" not in p for p in others)
    for p in body:
        assert p["label"] in config.themes
        assert set(p["scores"]) == set(config.themes)
        assert abs(sum(p["scores"].values()) - 1) < 1e-4
        assert p["confidence"] == max(p["scores"].values())
        assert p["scores"][p["label"]] == p["confidence"]
        assert 1 <= len(p["evidence"]) <= config.label.evidence_terms
        ranked = sorted(p["scores"].values(), reverse=True)
        flagged = ranked[0] < config.label.review_below or (
            ranked[0] - ranked[1] < config.label.review_margin)
        assert p["needs_review"] == flagged
    # Evidence is in the paragraph: its words, its heading's words, matched lexicon terms or
    # the actor words that lead its sentences.
    prepared = bundle.pipeline.named_steps["prepare"].transform(
        [{"text": p["text"], "heading": p["heading"]} for p in body])
    fold = vocabulary_fold()  # the model counts Taiwan words as their mainland ones
    for p, prep in zip(body, prepared, strict=True):
        for term in p["evidence"]:
            kind, _, word = term.rpartition(":")
            if kind == "lexicon":
                assert word in prep["chars"], term
            elif kind == "actor":
                assert any(word in s for s in sentences(prep["chars"])), term
            else:  # a word (or word pair) of the paragraph or of its heading, as it is written
                counted = " ".join(fold.get(w, w) for w in word.split(" "))
                pairs = [prep["words"], prep["heading"]]
                assert any(f" {counted} " in f" {s} " for s in pairs), (term, p["text"][:30])


def test_a_clearly_medical_paragraph_is_medical(trained: tuple[Config, Path]) -> None:
    _, bundle_dir = trained
    text = "市人民醫院發熱門診的醫生護士連續奮戰,救治新冠肺炎患者,疾控中心連夜檢測樣本。"
    records = [{"text": text, "heading": None, "title": None}]
    scorer = load_bundle(bundle_dir).scorer
    assert scorer.classes[int(scorer.score(records).proba[0].argmax())] == "medical"


@pytest.mark.parametrize("classifier", sorted(CLASSIFIERS))
def test_every_registered_classifier_trains(classifier: str, tmp_path: Path) -> None:
    from pipeline.stages import train

    config = corpus_config(tmp_path, model={"classifier": classifier, "name": classifier},
                           corpus={"written": [str(SOME_WRITTEN[0])]})
    training = load_training_set(config)
    bundle = load_bundle(train(config, training, with_metrics=False))
    assert bundle.meta["classifier"] == classifier
    records = _seed_records(config)
    proba = bundle.scorer.score(records).proba
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    # The scorer that classifies gives the saved Pipeline's probabilities.
    np.testing.assert_allclose(proba, bundle.pipeline.predict_proba(records), rtol=0, atol=1e-9)
    assert len(set(proba.argmax(axis=1))) >= 3  # not a constant classifier


def _copy(bundle_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(bundle_dir.resolve(), target)
    return target


@pytest.mark.parametrize("name", ["model.pkl", "scorer.pkl"])
def test_a_changed_model_file_is_refused_before_unpickling(trained, tmp_path: Path,
                                                           name: str) -> None:
    target = _copy(trained[1], tmp_path)
    data = bytearray((target / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (target / name).write_bytes(bytes(data))
    with pytest.raises(ModelError, match=f"{name}: does not match the hash"):
        _ = load_bundle(target).pipeline


def test_a_truncated_model_file_is_refused(trained, tmp_path: Path) -> None:
    target = _copy(trained[1], tmp_path)
    data = (target / "scorer.pkl").read_bytes()
    (target / "scorer.pkl").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelError, match="does not match the hash"):
        load_bundle(target)


def test_a_missing_or_truncated_model_pkl_stops_classify(trained, tmp_path: Path) -> None:
    # classify reads only scorer.pkl, but its output names model.pkl's hash: a bundle whose
    # model.pkl is gone or cut short is refused, not used.
    target = _copy(trained[1], tmp_path)
    data = (target / "model.pkl").read_bytes()
    (target / "model.pkl").write_bytes(data[:1000])
    with pytest.raises(ModelError, match=r"model\.pkl: 1000 bytes, model\.json says \d+ "
                                         r"\(truncated or changed\)"):
        load_bundle(target)
    (target / "model.pkl").unlink()
    with pytest.raises(ModelError, match=r"model\.pkl: missing from the bundle"):
        load_bundle(target)


def test_missing_damaged_and_foreign_bundles(trained, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="pipeline train"):
        load_bundle(tmp_path / "nothing")
    target = _copy(trained[1], tmp_path)
    meta = json.loads((target / "model.json").read_text("utf-8"))
    with pytest.raises(ModelError, match=r"made for themes"):
        load_bundle(target, themes=["a", "b"])
    meta["versions"]["scikit-learn"] = "0.24.2"
    (target / "model.json").write_text(json.dumps(meta), "utf-8")
    bundle = load_bundle(target)  # classifying needs no scikit-learn: the scorer still loads
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2"):
        _ = bundle.pipeline
    assert meta["format"] == 5  # the scorer's feature names as Names; earlier releases read 4
    (target / "model.json").write_text(json.dumps({**meta, "format": 4}), "utf-8")
    load_bundle(target)  # a bundle of the previous format still loads (its scorer is converted)
    (target / "model.json").write_text(json.dumps({**meta, "format": 1}), "utf-8")
    with pytest.raises(ModelError, match=r"format 1.*formats 4 and 5.*pipeline train"):
        load_bundle(target)
    # The scorer's hash is in model.json: an edited model.json must still agree with the scorer.
    (target / "model.json").write_text(json.dumps({**meta, "themes": meta["themes"][:3]}), "utf-8")
    with pytest.raises(ModelError, match="not those the model was trained on"):
        load_bundle(target)
    for themes in ("medical", ["medical"], ["medical", "medical"], ["medical", 3]):
        (target / "model.json").write_text(json.dumps({**meta, "themes": themes}), "utf-8")
        with pytest.raises(ModelError, match="damaged: 'themes' must be a list"):
            load_bundle(target)  # a string's letters are no themes
    (target / "model.json").write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="damaged"):
        load_bundle(target)
    (target / "model.json").unlink()
    with pytest.raises(ModelError, match=r"model\.json is missing"):
        load_bundle(target)


def test_the_same_paragraph_in_either_script_gets_the_same_label(trained) -> None:
    from conftest import HELDOUT

    from pipeline.evaluate import script_flip_agreement
    from pipeline.stages import labelled_documents

    config, bundle_dir = trained
    examples, _, _ = labelled_documents([SEED.parent, HELDOUT], [HELDOUT / "labels.jsonl",
                                        SEED.parent.parent / "labels"], config)
    assert len(examples) == 102 + 155
    agreement = script_flip_agreement(load_bundle(bundle_dir).pipeline,
                                      [e.record() for e in examples])
    assert set(agreement) == {"t2s", "s2t", "s2twp", "tw2sp"}
    assert min(agreement.values()) >= 0.99, agreement


def test_a_tie_goes_to_the_theme_listed_first(trained) -> None:
    from pipeline.reading import Document

    config, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    unknown = Document("d", "d.txt", "utf-8", "The committee met on Monday.")  # no known word
    (p,) = label_document(bundle, segment_document(unknown, config), config)["paragraphs"]
    assert len(set(p["scores"].values())) == 1 and p["evidence"] == [] and p["needs_review"]
    assert p["label"] == config.themes[0] == "leadership"  # not grassroots, first by the alphabet


def test_evidence_shows_folded_words_as_the_paragraph_writes_them(trained) -> None:
    from pipeline.label import _as_written
    from pipeline.reading import Document

    # The fold reads Taiwan 社群 and 網路 as mainland 社区 and 网络.
    tok = Tokenizer()
    terms = ["社区 居家", "actor:社区", "群控 网络"]
    assert _as_written(terms, "各社群居家隔离,群防群控网路", tok) == ["社群 居家", "actor:社区",
                                                                  "群控 网路"]
    assert _as_written(["社区"], "社区和社群", tok) == ["社区"]  # written both ways: as it is
    # 档案 is folded to 文件 and 文件 to 文档: each feature is shown as the token it came from.
    assert _as_written(["文件", "文档"], "医院档案和文件", tok) == ["档案", "文件"]
    # 全局 came from the heading: 全域性 is in the text, but not as a word of it (全 / 域性).
    assert _as_written(["全局"], "社区居民互联全域性由器", tok) == ["全局"]
    config, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    text = "集寧區各社群為居家隔離戶每天上門收取生活垃圾，社群網格員逐戶排查登記。"
    (p,) = label_document(bundle, segment_document(Document("d", "d.txt", "utf-8", text), config),
                          config)["paragraphs"]
    tokenizer = bundle.scorer.tokenizer
    tokens = tokenizer.cut_raw(tokenizer.normalizer(text))
    words = [w for term in p["evidence"] for w in term.split(" ")]
    assert "社群" in words
    # No word is shown in its folded form where the paragraph wrote it otherwise.
    fold = vocabulary_fold()
    assert not [w for w in words if w not in tokens and any(fold.get(t) == w for t in tokens)]


def test_lexicon_features_give_lexicon_evidence(tmp_path: Path) -> None:
    from pipeline.stages import train

    config = corpus_config(tmp_path, vectorize={"lexicon": {
        "path": str(SEED.parent.parent.parent / "configs" / "lexicon.yaml"), "weight": 1.0}},
        corpus={"written": [str(SOME_WRITTEN[0])]})  # the whole corpus is no more lexicon
    bundle = load_bundle(train(config, with_metrics=False))
    assert "lexicon" in dict(bundle.pipeline.named_steps["features"].transformer_list)
    doc = label_document(bundle, segment_document(read_document(SEED), config), config)
    evidence = [t for p in doc["paragraphs"] for t in p.get("evidence", [])]
    lexicon_terms = [t for t in evidence if t.startswith("lexicon:")]
    assert lexicon_terms
    assert all(t.removeprefix("lexicon:") for t in lexicon_terms)


def test_sentence_actors_give_actor_evidence(trained) -> None:
    _, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    assert "actors" in dict(bundle.pipeline.named_steps["features"].transformer_list)
    records = [{"text": "医院派出医护人员驰援武汉。医院开设发热门诊。"},
               {"text": "社区网格员逐户排查返乡人员。村干部在卡点值守。"}]
    fields = annotate(bundle.scorer, bundle.themes, bundle.scorer.score(records),
                      evidence_terms=10)
    assert [f["label"] for f in fields] == ["medical", "grassroots"]
    # An actor term is shown only for the label's theme and only if it leads a sentence.
    assert "actor:医院" in fields[0]["evidence"] and "actor:医护" not in fields[0]["evidence"]
    assert {t for t in fields[1]["evidence"] if t.startswith("actor:")} <= {"actor:社区",
                                                                            "actor:村干部"}


def test_written_paragraphs_never_train_a_fold_that_tests_their_model(tmp_path: Path) -> None:
    """Copies of the real paragraphs with the wrong theme, marked as modeled on their document,
    must not reach a fold that tests that document; unmarked, the same copies change the figures."""
    from pipeline.corpus import load_written
    from pipeline.evaluate import grouped_cv
    from pipeline.stages import _pipeline_for

    config = corpus_config(tmp_path)
    real = load_training_set(config, use_written=False).real
    wrong = {"leadership": "medical", "medical": "grassroots", "grassroots":
             "public_participation", "public_participation": "leadership"}
    lines = []
    for i, e in enumerate(real):
        for copy in range(3):
            line = {"id": f"w{i}-{copy}", "text": e.text, "theme": wrong[e.theme],
                    "report": f"copy{i}"}
            lines.append(line)
    modeled = [{**line, "modeled_on": e.id} for line, e in zip(lines, [e for e in real
                                                                  for _ in range(3)], strict=True)]
    for name, rows in (("plain", lines), ("modeled", modeled)):
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    plain = load_written([tmp_path / "plain.jsonl"], config.themes)
    marked = load_written([tmp_path / "modeled.jsonl"], config.themes)
    assert {e.document for e in marked} == {e.document for e in real}
    args = {"themes": config.themes, "seed": 0}
    alone = grouped_cv(_pipeline_for(config), real, (), **args)
    with_marked = grouped_cv(_pipeline_for(config), real, marked, **args)
    with_plain = grouped_cv(_pipeline_for(config), real, plain, **args)
    assert with_marked["macro_f1"] == alone["macro_f1"]
    assert with_marked["confusion"] == alone["confusion"]
    assert with_plain["macro_f1"] < alone["macro_f1"] - 0.2  # the leak the marking prevents


def test_a_modeled_on_that_is_not_a_paragraph_id_is_refused(tmp_path: Path) -> None:
    from pipeline.corpus import load_written
    from pipeline.errors import CorpusError

    path = tmp_path / "w.jsonl"
    path.write_text('{"text": "醫院救治患者。", "theme": "medical", "modeled_on": 7}\n', "utf-8")
    with pytest.raises(CorpusError, match=r"w.jsonl:1: 'modeled_on' must be a paragraph id"):
        load_written([path], ["medical", "grassroots"])


@pytest.mark.parametrize(("written", "found"), [
    (False, r"these come from 1; label paragraphs of another article"),
    (True, r"there are no hand-labelled paragraphs; label some"),
])
def test_cross_validation_of_fewer_than_two_articles_is_a_corpus_error(written: bool,
                                                                       found: str) -> None:
    # One article's labels, or none at all (written paragraphs alone): each case says which.
    from pipeline.corpus import Example
    from pipeline.errors import CorpusError
    from pipeline.evaluate import grouped_cv
    from pipeline.model import build_pipeline

    examples = [Example(f"d:{i}", text, None, None, theme, "d:1", written=written)
                for i, (text, theme) in enumerate([("市委召開會議。", "leadership"),
                                                   ("醫院救治患者。", "medical")])]
    real, extra = ([], examples) if written else (examples, [])
    with pytest.raises(CorpusError, match=r"^corpus\.labels: cross-validation needs labelled "
                                          r"paragraphs from at least two articles, and " + found
                                          + "$"):
        grouped_cv(build_pipeline(Config()), real, extra, themes=["leadership", "medical"])


def test_a_theme_too_small_to_calibrate_is_a_corpus_error() -> None:
    from pipeline.corpus import Example
    from pipeline.errors import CorpusError
    from pipeline.evaluate import fit_prepared, grouped_cv, prepare_examples
    from pipeline.model import build_pipeline

    config = Config.model_validate({"model": {"classifier": "linear_svm"}})
    texts = [("市委召開會議。", "leadership")] * 6 + [("醫院救治患者。", "medical")] * 2
    examples = [Example(f"d{i % 3}:{i}", text, None, None, theme, f"d{i % 3}:1", written=False)
                for i, (text, theme) in enumerate(texts)]
    pipeline = build_pipeline(config)
    with pytest.raises(CorpusError, match="theme 'medical' has 2 of the 8") as info:
        fit_prepared(pipeline, examples, prepare_examples(pipeline, examples))
    assert str(info.value).startswith("model.params.calibration_folds: ")
    with pytest.raises(CorpusError, match="theme 'medical' has 1 of the "):
        grouped_cv(build_pipeline(config), examples, folds=2, themes=["leadership", "medical"])


def test_fewer_articles_than_folds_says_so(caplog: pytest.LogCaptureFixture) -> None:
    from pipeline.corpus import Example
    from pipeline.evaluate import grouped_cv
    from pipeline.model import build_pipeline

    texts = [("市委召開會議，部署疫情防控工作。", "leadership"),
             ("醫院救治患者，醫護人員堅守崗位。", "medical")]
    real = [Example(f"d{a}:{i}", text, None, None, theme, f"d{a}", written=False)
            for a in range(3) for i, (text, theme) in enumerate(texts)]
    result = grouped_cv(build_pipeline(Config()), real, folds=5,
                        themes=["leadership", "medical"])
    assert result["folds"] == 3
    assert "evaluate.folds is 5 but the labelled paragraphs come from 3 articles" in caplog.text


def test_every_theme_smaller_than_the_folds_still_cross_validates(
        caplog: pytest.LogCaptureFixture) -> None:
    # A first review list labelled by hand: 4 articles, each theme 1 or 2 paragraphs. The folds
    # could not be stratified by theme, and train ended in scikit-learn's traceback (exit 3).
    from pipeline.corpus import Example
    from pipeline.evaluate import grouped_cv
    from pipeline.model import build_pipeline

    texts = {"leadership": "市委召開會議，部署疫情防控工作。",
             "medical": "醫院救治患者，醫護人員堅守崗位。",
             "grassroots": "村黨支部組織黨員入戶排查返鄉人員。"}
    labelled = [(0, "leadership"), (1, "medical"), (2, "grassroots"), (3, "medical"),
                (3, "grassroots")]
    real = [Example(f"d{a}:{i}", texts[theme], None, None, theme, f"d{a}", written=False)
            for i, (a, theme) in enumerate(labelled)]
    themes = ["leadership", "grassroots", "medical"]
    result = grouped_cv(build_pipeline(Config()), real, folds=5, themes=themes)
    assert result["folds"] == 4
    assert result == grouped_cv(build_pipeline(Config()), real, folds=5, themes=themes)
    assert "but themes grassroots and leadership and medical have only 2 and 1 and 2" in caplog.text


def test_a_small_theme_beside_fewer_articles_than_folds_names_the_folds_made(
        caplog: pytest.LogCaptureFixture) -> None:
    # With folds cut to the 4 articles, the second warning said 'evaluate.folds is 4' beside a
    # config that says 5, and the first warning that says 4 folds.
    from pipeline.corpus import Example
    from pipeline.evaluate import grouped_cv
    from pipeline.model import build_pipeline

    texts = [("市委召開會議，部署疫情防控工作。", "leadership"),
             ("醫院救治患者，醫護人員堅守崗位。", "medical")]
    real = [Example(f"d{a}:{i}", text, None, None, theme, f"d{a}", written=False)
            for a in range(4) for i, (text, theme) in enumerate(texts) if (a, i) != (3, 0)]
    result = grouped_cv(build_pipeline(Config()), real, folds=5,
                        themes=["leadership", "medical"])
    assert result["folds"] == 4
    assert caplog.messages == [
        "evaluate.folds is 5 but the labelled paragraphs come from 4 articles: 4 folds, one "
        "article each",
        "cross-validation makes 4 folds, one article each, but theme leadership has only 3 "
        "labelled paragraphs: some folds test none of them, and its figures rest on few; label "
        "more or set evaluate.folds below 4"]
