"""pipeline run: stages that know what they have done; status; logs and progress for people."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import HELDOUT, ROOT, SEED, SOME_WRITTEN, in_process

from pipeline import cache, parallel, stages
from pipeline.cache import NO_METRICS, REPLACED
from pipeline.config import Config, parse_config
from pipeline.errors import PipelineError
from pipeline.segment import Paragraph
from pipeline.stages import classify, run, status, train

PARAGRAPH = Paragraph.__dataclass_fields__


def make_config(tmp: Path, **model: object):
    return parse_config({
        "corpus": {"documents": [str(tmp / "docs")], "labels": [str(ROOT / "corpus/labels")],
                   "written": [str(tmp / "written")]},
        "tokenize": {"user_dict": str(ROOT / "configs/userdict.txt"),
                     "stop_words": str(ROOT / "configs/stopwords.txt")},
        "model": {"dir": str(tmp / "models"), "classifier": "complement_nb", **model},
        "evaluate": {"folds": 2},
        "output": {"path": str(tmp / "out" / "labelled.json")},
    })


def _new_workspace(tmp: Path) -> Path:
    """The seed as the corpus's one document and one batch of written paragraphs, under
    ``tmp``: these tests check what run redoes and records, which no more written paragraphs
    change, and each of their trainings cross-validates."""
    (tmp / "docs").mkdir()
    shutil.copy(SEED, tmp / "docs")
    (tmp / "written").mkdir()
    shutil.copy(SOME_WRITTEN[0], tmp / "written")
    return tmp


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _new_workspace(tmp_path_factory.mktemp("run"))


def test_run_redoes_only_what_changed(workspace: Path) -> None:
    config = make_config(workspace)
    first = run(config)
    assert first.steps == ["segment: 1 of 1 documents segmented",
                           "train: trained (never run for model default)",
                           "classify: 1 of 1 documents labelled"]
    labelled = json.loads(config.output.path.read_text("utf-8"))
    assert len(labelled["documents"]) == 1
    state = json.loads((workspace / "out" / "run-state.json").read_text("utf-8"))
    assert set(state["outputs"]["labelled.json"]) == {"segment", "classify"}
    assert set(state["models"]) == {str(config.bundle_dir)}

    again = run(config)
    assert again.steps == ["segment: up to date", "train: up to date", "classify: up to date"]
    assert all(ok for _, ok, _ in status(config))

    # A new classifier setting: retrain and relabel, but do not segment again.
    changed = make_config(workspace, params={"alpha": 1.0})
    assert ("train", False, "config model changed") in status(changed)
    third = run(changed)
    assert third.steps == ["segment: up to date", "train: trained (config model changed)",
                           "classify: 1 of 1 documents labelled"]

    # One more (unlabelled) document: segment and label only that one; the model stays.
    shutil.copy(HELDOUT / "hd01_yichun_jingyan_cailiao.txt", workspace / "docs")
    assert status(changed)[0] == ("segment", False, "1 of 2 documents to segment: 1 new")
    fourth = run(changed)
    assert fourth.steps == ["segment: 1 of 2 documents segmented", "train: up to date",
                            "classify: 1 of 2 documents labelled, 1 from the cache"]
    assert len(json.loads(config.output.path.read_text("utf-8"))["documents"]) == 2

    forced = run(changed, force={"train"})
    assert forced.steps[1] == "train: trained (forced)"


def test_a_replaced_model_is_noticed(workspace: Path) -> None:
    config = make_config(workspace, name="other")
    run(config)
    shutil.rmtree(config.bundle_dir.resolve())
    config.bundle_dir.unlink()
    assert ("train", False, REPLACED) in status(config)
    assert run(config).steps[1] == f"train: trained ({REPLACED})"
    with (config.bundle_dir / "scorer.pkl").open("ab") as fh:  # damaged: classify would refuse it
        fh.write(b"x")
    assert ("train", False, REPLACED) in status(config)
    assert run(config).steps[1] == f"train: trained ({REPLACED})"
    assert run(config).steps == UP_TO_DATE
    train(config, with_metrics=False)  # the same model, but without the figures run records
    assert ("train", False, NO_METRICS) in status(config)  # not 'missing, damaged or replaced'
    assert run(config).steps[1] == f"train: trained ({NO_METRICS})"
    assert "metrics" in json.loads((config.bundle_dir / "model.json").read_text("utf-8"))
    # pipeline train with figures, on the very corpus, config and code run would train on: run
    # takes its model as its own instead of training again (the same model.pkl: its output,
    # labelled by the same model, is up to date).
    train(config)
    assert ("train", True, "") in status(config)
    assert run(config).steps == UP_TO_DATE


def test_status_before_any_run_says_why_the_trained_model_is_not_taken(workspace: Path) -> None:
    # A project's first steps are pipeline train, then status: it said 'never run for model
    # own' whatever train had made, where a run's record would have said why.
    config = make_config(workspace, name="own")
    train(config, with_metrics=False)
    assert ("train", False, NO_METRICS) in status(config)
    train(config)
    assert ("train", True, "") in status(config)
    changed = make_config(workspace, name="own", params={"alpha": 1.0})
    assert ("train", False, "config model changed") in status(changed)


def test_a_model_trained_again_to_the_same_bytes_leaves_the_output_up_to_date(
        ran: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pipeline train, or run --force train, on the same corpus, config and code: model.pkl comes
    # out byte-identical, only model.json's trained_at differs. Its labels are the same, so the
    # output is not stale: status said "classify: to do (the model changed)", and run rewrote
    # the output for the date alone.
    config = make_config(ran)
    output = config.output.path.read_bytes()

    def meta() -> dict:
        return json.loads((config.bundle_dir / "model.json").read_text("utf-8"))

    before = meta()
    _wait_for_the_second_after(before["trained_at"])  # trained_at is to the second
    train(config)
    after = meta()
    assert after["trained_at"] != before["trained_at"]
    assert after["files"]["model.pkl"] == before["files"]["model.pkl"]
    assert status(config) == [("segment", True, ""), ("train", True, ""), ("classify", True, "")]
    with monkeypatch.context() as patched:  # up to date, run labels nothing
        patched.setattr(parallel, "label_batch", _no_work)
        assert run(config).steps == UP_TO_DATE
        _wait_for_the_second_after(after["trained_at"])
        assert run(config, force={"train"}).steps == [
            "segment: up to date", "train: trained (forced)", "classify: up to date"]
    assert meta()["trained_at"] != after["trained_at"]
    assert all(ok for _, ok, _ in status(config))
    assert config.output.path.read_bytes() == output  # the date of the model that labelled it


def _wait_for_the_second_after(stamp: str) -> None:
    """Sleep until the clock is past the second of ``stamp`` (a model.json ``trained_at``), so
    that a model trained from now on gets another: no longer than that."""
    while datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") <= stamp:
        time.sleep(0.05)


# The start of a PNG file: what a scan saved as .txt by mistake looks like.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"
UP_TO_DATE = ["segment: up to date", "train: up to date", "classify: up to date"]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace already run once (the model trained); each test leaves it as it found it."""
    tmp = _new_workspace(tmp_path_factory.mktemp("ran"))
    run(make_config(tmp))
    return tmp


