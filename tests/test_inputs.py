"""Bad and unusual input: encodings, binary files, edge cases, bad configs (issue: bad input)."""

from __future__ import annotations

import io
import json
import os
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import SEED, corpus_config

from pipeline.config import load_config
from pipeline.errors import ConfigError, InputError
from pipeline.model import load_bundle
from pipeline.reading import decode_bytes, read_document
from pipeline.stages import label_document, segment_document, segment_file


def png_bytes() -> bytes:
    """A real 8×8 RGB PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes((x * 30, y * 30, 128) * 1)[:3] * 1 for y in range(8)
                   for x in range(1))
    raw = b"".join(b"\x00" + b"".join(bytes((x * 30, y * 30, 128)) for x in range(8))
                   for y in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def zip_bytes(names: tuple[str, ...] = ("a.txt",)) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "市委召開會議。")
    return buf.getvalue()


# Encodings that cannot hold a non-breaking space get an ordinary one in its place.
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "big5hkscs"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_seed_in_every_encoding_gives_the_same_result(
    encoding: str, trained, tmp_path: Path, seed_text: str
) -> None:
    config, bundle_dir = trained
    text = seed_text if encoding.startswith("utf") else seed_text.replace("\xa0", " ")
    path = tmp_path / f"{SEED.stem}.txt"
    path.write_bytes(text.encode(encoding))
    reference_doc = decode_bytes(text.encode("utf-8"), str(path))
    doc = read_document(path)
    assert doc.text == text
    assert doc.encoding.replace("_", "-").lower() in {
        encoding, "gb18030" if encoding == "gbk" else encoding, "utf-16"}
    bundle = load_bundle(bundle_dir)
    got = label_document(bundle, segment_document(doc, config), config)
    want = label_document(bundle, segment_document(reference_doc, config), config)
    assert got["paragraphs"] == want["paragraphs"]
    assert len([p for p in got["paragraphs"] if p["kind"] == "body"]) == 102


def test_forced_encoding_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("社區網格員入戶排查。".encode("big5"))
    assert read_document(path, "big5").text == "社區網格員入戶排查。"
    with pytest.raises(InputError, match=r"a\.txt: cannot decode as utf-8"):
        read_document(path, "utf-8")


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("image.txt", png_bytes(), "PNG image"),
        ("archive.txt", zip_bytes(), "zip archive"),
        ("report.docx", zip_bytes(("[Content_Types].xml", "word/document.xml")), "zip archive"),
        ("noise.bin", random.Random(1).randbytes(4096), "NUL bytes"),
        ("noise2.bin", bytes(b or 1 for b in random.Random(2).randbytes(4096)),
         "not text in any known encoding"),
        ("nul.txt", "市委召開會議。".encode() + b"\x00\x00" + "部署工作。".encode(), "NUL bytes"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Office file"),
        ("doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        # A word processor's RTF: ASCII, its Chinese escaped, so it was read as English text.
        ("notice.txt", b"{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fcharset134 \\'cb\\'ce;}}\n"
         b"\\pard\\f0 \\'d2\\'bd\\'d4\\'ba\\par\n}", "RTF document"),
    ],
)
def test_binary_files_are_rejected_with_the_reason(tmp_path: Path, name: str, data: bytes,
                                                   why: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_document(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and why in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "text", "body"),
    [
        ("empty", "", 0),
        ("blank", " \n\n\u3000\u3000\r\n\xa0\t\n", 0),
        ("english", "The city committee met on Monday.\n\nVolunteers delivered food to homes.", 2),
        ("japanese", "市役所は対策本部を設置しました。\n\n病院の医師が患者を治療しています。", 2),
        ("emoji", "社區志願者😷💪為居民送菜上門。🙏\n\n🎉🎉🎉", 1),
        ("rare", "𠀀𠀁𪚥𫝀𬺰醫院醫生救治患者。\n\n社區公告裡有\U00030000\U00031350兩個新字。", 2),
    ],
)
def test_unusual_text_gets_a_sensible_result(trained, tmp_path: Path, name: str, text: str,
                                             body: int) -> None:
    config, bundle_dir = trained
    path = tmp_path / f"{name}.txt"
    path.write_text(text, "utf-8")
    doc = label_document(load_bundle(bundle_dir), segment_file(path, config), config)
    body_paragraphs = [p for p in doc["paragraphs"] if p["kind"] == "body"]
    assert len(body_paragraphs) == body
    for p in doc["paragraphs"]:
        assert text[p["start"] : p["end"]] == p["text"]
    for p in body_paragraphs:
        assert abs(sum(p["scores"].values()) - 1) < 1e-4
    if name == "english":  # nothing the model knows: low confidence, flagged for review
        assert all(p["needs_review"] for p in body_paragraphs)


@pytest.mark.parametrize("mark", ["\u200b", "\u00ad", "\u2060", "\ufeff", "\U000e0100"])
def test_invisible_characters_between_words_change_no_label(trained, tmp_path: Path,
                                                            mark: str) -> None:
    # Web pages put zero-width spaces between characters (a copy guard), soft hyphens, word
    # joiners or variation selectors: shown, the text is the same, and so must its labels be.
    # Each one cut the word it sat in: labels changed and confidence fell by up to 0.5.
    config, bundle_dir = trained
    bundle = load_bundle(bundle_dir)
    text = SEED.read_text("utf-8")
    marked = "".join(c + mark if "\u4e00" <= c <= "\u9fff" else c for c in text)
    plain, path = tmp_path / "plain.txt", tmp_path / "marked.txt"
    plain.write_text(text, "utf-8")
    path.write_text(marked, "utf-8")
    expected = label_document(bundle, segment_file(plain, config), config)["paragraphs"]
    got = label_document(bundle, segment_file(path, config), config)["paragraphs"]
    body = [(p["label"], p["scores"], p["evidence"]) for p in expected if p["kind"] == "body"]
    assert len(body) > 50
    assert [(p["label"], p["scores"], p["evidence"]) for p in got if p["kind"] == "body"] == body
    for p in got:  # the text as written, invisible characters and all
        assert marked[p["start"] : p["end"]] == p["text"]


def test_a_five_megabyte_line_is_split_into_readable_paragraphs(trained, tmp_path: Path,
                                                                seed_text: str) -> None:
    config, bundle_dir = trained
    body = "".join(line.strip() for line in seed_text.splitlines() if len(line) > 60)
    line = (body * (5_000_000 // len(body.encode()) + 1))
    path = tmp_path / "one_line.txt"
    path.write_text(line, "utf-8")
    segmented = segment_file(path, config)
    limit = config.segment.max_paragraph_chars
    assert len(segmented.paragraphs) >= len(line) // limit
    assert all(len(p.text) <= limit for p in segmented.paragraphs)
    assert all(line[p.start : p.end] == p.text for p in segmented.paragraphs[:200])
    doc = label_document(load_bundle(bundle_dir), segmented, config)
    assert all("label" in p for p in doc["paragraphs"] if p["kind"] == "body")


# ----------------------------------------------------------------------------- configs
@pytest.mark.parametrize(
    ("yaml_text", "fragments"),
    [
        ("vectorize:\n  wordz: {}\n", ["vectorize.wordz: unknown key", "allowed: words, chars"]),
        ("segment:\n  max_heading_chars: many\n", ["segment.max_heading_chars", "integer"]),
        ("label:\n  review_below: 1.5\n", ["label.review_below", "less than or equal to 1"]),
        ("vectorize:\n  words:\n    ngram_range: [1, 9]\n", ["vectorize.words.ngram_range"]),
        ("model:\n  classifier: random_forest\n",
         ["model.classifier: unknown classifier 'random_forest'", "logistic_regression"]),
        ("model:\n  classifier: logistic_regression\n  params: {C: -1}\n",
         ["model.params.C", "greater than 0"]),
        ("model:\n  params: {gamma: 2}\n", ["model.params.gamma", "allowed: alpha, norm"]),
        ("corpus:\n  documents: [no/such/folder]\n",
         ["corpus.documents: path does not exist", "no/such/folder"]),
        ("tokenize:\n  backend: spacy\n", ["tokenize.backend", "'jieba' or 'rjieba'"]),
        # A folder (here the config's own): status, train and run hashed it, a traceback.
        ("tokenize:\n  stop_words: .\n", ["tokenize.stop_words: a folder, not a file: "]),
        ("vectorize:\n  actors: {path: ., weight: 1}\n",
         ["vectorize.actors.path: a folder, not a file: "]),
        ("reading:\n  encoding: klingon\n", ["reading.encoding", "unknown encoding"]),
        # Written as people write it, with a hyphen: the codec's name is offered.
        ("reading:\n  encoding: GB-18030\n",
         ["reading.encoding", "unknown encoding 'GB-18030'; did you mean 'gb18030'?"]),
        ("vectorize:\n  actors: {path: null, weight: 1}\n",
         ["vectorize.actors: weight 1 needs a path to the word list"]),
        ("model:\n  classifier: x\n    params: 1\n", ["invalid YAML at line 3", "not allowed"]),
        ("- just\n- a list\n", ["top level must be a mapping of sections, not a list"]),
        ("themes: [medical, '']\n", ["themes", "must not be empty or start or end with a space"]),
        # Lists as YAML (and JSON) write them, not as Python's ['medical', ' grassroots'].
        ("themes: [medical, ' grassroots']\n",
         ["themes", 'space: [" grassroots"] (got ["medical", " grassroots"])']),
        ("output: {format: [json]}\n",
         ["output.format: must be 'json' or 'jsonl', not [\"json\"]"]),
        ("model: {classifier: logistic_regression, params: {C: [x]}}\n",
         ['model.params.C: Input should be a valid number (got ["x"])']),
        # pydantic's words named Python's types ('a valid tuple') and took NaN for too big.
        ("themes: leadership\n", ["themes: must be a list ([a, b]), not 'leadership'"]),
        ("vectorize: {words: {ngram_range: 2}}\n",
         ["vectorize.words.ngram_range: must be a list ([a, b]), not 2"]),
        ("vectorize: {context: {heading_weight: .nan}}\n",
         ["vectorize.context.heading_weight: Input should be a finite number (got nan)"]),
        # Values scikit-learn (or the arithmetic) refuses once it fits: a traceback, exit 3,
        # after the corpus was read.
        ("model: {classifier: logistic_regression, params: {class_weight: Balanced}}\n",
         ["model.params.class_weight: Input should be 'balanced' (got 'Balanced')"]),
        ("model: {classifier: linear_svm, params: {class_weight: equal}}\n",
         ["model.params.class_weight: Input should be 'balanced' (got 'equal')"]),
        ("model: {classifier: linear_svm, params: {C: .inf}}\n",
         ["model.params.C: Input should be a finite number (got inf)"]),
        ("model: {params: {alpha: 1e400}}\n",
         ["model.params.alpha: Input should be a finite number (got '1e400')"]),
        ("model: {params: {alpha: 1e-20}}\n",  # gave probabilities of NaN
         ["model.params.alpha: Input should be greater than or equal to 0.0000000001 (got "
          "'1e-20')"]),
        # A pattern that matches the empty string matches every line: the whole document was
        # boilerplate and nothing was labelled, without a word. A trailing | is the usual slip.
        ("segment:\n  boilerplate_patterns: ['^来源：|^责任编辑：|']\n",
         ["segment.boilerplate_patterns", "'^来源：|^责任编辑：|' matches every line"]),
        ("segment:\n  boilerplate_patterns: ['']\n",
         ["segment.boilerplate_patterns", "'' matches every line"]),
        ("segment:\n  boilerplate_patterns: ['(来源)?']\n", ["'(来源)?' matches every line"]),
        # Indented with a tab, as an editor may: YAML's words name the character, not the rule.
        ("model:\n\tname: mine\n",
         ["invalid YAML at line 2, column 1: found character '\\t' that cannot start any "
          "token (a tab: YAML indents with spaces only)"]),
        # A boolean where a number goes: YAML reads yes, no, on and off as booleans too, and
        # they were taken as 1 and 0 (review_below 1.0: every paragraph flagged; seed 1).
        ("label: {review_below: yes}\n",
         ["label.review_below: must be a number, not true or false", "(got true)"]),
        ("model: {seed: true}\n", ["model.seed: must be a number, not true or false"]),
        ("label: {evidence_terms: off}\n", ["label.evidence_terms: must be a number"]),
        ("vectorize: {context: {section_weight: on}}\n",
         ["vectorize.context.section_weight: must be a number"]),
        ("vectorize: {words: {ngram_range: [true, 2]}}\n",
         ["vectorize.words.ngram_range: must be a number"]),
        ("vectorize: {chars: {max_features: true}}\n",
         ["vectorize.chars.max_features: must be a number"]),
        ("model: {params: {alpha: true}}\n", ["model.params.alpha: must be a number"]),
        ("model: {classifier: linear_svm, params: {C: yes}}\n",
         ["model.params.C: must be a number"]),
        # The bundle's folder name: pydantic's words gave its regular expression.
        ("model:\n  name: my/model\n",
         ["model.name: must be a folder name of letters, digits, '_', '-' and '.', not starting "
          "with '.' (got 'my/model')"]),
    ],
)
def test_bad_configs_name_the_key_and_what_is_allowed(tmp_path: Path, yaml_text: str,
                                                      fragments: list[str]) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml_text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_a_word_list_of_unknown_themes_names_them_as_a_list_of_words(tmp_path: Path) -> None:
    # "unknown themes ['economy']", Python's list; a theme key that YAML reads as a number
    # beside a word one was a TypeError from sorting them, and a traceback.
    from pipeline.text import load_lexicon

    path = tmp_path / "actors.yaml"
    for text, unknown in (("economy: [經濟]\nmedical: [醫生]\n", "economy"),
                          ("economy: [經濟]\n1: [一]\nwelfare: [低保]\n", "1, economy, welfare")):
        path.write_text(text, "utf-8")
        with pytest.raises(ConfigError) as info:
            load_lexicon(path, ["medical", "grassroots"])
        assert str(info.value) == (f"{path}: unknown themes: {unknown}; allowed: medical, "
                                   "grassroots")


def test_a_key_given_twice_in_a_config_is_refused(tmp_path: Path) -> None:
    # PyYAML keeps the last of two equal keys: the first section's keys would be lost silently.
    path = tmp_path / "config.yaml"
    path.write_text("label:\n  review_below: 0.9\nmodel: {name: x}\nlabel: {evidence_terms: 2}\n",
                    "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (f"{path}:4: key 'label' given twice (the first one, line 1, "
                               "would be lost)")
    path.write_text("model: {name: x, name: y}\n", "utf-8")
    with pytest.raises(ConfigError, match=r":1: key 'name' given twice \(the first one, line 1,"):
        load_config(path)


def test_a_key_a_merge_brings_in_may_be_overridden() -> None:
    from pipeline.config import read_yaml

    assert read_yaml("c.yaml", "x: &base {a: 1, b: 2}\ny:\n  <<: *base\n  a: 3\n") == {
        "x": {"a": 1, "b": 2}, "y": {"a": 3, "b": 2}}


@pytest.mark.parametrize("name", ["actors.yaml", "lexicon.yaml"])
def test_a_theme_given_twice_in_a_word_list_is_refused(tmp_path: Path, name: str) -> None:
    # Appending a theme's words under a theme already there would replace all its words.
    from conftest import ROOT

    from pipeline.text import load_lexicon

    path = tmp_path / name
    shipped = (ROOT / "configs" / name).read_text("utf-8")
    path.write_text(shipped + "leadership: [防控办]\n", "utf-8")
    lines = shipped.count("\n")
    first = next(n for n, line in enumerate(shipped.splitlines(), 1)
                 if line.startswith("leadership:"))
    with pytest.raises(ConfigError) as info:
        load_lexicon(path, ["leadership", "grassroots", "medical", "public_participation"])
    assert str(info.value) == (f"{path}:{lines + 1}: key 'leadership' given twice (the first "
                               f"one, line {first}, would be lost)")


def test_a_path_in_a_config_may_start_at_the_home_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    path = tmp_path / "configs" / "config.yaml"
    path.parent.mkdir()
    path.write_text("corpus: {documents: [~/docs, '~']}\nmodel: {dir: ~/models}\n"
                    "output: {path: ~/out/labelled.json}\n", "utf-8")
    config = load_config(path)
    assert config.corpus.documents == [home / "docs", home]
    assert (config.model.dir, config.output.path) == (home / "models", home / "out/labelled.json")


@pytest.mark.parametrize("yaml_text, key", [
    ("corpus: {documents: [~]}\n", "corpus.documents.0"),
    ("model: {dir: ~}\n", "model.dir"),
    ("output:\n  path:\n", "output.path"),
])
def test_a_path_left_null_in_a_config_says_how_to_write_the_home_folder(
        tmp_path: Path, yaml_text: str, key: str) -> None:
    # `~` alone (or nothing) is YAML's null: the message was pydantic's "Input is not a valid
    # path for <class 'pathlib.Path'> (got None)", which said neither null nor how to write `~`.
    path = tmp_path / "config.yaml"
    path.write_text(yaml_text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (f"{path}: {key}: a path, not null (YAML reads ~ alone, or no "
                               "value, as null: write '~' for the home folder)")
    path.write_text("model: {dir: 5}\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: model.dir: must be a path, not 5"


def test_a_path_in_a_config_may_name_environment_variables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A config shared between machines names its folders by variables, as a shell script would.
    data = tmp_path / "data"
    (data / "docs").mkdir(parents=True)
    (data / "words").write_text("的\n", "utf-8")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATA", str(data))
    path = tmp_path / "configs" / "config.yaml"
    path.parent.mkdir()
    path.write_text("corpus: {documents: [$DATA/docs, '${DATA}']}\n"
                    "tokenize: {stop_words: $DATA/words}\n"
                    "model: {dir: $HOME/models}\noutput: {path: '${DATA}/out/labelled.json'}\n",
                    "utf-8")
    config = load_config(path)
    assert config.corpus.documents == [data / "docs", data]
    assert config.tokenize.stop_words == data / "words"
    assert config.model.dir == tmp_path / "home" / "models"
    assert config.output.path == data / "out" / "labelled.json"


@pytest.mark.parametrize("value", ["", "unset"])
def test_a_variable_not_set_in_a_config_path_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    # Left as it is, '$DATA/docs' would be a folder of that name beside the config; empty, the
    # path would start at the root folder.
    if value == "unset":
        monkeypatch.delenv("DATA", raising=False)
    else:
        monkeypatch.setenv("DATA", value)
    path = tmp_path / "config.yaml"
    path.write_text("model: {dir: '${DATA}/models'}\n", "utf-8")
    what = "not set" if value == "unset" else "empty"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (f"{path}: model.dir: environment variable ${{DATA}} is {what} "
                               "(in '${DATA}/models')")


@pytest.mark.parametrize("key", ["corpus.documents", "corpus.labels", "corpus.written",
                                 "corpus.heldout_documents", "corpus.heldout_labels",
                                 "tokenize.user_dict", "tokenize.stop_words",
                                 "vectorize.lexicon.path", "vectorize.actors.path"])
def test_a_pipe_or_a_device_named_by_a_config_key_is_refused(tmp_path: Path, key: str) -> None:
    # Hashing or reading one might never end (a pipe waits for a writer, /dev/zero has no end);
    # /dev/null reads as empty, and a folder of documents is walked.
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "folder").mkdir()
    path = tmp_path / "config.yaml"
    *sections, name = key.split(".")

    def config(value: str) -> str:
        text = f"{name}: {value}"
        for section in reversed(sections):
            text = f"{section}: {{{text}}}"
        return text + "\n"

    for special, what in (("pipe", "a named pipe"), ("zero", "a device")):
        path.write_text(config(special), "utf-8")
        with pytest.raises(ConfigError) as info:
            load_config(path)
        assert str(info.value) == f"{path}: {key}: {what}, not a file: {tmp_path / special}"
    path.write_text(config(os.devnull), "utf-8")
    load_config(path)
    if key.startswith("corpus."):
        path.write_text(config("folder"), "utf-8")
        load_config(path)


def test_written_paragraphs_left_out_need_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("corpus: {written: [nowhere], use_written: false}\n", "utf-8")
    assert load_config(path).corpus.written == [tmp_path / "nowhere"]
    path.write_text("corpus: {written: [nowhere], use_written: true}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"corpus\.written: path does not exist: .*nowhere$"):
        load_config(path)


def test_the_shipped_config_is_valid() -> None:
    from conftest import ROOT

    config = load_config(ROOT / "configs" / "default.yaml")
    assert config.corpus.documents[0].is_dir()
    assert config.model.dir == ROOT / "models"


def test_the_shipped_config_names_every_key() -> None:
    """The README sends users to configs/default.yaml for every key: none may be missing."""
    import yaml
    from conftest import ROOT
    from pydantic import BaseModel

    from pipeline.config import Config

    def missing(model: type[BaseModel], data: dict, prefix: str) -> list[str]:
        out = []
        for name, field in model.model_fields.items():
            if name not in data:
                out.append(prefix + name)
            elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
                out += missing(field.annotation, data[name], f"{prefix}{name}.")
        return out

    shipped = yaml.safe_load((ROOT / "configs" / "default.yaml").read_text("utf-8"))
    assert missing(Config, shipped, "") == []


def test_jsonl_output_without_a_path_is_named_for_its_format() -> None:
    from pipeline.config import parse_config

    assert parse_config({"output": {"format": "jsonl"}}).output.path.name == "labelled.jsonl"
    assert parse_config({}).output.path.name == "labelled.json"
    named = parse_config({"output": {"format": "jsonl", "path": "out/x.json"}})
    assert named.output.path.name == "x.json"


def test_paths_in_a_config_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "c.yaml"
    path.write_text("corpus:\n  documents: [../docs]\n", "utf-8")
    assert load_config(path).corpus.documents == [tmp_path / "docs"]


def test_corpus_config_helper_builds_valid_configs(tmp_path: Path) -> None:
    assert corpus_config(tmp_path).model.dir == tmp_path / "models"


def test_a_folder_is_logged_as_the_files_it_holds_once(tmp_path: Path, caplog) -> None:
    from pipeline.stages import input_files

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("醫院救治患者。", "utf-8")
    with caplog.at_level("INFO", logger="pipeline"):
        files = input_files([tmp_path])
        assert input_files(files) == files  # classify expands what the command line expanded
    assert caplog.messages == [f"2 files to read in {tmp_path}"]


def test_links_in_a_folder_are_followed_once_and_broken_ones_named(tmp_path: Path,
                                                                  caplog) -> None:
    from pipeline.reading import find_documents

    corpus, elsewhere = tmp_path / "corpus", tmp_path / "y2021"
    (corpus / "2020").mkdir(parents=True)
    elsewhere.mkdir()
    (corpus / "2020" / "r.txt").write_text("市委召開會議。", "utf-8")
    (elsewhere / "s.txt").write_text("醫院救治患者。", "utf-8")
    (corpus / "2021").symlink_to("../y2021")
    (corpus / "2020" / "up").symlink_to("..")  # a loop: corpus is walked once
    (corpus / "gone.txt").symlink_to("nowhere.txt")
    (corpus / "loop.txt").symlink_to("loop.txt")
    found = [corpus / "2020" / "r.txt", corpus / "2021" / "s.txt"]
    with caplog.at_level("WARNING", logger="pipeline"):
        assert find_documents([corpus]) == found
        assert find_documents([corpus, elsewhere]) == found  # s.txt, reached twice, is kept once
    assert caplog.messages[:2] == [
        f"{corpus / 'loop.txt'}: cannot read: Too many levels of symbolic links",
        f"{corpus / 'gone.txt'}: a link to a file that does not exist"]
    with pytest.raises(InputError, match=r"loop\.txt: cannot read: Too many levels"):
        find_documents([corpus], strict=True)
    (corpus / "loop.txt").unlink()
    with pytest.raises(InputError, match=r"gone\.txt: a link to a file that does not exist$"):
        find_documents([corpus], strict=True)


def test_a_file_and_a_link_to_it_keep_the_files_own_name(tmp_path: Path) -> None:
    # 0.txt -> report.txt sorts first; the file keeps its own name (its id, which its hand
    # labels name), wherever the link sits.
    from pipeline.reading import find_documents

    (tmp_path / "sub").mkdir()
    report = tmp_path / "report.txt"
    report.write_text("市委召開會議。", "utf-8")
    (tmp_path / "0.txt").symlink_to("report.txt")
    (tmp_path / "sub" / "a.txt").symlink_to("../report.txt")
    assert find_documents([tmp_path]) == [report]
    assert find_documents([tmp_path / "0.txt", tmp_path]) == [report]


def test_a_folder_1200_levels_deep_is_walked(tmp_path: Path) -> None:
    """os.walk recursed once a level, and a deep folder raised RecursionError (a traceback)."""
    from pipeline.reading import find_documents

    deep = tmp_path
    for _ in range(1200):
        deep /= "d"
        deep.mkdir()
    (deep / "a.txt").write_text("市委召開會議。", "utf-8")
    try:
        assert find_documents([tmp_path]) == [deep / "a.txt"]
    finally:  # removed here: shutil.rmtree, which pytest cleans up with, recurses once a level
        (deep / "a.txt").unlink()
        for folder in [deep, *deep.parents][:1200]:
            folder.rmdir()


def test_a_corpus_file_named_with_a_newline_is_labelled_by_its_shown_id(tmp_path: Path) -> None:
    from pipeline.config import Config
    from pipeline.stages import labelled_documents

    docs, labels = tmp_path / "docs", tmp_path / "labels.jsonl"
    docs.mkdir()
    (docs / "new\nline.txt").write_text("醫院醫生救治患者。\n", "utf-8")
    labels.write_text(json.dumps({"document": "new\\x0aline", "index": 0, "theme": "medical"})
                      + "\n", "utf-8")
    examples, unmatched, ids = labelled_documents([docs], [labels], Config())
    assert (ids, [e.theme for e in examples], unmatched) == (["new\\x0aline"], ["medical"], 0)


@pytest.mark.parametrize("terms", ["[市委, '']", "[市委, '  ']", "[市委, 3]", "市委"])
def test_a_word_list_with_an_empty_or_odd_term_is_refused(tmp_path: Path, terms: str) -> None:
    from pipeline.text import load_lexicon

    path = tmp_path / "actors.yaml"
    path.write_text(f"leadership: {terms}\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        load_lexicon(path, ["leadership", "medical"])
    assert str(info.value) == f"{path}: leadership: must be a list of terms, none of them empty"


@pytest.mark.parametrize("freq", ["99999999999999999999999", "²", "1000000000001"])
def test_a_user_word_of_a_frequency_the_tokenizer_cannot_take_is_refused(
        tmp_path: Path, freq: str) -> None:
    # rjieba keeps frequencies in 64 bits, and int() reads no ²: either failed inside training
    # (exit 3, a traceback) once the corpus was read.
    from pipeline.stages import train

    words = tmp_path / "userdict.txt"
    words.write_text(f"發熱門診 5\n醫院 {freq} n\n", "utf-8")
    config = corpus_config(tmp_path, tokenize={"user_dict": str(words)},
                           corpus={"written": [], "use_written": False})
    with pytest.raises(ConfigError) as info:
        train(config, with_metrics=False)
    assert str(info.value) == (f"{words}: the frequency of '醫院' must be a whole number up to "
                               f"1,000,000,000,000, not {freq}")
    words.write_text("發熱門診 5\n醫院 1000000000000 n\n", "utf-8")  # the largest: trains
    assert (train(config, with_metrics=False) / "model.pkl").exists()


@pytest.mark.parametrize(("line", "fragment"), [
    ('{"document": "d", "index": "abc", "theme": "medical"}', 'got "abc"'),
    ('{"document": "d", "index": true, "theme": "medical"}', "got true"),  # as the file says
    ('{"document": "d", "index": null, "theme": "medical"}', "needs 'document' and 'sha1' or"),
    ('{"document": "d", "sha1": null, "index": "3", "theme": "medical"}', 'got "3"'),
    ('{"document": "d", "index": 2.9, "theme": "medical"}', "got 2.9"),
    ('{"document": "d", "index": -1, "theme": "medical"}', "got -1"),
    ('{"document": "d", "sha1": 5, "theme": "medical"}', "'sha1' must be"),
    ('{"document": "d", "sha1": "0123456789abcdef", "theme": "medical"}',
     "'sha1' must be the first 12 hex digits of the SHA-1 of the paragraph's text, or all 40; "
     'got "0123456789abcdef"'),
    ('{"document": "d", "sha1": "sha1:0123456789ab", "theme": "medical"}', "or all 40; got"),
    # null was the document "None", 5 the document "5": each one a warning that no such
    # document is among the documents, or a label of a file named 5.txt.
    ('{"document": null, "index": 3, "theme": "medical"}',
     "'document' must be a document's id (its file name without .txt); got null"),
    ('{"document": 5, "index": 3, "theme": "medical"}', "'document' must be a document's id"),
    ('{"document": ["d"], "index": 3, "theme": "medical"}', 'got ["d"]'),
    ('{"document": "", "index": 3, "theme": "medical"}', 'got ""'),
])
def test_a_label_line_naming_no_paragraph_is_refused(tmp_path: Path, line: str,
                                                     fragment: str) -> None:
    from pipeline.corpus import load_labels
    from pipeline.errors import CorpusError

    path = tmp_path / "labels.jsonl"
    path.write_text('{"document": "d", "index": 3, "theme": "medical"}\n' + line + "\n", "utf-8")
    with pytest.raises(CorpusError) as info:
        load_labels([path], ["medical"])
    assert str(info.value).startswith(f"{path}:2: ")
    assert fragment in str(info.value)


@pytest.mark.parametrize("key", ["label", "Theme", "themes"])
def test_a_label_line_giving_its_theme_under_another_key_is_refused(tmp_path: Path,
                                                                   key: str) -> None:
    # The labelled output calls a paragraph's theme 'label': a labels file written with that
    # key (or 'Theme') labelled nothing, and training said nothing of it.
    from pipeline.corpus import load_labels
    from pipeline.errors import CorpusError

    path = tmp_path / "labels.jsonl"
    path.write_text('{"document": "d", "index": 2, "kind": "heading"}\n'
                    f'{{"document": "d", "index": 3, "{key}": "medical"}}\n', "utf-8")
    with pytest.raises(CorpusError) as info:
        load_labels([path], ["medical", "grassroots"])
    assert str(info.value) == (f"{path}:2: no 'theme', but '{key}' holds one (\"medical\"), and "
                               "a label line without 'theme' labels nothing: name the key 'theme'")
    # A review list's line not filled in, and lines of other kinds, label nothing, as before.
    path.write_text('{"document": "d", "index": 2, "kind": "heading", "excerpt": "一、醫療"}\n'
                    '{"document": "d", "index": 3, "theme": null, "suggested": "medical"}\n'
                    '{"document": "d", "index": 4, "suggested": "medical"}\n', "utf-8")
    assert load_labels([path], ["medical", "grassroots"]) == {}


def test_a_written_paragraph_without_theme_says_so(tmp_path: Path) -> None:
    # A written paragraph with no 'theme' was 'unknown theme null', a null the file never
    # wrote; one that gives its theme as 'label' (as the labelled output names it) said the same.
    from pipeline.corpus import load_written
    from pipeline.errors import CorpusError

    path = tmp_path / "written.jsonl"
    for line, said in (('{"text": "县委召开会议部署防控工作。", "label": "leadership"}',
                        ", but 'label' holds one (\"leadership\"): name the key 'theme'"),
                       ('{"text": "县委召开会议部署防控工作。"}', "")):
        path.write_text(line + "\n", "utf-8")
        with pytest.raises(CorpusError) as info:
            load_written([path], ["leadership", "medical"])
        assert str(info.value) == (f"{path}:1: no 'theme'{said}; a written paragraph needs one "
                                   "of the config's themes: leadership, medical")


@pytest.mark.parametrize(("field", "value"), [("id", "5"), ("id", "true"), ("report", "7"),
                                              ("report", '["r1"]')])
def test_a_written_paragraph_id_or_report_of_another_type_is_refused(
        tmp_path: Path, field: str, value: str) -> None:
    # An id of 5 was the id "5"; a report of 7 grouped it with other reports numbered 7.
    from pipeline.corpus import load_written
    from pipeline.errors import CorpusError

    path = tmp_path / "written.jsonl"
    path.write_text('{"id": "w1", "text": "醫院救治患者。", "theme": "medical", "report": "r1"}\n'
                    f'{{"text": "社區志願者值守。", "theme": "medical", "{field}": {value}}}\n',
                    "utf-8")
    with pytest.raises(CorpusError) as info:
        load_written([path], ["medical"])
    assert str(info.value) == f"{path}:2: '{field}' must be a string or null; got {value}"
    path.write_text('{"id": null, "text": "社區志願者值守。", "theme": "medical", '
                    '"report": null}\n', "utf-8")
    assert [e.id for e in load_written([path], ["medical"])] == ["written:1"]


@pytest.mark.parametrize("spacing", ["", " ", "\t "])
def test_a_key_given_twice_in_a_label_or_written_line_is_refused(tmp_path: Path,
                                                                 spacing: str) -> None:
    # JSON readers keep a repeated key's last value and drop the first without a word: a label
    # edited by adding a "theme" rather than changing it trained on whichever came last.
    from pipeline.corpus import load_labels, load_written
    from pipeline.errors import CorpusError

    colon = f"{spacing}:{spacing}"
    labels, written = tmp_path / "labels.jsonl", tmp_path / "written.jsonl"
    labels.write_text('{"document": "d", "index": 3, "theme": "medical", "note": "a: b"}\n'
                      f'{{"document": "d", "index": 4, "theme"{colon}"medical", '
                      f'"theme"{colon}"grassroots"}}\n', "utf-8")
    written.write_text(f'{{"text"{colon}"醫院救治患者。", "theme": "medical", '
                       f'"text"{colon}"社區志願者值守。"}}\n', "utf-8")
    with pytest.raises(CorpusError) as info:
        load_labels([labels], ["medical", "grassroots"])
    assert str(info.value) == (f"{labels}:2: key 'theme' given twice (\"medical\", then "
                               '"grassroots"); keep the one meant')
    with pytest.raises(CorpusError, match=f"{written}:1: key 'text' given twice"):
        load_written([written], ["medical"])
    # Colons inside values, or an object inside one, are no key given twice.
    labels.write_text('{"document": "d", "index": 3, "theme": "medical", "note": "a: b:c"}\n'
                      '{"document": "d", "index": 4, "theme": "medical", '
                      '"scores": {"medical": 1, "grassroots": 0}}\n', "utf-8")
    assert load_labels([labels], ["medical", "grassroots"])["d"] == {"index:3": "medical",
                                                                      "index:4": "medical"}


@pytest.mark.parametrize("field", ["heading", "title"])
def test_a_written_line_with_a_heading_not_text_is_refused(tmp_path: Path, field: str) -> None:
    from pipeline.corpus import load_written
    from pipeline.errors import CorpusError

    path = tmp_path / "written.jsonl"
    path.write_text(json.dumps({"text": "醫院救治患者。", "theme": "medical", field: 5}) + "\n",
                    "utf-8")
    with pytest.raises(CorpusError, match=f"{path}:1: '{field}' must be a string or null"):
        load_written([path], ["medical"])


def test_word_lists_that_are_not_utf8_are_named(tmp_path: Path) -> None:
    from pipeline.text import load_lexicon, read_word_list

    words, lexicon = tmp_path / "stop.txt", tmp_path / "actors.yaml"
    words.write_bytes("的\n了\n".encode("gbk"))
    lexicon.write_bytes("medical: [醫院]\n".encode("big5"))
    with pytest.raises(ConfigError, match=f"^{words}: not UTF-8 text .*save it as UTF-8$"):
        read_word_list(words)
    with pytest.raises(ConfigError, match=f"^{lexicon}: not UTF-8 text "):
        load_lexicon(lexicon, ["medical"])


@pytest.mark.parametrize(("codec", "named"), [("gb18030", "GB18030"), ("big5", "Big5"),
                                             ("utf-16", "UTF-16")])
def test_a_word_list_saved_in_another_encoding_says_which(tmp_path: Path, codec: str,
                                                           named: str) -> None:
    """A stop-word list or an actors file saved by an editor as "ANSI" or "Unicode" said only
    where its UTF-8 went wrong, where a config or a labels file says what it was saved as."""
    from pipeline.text import load_lexicon, read_word_list

    words, lexicon = tmp_path / "stop.txt", tmp_path / "actors.yaml"
    words.write_bytes("# 本縣材料裡常見而無助分類的詞\n各級\n進一步\n".encode(codec))
    lexicon.write_bytes("# 本縣的村幹部與網格員\ngrassroots: [網格員, 村幹部]\n".encode(codec))
    with pytest.raises(ConfigError) as info:
        read_word_list(words)
    assert str(info.value) == f"{words}: not UTF-8 text (saved as {named}?); save it as UTF-8"
    with pytest.raises(ConfigError) as info:
        load_lexicon(lexicon, ["grassroots"])
    assert str(info.value) == f"{lexicon}: not UTF-8 text (saved as {named}?); save it as UTF-8"


def test_an_editors_byte_order_mark_in_a_word_list_is_not_part_of_its_first_word(
        tmp_path: Path) -> None:
    # Saved by an editor as "UTF-8 with BOM": the first user word was '\ufeff网格员摸排', which
    # no text holds, so it was cut as if it were not there (and the model's bytes changed).
    from pipeline.config import parse_config
    from pipeline.model import build_pipeline

    text = "网格员摸排工作的部署"
    tokens = {}
    for bom in ("", "\ufeff"):
        stop, user = tmp_path / f"stop{len(bom)}.txt", tmp_path / f"user{len(bom)}.txt"
        stop.write_text(f"{bom}的\n了\n", "utf-8")
        user.write_text(f"{bom}网格员摸排 100000\n", "utf-8")
        config = parse_config({"tokenize": {"stop_words": str(stop), "user_dict": str(user)}})
        tokens[bom] = build_pipeline(config).named_steps["prepare"].tokenizer(text)
    assert "的" not in tokens[""] and "网格员摸排" in tokens[""]
    assert tokens["\ufeff"] == tokens[""]


@pytest.mark.parametrize(("value", "shown"), [
    ("true", "true"), ('["medical"]', '["medical"]'), ('"医疗"', '"医疗"'),
    # One that looks like a theme says which: a zero-width or non-breaking space pasted in with
    # it showed as nothing (unknown theme "medical"; allowed: medical), or as a space.
    ('"Medical"', '"Medical" (did you mean "medical"?)'),
    ('"medical\u200b"', '"medical\\u200b" (did you mean "medical"?)'),
    ('"medical\u00a0"', '"medical\\u00a0" (did you mean "medical"?)'),
    ('"ｍｅｄｉｃａｌ"', '"ｍｅｄｉｃａｌ" (did you mean "medical"?)'),
    ('"medcal"', '"medcal" (did you mean "medical"?)')])
def test_an_unknown_theme_is_shown_as_the_file_writes_it(tmp_path: Path, value: str,
                                                         shown: str) -> None:
    # As 'index' and 'sha1' are: JSON's true, not Python's True.
    from pipeline.corpus import load_labels, load_written
    from pipeline.errors import CorpusError

    labels, written = tmp_path / "labels.jsonl", tmp_path / "written.jsonl"
    labels.write_text(f'{{"document": "d", "index": 3, "theme": {value}}}\n', "utf-8")
    written.write_text(f'{{"text": "醫院救治患者。", "theme": {value}}}\n', "utf-8")
    for load, path in ((load_labels, labels), (load_written, written)):
        with pytest.raises(CorpusError) as info:
            load([path], ["medical"])
        # The allowed ones are the config's: a theme misspelled there showed up as an error in
        # the labels (allowed: leadrship, …), which did not say where the list came from.
        assert str(info.value) == (f"{path}:1: unknown theme {shown}; allowed (the config's "
                                   "themes): medical")


def test_a_config_path_written_from_the_current_folder_says_what_was_meant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 'documents: [docs]' in configs/mine.yaml, run from the project folder where docs/ is:
    # the error named configs/docs and left the user to find out why.
    (tmp_path / "docs").mkdir()
    (tmp_path / "configs").mkdir()
    config = tmp_path / "configs" / "mine.yaml"
    config.write_text("corpus:\n  documents: [docs]\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_config("configs/mine.yaml")
    assert str(info.value) == (
        f"configs/mine.yaml: corpus.documents: path does not exist: {tmp_path}/configs/docs (a "
        "config's relative paths are relative to its own folder, not the current one: did you "
        "mean ../docs?)")
    monkeypatch.chdir(tmp_path / "configs")  # from where nothing of that name is: no guess
    with pytest.raises(ConfigError) as info:
        load_config("mine.yaml")
    assert str(info.value).endswith(f"path does not exist: {tmp_path}/configs/docs")


@pytest.mark.parametrize(("value", "said"), [
    ("'..\\docs'", "path does not exist: {configs}/..\\docs (a Windows path? here '\\' is "
                   "part of a name: write paths with '/')"),
    ("C:\\Users\\me\\docs", "path does not exist: {configs}/C:\\Users\\me\\docs (a Windows "
                          "path? here '\\' is part of a name: write paths with '/')"),
    ('"C:\\Users\\me\\docs"', "invalid YAML at line 2, column 20: expected escape sequence of 8 "
                            "hexadecimal numbers, but found 's' (in double quotes '\\' starts an "
                            "escape; a Windows path? write paths with '/')"),
    ('"C:\\new\\tmp"', "path does not exist: {configs}/C:\new\tmp (a Windows path in double "
                     "quotes? there '\\n', '\\t' and the like are control characters: write "
                     "paths with '/')"),
])
def test_a_windows_path_in_a_config_is_named_as_such(tmp_path: Path, value: str,
                                                     said: str) -> None:
    # The path was joined to the config's folder and said not to exist, with no word of why;
    # in double quotes YAML's own message spoke of escape sequences.
    (tmp_path / "docs").mkdir()
    configs = tmp_path / "configs"
    configs.mkdir()
    config = configs / "mine.yaml"
    config.write_text(f"corpus:\n  documents: [{value}]\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert str(info.value).endswith(said.format(configs=configs))


@pytest.mark.parametrize("form", ["${DATA:-/srv}", "${}", "${DATA/x/y}"])
def test_a_shell_form_other_than_a_variable_in_a_config_path_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    # With DATA set, '${DATA:-/srv}' was 'environment variable ${DATA:-/srv} is not set': no
    # variable has that name, and only $NAME and ${NAME} are expanded.
    monkeypatch.setenv("DATA", str(tmp_path))
    path = tmp_path / "config.yaml"
    path.write_text(f"model: {{dir: '{form}/models'}}\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (f"{path}: model.dir: {form} is not an environment variable: only "
                               f"$NAME and ${{NAME}} are expanded (in '{form}/models')")


@pytest.mark.parametrize("text", ["corpus: {documents: [${DATA}/docs]}\n",
                                  "corpus:\n  documents: [docs, ${DATA}/docs]\n",
                                  "model: {dir: ${DATA}/models}\n"])
def test_a_braced_variable_inside_brackets_says_to_quote_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    # The shipped config lists its folders in [ ], where '{' opens a mapping: '[${DATA}/docs]'
    # was only "expected ',' or ']', but got '{'", with no word of the variable.
    monkeypatch.setenv("DATA", str(tmp_path))
    path = tmp_path / "config.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).endswith("but got '{' (inside [ ] or { } a '${' opens a mapping: "
                                    "quote the path, '${NAME}/docs', or write $NAME/docs)")


def test_a_folder_as_labelled_output_and_a_config_not_utf8_are_named_plainly(
        tmp_path: Path) -> None:
    # 'cannot read: Is a directory', the system's words; and for the config, Python's
    # "'utf-8' codec can't decode byte 0xc9 in position 15: invalid continuation byte".
    from pipeline.output import read_labelled

    with pytest.raises(InputError) as info:
        read_labelled(tmp_path)
    assert str(info.value) == f"{tmp_path}: a folder, not a labelled output file"
    config = tmp_path / "config.yaml"
    # (One in GB18030, Big5 or UTF-16 is named as such: see test_first_use.)
    config.write_bytes("# café\nthemes: [a, b]\n".encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert str(info.value) == (f"{config}: cannot read config: not UTF-8 text (byte 5: invalid "
                               "continuation byte); save it as UTF-8")


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_a_seed_numpy_cannot_take_is_a_config_error_before_any_work(
        tmp_path: Path, seed: int) -> None:
    # NumPy's generators take seeds from 0 to 2**32 - 1: another one was a traceback from the
    # cross-validation folds' shuffle (exit 3), after the corpus had been read.
    from conftest import SOME_WRITTEN, in_process, write_corpus_config

    config = write_corpus_config(tmp_path / "c.yaml", f"model: {{dir: models, seed: {seed}}}",
                                 written=SOME_WRITTEN[:1])
    result = in_process("train", "--config", str(config), cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.strip().splitlines() == [
        f"pipeline: error: {config}: model.seed: Input should be less than or equal to "
        f"4294967295 (got {seed})" if seed > 0 else
        f"pipeline: error: {config}: model.seed: Input should be greater than or equal to 0 "
        f"(got {seed})"], err
    assert not (tmp_path / "models").exists()
    # The largest seed NumPy takes trains.
    config.write_text(config.read_text("utf-8").replace(str(seed), str(2**32 - 1)), "utf-8")
    result = in_process("train", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()


def test_a_boolean_for_a_number_is_refused_by_the_command_in_a_process_of_its_own(
        tmp_path: Path) -> None:
    # In a process of its own, run imports the classifier registry before the config: the
    # refusal of a boolean for a number must not depend on which is imported first.
    import subprocess
    import sys

    from conftest import ROOT

    config = tmp_path / "c.yaml"
    config.write_text("model: {seed: yes}\noutput: {path: out/labelled.json}\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--config", str(config)],
                            capture_output=True, cwd=tmp_path, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2, result.stderr.decode()
    assert result.stderr.decode().splitlines() == [
        f"pipeline: error: {config}: model.seed: must be a number, not true or false (YAML reads "
        "yes, no, on and off as true or false as well) (got true)"]
    assert not (tmp_path / "out").exists()


def test_the_smallest_alpha_allowed_trains_and_scores(tmp_path: Path) -> None:
    # 1e-20 gave probabilities of NaN (a traceback from the log loss); scikit-learn's own floor,
    # 1e-10, is the least the config takes, and it gives figures.
    from conftest import SOME_WRITTEN, in_process, write_corpus_config

    config = write_corpus_config(tmp_path / "c.yaml",
                                 "model: {dir: models, params: {alpha: 1e-10}}",
                                 written=SOME_WRITTEN[:1])
    result = in_process("train", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    meta = json.loads((tmp_path / "models/default/model.json").read_text("utf-8"))
    assert 0 < meta["metrics"]["cross_validation"]["log_loss"] < 100


def test_a_yaml_of_aliases_of_aliases_is_refused_not_expanded(tmp_path: Path) -> None:
    # Ten aliases of ten aliases ... of a list: a few hundred bytes, a billion values once
    # expanded. Copying the config hung before any error.
    import time

    lines = ["x:", '  a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "config.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    start = time.monotonic()
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert time.monotonic() - start < 10
    assert str(info.value) == (f"{path}: invalid YAML: more than 1,000,000 values once its "
                               "aliases (*name) are expanded")
    # Aliases as configs use them (a merge, a list named twice) read as before.
    path.write_text("segment: {boilerplate_patterns: &p ['^a']}\n", "utf-8")
    assert load_config(path).segment.boilerplate_patterns == ["^a"]


def test_a_labelled_document_the_configs_encoding_does_not_read_names_that_key(
        tmp_path: Path) -> None:
    # reading.encoding: big5 in a config over the UTF-8 seed: training stopped at 'cannot decode
    # as big5 … mend it, or take its labels out', as if the file were damaged, not the setting.
    from pipeline.stages import load_training_set

    with pytest.raises(InputError) as raised:
        load_training_set(corpus_config(tmp_path, reading={"encoding": "big5"}))
    message = str(raised.value)
    assert f"{SEED.name}: cannot decode as big5" in message and "\n" not in message
    assert message.endswith("mend it, take its labels out, or, if big5 is not its encoding, set "
                            "reading.encoding to its codec or to auto, which detects each file's)")


HD05 = "hd05_xinyang_yiyuan_shequ.txt"


def _labelled(trained, path: Path, data: bytes) -> tuple[str, list[tuple[str, str | None]]]:
    """``data`` written to ``path``, read, segmented and labelled as classify does: its encoding
    and each paragraph's (kind, label); every paragraph's offsets checked against the source
    decoded with that encoding."""
    config, bundle_dir = trained
    path.write_bytes(data)
    doc = label_document(load_bundle(bundle_dir), segment_file(path, config), config)
    decoded = data.decode(doc["encoding"])
    assert all(decoded[p["start"] : p["end"]] == p["text"] for p in doc["paragraphs"])
    return doc["encoding"], [(p["kind"], p.get("label")) for p in doc["paragraphs"]]


def test_line_ends_of_every_kind_give_the_paragraphs_and_labels_of_lf(trained,
                                                                      tmp_path: Path) -> None:
    # CR alone (an old Mac's), CR, LF and CRLF mixed, and form feeds between pages: the same
    # paragraphs and labels, offsets counting each line end as the source writes it.
    from conftest import HELDOUT

    text = (HELDOUT / HD05).read_text("utf-8")
    lines = text.split("\n")
    variants = {
        "cr": text.replace("\n", "\r"),
        "mixed": "".join(line + ("\n", "\r\n", "\r")[i % 3] for i, line in enumerate(lines)),
        "pages": text.replace("\n\n", "\n\f\n", 3),
    }
    _, want = _labelled(trained, tmp_path / "lf.txt", text.encode())
    assert sum(kind == "body" for kind, _ in want) == 17
    for name, variant in variants.items():
        assert _labelled(trained, tmp_path / f"{name}.txt", variant.encode()) == ("utf-8", want)


def test_unicode_with_a_mark_and_chinese_codecs_beyond_two_bytes_read_as_utf8_does(
        trained, tmp_path: Path) -> None:
    # UTF-16 big-endian and UTF-32 with a mark, Notepad's UTF-16 and UTF-8 with a mark and CRLF,
    # GB18030's four-byte sequences and HKSCS characters beyond the BMP: the UTF-8 text's
    # paragraphs and labels, offsets into the text the recorded codec decodes.
    import codecs

    import opencc
    from conftest import HELDOUT

    text = (HELDOUT / HD05).read_text("utf-8")
    _, want = _labelled(trained, tmp_path / "u8.txt", text.encode())
    crlf = text.replace("\n", "\r\n")
    marked = {
        "utf-16": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf-32": text.encode("utf-32"),
        "utf-32-be": codecs.BOM_UTF32_BE + text.encode("utf-32-be"),
        "notepad": crlf.encode("utf-16"),
        "utf-8-sig": codecs.BOM_UTF8 + crlf.encode(),
    }
    for name, data in marked.items():
        encoding, got = _labelled(trained, tmp_path / f"{name}.txt", data)
        assert (encoding, got) == ({"notepad": "utf-16", "utf-32-be": "utf-32"}.get(name, name),
                                   want), name
    traditional = opencc.OpenCC("s2tw").convert(text)
    extra = {"gb18030": (text, "\n𠮷野家与㐀字、€符号、䶮字在文中出现。\n"),
             "big5hkscs": (traditional, "\n佢哋話𨋢壞咗，冇人嚟整，啲街坊好嬲㗎。衞生署噉講。\n")}
    for codec, (body, line) in extra.items():
        _, alone = _labelled(trained, tmp_path / f"{codec}-u8.txt", body.encode())
        encoding, got = _labelled(trained, tmp_path / f"{codec}.txt",
                                  (body + line).encode(codec))
        assert encoding == codec and got[:len(alone)] == alone and got[len(alone):] == [
            ("body", got[-1][1])]


def test_windows_big5_characters_read_as_the_codec_that_holds_them(tmp_path: Path,
                                                                    caplog) -> None:
    # ETEN's characters of cp950 are HKSCS's too; the euro sign only cp950 holds, which the
    # guess finds, with its warning.
    text = (SEED.read_text("utf-8").replace("\xa0", " ").replace("礴", "薄")
            .encode("big5").decode("big5"))
    path = tmp_path / "a.txt"
    for line, codec in (("圍棋碁盤在裏屋，恒心。╔═╗\n", "big5hkscs"),
                        ("本店營業額達1000€，醫院繼續收治患者。\n", "cp950")):
        path.write_bytes((text + line).encode("cp950"))
        doc = read_document(path)
        assert (doc.encoding, doc.text) == (codec, text + line)
    assert caplog.messages == [f"{path}: read as cp950, a guess (neither UTF-8 nor a confident "
                               "GB18030 or Big5 reading); --encoding forces another"]


def test_gbk_bytes_that_are_also_utf8_inside_a_utf8_text_read_as_utf8(tmp_path: Path) -> None:
    # No decoder tells them apart: 医院 in GBK is UTF-8's ҽԺ.
    data = SEED.read_bytes()
    middle = data.index("發熱門診".encode())
    path = tmp_path / "a.txt"
    path.write_bytes(data[:middle] + "医院".encode("gbk") + data[middle:])
    doc = read_document(path)
    assert doc.encoding == "utf-8" and "ҽԺ發熱門診" in doc.text


def test_standard_input_among_files_is_read_once_in_its_place(trained, tmp_path: Path) -> None:
    from conftest import in_process

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("县委召开常委会议，研究部署疫情防控工作。\n", "utf-8")
    b.write_text("社区网格员逐户排查登记返乡人员。\n", "utf-8")
    stdin = "醫院發熱門診二十四小時接診。\n".encode("big5")
    for jobs in ("1", "2"):
        result = in_process("classify", str(a), "-", str(b), "-", str(a), "--jobs", jobs,
                            "--model", str(trained[1]), "-q", stdin=stdin)
        assert result.returncode == 0, result.stderr.decode()
        docs = json.loads(result.stdout)["documents"]
        assert [(d["id"], d["source"], d["encoding"]) for d in docs] == [
            ("a", str(a), "utf-8"), ("stdin", "-", "big5"), ("b", str(b), "utf-8")]


def test_a_file_without_permission_to_read_it_is_skipped_and_named(tmp_path: Path) -> None:
    # Root reads any file; without the capability that lets it, as any user, it is skipped.
    import shutil
    import subprocess
    import sys

    ok, locked = tmp_path / "ok.txt", tmp_path / "locked.txt"
    ok.write_text("县委召开常委会议，研究部署疫情防控工作。\n", "utf-8")
    locked.write_text("社区网格员逐户排查。\n", "utf-8")
    locked.chmod(0)
    command = [sys.executable, "-m", "pipeline", "segment", str(ok), str(locked)]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root reads any file, and setpriv is not here to drop that right")
        command = ["setpriv", "--bounding-set=-dac_read_search,-dac_override",
                   "--inh-caps=-dac_read_search,-dac_override", *command]
    result = subprocess.run(command, capture_output=True, cwd=tmp_path, check=False)
    assert result.returncode == 1, result.stderr.decode()
    assert result.stderr.decode() == (f"pipeline: skipped {locked}: cannot read: Permission "
                                      "denied\n")
    assert json.loads(result.stdout)["errors"] == [
        {"source": str(locked), "error": "cannot read: Permission denied"}]


def test_a_document_joined_with_itself_keeps_the_labels_of_one_copy(trained,
                                                                   tmp_path: Path) -> None:
    # Its title and headings, each said twice, are taken for a page's furniture (boilerplate);
    # its body paragraphs and their labels are those of the document alone.
    from conftest import HELDOUT

    data = (HELDOUT / HD05).read_bytes()
    _, alone = _labelled(trained, tmp_path / "alone.txt", data)
    _, twice = _labelled(trained, tmp_path / "twice.txt", data + data)
    body = [p for p in alone if p[0] == "body"]
    assert [p for p in twice if p[0] == "body"] == body * 2
    assert {kind for kind, _ in twice} == {"body", "boilerplate"}
