"""The command line as a user runs it: real processes, exit codes, messages, the JSON contract.

Each behaviour of every command (its output, a file skipped, a usage, config, input, model or
output error in one line with its exit code, no traceback) is checked on a real ``python -m
pipeline`` process (``pipeline``), and so is all that only a process of its own shows (standard
streams closed, redirected or a terminal, environment variables, hash seeds, an input that would
hang if read). More inputs to the same behaviours, and commands that only make a test's input, run
the command's ``main`` in this process (``in_process``), which saves a second of start-up a call.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import ROOT, SEED, SOME_WRITTEN, in_process, write_corpus_config

from pipeline.cli import COMMANDS, build_parser
from pipeline.config import Config, load_config
from pipeline.output import validator
from pipeline.report import pages_folder


def pipeline(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
             timeout: float = 300,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin,
                          capture_output=True, cwd=cwd or ROOT, env=env, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize("command", [*sorted(COMMANDS), None])
def test_help_on_every_command(command: str | None) -> None:
    result = pipeline(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert b"usage: pipeline" in result.stdout


def test_help_lists_every_command_beside_what_it_does() -> None:
    # argparse measured the commands' names without their indent: the longest (vectorize) went
    # on a line of its own, its help on the next.
    text = in_process("--help").stdout.decode()
    for command in COMMANDS:
        assert re.search(rf"^    {command} +\S", text, re.M), text


@pytest.mark.parametrize("command, keys", [
    ("segment", ["reading.encoding"]),
    ("tokenize", ["reading.encoding"]),
    ("vectorize", ["reading.encoding", "model.dir/model.name"]),
    ("classify", ["reading.encoding", "classify.jobs", "classify.scheduler",
                  "classify.connect_timeout"]),
])
def test_help_names_the_config_key_an_option_defaults_to(command: str, keys: list[str]) -> None:
    # --jobs, --encoding and --scheduler fall back to the config, as the README says; their help
    # said only "0: all cores" or nothing, as if there were no default.
    result = pipeline(command, "--help")
    text = " ".join(result.stdout.decode().split())
    for key in keys:
        assert f"(default: the config's {key}" in text, key


def test_python_m_and_console_script_agree() -> None:
    script = shutil.which("pipeline")
    if script is None:
        pytest.skip("the package is not installed (no console script on PATH)")
    result = subprocess.run([script, "--help"], capture_output=True)
    assert result.returncode == 0
    assert result.stdout == pipeline("--help").stdout


def test_usage_error_is_one_line_exit_2() -> None:
    assert_one_line_error(pipeline("classify"), "the following arguments are required")
    assert_one_line_error(pipeline("frobnicate"), "invalid choice")


@pytest.fixture(scope="module")
def model_dir(trained: tuple[Config, Path],
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A config writing under a temporary folder, and the model it names: a copy of the
    session's model (trained as this config says), so that nothing these tests write reaches
    the one other tests use. Training it here again took a process half a minute."""
    tmp = tmp_path_factory.mktemp("cli")
    shutil.copytree(trained[1].parent, tmp / "models", symlinks=True)
    config = write_corpus_config(
        tmp / "config.yaml",
        f"vectorize: {{lexicon: {{path: {ROOT / 'configs/lexicon.yaml'}}}, "
        f"actors: {{path: {ROOT / 'configs/actors.yaml'}, weight: 1.0}}}}",
        f"model: {{dir: models, name: {trained[1].name}}}",
        "output: {path: out/labelled.json}",
    )
    assert load_config(config).model_dump() == {**trained[0].model_dump(), "model": {
        **trained[0].model.model_dump(), "dir": tmp / "models"}, "output": {
        **trained[0].output.model_dump(), "path": tmp / "out/labelled.json"}}
    return config, tmp / "models" / trained[1].name