def _with(config: Config, section: str, **values: object) -> Config:
    """``config`` with some keys of one section changed."""
    data = config.model_dump(mode="json")
    data[section] = {**data[section], **values}
    return parse_config(data)


def _sources(config: Config) -> tuple[list[str], list[str]]:
    """The documents and the skipped files the output lists."""
    out = json.loads(config.output.path.read_text("utf-8"))
    return [d["source"] for d in out["documents"]], [e["source"] for e in out["errors"]]


def _predicts(config: Config, *rows: tuple[str, bool, str]) -> None:
    """``status`` says ``rows``; ``run`` then redoes just the stages status said were to do, and
    afterwards both say everything is up to date."""
    assert status(config) == list(rows)
    steps = run(config).steps
    assert [step.endswith(": up to date") for step in steps] == [ok for _, ok, _ in rows], steps
    assert run(config).steps == UP_TO_DATE
    assert all(ok for _, ok, _ in status(config))


def test_run_labels_on_several_processes_as_classify_does(ran: Path, tmp_path: Path) -> None:
    docs = ran / "docs"
    extra = [docs / p.name for p in sorted(HELDOUT.glob("*.txt"))[:3]]
    for path in extra:
        shutil.copy(HELDOUT / path.name, path)
    try:
        one, two = (_with(make_config(ran), "classify", jobs=jobs) for jobs in (1, 2))
        assert run(one).steps[-1] == "classify: 3 of 4 documents labelled, 1 from the cache"
        first = json.loads(one.output.path.read_text("utf-8"))
        assert run(two, force={"classify"}).steps[-1] == "classify: 4 of 4 documents labelled"
        second = json.loads(two.output.path.read_text("utf-8"))
        classify([docs], one.bundle_dir, tmp_path / "classified.json", one, jobs=1)
        third = json.loads((tmp_path / "classified.json").read_text("utf-8"))
        assert len(first["documents"]) == 4
        assert first["documents"] == second["documents"] == third["documents"]
    finally:
        for path in extra:
            path.unlink()
    _predicts(make_config(ran), ("segment", True, ""), ("train", True, ""),
              ("classify", False, "3 documents removed"))


def test_run_with_the_dask_backend_configured_says_that_it_labels_locally(
        ran: Path, caplog: pytest.LogCaptureFixture) -> None:
    """``classify.backend: dask`` is for classify: run labels on local processes, as the README
    says, and a warning now says so when it labels (it said nothing, and the cluster sat idle);
    its output is the local one."""
    config = make_config(ran)
    local = json.loads(config.output.path.read_text("utf-8"))["documents"]
    clustered = _with(config, "classify", backend="dask", scheduler="tcp://127.0.0.1:9")
    with caplog.at_level("WARNING", logger="pipeline"):
        assert run(clustered, force={"classify"}).steps[-1] == "classify: 1 of 1 documents labelled"
    assert [r.getMessage() for r in caplog.records] == [
        "classify.backend is dask, but 'pipeline run' labels locally, on classify.jobs "
        "processes; 'pipeline classify --backend dask' labels on the cluster"]
    assert json.loads(config.output.path.read_text("utf-8"))["documents"] == local
    caplog.clear()
    with caplog.at_level("WARNING", logger="pipeline"):  # nothing labelled: nothing to say
        assert run(clustered).steps == UP_TO_DATE
    assert not caplog.records
    assert run(config).steps == UP_TO_DATE