def test_training_in_two_processes_gives_the_same_bundle_bytes(tmp_path: Path) -> None:
    # Different hash seeds: nothing set-ordered may leak into the pickles.
    hashes = []
    for seed in ("1", "2"):
        config = write_corpus_config(tmp_path / f"config{seed}.yaml",
                                     f"model: {{dir: models{seed}, name: m}}",
                                     written=SOME_WRITTEN[:1])
        result = pipeline("train", "--config", str(config), "--no-metrics",
                          env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr.decode()
        assert b"model saved to" in result.stderr
        meta = json.loads((tmp_path / f"models{seed}" / "m" / "model.json").read_text("utf-8"))
        hashes.append({name: f["sha256"] for name, f in meta["files"].items()})
    assert hashes[0] == hashes[1]
    assert set(hashes[0]) == {"model.pkl", "scorer.pkl"}


def test_classify_writes_schema_valid_json(model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    config, bundle = model_dir
    out = tmp_path / "labelled.json"
    result = pipeline("classify", str(SEED), "--config", str(config), "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(out.read_text("utf-8"))
    validator(strict=True).validate(data)
    assert data["errors"] == []
    (doc,) = data["documents"]
    assert doc["source"] == str(SEED) and doc["encoding"] == "utf-8"
    text = SEED.read_text("utf-8")
    assert all(text[p["start"] : p["end"]] == p["text"] for p in doc["paragraphs"])
    assert sum(p["kind"] == "body" for p in doc["paragraphs"]) == 102
    meta = json.loads((bundle / "model.json").read_text("utf-8"))
    assert data["model"]["hash"] == meta["files"]["model.pkl"]["sha256"]
    # The schema holds the contract: label fields on body paragraphs only.
    body = next(p for p in doc["paragraphs"] if p["kind"] == "body")
    heading = next(p for p in doc["paragraphs"] if p["kind"] == "heading")
    for name in ("label", "confidence", "scores", "evidence", "needs_review"):
        assert not validator(strict=True).is_valid({**data, "documents": [{**doc, "paragraphs": [
            {**heading, name: body[name]}]}]}), name
    # The published schema takes any 1.x output, with fields a later release may add; the strict
    # one takes exactly what this release writes.
    later = {**data, "schema_version": "1.1", "new": 1,
             "documents": [{**doc, "new": 2, "paragraphs": [{**body, "new": 3}]}]}
    assert validator().is_valid(later) and not validator(strict=True).is_valid(later)
    for wrong in ({"schema_version": "2.0"}, {"created": "yesterday"},
                  {"documents": [{**doc, "paragraphs": [{**body, "id": "no index"}]}]},
                  {"model": {**data["model"], "themes": ["medical", "medical"]}}):
        assert not validator().is_valid({**data, **wrong}), wrong


def test_classify_jsonl_lines_are_schema_valid(model_dir: tuple[Path, Path]) -> None:
    config, _ = model_dir
    result = in_process("classify", str(SEED), "--config", str(config), "--format", "jsonl")
    assert result.returncode == 0
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    check = validator("line", strict=True)
    for line in lines:
        check.validate(line)
    assert len(lines) == 137
    assert {line["document"] for line in lines} == {SEED.stem}


def test_the_output_files_name_chooses_its_format(model_dir: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    # -o out.jsonl without --format wrote one JSON object into a file named .jsonl.
    config, _ = model_dir

    def first_line(*args: str) -> dict:
        """The output's first JSON value: the whole object, or a jsonl file's first line."""
        assert in_process(*args).returncode == 0
        text = Path(args[args.index("-o") + 1]).read_text("utf-8")
        return json.JSONDecoder().raw_decode(text)[0]

    for command in (["classify", "--config", str(config)], ["segment"]):
        jsonl = first_line(*command, str(SEED), "-o", str(tmp_path / "out.JSONL"))
        assert jsonl["document"] == SEED.stem and "documents" not in jsonl
    # --format wins over the name, with a word: a file named .jsonl would hold one JSON object.
    forced = first_line("classify", "--config", str(config), str(SEED), "-o",
                        str(tmp_path / "forced.jsonl"), "--format", "json")
    assert "documents" in forced and "document" not in forced
    result = in_process("segment", str(SEED), "-o", str(tmp_path / "lines.json"), "--format",
                        "jsonl")
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [
        f"pipeline: -o {tmp_path / 'lines.json'} is named for one JSON object, but --format "
        "jsonl writes JSON lines there"]
    assert in_process("segment", str(SEED), "-o", str(tmp_path / "lines.jsonl"), "--format",
                      "jsonl").stderr == b""
    # The name wins over the config's output.format too; a name of neither kind keeps it.
    jsonl_config = tmp_path / "jsonl.yaml"
    jsonl_config.write_text(config.read_text("utf-8").replace(
        "output: {path: out/labelled.json}", "output: {path: out/labelled.json, format: jsonl}"),
        "utf-8")
    assert "documents" in first_line("classify", "--config", str(jsonl_config), "--model",
                                     str(model_dir[1]), str(SEED), "-o", str(tmp_path / "c.json"))
    assert "document" in first_line("classify", "--config", str(jsonl_config), "--model",
                                    str(model_dir[1]), str(SEED), "-o", str(tmp_path / "c.txt"))


def test_stdin_to_stdout(model_dir: tuple[Path, Path]) -> None:
    config, _ = model_dir
    text = "市委書記主持召開常委會會議,研究部署疫情防控工作。\n\n社區網格員挨家挨戶摸排返鄉人員。\n"
    result = pipeline("classify", "-", "--config", str(config), stdin=text.encode("big5"))
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    (doc,) = data["documents"]
    assert doc["source"] == "-" and doc["encoding"] in {"big5", "cp950", "big5hkscs"}
    assert [p["label"] for p in doc["paragraphs"]] == ["leadership", "grassroots"]


def test_a_failed_output_leaves_no_folder_it_made(model_dir: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    # -o makes the folders its path lacks; a command that then failed (--strict at a bad file)
    # wrote no file but left them behind, empty. A folder that was there already stays.
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    out = tmp_path / "results" / "2020" / "out.json"
    for command in (["segment"], ["classify", "--config", str(model_dir[0])]):
        failed = in_process(*command, str(SEED), str(bad), "--strict", "-o", str(out))
        assert_one_line_error(failed, f"{bad}: not a text file: it is a PNG image")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.txt"]
    (tmp_path / "results").mkdir()
    failed = in_process("segment", str(SEED), str(bad), "--strict", "-o", str(out))
    assert failed.returncode == 2 and sorted(p.name for p in tmp_path.iterdir()) == [
        "results", "scan.txt"] and not any((tmp_path / "results").iterdir())
    done = in_process("segment", str(SEED), "-o", str(out))
    assert done.returncode == 0 and out.is_file()


def test_unreadable_stdin_is_skipped_like_any_file(model_dir: tuple[Path, Path]) -> None:
    config, _ = model_dir
    png = b"\x89PNG\r\n\x1a\n" + bytes(20)
    result = in_process("classify", "-", str(SEED), "--config", str(config), stdin=png)
    assert result.returncode == 1, result.stderr.decode()
    data = json.loads(result.stdout)
    assert [d["id"] for d in data["documents"]] == [SEED.stem]
    assert data["errors"] == [{"source": "-", "error": "not a text file: it is a PNG image"}]
    strict = in_process("classify", "-", "--strict", "--config", str(config), stdin=png)
    assert_one_line_error(strict, "-: not a text file: it is a PNG image")
    closed = subprocess.run([sys.executable, "-m", "pipeline", "classify", "-", str(SEED),
                             "--config", str(config)], stdin=subprocess.DEVNULL,
                            capture_output=True, cwd=ROOT, env={**os.environ,
                                                                "PYTHONPATH": str(ROOT)},
                            pass_fds=(), preexec_fn=lambda: os.close(0))
    assert closed.returncode == 1, closed.stderr.decode()
    assert json.loads(closed.stdout)["errors"] == [
        {"source": "-", "error": "cannot read standard input: it is closed"}]


def test_a_folder_means_every_txt_under_it(model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    config, _ = model_dir
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("醫院醫生救治患者。", "utf-8")
    (tmp_path / "sub" / "b.txt").write_text("市民捐贈口罩。", "utf-8")
    (tmp_path / "notes.md").write_text("not a document", "utf-8")
    result = in_process("classify", str(tmp_path), "--config", str(config), "--jobs", "2")
    assert result.returncode == 0, result.stderr.decode()
    ids = [d["id"] for d in json.loads(result.stdout)["documents"]]
    assert ids == ["a", "b"]


def test_files_of_the_same_name_get_ids_of_their_own(model_dir: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    config, _ = model_dir
    for folder in ("2020", "2021"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text("市委召開會議部署防控工作。", "utf-8")
    (tmp_path / "other.txt").write_text("醫院醫生救治患者。", "utf-8")
    twice = str(tmp_path / "2020" / "report.txt")
    for jobs in ("1", "2"):
        result = in_process("classify", str(tmp_path), twice, "--config", str(config),
                            "--jobs", jobs)
        assert result.returncode == 0, result.stderr.decode()
        docs = json.loads(result.stdout)["documents"]
        assert [d["id"] for d in docs] == ["2020/report", "2021/report", "other"]
        assert [p["id"] for p in docs[1]["paragraphs"]] == ["2021/report:0"]
    result = in_process("segment", str(tmp_path / "2021"), twice)
    assert [d["id"] for d in json.loads(result.stdout)["documents"]] == ["2021/report",
                                                                         "2020/report"]
    (tmp_path / "2021" / "report.TXT").write_text("社區網格員摸排。", "utf-8")
    result = in_process("segment", str(tmp_path / "2021"))
    assert [d["id"] for d in json.loads(result.stdout)["documents"]] == ["report.TXT",
                                                                         "report.txt"]
    (tmp_path / "2021" / "report.txt.txt").write_text("醫院救治。", "utf-8")
    result = in_process("segment", str(tmp_path / "2021"))
    assert [d["id"] for d in json.loads(result.stdout)["documents"]] == [
        "report.TXT", "report.txt~2", "report.txt"]  # the last one's name is report.txt
    (tmp_path / "stdin.txt").write_text("社區。", "utf-8")
    result = in_process("segment", "-", str(tmp_path / "stdin.txt"), stdin="市委。".encode())
    assert [d["id"] for d in json.loads(result.stdout)["documents"]] == [
        "stdin", f"{tmp_path.name}/stdin"]


def test_an_empty_path_is_an_error_not_the_current_folder(tmp_path: Path) -> None:
    """An unset "$DIR" in a script gives ''; it read the current folder, recursively."""
    (tmp_path / "a.txt").write_text("市委召開會議。", "utf-8")
    result = pipeline("segment", "", "-o", str(tmp_path / "out.json"), cwd=tmp_path)
    assert_one_line_error(result, "'': an empty path names no file or folder")
    assert not (tmp_path / "out.json").exists()


def test_names_with_a_newline_give_valid_ids_and_one_line_messages(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    config, _ = model_dir
    (tmp_path / "new\nline.txt").write_text("市委召開會議部署防控工作。", "utf-8")
    (tmp_path / "bad\tname.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = tmp_path / "out.json"
    result = in_process("classify", str(tmp_path), "--config", str(config), "-o", str(out))
    assert result.returncode == 1, result.stderr.decode()
    assert result.stderr.decode().splitlines() == [
        f"pipeline: skipped {tmp_path}/bad\\x09name.txt: not a text file: it is a PNG image",
        f"labelled 1 body paragraph in 1 document (1 file skipped, above) -> {out}"]
    data = json.loads(out.read_text("utf-8"))
    validator(strict=True).validate(data)
    assert [p["id"] for d in data["documents"] for p in d["paragraphs"]] == ["new\\x0aline:0"]
    assert data["errors"][0]["source"] == str(tmp_path / "bad\tname.txt")  # the path as it is
    assert_one_line_error(in_process("classify", str(tmp_path), "--strict", "--config",
                                     str(config), "-o", str(out)),
                          "bad\\x09name.txt: not a text file")


def test_same_named_files_in_a_folder_not_utf8_get_ids_that_can_be_written(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    config, _ = model_dir
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xb1\xa8"))  # GBK for 报
    (folder / "sub").mkdir(parents=True)
    for path in (folder / "r.txt", folder / "sub" / "r.txt"):
        path.write_text("市委召開會議部署防控工作。", "utf-8")
    out = tmp_path / "out.json"
    result = in_process("classify", ".", "--config", str(config), "-o", str(out), cwd=folder)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(out.read_text("utf-8"))
    validator(strict=True).validate(data)
    assert [d["id"] for d in data["documents"]] == ["\\xb1\\xa8/r", "sub/r"]


def test_arguments_are_checked_before_any_work(model_dir: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    config, _ = model_dir
    out = tmp_path / "out.json"
    out.write_text("previous output", "utf-8")
    missing = tmp_path / "nope.txt"
    assert_one_line_error(in_process("classify", str(SEED), str(missing), "--config",
                                     str(config), "-o", str(out)),
                          str(missing), "no such file or folder")
    assert_one_line_error(in_process("classify", str(SEED), "--encoding", "nosuch", "-o",
                                     str(out)), "--encoding", "nosuch")
    assert_one_line_error(in_process("classify", str(SEED), "--jobs", "-1", "-o", str(out)),
                          "--jobs", "0 or more")
    for seconds in ("0", "-1", "nan", "3601"):
        assert_one_line_error(in_process("classify", str(SEED), "--connect-timeout", seconds,
                                         "-o", str(out)),
                              "--connect-timeout", f"above 0 and at most 3600, not {seconds}")
    assert_one_line_error(in_process("classify", str(SEED), "--connect-timeout", "10s", "-o",
                                     str(out)), "--connect-timeout", "not a number of seconds")
    assert out.read_text("utf-8") == "previous output"
    for command in (["classify", str(SEED), "--config", str(config)], ["segment", str(SEED)],
                    ["review", str(out)], ["report", str(out)]):
        assert_one_line_error(in_process(*command, "-o", str(tmp_path)), str(tmp_path),
                              "is a folder")
    assert_one_line_error(in_process("segment", str(SEED), "-o", str(out / "x.json")),
                          f"{out} is not a folder")
    assert pipeline("--version").stdout.decode().startswith("pipeline ")


def test_a_connect_timeout_without_a_cluster_is_said_to_have_no_effect(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # The local backend has no cluster to wait for: the option given alone does nothing.
    config, _ = model_dir
    result = in_process("classify", str(SEED), "--config", str(config), "--connect-timeout",
                        "30", "-q", "-o", str(tmp_path / "out.json"))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode().splitlines() == [
        "pipeline: --connect-timeout has no effect with the local backend: it is how long "
        "--backend dask waits for its cluster"]
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["documents"]


def test_output_through_a_link_or_into_a_pipe(model_dir: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    config, _ = model_dir
    target = tmp_path / "kept" / "target.json"
    target.parent.mkdir()
    target.write_text("previous output", "utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = in_process("classify", str(SEED), "--config", str(config), "-o", str(link))
    assert result.returncode == 0, result.stderr.decode()
    assert link.is_symlink() and json.loads(target.read_text("utf-8"))["documents"]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = in_process("classify", str(SEED), "--config", str(config), "-o", str(fifo))
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(reader.communicate(timeout=60)[0])["documents"]
    assert fifo.is_fifo()


def test_a_device_or_a_pipe_among_the_labels_is_never_read(tmp_path: Path) -> None:
    # Read, a link to /dev/zero would fill the memory and a named pipe wait for a writer forever.
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "seed.jsonl").write_bytes((ROOT / "corpus/labels/seed.jsonl").read_bytes())
    (labels / "zero.jsonl").symlink_to("/dev/zero")
    os.mkfifo(labels / "pipe.jsonl")
    config = tmp_path / "config.yaml"

    def status(named: Path) -> subprocess.CompletedProcess:
        config.write_text(f"corpus: {{documents: [{ROOT / 'corpus/documents'}], labels: [{named}]}}"
                          f"\nmodel: {{dir: {tmp_path / 'models'}}}\n", "utf-8")
        return pipeline("status", "--config", str(config), timeout=60)

    result = status(labels)
    assert result.returncode == 0, result.stderr
    assert b"train: to do (never run for model default)" in result.stdout
    assert_one_line_error(status(labels / "pipe.jsonl"),
                          f"{config}: corpus.labels: a named pipe, not a file: {labels}/pipe.jsonl")
    assert_one_line_error(status(labels / "zero.jsonl"),
                          f"{config}: corpus.labels: a device, not a file: {labels}/zero.jsonl")


def test_a_pipe_or_a_device_as_a_word_list_is_one_line_for_every_command(tmp_path: Path) -> None:
    # Hashed by status and run, read by train and evaluate: a named pipe waits for a writer
    # forever, and a link to /dev/zero never ends. (Every key: test_inputs.py.)
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "zero").symlink_to("/dev/zero")
    for special, what in (("pipe", "a named pipe"), ("zero", "a device")):
        config = write_corpus_config(tmp_path / "config.yaml", "model: {dir: models}",
                                     "output: {path: out/labelled.json}",
                                     written=SOME_WRITTEN[:1])
        text = config.read_text("utf-8").replace(str(ROOT / "configs/stopwords.txt"),
                                                 str(tmp_path / special))
        config.write_text(text, "utf-8")
        for command in ("status", "train", "evaluate", "run"):
            assert_one_line_error(
                pipeline(command, "--config", str(config), timeout=60),
                f"{config}: tokenize.stop_words: {what}, not a file: {tmp_path / special}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "pipe", "zero"]


def test_no_model_yet_says_which_command_builds_it(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"model: {{dir: {tmp_path / 'models'}}}\n", "utf-8")
    result = in_process("classify", str(SEED), "--model", str(tmp_path / "none"),
                        "--config", str(config), cwd=tmp_path)
    assert_one_line_error(result, str(tmp_path / "none"), "--model names the folder of a "
                          "trained bundle", f"'pipeline train' builds the config's, "
                          f"{tmp_path / 'models' / 'default'}")
    result = in_process("classify", str(SEED), "--config", str(config), cwd=tmp_path)
    assert_one_line_error(result, f"{tmp_path / 'models' / 'default'}: no model bundle here; "
                          "build one with 'pipeline train'")


def test_a_bundle_copied_as_its_link_alone_says_so(model_dir: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    # models/<name> is a link to a hidden folder beside it: 'cp -r models/<name> DEST' and
    # 'cp -r models/* DEST' copy the link alone, which then names nothing.
    _, bundle = model_dir
    assert bundle.is_symlink()
    copy = tmp_path / "mymodel"
    shutil.copy2(bundle, copy, follow_symlinks=False)
    result = pipeline("classify", str(SEED), "--model", str(copy), "-o", str(tmp_path / "o.json"))
    assert_one_line_error(result, f"{copy}: a link to {os.readlink(bundle)}, which is not there",
                          "cp -rL", "pipeline train")
    shutil.copytree(bundle, tmp_path / "whole")  # what the message says: the files, not the link
    result = in_process("classify", str(SEED), "--model", str(tmp_path / "whole"),
                        "-o", str(tmp_path / "o.json"))
    assert result.returncode == 0, result.stderr.decode()


def test_bad_files_are_skipped_and_listed(model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    config, _ = model_dir
    good = tmp_path / "good.txt"
    good.write_text("市委召開會議部署防控工作。", "utf-8")
    png = tmp_path / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    out = tmp_path / "out.json"
    result = pipeline("classify", str(good), str(png), "--config", str(config), "-o", str(out))
    assert result.returncode == 1
    # The skipped file's line, then the summary that counts it, last (it came before them).
    assert result.stderr.decode().splitlines()[-2:] == [
        f"pipeline: skipped {png}: not a text file: it is a PNG image",
        f"labelled 1 body paragraph in 1 document (1 file skipped, above) -> {out}"]
    data = json.loads(out.read_text("utf-8"))
    validator(strict=True).validate(data)
    assert [d["id"] for d in data["documents"]] == ["good"]
    assert data["errors"] == [{"source": str(png), "error": "not a text file: it is a PNG image"}]


@pytest.mark.parametrize("codec", ["gb18030", "big5"])
def test_a_legacy_file_cut_short_classifies_as_the_file_without_that_character(
        model_dir: tuple[Path, Path], tmp_path: Path, codec: str) -> None:
    """It was skipped as 'not text in any known encoding'."""
    config, _ = model_dir
    text = SEED.read_text("utf-8").replace("\xa0", " ").replace("礴", "薄")  # as Big5 holds it
    (tmp_path / "a.txt").write_bytes(text.encode(codec))  # the file without that character
    data = (text + "疫").encode(codec)[:-1]
    (tmp_path / "b.txt").write_bytes(data)
    out = tmp_path / "out.json"
    result = in_process("classify", str(tmp_path), "--config", str(config), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert (f"{tmp_path / 'b.txt'}: the last 1 byte(s) are an unfinished {codec.upper()} "
            "character") in result.stderr.decode()
    data_out = json.loads(out.read_text("utf-8"))
    validator(strict=True).validate(data_out)
    whole, cut = data_out["documents"]
    assert (whole["encoding"], cut["encoding"], cut["bytes_left_out"]) == (codec, codec, 1)
    assert "bytes_left_out" not in whole
    def own(doc: dict) -> list[dict]:  # its paragraphs, their ids named for the document
        return [{**p, "id": p["id"].split(":")[1]} for p in doc["paragraphs"]]

    assert own(cut) == own(whole) and sum(p["kind"] == "body" for p in own(cut)) == 102


def test_strict_fails_on_the_first_bad_file(model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    config, _ = model_dir
    out = tmp_path / "out.json"
    out.write_text("previous output", "utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = pipeline("classify", str(SEED), str(bad), "--strict", "--config", str(config),
                      "-o", str(out))
    assert_one_line_error(result, str(bad), "NUL bytes")
    assert out.read_text("utf-8") == "previous output"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_bad_config_fails_before_any_work(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("vectorize:\n  words:\n    ngram_range: [3, 1]\n", "utf-8")
    assert_one_line_error(pipeline("train", "--config", str(config)),
                          str(config), "vectorize.words.ngram_range")


def test_a_variable_not_set_in_a_config_path_fails_before_any_work(tmp_path: Path) -> None:
    config = tmp_path / "vars.yaml"
    config.write_text("output: {path: $NO_SUCH_FOLDER_VARIABLE/labelled.json}\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NO_SUCH_FOLDER_VARIABLE"}
    result = subprocess.run([sys.executable, "-m", "pipeline", "status", "--config", str(config)],
                            capture_output=True, cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)})
    assert_one_line_error(result, str(config), "output.path",
                          "$NO_SUCH_FOLDER_VARIABLE is not set")
    assert list(tmp_path.iterdir()) == [config]


def test_segment_prints_paragraphs(tmp_path: Path) -> None:
    result = pipeline("segment", str(SEED))
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    (doc,) = data["documents"]
    assert len(doc["paragraphs"]) == 137
    assert {p["kind"] for p in doc["paragraphs"]} == {"body", "heading", "boilerplate"}
    assert all("label" not in p for p in doc["paragraphs"])
    lines = in_process("segment", str(SEED), "--format", "jsonl").stdout.decode().splitlines()
    records = [json.loads(line) for line in lines]
    head = {"document": SEED.stem, "source": str(SEED), "encoding": "utf-8"}
    assert records == [{**head, **p} for p in doc["paragraphs"]]


def test_evaluate_prints_honest_figures(tmp_path: Path) -> None:
    config = tmp_path / "eval.yaml"
    config.write_text(f"""
corpus:
  documents: [{ROOT / 'corpus/documents'}]
  labels: [{ROOT / 'corpus/labels'}]
  written: [{SOME_WRITTEN[0]}]
  heldout_documents: [{ROOT / 'corpus/heldout'}]
  heldout_labels: [{ROOT / 'corpus/heldout/labels.jsonl'}]
model: {{classifier: complement_nb, dir: {tmp_path / 'models'}}}
evaluate: {{folds: 3}}
""", encoding="utf-8")
    report = tmp_path / "report.json"
    result = in_process("evaluate", "--config", str(config), "--json", str(report))
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    for fragment in ("grouped CV, real paragraphs only: ",
                     "written paragraphs added to each training side (as this config trains)",
                     "held-out documents", "macro-F1", "log loss", "ECE", "confusion",
                     "script-flip agreement"):
        assert fragment in out
    data = json.loads(report.read_text("utf-8"))
    cv = data["cv_with_written"]
    assert cv["folds"] == 3 and cv["paragraphs"] == 102
    assert sum(map(sum, cv["confusion"])) == 102
    assert data["heldout"]["paragraphs"] == 155
    assert 0 <= cv["ece"] <= 1 and cv["log_loss"] > 0
    assert data["classifier"] == "complement_nb" and len(data["config_hash"]) == 16
    assert "lexicon_weak_labels" not in data  # the config names no lexicon


def test_evaluate_of_a_few_labels_of_ones_own_with_a_calibrated_svm(tmp_path: Path) -> None:
    # A first review list labelled by hand: train measured the linear SVM on it (the written
    # paragraphs fill each side's themes), but evaluate refused the config, exit 2, because
    # the real paragraphs alone, a side figure, cannot calibrate on 3 folds.
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {"a": ["市委召開常委會，部署疫情防控工作。", "各村黨支部組織黨員入戶排查返鄉人員。"],
             "b": ["醫院醫護人員堅守隔離病房，救治重症患者。", "社区网格员逐户登记居民健康信息。"],
             "c": ["疾控中心采集核酸样本送实验室检测。", "爱心企业向社区捐赠口罩和消毒液。"]}
    themes = {"a": ["leadership", "grassroots"], "b": ["medical", "grassroots"],
              "c": ["medical", "public_participation"]}
    for name, paragraphs in texts.items():
        (docs / f"{name}.txt").write_text("\n\n".join(["防疫工作简报", *paragraphs]) + "\n",
                                          encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"document": name, "index": i + 1, "theme": theme}) + "\n"
                              for name, ts in themes.items() for i, theme in enumerate(ts)),
                      encoding="utf-8")
    config = tmp_path / "mine.yaml"
    config.write_text(f"""
corpus: {{documents: [{docs}], labels: [{labels}], written: [{SOME_WRITTEN[0]}]}}
model: {{classifier: linear_svm, params: {{C: 1.0}}, name: svm, dir: {tmp_path / 'models'}}}
""", encoding="utf-8")
    result = in_process("evaluate", "--config", str(config), "--json", "-")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert "cv_without_written" not in data
    assert data["cv_with_written"]["paragraphs"] == 6 and data["cv_with_written"]["folds"] == 3
    assert ("pipeline: model.params.calibration_folds: the classifier calibrates its scores on 3 "
            "folds") in result.stderr.decode()
    assert "grouped CV of the real paragraphs alone is left out" in result.stderr.decode()
    assert "grouped CV, real paragraphs only" not in result.stderr.decode()


def heldout_config(tmp_path: Path, documents: str = "corpus/heldout",
                   labels: str = "corpus/heldout/labels.jsonl") -> Path:
    """A quick config to evaluate: the held-out documents, scored on themselves (or on the
    ``documents`` and ``labels`` given)."""
    config = tmp_path / "heldout.yaml"
    config.write_text(f"""
corpus:
  documents: [{ROOT / documents}]
  labels: [{ROOT / labels}]
  heldout_documents: [{ROOT / 'corpus/heldout'}]
  heldout_labels: [{ROOT / 'corpus/heldout/labels.jsonl'}]
model: {{dir: {tmp_path / 'models'}}}
evaluate: {{folds: 2}}
""", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def heldout_evaluated(
        tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """``heldout_config`` and what ``evaluate --json - --quiet`` gives on it: one run for the
    tests that read it."""
    config = heldout_config(tmp_path_factory.mktemp("heldout"))
    return config, pipeline("evaluate", "--config", str(config), "--json", "-", "--quiet")


def test_the_lexicons_line_names_the_labels_it_was_measured_on(
        heldout_evaluated: tuple[Path, subprocess.CompletedProcess],
        capsys: pytest.CaptureFixture[str]) -> None:
    # It said "(seed and held-out)" for every corpus, with held-out documents or none.
    from pipeline.cli import _print_report

    report = json.loads(heldout_evaluated[1].stdout)
    report["lexicon_weak_labels"] = {"paragraphs": 10, "coverage": 0.9, "conflict": 0.1,
                                     "accuracy": 0.8}
    _print_report(report)
    assert "on 10 hand-labelled paragraphs (corpus.labels and corpus.heldout_labels): " \
        "coverage 90.0%, conflicts 10.0%, accuracy where decided 80.0%" in capsys.readouterr().out
    del report["heldout"]
    _print_report(report)
    out = capsys.readouterr().out
    assert "on 10 hand-labelled paragraphs (corpus.labels): coverage" in out
    assert "held-out" not in out


@pytest.mark.parametrize("lexicon_text", ["", "# no words yet\n",
                                          "leadership: []\nmedical: []\n"])
def test_evaluate_says_a_lexicon_of_no_words_gives_no_weak_labels(
        tmp_path: Path, lexicon_text: str) -> None:
    # At weight 0 evaluate still reads the lexicon, as a weak labeller: one of no words gave
    # 'coverage 0.0%, conflicts 0.0%, accuracy where decided 0.0%', figures of no word at all.
    lexicon = tmp_path / "lexicon.yaml"
    lexicon.write_text(lexicon_text, "utf-8")
    config = heldout_config(tmp_path)
    config.write_text(config.read_text("utf-8") + f"vectorize: {{lexicon: {{path: {lexicon}, "
                      "weight: 0}}\n", "utf-8")
    report = tmp_path / "report.json"
    result = in_process("evaluate", "--config", str(config), "--json", str(report))
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert out.endswith(f"\n\ntheme lexicon alone as a weak labeller: no figures, {lexicon} "
                        "has no words (empty, comments only, or empty lists)\n"), out
    assert "coverage" not in out
    data = json.loads(report.read_text("utf-8"))
    assert "lexicon_weak_labels" not in data
    assert data["lexicon_without_words"] == str(lexicon)


def test_evaluate_json_on_standard_output_is_the_json_alone(
        heldout_evaluated: tuple[Path, subprocess.CompletedProcess], tmp_path: Path) -> None:
    # The text report went to standard output before the JSON: '| jq' failed, even with --quiet.
    config, result = heldout_evaluated
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["cv_without_written"]["paragraphs"] == 155
    assert "macro-F1" in result.stderr.decode()
    # A trailing slash names a folder: argparse's Path dropped it and a file was written.
    folder = tmp_path / "reports"
    assert_one_line_error(in_process("evaluate", "--config", str(config), "--json",
                                     f"{folder}/"), f"{folder}/: names a folder")
    assert not folder.exists()


def test_a_held_out_set_the_corpus_trains_on_is_named(
        heldout_evaluated: tuple[Path, subprocess.CompletedProcess], tmp_path: Path) -> None:
    # Held-out documents that are the training documents gave 'held-out macro-F1 1.000' and no
    # word of it.
    _, result = heldout_evaluated
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["heldout"]["in_training"] == 155
    warnings = [line for line in result.stderr.decode().splitlines() if "held-out par" in line]
    assert warnings == ["pipeline: corpus.heldout_documents: 155 of the 155 labelled held-out "
                        "paragraphs are also in the training data (the same text), so the "
                        "held-out figures are not figures on unseen text; hold out documents the "
                        "corpus does not have"]
    apart = heldout_config(tmp_path, "corpus/documents", "corpus/labels")
    result = in_process("evaluate", "--config", str(apart), "--json", "-", "--quiet")
    assert json.loads(result.stdout)["heldout"]["in_training"] == 0
    assert "also in the training data" not in result.stderr.decode()


def test_a_theme_with_fewer_paragraphs_than_folds_is_one_line_in_our_words(
        tmp_path: Path) -> None:
    # scikit-learn's 'The least populated class in y has only 3 members' came out on two lines
    # (the second its source line, '  warnings.warn(').
    labels, medical = tmp_path / "few.jsonl", 0
    with labels.open("w", encoding="utf-8") as fh:
        for line in (ROOT / "corpus/heldout/labels.jsonl").read_text("utf-8").splitlines():
            medical += '"theme": "medical"' in line
            if '"theme": "medical"' not in line or medical <= 3:
                fh.write(line + "\n")
    config = heldout_config(tmp_path, labels=str(labels)).read_text("utf-8")
    (tmp_path / "few.yaml").write_text(config.replace("folds: 2", "folds: 5"), "utf-8")
    result = pipeline("evaluate", "--config", str(tmp_path / "few.yaml"))
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stderr.decode().splitlines()
    assert [line for line in lines if "corpus.heldout_documents" not in line] == [
        "pipeline: evaluate.folds is 5, but theme medical has only 3 labelled paragraphs: some "
        "folds test none of them, and its figures rest on few; label more or lower "
        "evaluate.folds"]


def test_evaluate_names_a_theme_no_paragraph_is_labelled_with(tmp_path: Path) -> None:
    # train refuses such a config; evaluate measured it on the other themes without a word, and
    # held-out labels of that theme made it a bug's traceback (scikit-learn's log loss, exit 3).
    labels = tmp_path / "no-medical.jsonl"
    labels.write_text("".join(
        line + "\n" for line in (ROOT / "corpus/heldout/labels.jsonl").read_text("utf-8")
        .splitlines() if '"theme": "medical"' not in line), "utf-8")
    config = heldout_config(tmp_path, labels=str(labels))
    result = in_process("evaluate", "--config", str(config))
    assert result.returncode == 0, result.stderr.decode()
    assert [line for line in result.stderr.decode().splitlines()
            if "corpus.heldout_documents" not in line] == [
        "pipeline: themes: no paragraph of corpus.labels is labelled medical, so the figures "
        "leave it out and pipeline train refuses this config; label some, or take it out of "
        "themes"]
    cv, heldout = result.stdout.decode().split("held-out documents")
    assert "  medical " not in cv  # no real paragraph to measure it on
    assert "  medical                        0.000   0.000  0.000    39" in heldout  # all missed


def test_a_library_warning_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    from pipeline.logs import show_warning

    show_warning(UserWarning("a warning\n  over two lines"), UserWarning, "lib.py", 7,
                  line="  warnings.warn(")
    assert [r.getMessage() for r in caplog.records] == [
        "lib.py:7: UserWarning: a warning over two lines"]


def test_a_worker_started_fresh_logs_warnings_as_the_command_does(tmp_path: Path) -> None:
    # Where there is no fork (spawn: a worker starts fresh, as a Dask worker does), a worker's
    # library warning kept Python's form, the source line below it, and our own warnings lost
    # their 'pipeline:'.
    (tmp_path / "work.py").write_text(
        "import logging, warnings\n"
        "def warn(batch):\n"
        "    warnings.warn(f'a library warning {batch}\\n  over two lines', UserWarning)\n"
        "    logging.getLogger('pipeline').warning('ours, in a worker')\n"
        "    return batch\n", "utf-8")
    (tmp_path / "main.py").write_text(
        "import argparse, multiprocessing, warnings\n"
        "import work\n"
        "from pipeline.cli import _setup_logging\n"
        "from pipeline.parallel import ordered_pool\n"
        "if __name__ == '__main__':\n"
        "    multiprocessing.get_all_start_methods = lambda: ['spawn']  # as on Windows\n"
        "    _setup_logging(argparse.Namespace(verbose=False, quiet=QUIET))\n"
        "    print(list(ordered_pool(work.warn, [[1], [2]], 2, {})))\n", "utf-8")
    for quiet in (False, True):
        script = (tmp_path / "main.py").read_text("utf-8").replace("QUIET", str(quiet))
        (tmp_path / "run.py").write_text(script, "utf-8")
        result = subprocess.run([sys.executable, str(tmp_path / "run.py")], capture_output=True,
                                text=True, cwd=tmp_path, timeout=120,
                                env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"})
        assert result.returncode == 0, result.stderr
        assert result.stdout == "[1, 2]\n"
        lines = sorted(result.stderr.splitlines())
        shown = [f"py.warnings: {tmp_path / 'work.py'}:3: UserWarning: a library warning [{n}] "
                 "over two lines" for n in (1, 2)]
        # --quiet: no library warnings, ours still (as in the main process)
        assert lines == ["pipeline: ours, in a worker"] * 2 + ([] if quiet else shown), \
            result.stderr

def test_report_command_writes_one_html_file(model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    config, bundle = model_dir
    labelled = tmp_path / "labelled.json"
    assert in_process("classify", str(SEED), "--config", str(config), "-o",
                      str(labelled)).returncode == 0
    html = tmp_path / "report.html"
    result = pipeline("report", str(labelled), "--model", str(bundle), "-o", str(html))
    assert result.returncode == 0, result.stderr.decode()
    page = html.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.startswith("<!doctype html>")
    assert "湘潭市" in page and "leadership" in page
    missing = in_process("report", str(tmp_path / "none.json"), "-o", str(html))
    assert_one_line_error(missing, "none.json")


@pytest.mark.parametrize(("text", "fmt"), [(None, "json"), (None, "jsonl"),
                                           ("一、醫院發熱門診\n", "json"),  # a heading only
                                           ("一、醫院發熱門診\n", "jsonl")])
def test_review_and_report_refuse_segmented_output(tmp_path: Path, text: str | None,
                                                   fmt: str) -> None:
    source = SEED
    if text is not None:
        source = tmp_path / "heading.txt"
        source.write_text(text, "utf-8")
    segmented = tmp_path / f"segmented.{fmt}"
    assert in_process("segment", str(source), "--format", fmt,
                      "-o", str(segmented)).returncode == 0
    for command in (["review", str(segmented)],
                    ["report", str(segmented), "-o", str(tmp_path / "r.html")]):
        assert_one_line_error(in_process(*command), str(segmented), "have no labels",
                              "pipeline classify")
    assert not (tmp_path / "r.html").exists()


def test_every_config_mistake_in_one_line_and_one_path_without_a_list(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("corpus: {labelz: 1}\nsegment: {max_heading_chars: many}\n", "utf-8")
    assert_one_line_error(in_process("train", "--config", str(config)),
                          "corpus.labelz: unknown key", "; also segment.max_heading_chars")
    labels = tmp_path / "labels.jsonl"  # one file, not a list; with the BOM some editors add
    one_per_theme = {}
    for line in (ROOT / "corpus/labels/seed.jsonl").read_text("utf-8").splitlines():
        label = json.loads(line)
        one_per_theme.setdefault(label.get("theme"), line)
    lines = [line for theme, line in one_per_theme.items() if theme]
    labels.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    config.write_text(f"corpus: {{documents: {SEED}, labels: {labels}}}\n"
                      f"model: {{dir: {tmp_path / 'models'}}}\n", "utf-8")
    result = in_process("train", "--config", str(config), "--no-metrics")
    assert result.returncode == 0, result.stderr.decode()
    assert b"4 real + 0 written paragraphs" in result.stderr



@pytest.mark.parametrize(("extra", "fragments"), [
    ("model: {name: '..'}", ["model.name"]),
    # Found only once the corpus is read: the config file is named all the same, with the key
    # and what to change, and none of scikit-learn's wording.
    ("vectorize: {words: {min_df: 100000}}",
     ["config.yaml: vectorize.words: min_df 100000 and max_df 1 keep no term of the ",
      "; lower min_df or raise max_df"]),
    # The character n-grams' cut: it was blamed on the words' (min_df 1 and max_df 1), which
    # the user would lower in vain.
    ("vectorize: {chars: {enabled: true, min_df: 100000}}",
     ["config.yaml: vectorize.words or vectorize.chars: min_df 1 and max_df 1 (words), min_df "
      "100000 and max_df 1 (chars) keep no term of the "]),
    ("themes: [leadership, grassroots, medical, public_participation, economy]",
     ["config.yaml: themes: no paragraph of corpus.labels is labelled economy; label some, or "
      "take it out of themes"]),
])
def test_configs_that_cannot_train_say_why_in_one_line(tmp_path: Path, extra: str,
                                                       fragments: list[str]) -> None:
    config = write_corpus_config(tmp_path / "config.yaml", extra, written=SOME_WRITTEN[:1])
    result = in_process("train", "--config", str(config), "--no-metrics")
    assert_one_line_error(result, *fragments)
    assert "Try a lower" not in result.stderr.decode()  # scikit-learn's own advice


@pytest.mark.parametrize("key", ["actors", "lexicon"])
@pytest.mark.parametrize("text", ["", "# words to come\n\n", "leadership: []\nmedical:\n"])
def test_a_word_list_of_no_words_at_a_weight_is_refused(tmp_path: Path, key: str,
                                                         text: str) -> None:
    """An empty word list (or one of comments alone) at a weight over 0 trained without a word:
    its features were all 0, and whoever meant to use it got nothing of it."""
    words = tmp_path / f"{key}.yaml"
    words.write_text(text, "utf-8")
    config = write_corpus_config(tmp_path / "config.yaml",
                                 f"vectorize: {{{key}: {{path: {words}, weight: 1}}}}",
                                 f"model: {{dir: {tmp_path / 'models'}}}",
                                 written=SOME_WRITTEN[:1])
    assert_one_line_error(in_process("train", "--config", str(config), "--no-metrics"),
                          f"error: {config}: vectorize.{key}: weight 1 needs words, and {words} "
                          "has none (empty, or comments only): list each theme's words in it, "
                          "or set the weight to 0")
    if key == "actors" and not text:  # at weight 0 it makes no feature: nothing is missed
        config.write_text(config.read_text("utf-8").replace("weight: 1", "weight: 0"), "utf-8")
        result = in_process("train", "--config", str(config), "--no-metrics")
        assert result.returncode == 0, result.stderr.decode()


def test_evaluate_on_one_article_names_the_config_and_what_to_change(tmp_path: Path) -> None:
    labels = tmp_path / "one.jsonl"
    labels.write_text("".join(line + "\n" for line in (ROOT / "corpus/heldout/labels.jsonl")
                              .read_text("utf-8").splitlines() if "hd01_" in line), "utf-8")
    config = heldout_config(tmp_path, labels=str(labels))
    assert_one_line_error(pipeline("evaluate", "--config", str(config)),
                          f"error: {config}: corpus.labels: cross-validation needs labelled "
                          "paragraphs from at least two articles, and these come from 1; label "
                          "paragraphs of another article")


def test_an_unreadable_unlabelled_file_does_not_stop_training(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / SEED.name).write_bytes(SEED.read_bytes())
    (docs / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))  # no labels: skipped
    config = write_corpus_config(tmp_path / "c.yaml", f"model: {{dir: {tmp_path / 'm'}}}",
                                 f"output: {{path: {tmp_path / 'out' / 'labelled.json'}}}",
                                 written=SOME_WRITTEN[:1])
    config.write_text(config.read_text("utf-8").replace(str(ROOT / "corpus/documents"),
                                                        str(docs)), "utf-8")
    result = in_process("train", "--config", str(config), "--no-metrics")
    assert result.returncode == 0, result.stderr.decode()
    assert "scan.txt" not in result.stderr.decode()  # training reads only labelled documents
    (docs / "other").mkdir()  # a second file of the seed's name: run and status refuse at once
    (docs / "other" / SEED.name).write_bytes(SEED.read_bytes())
    for command, run in (("run", pipeline), ("status", in_process)):
        assert_one_line_error(run(command, "--config", str(config)),
                              f"a second document with the id '{SEED.stem}'")


def test_a_labelled_document_that_does_not_read_says_why_training_needs_it(
        tmp_path: Path) -> None:
    docs, labels = tmp_path / "docs", tmp_path / "labels"
    docs.mkdir()
    labels.mkdir()
    (docs / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (labels / "l.jsonl").write_text(
        json.dumps({"document": "scan", "index": 0, "theme": "medical"}) + "\n"
        + json.dumps({"document": f"{SEED.stem}.txt", "index": 0, "theme": "medical"}) + "\n",
        "utf-8")
    shutil.copy(SEED, docs)
    config = write_corpus_config(tmp_path / "c.yaml", f"model: {{dir: {tmp_path / 'm'}}}",
                                 written=SOME_WRITTEN[:1])
    config.write_text(config.read_text("utf-8").replace(str(ROOT / "corpus/documents"), str(docs))
                      .replace(str(ROOT / "corpus/labels"), str(labels)), "utf-8")
    assert_one_line_error(in_process("train", "--config", str(config), "--no-metrics"),
                          "scan.txt: not a text file", f"hand labels, {labels / 'l.jsonl'}:1")
    (labels / "l.jsonl").write_text(
        json.dumps({"document": f"{SEED.stem}.txt", "index": 0, "theme": "medical"}) + "\n"
        + (ROOT / "corpus/labels/seed.jsonl").read_text("utf-8"), "utf-8")
    err = in_process("train", "--config", str(config), "--no-metrics").stderr.decode()
    assert f"a document's id is its file name, without folders or .txt: '{SEED.stem}'" in err


def test_a_bug_keeps_its_traceback_and_an_exit_code_of_its_own(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline import cli

    def broken(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "segment", broken)
    assert cli.main(["segment", str(SEED)]) == 3  # not 1, which means files were skipped
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: a bug" in err
    assert err.rstrip().endswith("please report it with the traceback above")


def test_the_figures_tables_keep_long_and_chinese_theme_names_apart(
        capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import _print_metrics

    themes = ["health_hospitals", "health_public", "交通運輸"]
    one = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    _print_metrics("figures", {
        "paragraphs": 6, "per_theme": dict.fromkeys(themes, one), "macro_f1": 1.0,
        "accuracy": 1.0, "log_loss": 0.1, "ece": 0.0, "confusion_labels": themes,
        "confusion": [[2, 0, 0], [0, 2, 0], [0, 0, 2]]})
    lines = capsys.readouterr().out.splitlines()
    rows = lines[-3:]  # the confusion matrix
    assert [row.split()[1] for row in rows] == themes  # whole names, not cut to one prefix
    # Every row of a table ends in the same terminal column (a Chinese character takes two).
    width = [sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in row) for row in rows]
    assert len(set(width)) == 1


def test_standard_output_redirected_in_python_gets_the_output(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # Inside Python (a notebook, contextlib.redirect_stdout) standard output can be a text
    # stream with no bytes under it; `-o -` writes its text there instead of failing.
    import contextlib
    import io

    from pipeline.cli import main

    config, _ = model_dir
    doc = tmp_path / "d.txt"
    doc.write_text("市委書記主持召開常委會會議,研究部署疫情防控工作。\n", "utf-8")
    for command in ("classify", "segment"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([command, str(doc), "-o", "-", "-q", "--config", str(config)])
        assert code == 0
        assert [d["id"] for d in json.loads(out.getvalue())["documents"]] == ["d"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_disk_is_one_line_naming_the_output(model_dir: tuple[Path, Path]) -> None:
    # /dev/full fails every write with "No space left on device", as a full disk does.
    config, _ = model_dir
    for command, run in (("classify", pipeline), ("segment", in_process)):
        result = run(command, str(SEED), "-o", "/dev/full", "--config", str(config))
        assert_one_line_error(result, "/dev/full: cannot write", "No space left on device")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("unbuffered", [False, True])
def test_standard_output_full_or_closed_is_one_line(model_dir: tuple[Path, Path],
                                                    unbuffered: bool) -> None:
    # Buffered, as Python writes to a file by default, the error was followed by Python's own
    # "Exception ignored … OSError" from its flush at exit, and exit code 120; status's lines,
    # unbuffered, were a traceback (exit 3).
    config, _ = model_dir
    classify = f"{sys.executable} -m pipeline classify {SEED} -o - -q --config {config}"
    status = f"{sys.executable} -m pipeline status --config {config}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env |= {"PYTHONPATH": str(ROOT), **({"PYTHONUNBUFFERED": "1"} if unbuffered else {})}
    for command, redirect, message in ((classify, ">/dev/full", "standard output: cannot write"),
                                       (status, ">/dev/full", "standard output: cannot write"),
                                       (classify, ">&-", "standard output is closed")):
        result = subprocess.run(["bash", "-c", f"{command} {redirect}"], capture_output=True,
                                env=env, cwd=ROOT, timeout=300)
        assert_one_line_error(result, message)


def test_an_open_stream_named_as_a_path_is_written_into_not_replaced(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # -o /dev/stdout with standard output appended to a log: the output goes after the log's
    # lines; replacing the file would have lost them. The same for /dev/stderr and /dev/fd/N.
    config, _ = model_dir
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m pipeline segment {SEED} -q --config {config}"
    log = tmp_path / "log"
    for target, redirect in (("/dev/stdout", ">>"), ("/dev/stderr", "2>>"),
                             ("/dev/fd/3", "3>>"), ("/proc/self/fd/3", "3>>")):
        log.write_text("kept\n", "utf-8")
        result = subprocess.run(
            ["bash", "-c", f"{command} -o {target} {redirect} {log}; echo after >> {log}"],
            capture_output=True, env=env, cwd=ROOT, timeout=300)
        assert result.returncode == 0, result.stderr.decode()
        text = log.read_text("utf-8")
        assert text.startswith("kept\n") and text.endswith("\nafter\n"), target
        assert json.loads(text.removeprefix("kept\n").removesuffix("after\n"))["documents"]


def test_the_output_may_not_be_one_of_the_inputs(model_dir: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    config, _ = model_dir
    (tmp_path / "docs").mkdir()
    document = tmp_path / "docs" / "report.txt"
    document.write_bytes(SEED.read_bytes())
    link = tmp_path / "out.json"
    link.symlink_to(document)
    for command in ("segment", "classify"):
        for out, inputs in ((document, [document]), (link, [tmp_path / "docs"])):
            result = in_process(command, *map(str, inputs), "-o", str(out), "--config",
                                str(config))
            assert_one_line_error(result, f"{out}: is one of the input files")
            assert document.read_bytes() == SEED.read_bytes()


def test_an_output_written_again_keeps_its_permissions(model_dir: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    config, _ = model_dir
    out = tmp_path / "private.json"
    out.write_text("previous", "utf-8")
    out.chmod(0o600)
    assert in_process("segment", str(SEED), "-o", str(out), "--config",
                      str(config)).returncode == 0
    assert json.loads(out.read_text("utf-8"))["documents"]
    assert out.stat().st_mode & 0o777 == 0o600
    new = tmp_path / "new.json"
    assert in_process("segment", str(SEED), "-o", str(new), "--config",
                      str(config)).returncode == 0
    assert new.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_long_output_names_and_link_loops(model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # A name of 255 bytes is a valid output (its temporary file's name is cut to fit); a link
    # that loops is one line, not a traceback.
    config, _ = model_dir
    for name in ("o" * 250 + ".json", "報告" * 41 + ".json"):
        assert len(name.encode()) <= 255
        result = in_process("segment", str(SEED), "-o", str(tmp_path / name), "--config",
                            str(config))
        assert result.returncode == 0, result.stderr.decode()
        assert json.loads((tmp_path / name).read_text("utf-8"))["documents"]
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for out in (tmp_path / "loop", tmp_path / "loop" / "out.json"):
        result = in_process("segment", str(SEED), "-o", str(out), "--config", str(config))
        assert_one_line_error(result, str(out), "loop of symbolic links")


def test_codecs_that_do_not_give_text_are_refused(tmp_path: Path) -> None:
    # rot13 and base64 are codecs but not text encodings; utf-7 can decode to a lone
    # surrogate, which no output could hold.
    document = tmp_path / "u7.txt"
    document.write_bytes("医院发热门诊。".encode("utf-7") + b"+2AA-")
    for name in ("rot13", "base64"):
        assert_one_line_error(in_process("segment", str(document), "--encoding", name),
                              f"'{name}' is not a text encoding")
        config = tmp_path / f"{name}.yaml"
        config.write_text(f"reading: {{encoding: {name}}}\n", "utf-8")
        assert_one_line_error(in_process("segment", str(document), "--config", str(config)),
                              str(config), "reading.encoding", "not a text encoding")
    result = in_process("segment", str(document), "--encoding", "utf-7", "--strict")
    assert_one_line_error(result, str(document), "lone surrogate (U+D800) at character 7")


def test_a_config_that_never_ends_or_nests_too_deep_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 100_000 + "\n", "utf-8")
    assert_one_line_error(pipeline("segment", str(SEED), "--config", str(deep)),
                          str(deep), "nested too deeply")
    if Path("/dev/zero").exists():
        assert_one_line_error(pipeline("segment", str(SEED), "--config", "/dev/zero"),
                              "/dev/zero: a device, not a config file")


def test_a_config_section_given_twice_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "dup.yaml"
    config.write_text("label:\n  review_below: 0.9\nlabel: {evidence_terms: 2}\n", "utf-8")
    assert_one_line_error(in_process("segment", str(SEED), "--config", str(config)),
                          f"{config}:3: key 'label' given twice (the first one, line 1, would be "
                          "lost)")


def test_an_output_path_ending_in_a_slash_names_a_folder(tmp_path: Path) -> None:
    result = in_process("segment", str(SEED), "-o", f"{tmp_path}/new/")
    assert_one_line_error(result, f"{tmp_path}/new/: names a folder")
    assert not (tmp_path / "new").exists()


def test_jobs_beyond_four_a_core_are_cut_with_a_warning(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from pipeline.parallel import resolve_jobs

    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    assert [resolve_jobs(n) for n in (0, 1, 3, 8)] == [2, 1, 3, 8] and not caplog.records
    assert resolve_jobs(1000) == 8
    assert "--jobs 1000 is more than four workers a core (2 cores): using 8" in caplog.text


def _renamed(labels: Path, to: Path, names: dict[str, str]) -> Path:
    """A copy of the hand labels ``labels`` at ``to``, each theme by another name."""
    lines = labels.read_text("utf-8").splitlines()
    to.write_text("".join(json.dumps({**record, "theme": names[record["theme"]]},
                                     ensure_ascii=False) + "\n"
                          for record in map(json.loads, lines) if record.get("theme")), "utf-8")
    return to


def test_evaluate_with_themes_of_ones_own_and_written_paragraphs_off(tmp_path: Path) -> None:
    # A corpus labelled with other theme names, corpus.use_written false: the written paragraphs
    # (of the shipped themes) cannot be compared, which is a warning, not an error.
    labels = _renamed(ROOT / "corpus/labels/seed.jsonl", tmp_path / "labels.jsonl",
                      {"leadership": "govt", "grassroots": "community", "medical": "health",
                       "public_participation": "citizens"})
    config = tmp_path / "own.yaml"
    config.write_text(f"""
themes: [govt, community, health, citizens]
corpus:
  documents: [{ROOT / 'corpus/documents'}]
  labels: [{labels}]
  written: [{ROOT / 'corpus/written'}]
  use_written: false
vectorize: {{actors: {{path: null, weight: 0}}}}
evaluate: {{folds: 2}}
""", encoding="utf-8")
    report = tmp_path / "report.json"
    result = in_process("evaluate", "--config", str(config), "--json", str(report))
    assert result.returncode == 0, result.stderr.decode()
    assert 'unknown theme "leadership"' in result.stderr.decode()
    assert "left out of the comparison" in result.stderr.decode()
    data = json.loads(report.read_text("utf-8"))
    assert "cv_with_written" not in data and data["cv_without_written"]["paragraphs"] == 102


def test_classify_takes_the_themes_of_a_bundle_given_without_a_config(tmp_path: Path) -> None:
    # A bundle of other theme names failed with '...but the config names [leadership, ...]'
    # though no config was given: the built-in one, or configs/default.yaml of the folder.
    labels = _renamed(ROOT / "corpus/heldout/labels.jsonl", tmp_path / "labels.jsonl",
                      {"leadership": "lead", "grassroots": "base", "medical": "med",
                       "public_participation": "public"})
    config = tmp_path / "own.yaml"
    config.write_text(f"themes: [lead, base, med, public]\n"
                      f"corpus: {{documents: [{ROOT / 'corpus/heldout'}], labels: [{labels}]}}\n"
                      f"model: {{dir: {tmp_path / 'models'}}}\n", encoding="utf-8")
    assert in_process("train", "--config", str(config), "--no-metrics").returncode == 0
    bundle, out = tmp_path / "models" / "default", tmp_path / "out.json"
    for cwd in (tmp_path, ROOT):  # no config at all; the project's configs/default.yaml
        result = in_process("classify", str(SEED), "--model", str(bundle), "-o", str(out),
                            cwd=cwd)
        assert result.returncode == 0, result.stderr.decode()
        data = json.loads(out.read_text("utf-8"))
        assert data["model"]["themes"] == ["lead", "base", "med", "public"]
        assert {p["label"] for p in data["documents"][0]["paragraphs"] if "label" in p} <= {
            "lead", "base", "med", "public"}
    shipped = ROOT / "configs/default.yaml"
    assert_one_line_error(  # a config named with --config must agree with the bundle
        in_process("classify", str(SEED), "--model", str(bundle), "--config", str(shipped),
                   "-o", str(out)),
        f"{bundle}: made for themes: lead, base, med, public; {shipped} names: "
        "leadership, grassroots, medical, public_participation; list the bundle's "
        f"themes in {shipped}, or leave out --config to label by them")


def test_a_config_of_other_themes_than_its_bundle_says_what_to_change(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    bundle = model_dir[1]
    other = tmp_path / "other.yaml"
    other.write_text(f"themes: [economy, leadership, grassroots]\n"
                     f"model: {{dir: {bundle.parent}, name: {bundle.name}}}\n", "utf-8")
    themes = "leadership, grassroots, medical, public_participation"  # not Python's ['…', …]
    said = (f"{bundle}: made for themes: {themes}; {other} names: economy, leadership, "
            f"grassroots; list the bundle's themes in {other}, or ")
    out = tmp_path / "out.json"
    assert_one_line_error(in_process("classify", str(SEED), "--model", str(bundle),
                                     "--config", str(other), "-o", str(out)),
                          said + "leave out --config to label by them")
    # Its own bundle (no --model): trained for other themes, it is trained again.
    assert_one_line_error(in_process("classify", str(SEED), "--config", str(other), "-o",
                                     str(out)),
                          said + f"train it for this config's with 'pipeline train --config "
                                 f"{other}'")
    assert not out.exists()


def test_labelling_needs_the_model_and_config_but_not_the_corpus(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # The model and a copy of the config on a machine without the training corpus: segment,
    # classify and report work; train says which corpus path is missing.
    _, bundle = model_dir
    config = tmp_path / "configs" / "default.yaml"
    config.parent.mkdir()
    config.write_text("corpus: {documents: [../corpus/documents], labels: [../corpus/labels]}\n",
                      "utf-8")
    out = tmp_path / "out.json"
    for command in (("segment", str(SEED), "-o", str(out)),
                    ("classify", str(SEED), "--model", str(bundle), "-o", str(out)),
                    ("report", str(out), "-o", str(tmp_path / "report.html"))):
        result = in_process(*command, cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
    assert_one_line_error(in_process("train", cwd=tmp_path),
                          "corpus.documents: path does not exist")


def test_labelling_needs_no_word_list_the_bundle_already_holds(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # The shipped config copied without its word lists (a trained model taken to another
    # machine): the bundle holds the tokenizer with its dictionary and stop words, and the
    # features' word lists, so segment and classify read none of the config's. One of them a
    # named pipe is not read either.
    config, bundle = model_dir
    shipped = tmp_path / "configs" / "default.yaml"
    shipped.parent.mkdir()
    shutil.copy(ROOT / "configs/default.yaml", shipped)
    os.mkfifo(shipped.parent / "stopwords.txt")
    expected = in_process("classify", str(SEED), "--config", str(config), "-q")
    assert expected.returncode == 0, expected.stderr.decode()
    for command in (("classify", str(SEED), "--model", str(bundle)),
                    ("classify", str(SEED), "--model", str(bundle), "--config", str(shipped))):
        result = pipeline(*command, "-q", cwd=tmp_path, timeout=120)
        assert result.returncode == 0, result.stderr.decode()
        assert (json.loads(result.stdout)["documents"]
                == json.loads(expected.stdout)["documents"])
    result = pipeline("segment", str(SEED), cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    # Training does read them: beside the corpus, it still names the one missing.
    (tmp_path / "corpus").symlink_to(ROOT / "corpus")
    assert_one_line_error(pipeline("train", cwd=tmp_path),
                          "tokenize.user_dict: path does not exist")


def test_a_paragraph_without_chinese_is_flagged_for_review(model_dir: tuple[Path, Path]) -> None:
    # The model knows a few Latin words of the corpus ("a"): a paragraph of English
    # gets a label from them, but it is not Chinese text, and a person should look.
    config, _ = model_dir
    text = "A hospital opened a fever clinic.\n醫院開設發熱門診。\n"
    result = in_process("classify", "-", "--config", str(config), "-q", stdin=text.encode())
    assert result.returncode == 0, result.stderr.decode()
    english, chinese = json.loads(result.stdout)["documents"][0]["paragraphs"]
    assert english["evidence"] and english["needs_review"]
    assert chinese["label"] == "medical" and not chinese["needs_review"]


def test_text_wrapped_at_a_fixed_width_is_named_in_a_warning(tmp_path: Path) -> None:
    # Each line of a hard-wrapped text (a PDF export) is read as a paragraph: the user is told,
    # and told what segmenting makes of them. It said 'a short one as a heading', but lines at
    # the width cut out of prose are body (all 81 here, though shorter than a heading may be).
    import textwrap

    body = [p.text for p in _seed_body()]
    wrapped = tmp_path / "wrapped.txt"
    wrapped.write_text("\n".join(textwrap.wrap("".join(body[:10]), 30)) + "\n", "utf-8")
    result = pipeline("segment", str(wrapped), str(SEED), "-o", str(tmp_path / "out.json"))
    assert result.returncode == 0
    lines = result.stderr.decode().splitlines()
    assert lines == [f"pipeline: {wrapped}: its lines look wrapped at 30 characters: each line is "
                     "read as a paragraph (one about that long with a comma or a full stop "
                     "inside as body, another short one that ends no sentence as a heading); "
                     "join the lines of a paragraph first (in a config, segment.join_wrapped: "
                     "true joins them)"]
    paragraphs = json.loads((tmp_path / "out.json").read_text("utf-8"))["documents"][0][
        "paragraphs"]
    at_width = [p for p in paragraphs if len(p["text"]) == 30]
    assert len(at_width) == 81 and {p["kind"] for p in at_width} == {"body"}
    # Joined as the key says: no line is left to warn of, no paragraph longer than the limit.
    config = tmp_path / "join.yaml"
    config.write_text("segment: {join_wrapped: true}\n", "utf-8")
    result = pipeline("segment", str(wrapped), "--config", str(config), "-o",
                      str(tmp_path / "out.json"))
    assert result.returncode == 0 and result.stderr == b""
    text = wrapped.read_text("utf-8")
    paragraphs = json.loads((tmp_path / "out.json").read_text("utf-8"))["documents"][0][
        "paragraphs"]
    assert all(text[p["start"] : p["end"]] == p["text"] for p in paragraphs)
    assert [p["text"].count("\n") + 1 for p in paragraphs] == [64, 18]  # 2,000 characters at most
    assert "".join(p["text"] for p in paragraphs).replace("\n", "") == text.replace("\n", "")


def test_one_long_line_cut_into_paragraphs_is_not_called_wrapped(tmp_path: Path) -> None:
    # A thank-you list of 8,000 donors' names on one line, with no sentence end till its last
    # character, is cut at a comma before every 2,000 characters: the pieces share a length
    # and end inside a sentence, and the file was said to have 'lines wrapped at 1999
    # characters' to be joined, though it has no line to join.
    names = [a + b for a in "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
             for b in "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超"]
    donors = tmp_path / "donors.txt"
    donors.write_text("爱心捐赠名单\n\n感谢以下爱心人士为疫情防控捐款捐物：\n\n"
                      + "、".join(names * 20) + "。\n\n特此致谢。\n", "utf-8")
    result = in_process("segment", str(donors), "-o", str(tmp_path / "out.json"))
    assert result.returncode == 0
    assert result.stderr.decode() == ""
    paragraphs = json.loads((tmp_path / "out.json").read_text("utf-8"))["documents"][0][
        "paragraphs"]
    assert sum(len(p["text"]) > 1900 for p in paragraphs) >= 8  # cut, as a long line is


def _seed_body() -> list:
    from pipeline.segment import segment_text

    return [p for p in segment_text("seed", SEED.read_text("utf-8")) if p.kind == "body"]


def test_report_and_review_may_not_write_over_their_input(model_dir: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    config, _ = model_dir
    labelled = tmp_path / "labelled.json"
    assert in_process("classify", str(SEED), "--config", str(config), "-o",
                      str(labelled)).returncode == 0
    before = labelled.read_bytes()
    for command in ("report", "review"):
        result = pipeline(command, str(labelled), "-o", str(labelled))
        assert_one_line_error(result, "is one of the input files")
        assert labelled.read_bytes() == before


def test_an_output_name_too_long_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / ("医" * 90 + ".json")  # 274 bytes: more than a name may have
    assert_one_line_error(in_process("segment", str(SEED), "-o", str(out)), "File name too long")


def test_names_with_line_separators_read_back_and_messages_stay_one_line(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # U+2028 in a source path is written as it is in jsonl (a valid JSON string): reading the
    # output back cuts lines at newlines only. A newline in a file name cut short stays one line.
    config, _ = model_dir
    folder = tmp_path / "e\u2028f"
    folder.mkdir()
    (folder / "r.txt").write_text("醫院救治患者。\n", "utf-8")
    (folder / "a\nb.txt").write_bytes("醫院救治患者。".encode() + b"\xe9\x86")
    out = tmp_path / "out.jsonl"
    result = in_process("classify", str(folder), "--config", str(config), "--format", "jsonl",
                        "-q", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    warning = result.stderr.decode().splitlines()
    assert len(warning) == 1 and "a\\x0ab.txt" in warning[0] and "cut short" in warning[0]
    review = in_process("review", str(out), "--all", "-o", str(tmp_path / "review.jsonl"))
    assert review.returncode == 0, review.stderr.decode()


def _classified_seed(bundle: Path, tmp_path: Path) -> Path:
    """The seed labelled by ``bundle``, as ``tmp_path/labelled.json``."""
    labelled = tmp_path / "labelled.json"
    assert in_process("classify", str(SEED), "--model", str(bundle), "-o", str(labelled),
                      "-q").returncode == 0
    return labelled


def test_review_leaves_out_hand_labelled_paragraphs_and_never_overwrites_filled_in_ones(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    _, bundle = model_dir
    labelled = _classified_seed(bundle, tmp_path)
    labels = tmp_path / "labels"
    shutil.copytree(ROOT / "corpus/labels", labels)
    every = write_corpus_config(tmp_path / "every.yaml")  # the seed's labels: every paragraph
    config = tmp_path / "config.yaml"
    config.write_text(every.read_text("utf-8").replace(str(ROOT / "corpus/labels"), str(labels)),
                      "utf-8")
    (labels / "seed.jsonl").rename(tmp_path / "seed.jsonl")  # none labelled yet
    out = labels / "zz-review.jsonl"
    review = ["review", str(labelled), "--all", "--limit", "0", "--config", str(config),
              "-o", str(out)]
    assert pipeline(*review).returncode == 0
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(items) == 102 and all(item["theme"] is None for item in items)
    assert in_process(*review).returncode == 0  # nothing filled in yet: written again

    # A person labels three; reviewing again into the same file would lose them.
    filled = [{**item, "theme": "medical"} if n < 3 else item for n, item in enumerate(items)]
    out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in filled), "utf-8")
    before = out.read_bytes()
    assert_one_line_error(in_process(*review), f"{out}:1", "holds hand labels already")
    assert out.read_bytes() == before
    # Into another file, the three are left out: a person has looked at them.
    again = in_process(*review[:-1], str(tmp_path / "next.jsonl"))
    assert again.returncode == 0, again.stderr.decode()
    assert len((tmp_path / "next.jsonl").read_text("utf-8").splitlines()) == 99
    # Held-out labels count as looked at too (they must not join the training labels).
    held = tmp_path / "held.yaml"
    held.write_text(config.read_text("utf-8").replace(
        "corpus:\n", f"corpus:\n  heldout_labels: [{tmp_path / 'seed.jsonl'}]\n", 1), "utf-8")
    assert in_process("review", str(labelled), "--all", "--limit", "0", "--config", str(held),
                      "-o", str(tmp_path / "held.jsonl")).returncode == 0
    assert (tmp_path / "held.jsonl").read_text("utf-8") == ""
    # With the seed's labels back, no paragraph is left to review, and the line says why (it
    # said only "0 paragraphs to review", as if the output had none).
    (tmp_path / "seed.jsonl").rename(labels / "seed.jsonl")
    none = in_process(*review[:-1], str(tmp_path / "none.jsonl"))
    assert none.returncode == 0
    assert (tmp_path / "none.jsonl").read_text("utf-8") == ""
    assert none.stderr.decode().splitlines()[-1] == (
        f"0 paragraphs to review -> {tmp_path / 'none.jsonl'}; every body paragraph "
        "has a hand label already")


def test_an_output_never_replaces_what_the_config_reads(tmp_path: Path) -> None:
    labels = tmp_path / "labels"
    shutil.copytree(ROOT / "corpus/labels", labels)
    every = write_corpus_config(tmp_path / "every.yaml")
    config = tmp_path / "config.yaml"
    config.write_text(every.read_text("utf-8").replace(str(ROOT / "corpus/labels"), str(labels)),
                      "utf-8")
    kept = {p: p.read_bytes() for p in (config, labels / "seed.jsonl")}
    for target in (config, labels / "seed.jsonl"):  # --json given what --config should have been
        assert_one_line_error(in_process("evaluate", "--config", str(config), "--json",
                                         str(target)), str(target))
    assert_one_line_error(in_process("evaluate", "--config", str(config), "--json",
                                     str(labels / "figures.json")), str(labels), "elsewhere")
    into_labels = tmp_path / "into.yaml"
    into_labels.write_text(config.read_text("utf-8")
                           + f"output: {{path: {labels / 'seed.jsonl'}}}\n", "utf-8")
    assert_one_line_error(in_process("run", "--config", str(into_labels)), "seed.jsonl")
    assert {p: p.read_bytes() for p in kept} == kept
    assert sorted(p.name for p in labels.iterdir()) == ["seed.jsonl"]
    # Documents, named or in a documents folder, and the config through classify, too; an
    # empty --json (an unset variable) is no "no JSON".
    documents = tmp_path / "documents"
    shutil.copytree(ROOT / "corpus/documents", documents)
    config.write_text(config.read_text("utf-8").replace(str(ROOT / "corpus/documents"),
                                                         str(documents)), "utf-8")
    document = next(documents.glob("*.txt"))
    kept = {p: p.read_bytes() for p in (config, document)}
    for target in (document, documents / "new.txt"):
        assert_one_line_error(in_process("evaluate", "--config", str(config), "--json",
                                         str(target)), str(target))
    assert_one_line_error(in_process("classify", str(SEED), "--config", str(config), "-o",
                                     str(config)), str(config))
    outside = tmp_path / "outside.jsonl"  # a label file the labels folder links to
    outside.write_text((labels / "seed.jsonl").read_text("utf-8"), "utf-8")
    (labels / "linked.jsonl").symlink_to(outside)
    kept[outside] = outside.read_bytes()
    assert_one_line_error(in_process("classify", str(SEED), "--config", str(config), "--format",
                                     "jsonl", "-o", str(outside)), str(outside))
    assert_one_line_error(in_process("evaluate", "--config", str(config), "--json", ""),
                          "an empty output name")
    assert {p: p.read_bytes() for p in kept} == kept and not (documents / "new.txt").exists()


def test_the_report_never_replaces_what_the_config_reads(model_dir: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    # report -o given the config, a label file or a document's name by a slip of the hand
    # replaced it with the HTML page, as classify -o and review -o no longer do.
    _, bundle = model_dir
    labelled = _classified_seed(bundle, tmp_path)
    for folder in ("labels", "documents"):
        shutil.copytree(ROOT / "corpus" / folder, tmp_path / folder)
    config = tmp_path / "config.yaml"
    config.write_text(f"corpus: {{documents: [{tmp_path / 'documents'}], "
                      f"labels: [{tmp_path / 'labels'}]}}\n", "utf-8")
    document = next((tmp_path / "documents").glob("*.txt"))
    targets = (config, tmp_path / "labels" / "seed.jsonl", document,
               tmp_path / "documents" / "report.txt")
    kept = {p: p.read_bytes() for p in targets if p.exists()}
    for target in targets:
        result = in_process("report", str(labelled), "--config", str(config), "--model",
                            str(bundle), "-o", str(target))
        assert_one_line_error(result, str(target))
    assert {p: p.read_bytes() for p in kept} == kept
    assert not (tmp_path / "documents" / "report.txt").exists()
    fine = in_process("report", str(labelled), "--config", str(config), "-o",
                      str(tmp_path / "report.html"))
    assert fine.returncode == 0, fine.stderr.decode()


def test_no_output_goes_into_a_model_bundle(model_dir: tuple[Path, Path],
                                            tmp_path: Path) -> None:
    # -o into the bundle's folder replaced its model.json, or put a file there that the
    # training after next deleted with the old version folder.
    config, bundle = model_dir
    kept = {p: p.read_bytes() for p in bundle.iterdir()}
    labelled = tmp_path / "labelled.json"
    assert in_process("classify", str(SEED), "--config", str(config), "-o", str(labelled),
                      "-q").returncode == 0
    version = bundle.resolve()
    attempts = [("classify", str(SEED), "--config", str(config), "-o", str(bundle / "model.json")),
                ("classify", str(SEED), "--model", str(bundle), "-o", str(bundle / "out.json")),
                ("segment", str(SEED), "--config", str(config), "-o", str(version / "s.json")),
                ("review", str(labelled), "--config", str(config), "-o", str(bundle / "r.jsonl")),
                ("report", str(labelled), "--model", str(bundle), "-o", str(bundle / "r.html")),
                ("evaluate", "--config", str(config), "--json", str(bundle / "figures.json"))]
    for args in attempts:
        assert_one_line_error(in_process(*args), args[-1], "model bundle")
    assert {p: p.read_bytes() for p in bundle.iterdir()} == kept
    inside = in_process("classify", str(SEED), "--model", ".", "-o", "out.json", cwd=bundle)
    assert_one_line_error(inside, "model bundle")
    assert sorted(bundle.iterdir()) == sorted(kept)


def test_a_folder_that_takes_no_file_fails_before_any_work(model_dir: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    # evaluate --json into a read-only folder cross-validated for minutes, then failed.
    import time

    config, _ = model_dir
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    immutable = os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(locked)],
                                                     capture_output=True).returncode == 0
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("this user may write into any folder (root without chattr)")
        for target in (locked / "figures.json", locked / "new" / "figures.json"):
            start = time.monotonic()
            result = in_process("evaluate", "--config", str(config), "--json", str(target))
            assert_one_line_error(result, str(target), f"{locked} does not let files be made")
            assert time.monotonic() - start < 20  # the cross-validation takes longer
        result = in_process("classify", str(SEED), "--config", str(config), "-o", "/dev/null",
                            "-q")
        assert result.returncode == 0, result.stderr.decode()
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
        locked.chmod(0o755)
    assert list(locked.iterdir()) == []


def test_review_in_a_new_project_and_into_a_pipe(model_dir: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    # A project with a config and nothing else yet (no word lists, no labels): review works.
    # Into /dev/stdout, a pipe here, the list is written, not read first (that would hang).
    _, bundle = model_dir
    labelled = _classified_seed(bundle, tmp_path)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs/default.yaml").write_text(
        "corpus: {documents: [../corpus/documents], labels: [../corpus/labels]}\n"
        "tokenize: {user_dict: userdict.txt, stop_words: stopwords.txt}\n", "utf-8")
    first = in_process("review", str(labelled), "-o", "to-label.jsonl", cwd=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    assert len((tmp_path / "to-label.jsonl").read_text("utf-8").splitlines()) > 0
    piped = pipeline("review", str(labelled), "-o", "/dev/stdout", cwd=tmp_path, timeout=60)
    assert piped.returncode == 0 and piped.stdout.decode().count("\n") > 0
    (tmp_path / "corpus/written").mkdir(parents=True)
    (tmp_path / "configs/default.yaml").write_text(
        "corpus: {documents: [../corpus/documents], written: [../corpus/written]}\n", "utf-8")
    assert_one_line_error(in_process("review", str(labelled), "-o", "corpus/written/r.jsonl",
                                     cwd=tmp_path), "corpus/written")


def test_a_review_list_named_other_than_jsonl_is_written_with_a_warning(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # '-o to-label.json' wrote JSON lines under a .json name without a word; put in the labels
    # folder, the list was skipped at training time, when the warning came a step too late.
    _, bundle = model_dir
    labelled = _classified_seed(bundle, tmp_path)
    (tmp_path / "configs").mkdir()
    labels = tmp_path / "labels"
    labels.mkdir()
    (tmp_path / "configs/default.yaml").write_text(f"corpus: {{labels: [{labels}]}}\n", "utf-8")
    result = in_process("review", str(labelled), "-o", "to-label.json", "-q", cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert err == ("pipeline: to-label.json: written as JSON lines; training reads "
                   "review lists in a folder of labels only from .jsonl files: name it "
                   "to-label.jsonl to put it there\n")
    lines = (tmp_path / "to-label.json").read_text("utf-8").splitlines()
    assert lines and all(json.loads(line)["theme"] is None for line in lines)  # as documented
    # Named so, or named by corpus.labels itself (read whatever its name), it is not warned of.
    assert in_process("review", str(labelled), "-o", "to-label.jsonl", "-q",
                      cwd=tmp_path).stderr == b""
    (tmp_path / "configs/default.yaml").write_text(
        f"corpus: {{labels: [{labels}, {tmp_path / 'mine.txt'}]}}\n", "utf-8")
    (tmp_path / "mine.txt").write_text("", "utf-8")
    assert in_process("review", str(labelled), "-o", "mine.txt", "-q", cwd=tmp_path).stderr == b""


def _seed_json_and_lines(config: Path, bundle: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The seed labelled by ``bundle`` as ``json`` (``labelled.json``) and ``jsonl``
    (``good.jsonl``) in ``tmp_path``."""
    from pipeline.cli import main

    lines = tmp_path / "good.jsonl"
    assert main(["classify", str(SEED), "-o", str(lines), "--format", "jsonl", "-q",
                 "--config", str(config)]) == 0
    return _classified_seed(bundle, tmp_path), lines


def _assert_refused_by_review_and_report(files: Iterable[tuple[Path, str]], config: Path,
                                         tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Each labelled output of ``files`` (path, a part of the message) is refused by ``review``
    and ``report``: exit 2, the one line naming the file and what is wrong, nothing written."""
    from pipeline.cli import main

    for path, message in files:
        for command in (["review", "--all"], ["report"]):
            out = tmp_path / f"{path.stem}.{command[0]}"
            code = main([*command, str(path), "-o", str(out), "-q", "--config", str(config)])
            err = capsys.readouterr().err
            assert code == 2, (path, command, err)
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
            assert path.name in err and message in err, err
            assert not out.exists()


def test_labelled_output_of_the_wrong_shape_is_one_line_for_review_and_report(
        model_dir: tuple[Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # A labelled output edited by hand, or written by another program, is read by review and
    # report: a field of the wrong type is named with its document and paragraph, exit 2,
    # where it was a traceback (exit 3) from deep inside the ranking or the page.
    from pipeline.cli import main

    config, bundle = model_dir
    good, lines = _seed_json_and_lines(config, bundle, tmp_path)
    data = json.loads(good.read_text("utf-8"))
    body = next(i for i, p in enumerate(data["documents"][0]["paragraphs"])
                if p["kind"] == "body")

    def edited(field: str, value: object) -> dict:
        copy = json.loads(good.read_text("utf-8"))
        copy["documents"][0]["paragraphs"][body][field] = value
        return copy

    cases = {
        "confidence": (edited("confidence", "high"), f"paragraph {body}: 'confidence' must be"),
        "scores": (edited("scores", None), "'scores' must be an object"),
        "text": (edited("text", None), "'text' must be a string, not null"),
        "evidence": (edited("evidence", [1]), "'evidence' must be a list of strings"),
        "documents": ({**data, "documents": None}, "'documents' must be a list"),
        "errors": ({**data, "errors": [3]}, "'errors' must be a list of objects"),
    }
    files = {}
    for name, (value, message) in cases.items():
        files[name] = (tmp_path / f"{name}.json", message)
        files[name][0].write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    # A lone surrogate, as a JSON escape may hold: no output can hold it again.
    surrogate = tmp_path / "surrogate.json"
    surrogate.write_text(json.dumps(edited("text", "\ud800")), "utf-8")
    files["surrogate"] = (surrogate, "surrogates not allowed")
    # JSON nested deeper than Python parses, and a number longer than it converts.
    deep, long = tmp_path / "deep.json", tmp_path / "long.json"
    deep.write_text("[" * 100_000, "utf-8")
    long.write_text("1" * 5000, "utf-8")
    files |= {"deep": (deep, "not labelled output"), "long": (long, "not labelled output")}
    bad_line = tmp_path / "bad.jsonl"
    rows = lines.read_text("utf-8").splitlines()
    row = next(i for i, r in enumerate(rows) if json.loads(r)["kind"] == "body")
    rows[row] = json.dumps({**json.loads(rows[row]), "needs_review": "yes"})
    bad_line.write_text("\n".join(rows) + "\n", "utf-8")
    files["jsonl"] = (bad_line, f"bad.jsonl:{row + 1}: not labelled output: 'needs_review'")

    _assert_refused_by_review_and_report(files.values(), config, tmp_path, capsys)
    for path in (good, lines):  # what classify writes still reads
        assert main(["review", str(path), "-o", str(tmp_path / "ok.jsonl"), "-q",
                     "--config", str(config)]) == 0


def test_review_and_report_hold_a_labelled_output_to_the_whole_schema(
        model_dir: tuple[Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The output is checked against the shipped schema itself: what it says beyond the types
    # checked by hand before (label fields on body paragraphs only, version 1.x) is refused
    # too, and a value no output can hold is named with its document, paragraph and field.
    config, bundle = model_dir
    good, lines = _seed_json_and_lines(config, bundle, tmp_path)
    data = json.loads(good.read_text("utf-8"))
    paragraphs = data["documents"][0]["paragraphs"]
    body = next(i for i, p in enumerate(paragraphs) if p["kind"] == "body")
    heading = next(i for i, p in enumerate(paragraphs) if p["kind"] == "heading")
    where = f"document 1 ({SEED.stem}): paragraph "

    def edited(i: int, **values: object) -> str:
        copy = json.loads(good.read_text("utf-8"))
        copy["documents"][0]["paragraphs"][i].update(values)
        return json.dumps(copy)  # a lone surrogate as an escape: no UTF-8 file holds it as is

    cases = {
        "labelled_heading": (edited(heading, label="medical"),
                             f"{where}{heading}: must not have 'label' (kind \"heading\")"),
        "version": (json.dumps({**data, "schema_version": "2.0"}),
                    "'schema_version' must match ^1\\.[0-9]+$, not \"2.0\""),
        "nan": (edited(body, confidence=float("nan")), f"{where}{body}: 'confidence' is NaN"),
        "surrogate": (edited(body, text="\ud800"),
                      f"{where}{body}: 'text' holds a lone surrogate"),
        "huge": (edited(body, start=10**400), f"{where}{body}: 'start' is a number beyond"),
        "empty_evidence": (edited(body, evidence=["x", ""]),
                           f"{where}{body}: 'evidence[1]' must not be empty"),
    }
    files = {}
    for name, (text, message) in cases.items():
        files[name] = (tmp_path / f"{name}.json", message)
        files[name][0].write_text(text, "utf-8")
    rows = lines.read_text("utf-8").splitlines()
    row = next(i for i, r in enumerate(rows) if json.loads(r)["kind"] == "body")
    rows[row] = json.dumps({**json.loads(rows[row]), "text": "\ud800"})
    files["jsonl"] = (tmp_path / "bad.jsonl", f"bad.jsonl:{row + 1}: not labelled output: "
                      "'text' holds a lone surrogate")
    files["jsonl"][0].write_text("\n".join(rows) + "\n", "utf-8")

    _assert_refused_by_review_and_report(files.values(), config, tmp_path, capsys)


def test_report_to_a_folder_name_or_an_empty_name_writes_nothing(
        model_dir: tuple[Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # As for classify, segment, review and evaluate: "new/" names a folder, "" an unset
    # variable. report's -o was a Path, which drops the slash: it wrote a file named "new".
    from pipeline.cli import main

    config, bundle = model_dir
    labelled = _classified_seed(bundle, tmp_path)
    for out, message in ((f"{tmp_path / 'new'}/", "names a folder; name a file to write"),
                         ("", "an empty output name")):
        code = main(["report", str(labelled), "-o", out, "-q", "--config", str(config)])
        err = capsys.readouterr().err
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labelled.json"]
    assert main(["report", str(labelled), "-o", str(tmp_path / "r.html"), "-q",
                 "--config", str(config)]) == 0


@pytest.mark.parametrize("args", [
    ["classify", str(SEED), "--config", ""], ["classify", str(SEED), "--model", ""],
    ["train", "--config", ""], ["review", ""], ["report", ""], ["report", str(SEED), "-m", ""],
])
def test_an_empty_path_argument_is_named_as_empty(args: list[str], tmp_path: Path) -> None:
    # "$MODEL" with MODEL unset: a Path of "" is the current folder, which the message named
    # (".: cannot read config: Is a directory") and classify would have taken a bundle from.
    result = pipeline(*args, cwd=tmp_path)
    assert_one_line_error(result, "an empty name (an unset variable?)")


def _terminal_output(*args: str, cwd: Path) -> str:
    """Run ``pipeline`` with standard error on a pseudo-terminal 100 columns wide, as a person
    at a terminal does (so progress bars are drawn), and return all it wrote there."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: the command has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=300) == 0
    return b"".join(chunks).decode()


def _terminal_screen(*args: str, cwd: Path) -> list[str]:
    """The lines the terminal shows once ``pipeline`` has written to it (see
    :func:`_terminal_output`): a carriage return goes back to the line's start and ``ESC [K``
    erases to its end."""
    import re

    screen: list[str] = []
    for raw in _terminal_output(*args, cwd=cwd).split("\n"):
        line: list[str] = []
        column = 0
        for piece in re.split(r"(\r|\x1b\[K|\x1b\[[0-9;]*[A-Za-z])", raw):
            if piece == "\r":
                column = 0
            elif piece == "\x1b[K":
                del line[column:]
            elif not piece.startswith("\x1b"):
                line[column:column + len(piece)] = piece
                column += len(piece)
        screen.append("".join(line).rstrip())
    return screen


def _two_document_project(folder: Path) -> None:
    """A project in ``folder`` (``config.yaml``) of two short documents of four sections each,
    one labelled with each theme: run trains on it in seconds."""
    sections = ["市委书记主持召开常委会，研究部署疫情防控工作，要求各级党委政府扛起政治责任。",
                "社区网格员挨家挨户排查登记，村干部在村口设卡值守，做好返乡人员健康监测。",
                "市人民医院开设发热门诊，医护人员全力救治患者，疾控中心开展流行病学调查。",
                "广大市民积极响应，志愿者主动报名参加服务，企业捐赠口罩和消毒液。"]
    docs = folder / "docs"
    docs.mkdir()
    labels = []
    for name, title in (("a", "关于做好疫情防控工作的通知"), ("b", "某县疫情防控工作总结")):
        lines = [title]
        for n, (heading, text) in enumerate(zip("一二三四", sections, strict=True)):
            lines += [f"{heading}、第{heading}部分", text]
            labels.append({"document": name, "index": 2 + 2 * n,
                           "theme": ["leadership", "grassroots", "medical",
                                     "public_participation"][n]})
        (docs / f"{name}.txt").write_text("\n\n".join(lines) + "\n", "utf-8")
    (folder / "labels.jsonl").write_text(
        "".join(json.dumps(label) + "\n" for label in labels), "utf-8")
    (folder / "config.yaml").write_text(
        "corpus: {documents: [docs], labels: [labels.jsonl], written: []}\n"
        "model: {dir: models}\noutput: {path: out/labelled.json}\n", "utf-8")


@pytest.mark.slow
def test_messages_shown_during_a_progress_bar_start_a_line_of_their_own(tmp_path: Path) -> None:
    # A bar leaves the cursor at its end: a warning or a stage's line written then was shown
    # after the bar on its line ("cross-validation: 0fold [00:00, ?fold/s]pipeline: …").
    import textwrap

    _two_document_project(tmp_path)
    seed = [p.text for p in _seed_body()]
    wrapped = tmp_path / "wrapped"
    wrapped.mkdir()
    for n in range(4):
        (wrapped / f"w{n}.txt").write_text(
            "\n".join(textwrap.wrap("".join(seed[n:n + 10]), 30)) + "\n", "utf-8")

    # run: each stage's line, and the warning that there are fewer articles than folds
    screen = _terminal_screen("run", "--config", "config.yaml", cwd=tmp_path)
    # classify: the warnings of worker processes and of the command's own process
    for jobs in ("2", "1"):
        screen += _terminal_screen("classify", "wrapped", "-j", jobs, "-m", "models/default",
                                   "-o", "out.json", cwd=tmp_path)
    said = [line for line in screen if "pipeline: " in line or ": up to date" in line
            or line.startswith(("segment:", "train:", "classify: ", "labelled "))]
    assert sum("evaluate.folds is 5" in line for line in said) == 1, screen
    assert sum("look wrapped at 30" in line for line in said) == 8, screen
    for line in said:
        assert line.startswith(("pipeline: ", "segment: ", "train: ", "classify: ", "model: ",
                                "labelled ")), screen
        assert "%|" not in line and "fold/s" not in line and "doc/s" not in line, screen


@pytest.mark.slow
def test_run_shows_the_bar_of_the_stage_at_work(tmp_path: Path) -> None:
    # run drew a "classify" bar from its start, through segmenting and training, and nothing of
    # training's cross-validation folds. Each stage's bar is now drawn while it works, named by
    # the stage, before its line; train's counts the folds.
    import re

    _two_document_project(tmp_path)
    out = _terminal_output("run", "--config", "config.yaml", cwd=tmp_path)

    def first(pattern: str) -> int:
        found = re.search(pattern, out)
        assert found, (pattern, out)
        return found.start()

    bar = r": +\d+%\|[^|\n]*\| \d+/{} \["  # a tqdm bar: ":   0%|          | 0/2 ["
    segment_bar, segment_line = first("segment" + bar.format(2)), first("segment: 2 of 2")
    train_bar, train_line = first("train" + bar.format(2)), first(r"train: trained \(")
    classify_bar = first("classify" + bar.format(2))
    assert segment_bar < segment_line < train_bar < train_line < classify_bar, out
    assert "fold/s" in out[train_bar:train_line]  # two folds: two articles
    assert classify_bar < first("classify: 2 of 2 documents labelled")
    # -q: nothing on the terminal; a pipe or a file (a log, CI): the stages' lines, no bars.
    assert _terminal_output("run", "--config", "config.yaml", "-q", "--force", "classify",
                            cwd=tmp_path) == ""
    logged = in_process("run", "--config", "config.yaml", "--force", "train", cwd=tmp_path)
    err = logged.stderr.decode()
    assert logged.returncode == 0, err
    assert "\r" not in err and "%|" not in err and "train: trained (forced)" in err


def test_report_with_a_folder_that_is_no_bundle_says_so(model_dir: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    # report --model naming a folder above the page's (a slip for the bundle's own) said the
    # page "is inside the model bundle", of a folder that is none; classify says what is wrong.
    _, bundle = model_dir
    labelled = _classified_seed(bundle, tmp_path)
    for model in (".", str(tmp_path)):
        result = in_process("report", str(labelled), "--model", model, "-o", "report.html",
                            cwd=tmp_path)
        assert_one_line_error(result, f"{model}: not a model bundle: model.json is missing")
        assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_config_or_model_path_of_the_wrong_kind_is_named_without_errno(
        command: str, tmp_path: Path) -> None:
    # A folder given as the config, a path through a file, a file given as the model bundle:
    # "cannot read config: [Errno 21] Is a directory: '…'" and "model.json: damaged: [Errno 20]
    # Not a directory: '…'", Python's exception text.
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("", "utf-8")
    labelled = tmp_path / "out.json"
    labelled.write_text('{"documents": [], "errors": []}', "utf-8")
    inputs = {"classify": [str(SEED), "-o", "o.json"], "segment": [str(SEED), "-o", "o.json"],
              "tokenize": [str(SEED), "-o", "o.json"], "vectorize": [str(SEED), "-o", "o.npz"],
              "review": [str(labelled), "-o", "r.jsonl"],
              "report": [str(labelled), "-o", "r.html"]}.get(command, [])
    for config, message, run in (
            ("folder", "folder: a folder, not a config file", pipeline),
            ("file/c.yaml", "file/c.yaml: config file not found (a part of the path is a file, "
                            "not a folder)", in_process)):
        result = run(command, *inputs, "--config", config, cwd=tmp_path)
        assert_one_line_error(result, message)
        assert "Errno" not in result.stderr.decode()
    if command in ("classify", "vectorize", "report"):
        result = in_process(command, *inputs, "--model", "file", cwd=tmp_path)
        assert_one_line_error(result, "file: not a model bundle: a file, not a folder")
        assert "Errno" not in result.stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder", "out.json"]


def test_an_empty_labelled_output_is_read_as_no_documents_with_a_warning(
        model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # classify --format jsonl writes an empty file when it labels no document, so an empty file
    # is read as that output; but it is also what a failed 'classify -o - > FILE' leaves, and
    # review and report made an empty list and page of it without a word.
    config, _ = model_dir
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    for fmt in ("json", "jsonl"):
        result = in_process("classify", str(bad), "--config", str(config), "--format", fmt,
                            "-o", str(tmp_path / f"none.{fmt}"))
        assert result.returncode == 1, result.stderr.decode()
    assert (tmp_path / "none.jsonl").read_bytes() == b""
    for name in ("none.json", "none.jsonl"):
        for command, out in (("report", "r.html"), ("review", "r.jsonl")):
            result = in_process(command, str(tmp_path / name), "--config", str(config),
                                "-o", str(tmp_path / out))
            err = result.stderr.decode()
            assert result.returncode == 0, err
            warned = f"{tmp_path / name}: empty: a labelled output (JSON lines) of no documents"
            assert (warned in err) == (name == "none.jsonl"), err


@pytest.mark.parametrize("command", ["train", "run"])
def test_a_file_where_the_bundle_or_its_folder_goes_is_refused_before_training(
        command: str, tmp_path: Path) -> None:
    # model.dir naming a file failed, once the model was trained, with mkdir's FileExistsError
    # and a traceback; a file where the bundle goes was moved aside for the bundle.
    (tmp_path / "file").write_text("mine", "utf-8")
    runs = iter([pipeline] + [in_process] * 2)
    for model, message in (
            (f"{{dir: {tmp_path / 'file'}}}",
             f"model.dir: {tmp_path / 'file'}: a file, not a folder; the bundle default goes "
             "in a folder"),
            (f"{{dir: {tmp_path / 'file/below'}}}", f"model.dir: {tmp_path / 'file'}: a file"),
            (f"{{dir: {tmp_path}, name: file}}",
             f"model.name: {tmp_path / 'file'}: a file, not a model bundle")):
        config = write_corpus_config(tmp_path / "c.yaml", f"model: {model}",
                                     f"output: {{path: {tmp_path / 'out.json'}}}")
        result = next(runs)(command, "--config", str(config))
        assert_one_line_error(result, f"{config}: {message}")
    assert (tmp_path / "file").read_text("utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml", "file"]


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs /sys, where nobody may make a folder")
@pytest.mark.parametrize("command", ["train", "run"])
def test_a_folder_the_bundle_cannot_be_written_in_is_refused_before_training(
        command: str, tmp_path: Path) -> None:
    # model.dir under a folder nobody may write in (here /sys, which refuses even root) was
    # found after a minute of training, by mkdir's PermissionError and a traceback (exit 3).
    config = write_corpus_config(tmp_path / "c.yaml", "model: {dir: /sys/paragraph-themes}",
                                 f"output: {{path: {tmp_path / 'out.json'}}}")
    result = pipeline(command, "--config", str(config), timeout=60)
    assert_one_line_error(result, f"{config}: model.dir: /sys: cannot write the bundle default "
                                  "there: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_what_the_commands_write_by_default_in_the_project_folder_is_ignored_by_git() -> None:
    # pipeline report writes report.html (and a big output's pages in report_files/) into the
    # current folder; run writes the output, its
    # record and cache, and the model, where configs/default.yaml puts them. In the project's
    # own checkout none of them may show up as a file to commit.
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    config = load_config(ROOT / "configs/default.yaml")
    report = Path(commands.choices["report"].get_default("out"))
    written = [report, pages_folder(report) / "page-0001.html",
               config.output.path, config.output.path.with_name("run-state.json"),
               config.output.path.parent / ".cache" / "segments" / "entry",
               config.bundle_dir / "model.pkl", config.bundle_dir.with_name(".default.x") / "a"]
    for path in written:
        relative = path.resolve().relative_to(ROOT) if path.is_absolute() else path
        result = subprocess.run([git, "check-ignore", "--no-index", "-q", str(relative)],
                                cwd=ROOT, capture_output=True)
        assert result.returncode == 0, f"{relative} is not ignored by git"


def test_train_on_one_article_says_the_model_has_no_figures(tmp_path: Path) -> None:
    """evaluate refuses labels from one article; train and run saved the model without its
    cross-validated figures and said nothing, and the report then blamed --no-metrics."""
    from pipeline.report import render_report

    labels = tmp_path / "one.jsonl"
    labels.write_text("".join(line + "\n" for line in (ROOT / "corpus/heldout/labels.jsonl")
                              .read_text("utf-8").splitlines() if "hd01_" in line), "utf-8")
    config = heldout_config(tmp_path, labels=str(labels))
    config.write_text(config.read_text("utf-8").replace(
        f"heldout_documents: [{ROOT / 'corpus/heldout'}]", "heldout_documents: []").replace(
        f"heldout_labels: [{ROOT / 'corpus/heldout/labels.jsonl'}]", "heldout_labels: []"),
        "utf-8")
    result = in_process("train", "--config", str(config))
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert "pipeline: corpus.labels: the hand-labelled paragraphs come from 1 article, and " \
           "cross-validation needs two or more: the model is saved without cross-validated " \
           "figures; label paragraphs of another article\n" in err, err
    meta = json.loads((tmp_path / "models/default/model.json").read_text("utf-8"))
    assert meta["metrics"] == {}
    labelled = {"schema_version": "1.1", "created": "2026-01-01T00:00:00Z",
                "model": {"name": "default", "themes": meta["themes"], "hash": "0" * 64},
                "documents": [], "errors": []}
    page = render_report(labelled, meta)
    assert "No figures: the model had none to give: its hand labels come from fewer than two " \
           "articles" in page
    assert "--no-metrics" not in page


@pytest.mark.parametrize("labels_text", [
    "", json.dumps({"document": "no_such_document", "index": 0, "theme": "medical"}) + "\n"])
def test_train_and_evaluate_without_hand_labels_say_where_they_are_looked_for(
        tmp_path: Path, labels_text: str) -> None:
    """No hand label (none at all, or none of a document of the corpus) read 'the hand-labelled
    paragraphs come from 0 articles ... label paragraphs of another article'."""
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "mine.jsonl").write_text(labels_text, "utf-8")
    documents = ROOT / "corpus/documents"
    config = tmp_path / "config.yaml"
    config.write_text(f"corpus:\n  documents: [{documents}]\n  labels: [{labels}]\n"
                      f"  written: [{SOME_WRITTEN[0]}]\nmodel: {{dir: {tmp_path / 'models'}}}\n",
                      "utf-8")
    none = (f"corpus.labels: no hand-labelled paragraphs: no label in {labels} names a body "
            f"paragraph of a document of corpus.documents ({documents}), so ")
    how = ("; label some: pipeline review on run's output writes paragraphs to label as a "
           ".jsonl file of "
           '{"document": …, "sha1": …, "theme": null} lines: fill in each theme and put the file '
           "in corpus.labels\n")
    result = in_process("train", "--config", str(config))
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert (f"pipeline: {none}the model learns from the written paragraphs alone and is saved "
            f"without cross-validated figures{how}") in err, err
    assert "0 article" not in err
    result = in_process("evaluate", "--config", str(config))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.endswith(f"pipeline: error: {config}: {none}cross-validation has nothing to "
                        f"measure{how}"), err
    assert "0 article" not in err and "Traceback" not in err
    # The report page of that model said its hand labels 'come from fewer than two articles'
    # and to 'label paragraphs of another article'.
    from pipeline.report import render_report

    meta = json.loads((tmp_path / "models/default/model.json").read_text("utf-8"))
    assert meta["metrics"] == {} and meta["training_data"]["real_paragraphs"] == 0
    labelled = {"schema_version": "1.1", "created": "2026-01-01T00:00:00Z",
                "model": {"name": "default", "themes": meta["themes"], "hash": "0" * 64},
                "documents": [], "errors": []}
    page = html.unescape(render_report(labelled, meta))
    assert (f"No figures: the model had none to give: {none[len('corpus.labels: '):]}it learnt "
            f"from the written paragraphs alone, and it had no held-out documents{how[:-1]}, "
            "and train it again.</p>") in page, page
    assert "another article" not in page


def _reader_gone(*args: str, unbuffered: bool) -> subprocess.CompletedProcess:
    """``pipeline ARGS | true``: standard output a pipe whose reader has already gone."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(ROOT)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "pipeline", *args], stdout=write,
                              stderr=subprocess.PIPE, cwd=ROOT, env=env, timeout=300)
    finally:
        os.close(write)


@pytest.mark.parametrize("unbuffered", [False, True])
def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path,
                                                            unbuffered: bool) -> None:
    """With standard output buffered (Python's default for a pipe) what was left in it failed
    again at exit: 'Exception ignored … BrokenPipeError' and exit code 120, for a long output
    (segment, report -o -) and a short one alike."""
    short = tmp_path / "short.txt"
    short.write_text("市委召开会议，部署疫情防控工作。\n", encoding="utf-8")
    for args in (("segment", str(SEED)), ("segment", str(short))):
        result = _reader_gone(*args, unbuffered=unbuffered)
        assert result.returncode == 0, result.stderr.decode()
        assert result.stderr == b""


def test_evaluate_writes_its_json_when_the_text_reader_stops_early(tmp_path: Path) -> None:
    """'evaluate --json FILE | head' with unbuffered output (PYTHONUNBUFFERED, as containers
    set it) stopped at the text's first line the reader did not take, and exited 0 without
    the JSON asked for."""
    config = heldout_config(tmp_path)
    out = tmp_path / "figures.json"
    result = _reader_gone("evaluate", "--config", str(config), "--json", str(out), "-q",
                          unbuffered=True)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(out.read_text("utf-8"))["heldout"]["paragraphs"] == 155


def test_a_theme_with_no_paragraph_and_no_prediction_shows_a_dash_not_zeros(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Held-out labels without a medical paragraph, and a model that predicts none: its precision,
    # recall and F1 are 0/0, which scikit-learn writes as 0 and the table showed as 0.000.
    import numpy as np

    from pipeline.cli import _print_metrics
    from pipeline.evaluate import metrics

    themes = ["leadership", "grassroots", "medical", "public_participation"]
    truth = ["leadership", "grassroots", "public_participation", "leadership"]
    proba = np.array([[.7, .1, .1, .1], [.1, .7, .1, .1], [.1, .1, .1, .7], [.2, .6, .1, .1]])
    m = metrics(truth, proba, themes)
    _print_metrics("held-out documents", m)
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.split()[:1] and line.split()[0] in themes}
    assert rows["medical"] == ["-", "-", "-", "0"]
    assert rows["leadership"] == ["1.000", "0.500", "0.667", "2"]  # measured: numbers
    # Macro-F1 leaves it out, and the table says so.
    assert m["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert f"macro-F1 {m['macro_f1']:.3f}" in out
    assert "nothing was measured for medical" in out
    assert "macro-F1 is the mean over the other 3 themes" in out


def test_a_theme_predicted_without_a_paragraph_keeps_its_zeros_in_macro_f1(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Predicted but never the truth: precision 0 was measured (every such label was wrong), so
    # the row keeps its numbers and macro-F1 counts its F1 of 0, with no note.
    import numpy as np

    from pipeline.cli import _print_metrics
    from pipeline.evaluate import metrics

    themes = ["leadership", "medical"]
    m = metrics(["leadership", "leadership"], np.array([[.9, .1], [.2, .8]]), themes)
    _print_metrics("held-out documents", m)
    out = capsys.readouterr().out
    row = next(line.split() for line in out.splitlines() if line.split()[:1] == ["medical"])
    assert row[1:] == ["0.000", "0.000", "0.000", "0"]
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0) / 2)
    assert "none predicted" not in out


@pytest.mark.parametrize(("given", "missing"), [
    (f"heldout_labels: [{ROOT / 'corpus/heldout/labels.jsonl'}]", "heldout_documents"),
    (f"heldout_documents: [{ROOT / 'corpus/heldout'}]", "heldout_labels"),
], ids=["labels alone", "documents alone"])
def test_held_out_documents_without_their_labels_or_labels_without_documents_are_named(
        tmp_path: Path, given: str, missing: str) -> None:
    # One of the two keys left out of a config: training saved no held-out figures, and
    # nothing said why.
    config = write_corpus_config(tmp_path / "c.yaml", "model: {dir: models}",
                                 written=SOME_WRITTEN)
    config.write_text(config.read_text("utf-8").replace("corpus:\n", f"corpus:\n  {given}\n"),
                      "utf-8")
    result = in_process("train", "--config", str(config), cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    meta = json.loads((tmp_path / "models/default/model.json").read_text("utf-8"))
    assert "heldout" not in meta["metrics"] and "cross_validation" in meta["metrics"]
    named = [line for line in err.splitlines() if f"corpus.{missing}" in line]
    assert len(named) == 1, err
    assert "no held-out figures" in named[0] and "give both as []" in named[0], named[0]


def test_verbose_and_quiet_before_the_command_are_the_commands(tmp_path: Path) -> None:
    # 'pipeline -v segment x.txt' was 'pipeline: error: unrecognized arguments: -v', though every
    # command takes -v; an option a command does not take was named as the top level's error.
    text = tmp_path / "x.txt"
    text.write_text("市委召开会议，部署疫情防控工作。\n", encoding="utf-8")
    after = in_process("segment", str(text), "-v")
    before = in_process("-v", "segment", str(text))
    assert before.returncode == 0, before.stderr.decode()
    assert before.stdout == after.stdout and b"x.txt: utf-8" in before.stderr
    quiet = in_process("--quiet", "-v", "segment", str(text), "-o", str(tmp_path / "s.json"))
    assert quiet.returncode == 0 and (tmp_path / "s.json").exists(), quiet.stderr.decode()
    assert_one_line_error(in_process("status", "--force"),
                          "pipeline status: error: unrecognized arguments: --force (see --help)")


def test_an_option_before_the_command_is_said_to_go_after_it(tmp_path: Path) -> None:
    # 'pipeline -c configs/mine.yaml run' took the config's name for the command: "invalid
    # choice: 'configs/mine.yaml' (choose from 'run', ...)", which named no option at all.
    assert_one_line_error(
        in_process("-c", "configs/mine.yaml", "run", cwd=tmp_path),
        "pipeline: error: -c goes after the command, as every option but -v and -q does: "
        "pipeline run -c configs/mine.yaml (see --help)")
    assert_one_line_error(
        in_process("-v", "--config=my config.yaml", "status", "--check", cwd=tmp_path),
        "--config goes after the command", "pipeline status -v '--config=my config.yaml' --check")
    assert_one_line_error(in_process("-c", "x.yaml", cwd=tmp_path),
                          "-c goes after the command", "pipeline COMMAND -c x.yaml")
    # An option no command takes is argparse's to name.
    assert_one_line_error(in_process("--versoin", "run", cwd=tmp_path),
                          "unrecognized arguments: --versoin")


def test_a_file_whose_name_starts_with_a_dash_is_said_how_to_give(tmp_path: Path) -> None:
    # 'pipeline segment -notes.txt' said 'the following arguments are required: FILE_OR_DIR',
    # and with another file before it 'unrecognized arguments: -notes.txt': argparse takes the
    # name for an option, and neither message said that a file of that name was meant.
    for name in ("-notes.txt", "--help.txt"):
        (tmp_path / name).write_text("市委召开会议，部署疫情防控工作。\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("社区网格员入户排查。\n", encoding="utf-8")
    for args in (("segment", "-notes.txt"), ("segment", "a.txt", "-q", "--help.txt")):
        name = args[-1]
        assert_one_line_error(
            in_process(*args, cwd=tmp_path),
            f"pipeline segment: error: {name}: a name that starts with '-' is read as an option; "
            f"give the file as ./{name}, or after -- (see --help)")
    for given in (("./-notes.txt",), ("--", "-notes.txt")):
        result = in_process("segment", *given, cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        assert json.loads(result.stdout)["documents"][0]["id"] == "-notes"
    # An option the command does not take is still argparse's to name, with no file of its name.
    assert_one_line_error(in_process("segment", "a.txt", "-x.txt", cwd=tmp_path),
                          "unrecognized arguments: -x.txt")


@pytest.mark.parametrize("command", ["segment", "classify"])
def test_output_into_folders_not_made_yet(command: str, trained, tmp_path: Path) -> None:
    """``-o`` into folders that do not exist yet makes them, as the README says, and writes the
    output there whole."""
    out = tmp_path / "results" / "2020" / "out.json"
    model = ["--model", str(trained[1])] if command == "classify" else []
    result = in_process(command, str(SEED), "-q", "-o", str(out), *model)
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["documents"][0]["paragraphs"]
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]


def test_no_output_replaces_a_yaml_file(model_dir: tuple[Path, Path], tmp_path: Path) -> None:
    # A config's output.path copied from another config, or -o given a config's name, replaced
    # a config this command does not read with labelled JSON.
    config, _ = model_dir
    other = tmp_path / "other.yml"
    other.write_text("model: {name: svm}\n", encoding="utf-8")
    attempts = [("classify", str(SEED), "--config", str(config), "-o", str(other)),
                ("segment", str(SEED), "--config", str(config), "-o", str(other)),
                ("evaluate", "--config", str(config), "--json", str(other))]
    for args in attempts:
        assert_one_line_error(in_process(*args), str(other), "YAML file")
    assert other.read_text(encoding="utf-8") == "model: {name: svm}\n"
    fresh = tmp_path / "new.yaml"  # a name nothing holds is no config
    assert in_process("segment", str(SEED), "--config", str(config), "-o", str(fresh),
                      "-q").returncode == 0
    assert json.loads(fresh.read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_labelled_output_without_its_schema_version_is_not_called_unlabelled(
        model_dir: tuple[Path, Path], tmp_path: Path, fmt: str) -> None:
    # A labelled output whose schema_version a program or a hand took out was refused as if
    # pipeline segment had made it ("its body paragraphs have no labels"), though they have.
    config, _ = model_dir
    labelled = tmp_path / f"labelled.{fmt}"
    assert in_process("classify", str(SEED), "--config", str(config), "--format", fmt,
                      "-o", str(labelled), "-q").returncode == 0
    if fmt == "json":
        data = json.loads(labelled.read_text("utf-8"))
        del data["schema_version"]
        labelled.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    else:
        lines = [json.loads(line) for line in labelled.read_text("utf-8").splitlines()]
        labelled.write_text("".join(json.dumps({k: v for k, v in line.items()
                                                if k != "schema_version"}, ensure_ascii=False)
                                    + "\n" for line in lines), "utf-8")
    result = in_process("review", str(labelled), "--config", str(config))
    assert_one_line_error(result, str(labelled), "no 'schema_version'")
    assert "have no labels" not in result.stderr.decode()