def test_run_labels_a_long_document_in_parts_as_classify_does(
        ran: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A document longer than a part is segmented, cached and labelled part by part (not held
    # whole as output), and run's output and caches are those of the whole document.
    from pipeline.cache import LABELLED, SEGMENTS
    from pipeline.output import LabelledWriter

    long = ran / "docs" / "long.txt"  # the held-out documents in one file
    long.write_text("\n".join(p.read_text("utf-8") for p in sorted(HELDOUT.glob("*.txt"))),
                    encoding="utf-8")
    for module in (stages, parallel):
        monkeypatch.setattr(module, "SCORE_BATCH", 20)
    sizes: list[int] = []
    write = LabelledWriter.write
    monkeypatch.setattr(LabelledWriter, "write", lambda self, item: sizes.append(
        (done := write(self, item)).paragraphs) or done)
    try:
        for fmt in ("json", "jsonl"):
            config = _with(make_config(ran), "output", format=fmt,
                           path=str(ran / "out" / f"long.{fmt}"))
            sizes.clear()
            steps = run(config, force={"classify"}).steps
            assert steps[-1] == "classify: 2 of 2 documents labelled"
            assert len(sizes) > 4 and max(sizes) <= 2 * 20  # parts end where no section goes on
            classify([ran / "docs"], config.bundle_dir, tmp_path / f"c.{fmt}", config, fmt=fmt)
            ran_out, classified = (path.read_text("utf-8").splitlines() for path in (
                config.output.path, tmp_path / f"c.{fmt}"))
            if fmt == "json":
                ran_out, classified = (json.loads("".join(x))["documents"]
                                       for x in (ran_out, classified))
            assert ran_out == classified
            state = json.loads((ran / "out" / "run-state.json").read_text("utf-8"))
            record = state["outputs"][f"long.{fmt}"]
            keys = record["segment"]["documents"], record["classify"]["documents"]
            entries = [parallel.Cache(ran / "out" / ".cache").load(kind, k[str(long)])
                       for kind, k in zip((SEGMENTS, LABELLED), keys, strict=True)]
            whole = stages.segment_file(long, config).to_dict()
            assert entries[0] == whole and len(whole["paragraphs"]) > 3 * 20
            assert entries[1] == stages.label_document(
                stages.load_bundle(config.bundle_dir), stages.segment_file(long, config), config)
            assert run(config).steps == UP_TO_DATE
        # The long document alone to label (the last item its generator gives): its cache entry
        # is in place once run is done, so the next run has nothing to do.
        with long.open("a", encoding="utf-8") as fh:
            fh.write("醫院收治患者。\n")
        assert run(config).steps[-1] == "classify: 1 of 2 documents labelled, 1 from the cache"
        assert all(ok for _, ok, _ in status(config)) and run(config).steps == UP_TO_DATE
    finally:
        long.unlink()
        for fmt in ("json", "jsonl"):
            (ran / "out" / f"long.{fmt}").unlink(missing_ok=True)


def test_two_configs_writing_into_one_folder_keep_their_own_records(ran: Path) -> None:
    """Each output has its own record in run-state.json; the cache is shared, and a run of one
    prunes nothing the other's record uses."""
    config = make_config(ran)
    other = _with(make_config(ran, name="second", params={"alpha": 1.0}), "output",
                  path=str(ran / "out" / "second.json"))
    assert run(other).steps == ["segment: up to date",
                                "train: trained (never run for model second)",
                                "classify: 1 of 1 documents labelled"]
    for _ in range(2):
        for each in (config, other):
            assert all(ok for _, ok, _ in status(each))
            assert run(each).steps == UP_TO_DATE
    records = json.loads((ran / "out" / "run-state.json").read_text("utf-8"))["outputs"]
    assert set(records) >= {"labelled.json", "second.json"}
    labelled = ran / "out" / ".cache" / "labelled"
    assert len(list(labelled.glob("*.json"))) == 2
    state_file = ran / "out" / "run-state.json"
    saved = state_file.read_text("utf-8")
    state_file.write_text('{"outputs": {"labelled.json": {"segment": 5, "classify": "x"}}, '
                          f'"models": {{"{config.bundle_dir}": {{"parts": 7}}}}}}', "utf-8")
    rows = status(config)  # records of the wrong shape count as missing: no traceback
    state_file.write_text(saved, "utf-8")
    assert rows[0] == ("segment", True, "")  # the cache is still there
    assert rows[1] == ("train", True, "")  # the bundle says what it was trained on
    assert rows[2][:2] == ("classify", False)
    # Another output of the same model: nothing to train or label, only the output to write.
    renamed = _with(config, "output", path=str(ran / "out" / "renamed.jsonl"), format="jsonl")
    assert run(renamed).steps == ["segment: up to date", "train: up to date",
                                  "classify: 0 of 1 documents labelled, 1 from the cache"]
    assert run(config).steps == UP_TO_DATE
    for name in ("second.json", "renamed.jsonl"):
        (ran / "out" / name).unlink()  # a deleted output keeps nothing in the cache
    assert run(config).steps == UP_TO_DATE
    assert len(list(labelled.glob("*.json"))) == 1


def test_run_removes_what_killed_runs_left_even_when_up_to_date(ran: Path) -> None:
    out = ran / "out"
    stale = [out / ".labelled.json.abcd1234.tmp", out / ".run-state.json.abcd1234.tmp",
             out / ".cache" / "segments" / ".0123abcd.json.abcd1234.tmp"]
    young = out / ".labelled.json.young123.tmp"
    for path in [*stale, young]:
        path.write_text("partial", "utf-8")
    for path in stale:
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    assert run(make_config(ran)).steps == UP_TO_DATE
    assert [p.exists() for p in [*stale, young]] == [False, False, False, True]
    young.unlink()


def test_a_file_cut_short_is_recorded_with_the_bytes_left_out(tmp_path: Path) -> None:
    # The output said 'encoding: utf-8' for a file that utf-8 does not decode (its last
    # character cut in the middle): it now says how many of its last bytes were left out, and
    # the cache entries that hold it are taken as whole (the next run is up to date).
    from pipeline.output import validator

    config = make_config(_new_workspace(tmp_path))
    data = SEED.read_bytes()[:3000].decode("utf-8", "ignore").encode() + "疫".encode()[:2]
    (tmp_path / "docs" / "cut.txt").write_bytes(data)
    run(config)
    out = json.loads(config.output.path.read_text("utf-8"))
    validator(strict=True).validate(out)
    doc = next(d for d in out["documents"] if d["id"] == "cut")
    assert (doc["encoding"], doc["bytes_left_out"]) == ("utf-8", 2)
    text = data[: -doc["bytes_left_out"]].decode(doc["encoding"])
    assert all(text[p["start"]:p["end"]] == p["text"] for p in doc["paragraphs"])
    assert all("bytes_left_out" not in d for d in out["documents"] if d["id"] != "cut")
    assert run(config).steps == UP_TO_DATE
    jsonl = _with(config, "output", format="jsonl", path=str(tmp_path / "out" / "cut.jsonl"))
    run(jsonl)
    lines = [json.loads(line) for line in jsonl.output.path.read_text("utf-8").splitlines()]
    for line in lines:
        validator("line", strict=True).validate(line)
    assert {line.get("bytes_left_out") for line in lines if line["document"] == "cut"} == {2}
    from pipeline.output import read_labelled  # what review and report read back

    for path in (config.output.path, jsonl.output.path):
        again = {d["id"]: d for d in read_labelled(path)["documents"]}
        assert again.pop("cut")["bytes_left_out"] == 2
        assert again and all("bytes_left_out" not in d for d in again.values())


def test_status_and_run_agree_on_an_unreadable_document(
        ran: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config(ran)
    scan = ran / "docs" / "scan.txt"
    scan.write_bytes(PNG)
    why = "not a text file: it is a PNG image"
    try:
        # Not read yet: status cannot know it will not read, so it is to do, as for any new file.
        assert status(config) == [("segment", False, "1 of 2 documents to segment: 1 new"),
                                  ("train", True, ""),
                                  ("classify", False, "1 of 2 documents to label")]
        first = run(config)
        assert first.steps == ["segment: 0 of 2 documents segmented, 1 skipped",
                               "train: up to date",
                               "classify: 0 of 1 documents labelled, 1 from the cache"]
        assert [s.to_dict() for s in first.skipped] == [{"source": str(scan), "error": why}]
        assert _sources(config) == ([str(ran / "docs" / SEED.name)], [str(scan)])
        # Up to date, with the skipped file named; and run agrees: it reads and labels nothing,
        # yet still reports the file it skips.
        assert status(config) == [("segment", True, f"1 file skipped: scan.txt: {why}"),
                                  ("train", True, ""), ("classify", True, "")]
        monkeypatch.setattr(stages, "segment_file", _no_work)
        monkeypatch.setattr(parallel, "label_batch", _no_work)
        again = run(config)
        assert again.steps == UP_TO_DATE
        assert again.skipped == first.skipped
    finally:
        scan.unlink()
        monkeypatch.undo()
    # Once it is gone, the output must lose its error: status says so before run does it.
    _predicts(config, ("segment", True, ""), ("train", True, ""),
              ("classify", False, "the skipped files changed"))
    assert _sources(config) == ([str(ran / "docs" / SEED.name)], [])


def _no_work(*args: object, **kwargs: object) -> None:
    raise AssertionError("run did work that status said was done")


def test_a_file_changed_while_run_reads_it_is_remembered_as_read(
        ran: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config(ran)
    doc = ran / "docs" / "zz.txt"
    before, after = "社區網格員入戶排查。", "醫院發熱門診開放，醫生堅守崗位，日夜救治患者。"
    doc.write_text(before, "utf-8")
    read_bytes = Path.read_bytes

    def edited_just_after_planning(path: Path) -> bytes:
        if path == doc:
            path.write_text(after, "utf-8")
        return read_bytes(path)

    def texts() -> list[str]:
        out = json.loads(config.output.path.read_text("utf-8"))
        return [p["text"] for d in out["documents"] if d["id"] == "zz" for p in d["paragraphs"]]

    try:
        with monkeypatch.context() as patch:
            patch.setattr(Path, "read_bytes", edited_just_after_planning)
            run(config)
        assert texts() == [after]
        doc.write_text(before, "utf-8")  # the edit undone: the bytes of the plan again
        _predicts(config, ("segment", False, "1 of 2 documents to segment: 1 changed"),
                  ("train", True, ""), ("classify", False, "1 of 2 documents to label"))
        assert texts() == [before]
    finally:
        doc.unlink()
    _predicts(config, ("segment", True, ""), ("train", True, ""),
              ("classify", False, "1 document removed"))


def test_a_file_gone_while_run_reads_it_is_read_again_next_time(
        ran: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config(ran)
    doc = ran / "docs" / "zz.txt"
    doc.write_text("社區網格員入戶排查。", "utf-8")
    read_bytes = Path.read_bytes

    def moved_away_for_a_moment(path: Path) -> bytes:  # as an editor that saves by renaming
        if path == doc:
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return read_bytes(path)

    try:
        with monkeypatch.context() as patch:
            patch.setattr(Path, "read_bytes", moved_away_for_a_moment)
            assert [s.to_dict() for s in run(config).skipped] == [
                {"source": str(doc), "error": "no such file"}]
        assert run(config).skipped == []
        assert _sources(config) == ([str(ran / "docs" / SEED.name), str(doc)], [])
    finally:
        doc.unlink()
    _predicts(config, ("segment", True, ""), ("train", True, ""),
              ("classify", False, "1 document removed"))


def test_a_device_in_the_corpus_is_named_by_status_and_run_alike(ran: Path) -> None:
    config = _with(make_config(ran), "corpus", documents=[str(ran / "docs"), "/dev/null"])
    try:
        assert [s.to_dict() for s in run(config).skipped] == [
            {"source": "/dev/null", "error": "a device, not a file"}]
        assert status(config) == [("segment", True, "1 file skipped: null: a device, not a file"),
                                  ("train", True, ""), ("classify", True, "")]
        assert run(config).steps == UP_TO_DATE
    finally:
        run(make_config(ran))  # the output without the device again


def test_labels_of_documents_not_in_the_corpus_are_named_when_training_does_not_run(
        ran: Path, tmp_path: Path) -> None:
    # A review list of documents classified elsewhere, filed among the labels before the
    # documents are added to the corpus (or under the id classify gave a same-named file):
    # training, which would warn of them, does not run, so status and run name them.
    filed = tmp_path / "zz-review.jsonl"
    filed.write_text(
        json.dumps({"document": f"2020/{SEED.stem}", "sha1": "0123456789ab", "theme": "medical"})
        + "\n" + json.dumps({"document": "elsewhere", "index": 3, "theme": "grassroots"}) + "\n",
        "utf-8")
    config = _with(make_config(ran), "corpus",
                   labels=[str(ROOT / "corpus/labels"), str(filed)])
    note = (f"labels of 2 documents not in corpus.documents are not used: '2020/{SEED.stem}' "
            f"({filed}:1; a document's id is its file name, without folders or .txt: "
            f"'{SEED.stem}'), 'elsewhere' ({filed}:2)")
    assert status(config) == [("segment", True, ""), ("train", True, note),
                              ("classify", True, "")]
    assert run(config).steps == ["segment: up to date", f"train: up to date ({note})",
                                 "classify: up to date"]


def test_status_notices_a_deleted_document(ran: Path) -> None:
    config = make_config(ran)
    extra = ran / "docs" / "hd01_yichun_jingyan_cailiao.txt"
    shutil.copy(HELDOUT / extra.name, extra)
    _predicts(config, ("segment", False, "1 of 2 documents to segment: 1 new"),
              ("train", True, ""), ("classify", False, "1 of 2 documents to label"))
    assert len(_sources(config)[0]) == 2
    extra.unlink()
    _predicts(config, ("segment", True, ""), ("train", True, ""),
              ("classify", False, "1 document removed"))
    assert _sources(config) == ([str(ran / "docs" / SEED.name)], [])


def test_status_predicts_run_when_outputs_caches_or_settings_change(ran: Path) -> None:
    config = make_config(ran)
    out = config.output.path
    cache = ran / "out" / ".cache"
    fresh = [("segment", True, ""), ("train", True, "")]
    out.unlink()
    _predicts(config, *fresh, ("classify", False, "the output is missing"))
    out.write_text(out.read_text("utf-8").replace("leadership", "medical"), "utf-8")
    _predicts(config, *fresh, ("classify", False, "the output was changed"))
    labelled = next((cache / "labelled").glob("*.json")).read_text("utf-8")
    for damage in ("{", '{"id": "x"}',  # not JSON, or not a labelled document
                   labelled.replace('"text":', '"texts":', 1),  # a paragraph without its text
                   labelled.replace('"needs_review":', '"review":', 1)):  # or a label field
        for f in (cache / "labelled").glob("*.json"):
            f.write_text(damage, "utf-8")  # run cannot use it, so status must not either
        _predicts(config, *fresh, ("classify", False, "1 of 1 documents to label"))
    gone = ("segment", False,
            "1 of 1 documents to segment: 1 whose cached paragraphs are missing or damaged")
    for f in (cache / "segments").glob("*.json"):
        f.write_text(f.read_text("utf-8").replace('"start":', '"begin":', 1), "utf-8")
    _predicts(config, gone, ("train", True, ""), ("classify", True, ""))
    for f in (cache / "segments").glob("*.json"):
        f.unlink()  # segmented again, but the labelled document is still good
    _predicts(config, gone, ("train", True, ""), ("classify", True, ""))
    jsonl = _with(config, "output", format="jsonl")
    _predicts(jsonl, *fresh, ("classify", False, "the output format changed"))
    _predicts(config, *fresh, ("classify", False, "the output format changed"))
    strict = _with(config, "label", review_below=0.9)
    relabel = ("classify", False, "config label changed: 1 of 1 documents to label")
    _predicts(strict, *fresh, relabel)
    _predicts(config, *fresh, relabel)


def _damaged(entry: dict) -> list[dict]:
    """Copies of a cached labelled document, each damaged in one way a hand or a disk might."""
    body = next(i for i, p in enumerate(entry["paragraphs"]) if p["kind"] == "body")
    other = next(i for i, p in enumerate(entry["paragraphs"]) if p["kind"] != "body")

    def change(i: int, drop: tuple[str, ...] = (), **values: object) -> dict:
        paragraphs = [dict(p) for p in entry["paragraphs"]]
        for name in drop:
            del paragraphs[i][name]
        paragraphs[i].update(values)
        return {**entry, "paragraphs": paragraphs}

    return [
        {**entry, "id": None}, {**entry, "source": 5}, {**entry, "note": 1},
        {**entry, "paragraphs": {}}, change(body, drop=("heading",)),
        change(other, drop=("article",)), change(body, note=1), change(body, index=10**30),
        change(body, index=True), change(body, start=-1), change(body, kind="banana"),
        change(body, text=7), change(body, confidence=float("nan")), change(body, confidence=5),
        change(body, confidence=True), change(body, scores=[]),
        change(body, scores={"medical": "x"}), change(body, evidence=[1, None]),
        change(body, needs_review=0), change(other, label="medical"),
        change(other, evidence=["x"]), change(body, end=0), change(body, text=""),
        change(body, start=50, end=10), change(body, text="\ud800"), change(body, label=""),
        change(body, scores={"medical": 0.5}),
    ]


def test_every_damaged_cache_entry_counts_as_missing(ran: Path) -> None:
    folder = ran / "out" / ".cache"
    store = cache.Cache(folder)
    key = next((folder / "labelled").glob("*.json")).stem
    entry = store.load(cache.LABELLED, key)
    assert entry is not None and entry["paragraphs"]
    saved = store.path(cache.LABELLED, key).read_text("utf-8")
    try:
        for n, damaged in enumerate(_damaged(entry)):
            store.path(cache.LABELLED, key).write_text(json.dumps(damaged), "utf-8")
            assert store.load(cache.LABELLED, key) is None, n
        store.path(cache.LABELLED, key).write_text("[" * 100_000 + "]" * 100_000, "utf-8")
        assert store.load(cache.LABELLED, key) is None  # nested too deep for the parser
        segments = {**entry, "paragraphs": [{k: v for k, v in p.items() if k in PARAGRAPH}
                                            for p in entry["paragraphs"]]}
        assert cache._whole(cache.SEGMENTS, segments)
        assert not cache._whole(cache.SEGMENTS, entry)  # label fields in a segmented document
        assert not cache._whole(cache.SKIPPED, {"source": "x.txt", "error": None})
    finally:
        store.path(cache.LABELLED, key).write_text(saved, "utf-8")
    assert store.load(cache.LABELLED, key) == entry


def test_a_cached_document_is_checked_and_read_a_paragraph_at_a_time(ran: Path) -> None:
    # An entry is written a paragraph a line, so a long document's is checked (status) and
    # copied into the output (run) in parts; what is damaged anywhere in it is not used at all.
    from pipeline.output import render

    folder = ran / "out" / ".cache"
    store = cache.Cache(folder)
    key = next((folder / "labelled").glob("*.json")).stem
    path = store.path(cache.LABELLED, key)
    entry = store.load(cache.LABELLED, key)
    assert entry is not None and len(entry["paragraphs"]) > 7
    saved = path.read_bytes()
    lines = saved.splitlines(keepends=True)
    assert len(lines) == len(entry["paragraphs"]) + 2  # the head, a line each, the end
    assert json.loads(saved) == {**entry, "count": len(lines) - 2}
    assert store.has(cache.LABELLED, key)
    parts = store.parts(cache.LABELLED, key, 3)
    assert parts is not None
    parts = list(parts)
    assert [len(p.paragraphs) for p in parts[:-1]] == [3] * (len(parts) - 1)
    assert [(p.first, p.last) for p in (parts[0], parts[-1])] == [(True, False), (False, True)]
    assert b"".join(render(p, "json", None).data for p in parts) == render(entry, "json",
                                                                             None).data
    assert b"".join(map(cache.entry_bytes, parts)) == saved
    body = lines[2].replace(b'"kind":', b'"kinds":', 1)
    for damaged in (lines[:-1],  # cut short
                    [*lines, b"{}\n"],  # something after the end
                    [lines[0], lines[1], lines[2][1:], *lines[3:]],  # a comma lost
                    [lines[0], lines[1], body, *lines[3:]],  # a paragraph damaged
                    [lines[0].replace(b'"id":', b'"ids":'), *lines[1:]],  # the head damaged
                    [lines[0], lines[1], b',{"text": NaN}\n', *lines[3:]],  # not JSON
                    [*lines[:3], *lines[4:]],  # a paragraph lost
                    [*lines[:4], lines[3], *lines[4:]],  # or doubled
                    [lines[0], lines[1], lines[3], lines[2], *lines[4:]],  # or moved
                    [*lines[:-2], lines[-1]],  # the last one lost
                    [*lines[:-1], lines[-1].replace(b":", b":1", 1)]):  # the count wrong
        path.write_bytes(b"".join(damaged))
        assert not store.has(cache.LABELLED, key)
        assert store.load(cache.LABELLED, key) is None
        assert store.parts(cache.LABELLED, key, 3) is None
    path.write_bytes(json.dumps(entry, ensure_ascii=False).encode())  # an older release's
    assert store.load(cache.LABELLED, key) == entry and store.has(cache.LABELLED, key)
    path.write_bytes(saved)
    assert store.load(cache.LABELLED, key) == entry
    # Written over in place while run copies it (an entry is only ever replaced): one line.
    parts = store.parts(cache.LABELLED, key, 3)
    assert parts is not None and next(parts).first
    with path.open("r+b") as fh:
        fh.truncate(len(b"".join(lines[:6])) + 5)
    with pytest.raises(PipelineError, match="changed while it was copied into the output"):
        list(parts)
    path.write_bytes(saved)


def test_a_document_whose_entry_went_bad_after_planning_is_labelled_and_counted(
        ran: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config(ran)
    config.output.path.unlink()  # only the output to write again, from the cache
    planned = cache.plan_classify

    def plan_then_damage(*args: object, **kwargs: object) -> cache.ClassifyPlan:
        plan = planned(*args, **kwargs)
        for entry in (ran / "out" / ".cache" / "labelled").glob("*.json"):
            entry.write_text("{", "utf-8")
        return plan

    monkeypatch.setattr(cache, "plan_classify", plan_then_damage)
    assert run(config).steps[-1] == "classify: 1 of 1 documents labelled"
    monkeypatch.undo()
    assert run(config).steps == UP_TO_DATE


def test_new_code_segments_and_trains_again(ran: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config(ran)
    monkeypatch.setattr(cache, "_segmenting_code", lambda: "a segmenter of another release")
    new_segmenter = ("segment", False, "1 of 1 documents to segment: code changed")
    _predicts(config, new_segmenter, ("train", True, ""),
              ("classify", False, "1 of 1 documents to label"))
    monkeypatch.setattr(cache, "_package_code", lambda: "a model of another release")
    relabel = ("classify", False,
               "1 of 1 documents to label; labelled again if training changes the model")
    _predicts(config, ("segment", True, ""), ("train", False, "code changed"), relabel)
    monkeypatch.undo()
    _predicts(config, new_segmenter, ("train", False, "code changed"), relabel)


def test_status_says_which_setting_makes_run_segment_or_train_again(ran: Path) -> None:
    config = make_config(ran)
    # Training again for other figures makes the same model.pkl, and the output stays as it is:
    # status cannot know that before training, and says what it depends on.
    other_figures = _with(config, "evaluate", folds=3)
    assert status(other_figures) == [
        ("segment", True, ""), ("train", False, "config evaluate changed"),
        ("classify", False, "up to date with the current model; labelled again if training "
                            "changes the model")]
    assert run(other_figures).steps == [
        "segment: up to date", "train: trained (config evaluate changed)", "classify: up to date"]
    _predicts(_with(other_figures, "segment", max_heading_chars=30),
              ("segment", False, "1 of 1 documents to segment: config segment changed"),
              ("train", False, "config segment changed"), ("classify", False, (
                  "1 of 1 documents to label; labelled again if training changes the model")))
    run(config)  # as the other tests find it
    assert run(config).steps == UP_TO_DATE


def test_joining_wrapped_lines_or_not_segments_again(ran: Path) -> None:
    # segment.join_wrapped changes the paragraphs of a wrapped text: turned on or off, every
    # document is segmented again (the cached paragraphs are keyed by the segment section), and
    # what depends on them after it.
    config = make_config(ran)
    again = ("segment", False, "1 of 1 documents to segment: config segment changed")
    after = [("train", False, "config segment changed"), ("classify", False, (
        "1 of 1 documents to label; labelled again if training changes the model"))]
    _predicts(_with(config, "segment", join_wrapped=True), again, *after)
    _predicts(config, again, *after)


def test_the_training_data_key_covers_only_the_files_the_corpus_reads(tmp_path: Path) -> None:
    # Notes beside the labels, the written paragraphs or the held-out documents, and a hidden
    # copy of a label file, are not training data: they must not make the model out of date.
    for folder in ("labels", "written", "heldout"):
        (tmp_path / folder).mkdir()
    shutil.copy(ROOT / "corpus/labels/seed.jsonl", tmp_path / "labels")
    shutil.copy(SOME_WRITTEN[0], tmp_path / "written")
    shutil.copy(HELDOUT / "hd01_yichun_jingyan_cailiao.txt", tmp_path / "heldout")
    shutil.copy(HELDOUT / "labels.jsonl", tmp_path / "heldout")
    config = parse_config({"corpus": {
        "documents": [str(SEED.parent)], "labels": [str(tmp_path / "labels")],
        "written": [str(tmp_path / "written")], "heldout_documents": [str(tmp_path / "heldout")],
        "heldout_labels": [str(tmp_path / "heldout" / "labels.jsonl")]}})
    key = cache.train_parts(config)["training data"]
    for folder in ("labels", "written", "heldout"):
        (tmp_path / folder / "NOTES.md").write_text("where these came from\n", "utf-8")
    (tmp_path / "labels" / ".ipynb_checkpoints").mkdir()
    shutil.copy(ROOT / "corpus/labels/seed.jsonl", tmp_path / "labels" / ".ipynb_checkpoints")
    assert cache.train_parts(config)["training data"] == key
    # Nor does a review list not filled in yet: its lines label nothing.
    (tmp_path / "labels" / "zz-review.jsonl").write_text(
        json.dumps({"document": SEED.stem, "index": 3, "theme": None}) + "\n", "utf-8")
    assert cache.train_parts(config)["training data"] == key
    # Nor a label of a document that is not in the corpus: training warns of it and uses it not.
    (tmp_path / "labels" / "zz-elsewhere.jsonl").write_text(
        json.dumps({"document": "not-in-the-corpus", "index": 0, "theme": "medical"}) + "\n",
        "utf-8")
    assert cache.train_parts(config)["training data"] == key
    (tmp_path / "labels" / "zz-elsewhere.jsonl").unlink()
    # A label by index for a paragraph labelled by sha1 too: the later one is used, so the
    # order of the two (a file renamed) is training data.
    fix = {"document": SEED.stem, "index": 6, "theme": "medical"}
    (tmp_path / "labels" / "z-fix.jsonl").write_text(json.dumps(fix) + "\n", "utf-8")
    last = cache.train_parts(config)["training data"]
    (tmp_path / "labels" / "z-fix.jsonl").rename(tmp_path / "labels" / "a-fix.jsonl")
    assert cache.train_parts(config)["training data"] not in (key, last)
    (tmp_path / "labels" / "a-fix.jsonl").unlink()
    with (tmp_path / "labels" / "seed.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"document": SEED.stem, "index": 0, "theme": "medical"}) + "\n")
    assert cache.train_parts(config)["training data"] != key


def test_status_names_held_out_data_when_that_is_what_changed(tmp_path: Path) -> None:
    # The held-out files were hashed with the training data: an edited held-out label made
    # status say 'training data changed' of files that are "only ever measured, never trained
    # on", and a user looked for a changed label or document in the corpus.
    shutil.copy(HELDOUT / "hd01_yichun_jingyan_cailiao.txt", tmp_path)
    shutil.copy(HELDOUT / "labels.jsonl", tmp_path)
    config = parse_config({"corpus": {
        "documents": [str(SEED.parent)], "labels": [str(ROOT / "corpus/labels")],
        "heldout_documents": [str(tmp_path)], "heldout_labels": [str(tmp_path / "labels.jsonl")]}})
    before = cache.train_parts(config)
    for name in ("labels.jsonl", "hd01_yichun_jingyan_cailiao.txt"):
        lines = (tmp_path / name).read_text("utf-8").splitlines(keepends=True)
        (tmp_path / name).write_text("".join(lines[:-1]), "utf-8")
        after = cache.train_parts(config)
        assert [k for k in before if before[k] != after[k]] == ["held-out data"]
        before = after


def test_status_names_use_written_when_that_is_what_changed(tmp_path: Path) -> None:
    # corpus.use_written was hashed inside the themes' part: status said 'config themes
    # changed' of a config whose themes were as before.
    def parts(use_written: bool) -> dict[str, str]:
        return cache.train_parts(parse_config({"corpus": {
            "documents": [str(SEED.parent)], "labels": [str(ROOT / "corpus/labels")],
            "written": [str(SOME_WRITTEN[0])], "use_written": use_written}}))

    with_written, without = parts(True), parts(False)
    assert sorted(k for k in with_written if with_written[k] != without[k]) == [
        "config corpus.use_written", "training data"]


def test_a_lexicon_the_model_does_not_use_is_not_training_data(tmp_path: Path) -> None:
    # At weight 0 the lexicon makes no feature: the bundle (model.pkl, scorer.pkl and the
    # figures in model.json) comes out the same whatever it holds, so editing it retrains
    # nothing. Only evaluate reads it then, for its figures as a weak labeller.
    for name in ("lexicon.yaml", "actors.yaml"):
        shutil.copy(ROOT / "configs" / name, tmp_path / name)

    def config(lexicon_weight: float) -> Config:
        return parse_config({
            "corpus": {"documents": [str(SEED.parent)], "labels": [str(ROOT / "corpus/labels")],
                       "written": [str(SOME_WRITTEN[0])]},
            "vectorize": {"lexicon": {"path": str(tmp_path / "lexicon.yaml"),
                                      "weight": lexicon_weight},
                          "actors": {"path": str(tmp_path / "actors.yaml"), "weight": 1.0}},
            "model": {"dir": str(tmp_path / "models")}})

    def keys() -> tuple[str, str]:
        return tuple(cache.train_parts(config(w))["word list vectorize.lexicon"]
                     for w in (0.0, 0.5))

    off, on = keys()
    lexicon = tmp_path / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text("utf-8").replace("medical: [", "medical: [方舱, ", 1),
                       "utf-8")
    edited_off, edited_on = keys()
    assert edited_off == off and edited_on != on
    # The actor words, at weight 1, are training data.
    actors = cache.train_parts(config(0.0))["word list vectorize.actors"]
    with (tmp_path / "actors.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# another comment\n")
    assert cache.train_parts(config(0.0))["word list vectorize.actors"] != actors
    # Nor is an unused lexicon read in training: one that does not read is no error there.
    lexicon.write_text("[not, a, mapping]\n", "utf-8")
    assert (train(config(0.0), with_metrics=False) / "model.pkl").exists()
    with pytest.raises(PipelineError, match="must map each theme"):
        train(config(0.5), with_metrics=False)


def test_a_word_list_path_the_model_does_not_use_is_no_change(tmp_path: Path) -> None:
    # At weight 0 a word list makes no feature, and its file's bytes count for nothing, but a
    # new path to it retrained: 'config vectorize changed', for a model.pkl the same as before.
    for name in ("lexicon.yaml", "actors.yaml"):
        shutil.copy(ROOT / "configs" / name, tmp_path / name)

    def parts(feature: str, name: str, weight: float) -> dict[str, str]:
        return cache.train_parts(parse_config({
            "corpus": {"documents": [str(SEED.parent)], "labels": [str(ROOT / "corpus/labels")]},
            "vectorize": {feature: {"path": str(tmp_path / name), "weight": weight}}}))

    for feature in ("lexicon", "actors"):
        assert parts(feature, "lexicon.yaml", 0.0) == parts(feature, "actors.yaml", 0.0)
        assert parts(feature, "lexicon.yaml", 0.5) != parts(feature, "actors.yaml", 0.5)


def test_status_names_an_edited_word_list_as_what_changed(tmp_path: Path) -> None:
    # The word lists were hashed with the corpus files: an edited user dictionary made status
    # say 'training data changed', and a user looked for a changed label or document. Then
    # 'word lists changed' left them to guess which of four files it was.
    for name in ("userdict.txt", "stopwords.txt"):
        shutil.copy(ROOT / "configs" / name, tmp_path / name)
    config = parse_config({
        "corpus": {"documents": [str(SEED.parent)], "labels": [str(ROOT / "corpus/labels")],
                   "written": [str(SOME_WRITTEN[0])]},
        "tokenize": {"user_dict": str(tmp_path / "userdict.txt"),
                     "stop_words": str(tmp_path / "stopwords.txt")},
        "model": {"dir": str(tmp_path / "models")},
        "output": {"path": str(tmp_path / "out" / "labelled.json")}})
    run(config)
    with (tmp_path / "userdict.txt").open("a", encoding="utf-8") as fh:
        fh.write("方舱医院 5\n")
    assert status(config)[1] == ("train", False, "word list tokenize.user_dict changed")
    with (tmp_path / "stopwords.txt").open("a", encoding="utf-8") as fh:
        fh.write("方舱\n")
    assert status(config)[1] == ("train", False, "word list tokenize.user_dict, word list "
                                 "tokenize.stop_words changed")


def test_the_code_key_covers_what_computes_results_and_not_the_command_line() -> None:
    names = {str(f.relative_to(ROOT / "pipeline")) for f in cache.result_files()}
    assert {"text.py", "scorer.py", "label.py", "data/vocabulary_fold.tsv"} <= names
    assert not names & {"cli.py", "entry.py", "report.py", "review.py", "logs.py"}
    assert not any("__pycache__" in name for name in names)


def test_a_copied_document_is_not_given_the_cached_id_of_the_original(ran: Path) -> None:
    config = make_config(ran)
    copy = ran / "docs" / "copy.txt"
    shutil.copy(SEED, copy)  # the same bytes as a cached document, under another name
    try:
        run(config)
        out = json.loads(config.output.path.read_text("utf-8"))
        assert sorted(d["id"] for d in out["documents"]) == sorted(["copy", SEED.stem])
        assert str(copy) in [d["source"] for d in out["documents"]]
    finally:
        copy.unlink()
    _predicts(config, ("segment", True, ""), ("train", True, ""),
              ("classify", False, "1 document removed"))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_status_and_run_from_the_command_line(tmp_path: Path) -> None:
    # A workspace of its own, two documents in it and run once: what it relied on the tests
    # before it in the module to leave in theirs, so that alone it failed.
    workspace = _new_workspace(tmp_path)
    shutil.copy(HELDOUT / "hd01_yichun_jingyan_cailiao.txt", workspace / "docs")
    run(make_config(workspace))
    config_file = workspace / "c.yaml"
    config_file.write_text(json.dumps(make_config(workspace).model_dump(mode="json")), "utf-8")
    result = _cli("run", "--config", str(config_file))
    assert result.returncode == 0, result.stderr
    assert "segment: up to date" in result.stderr
    checked = in_process("status", "--config", str(config_file), "--check")
    assert checked.returncode == 0
    assert checked.stdout.decode().splitlines() == ["segment: up to date", "train: up to date",
                                                    "classify: up to date"]
    make_config(workspace).output.path.unlink()
    stale = _cli("status", "--config", str(config_file), "--check")  # for scripts
    assert stale.returncode == 1 and "classify: to do" in stale.stdout
    assert in_process("status", "--config", str(config_file)).returncode == 0
    err = in_process("run", "--config", str(config_file), "--force", "classify").stderr.decode()
    assert "classify: 2 of 2 documents labelled" in err
    lines = err.splitlines()  # the summary: two lines, nothing escaped
    assert lines[-2] == f"model: {make_config(workspace).bundle_dir}"
    assert lines[-1].startswith("labelled ") and "\\x0a" not in err


def test_force_takes_several_stages(ran: Path) -> None:
    # --force took one stage: '--force segment --force classify' redid only classify, the last
    # one named, and said nothing of the first.
    config_file = ran / "several.yaml"
    config_file.write_text(json.dumps(make_config(ran).model_dump(mode="json")), "utf-8")

    def steps(*force: str) -> list[str]:
        result = in_process("run", "--config", str(config_file), *force)
        assert result.returncode == 0, result.stderr
        return [line for line in result.stderr.decode().splitlines() if ": " in line][:3]

    both = ["segment: 1 of 1 documents segmented", "train: up to date",
            "classify: 1 of 1 documents labelled"]
    assert steps("--force", "segment", "--force", "classify") == both
    assert steps("--force", "segment", "classify") == both
    assert steps("--force", "classify")[:2] == UP_TO_DATE[:2]
    assert steps("--force")[1] == "train: trained (forced)"  # no stage: every one
    assert steps() == UP_TO_DATE


def test_verbose_logs_decisions_and_json_stays_clean(trained) -> None:
    _, bundle_dir = trained
    result = _cli("classify", str(SEED), "--model", str(bundle_dir), "--verbose")
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)  # nothing but JSON on standard output
    assert f"{SEED}: utf-8, 137 paragraphs (102 body, 23 heading, 12 boilerplate)" in result.stderr
    assert "\r" not in result.stderr  # no progress bar when standard error is not a terminal
    quiet = in_process("classify", str(SEED), "--model", str(bundle_dir), "--quiet")
    assert quiet.stderr == b""


def test_a_label_edited_while_train_reads_the_corpus_leaves_its_model_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # train records what run would have trained on, hashed before it reads the corpus: a label
    # edited in between is not in the model, and run must train again.
    labels = tmp_path / "labels"
    shutil.copytree(ROOT / "corpus/labels", labels)
    config = _with(make_config(_new_workspace(tmp_path)), "corpus", labels=[str(labels)])
    load = stages.load_training_set

    lines = (labels / "seed.jsonl").read_text("utf-8").splitlines()
    at, first = next((i, label) for i, label in enumerate(map(json.loads, lines))
                     if label.get("theme"))
    lines[at] = json.dumps({**first, "theme": next(t for t in config.themes
                                                   if t != first["theme"])})

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        (labels / "seed.jsonl").write_text("\n".join(lines) + "\n", "utf-8")  # a label changed
        return load(*args, **kwargs)

    monkeypatch.setattr(stages, "load_training_set", edited_meanwhile)
    train(config)
    monkeypatch.undo()
    assert status(config)[1][:2] == ("train", False)
    train(config)
    assert status(config)[1] == ("train", True, "")


def test_status_names_a_link_loop_in_the_corpus_once(tmp_path: Path) -> None:
    # status (and run) walk the documents folder for the segment stage and again for what
    # training reads: each walk named the loop, so every such file was named twice.
    workspace = _new_workspace(tmp_path)
    (workspace / "docs" / "loop.txt").symlink_to("loop.txt")
    config_file = workspace / "c.yaml"
    config_file.write_text(json.dumps(make_config(workspace).model_dump(mode="json")), "utf-8")
    result = _cli("status", "--config", str(config_file))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"pipeline: {workspace / 'docs' / 'loop.txt'}: cannot read: Too many levels of symbolic "
        "links"]


def test_run_says_when_its_output_is_named_for_the_other_format(tmp_path: Path) -> None:
    # output.path labelled.jsonl beside the shipped config's 'format: json': run wrote one JSON
    # object into a file named for JSON lines, without a word (classify -o lets the name decide).
    from conftest import write_corpus_config

    config = write_corpus_config(tmp_path / "c.yaml", "model: {dir: models}",
                                 "output: {path: out/labelled.jsonl, format: json}",
                                 written=SOME_WRITTEN[:1])
    result = in_process("run", "--config", str(config), cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    warned = [line for line in err.splitlines() if "output.path" in line]
    assert warned == [f"pipeline: output.path {tmp_path / 'out/labelled.jsonl'} is named for "
                      "JSON lines, but output.format is json, which run writes there; set "
                      "output.format: jsonl, or name the file .json"], err
    assert "documents" in json.loads((tmp_path / "out/labelled.jsonl").read_text("utf-8"))
    # Named for its format: nothing to say.
    config.write_text(config.read_text("utf-8").replace("format: json", "format: jsonl"), "utf-8")
    result = in_process("run", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0 and b"output.path" not in result.stderr, result.stderr


def test_run_refuses_a_corpus_folder_with_no_txt_files(tmp_path: Path) -> None:
    # corpus.documents naming a folder of .md files (or the wrong, empty folder): run trained on
    # the written paragraphs, wrote an output of no documents over the last one and exited 0,
    # where classify refuses inputs with no .txt file.
    from conftest import write_corpus_config

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "report.md").write_text("市委召开会议。\n", encoding="utf-8")
    config = write_corpus_config(tmp_path / "c.yaml", "model: {dir: models}",
                                 "output: {path: out/labelled.json}", written=SOME_WRITTEN[:1])
    config.write_text(config.read_text("utf-8").replace(
        f"documents: [{ROOT / 'corpus/documents'}]", "documents: [notes]"), "utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "labelled.json").write_text("before", "utf-8")
    for command in ("run", "status"):
        result = in_process(command, "--config", str(config), cwd=tmp_path)
        err = result.stderr.decode()
        assert result.returncode == 2, err
        assert err.splitlines()[-1] == (
            f"pipeline: error: {config}: corpus.documents: no .txt files found in "
            f"{tmp_path / 'notes'}"), err
        assert "Traceback" not in err
    assert (tmp_path / "out" / "labelled.json").read_text("utf-8") == "before"
    assert not (tmp_path / "models").exists()


def test_run_and_status_name_output_path_when_it_cannot_be_written(tmp_path: Path) -> None:
    # output.path naming a folder: run said '…/out: is a folder; name a file to write', with no
    # word of the config or the key, as if a file had been given on the command line; status
    # said the documents were to segment.
    from conftest import write_corpus_config

    (tmp_path / "out").mkdir()
    config = write_corpus_config(tmp_path / "c.yaml", "model: {dir: models}",
                                 "output: {path: out}", written=SOME_WRITTEN[:1])
    for command in ("run", "status"):
        result = in_process(command, "--config", str(config), cwd=tmp_path)
        err = result.stderr.decode()
        assert result.returncode == 2, err
        assert err == (f"pipeline: error: {config}: output.path: {tmp_path / 'out'}: is a folder; "
                       "name a file to write\n"), err
    assert not (tmp_path / "models").exists()
