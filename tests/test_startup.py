"""What commands load when they start: only what their work needs, nothing a short run pays for
without using it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, SEED, write_corpus_config

from pipeline import segment
from pipeline.stages import classify


def _run_fresh(commands: list[list[str]],
               watched: tuple[str, ...]) -> tuple[str, list[int], list[str]]:
    """Run ``commands`` (``pipeline`` arguments) in turn in a new Python process: what they
    printed, their exit codes, and which of the ``watched`` modules were loaded by then."""
    code = (
        "import json, sys\n"
        "from pipeline.cli import main\n"
        f"codes = [main(args) for args in {commands!r}]\n"
        f"print(json.dumps([codes, sorted(m for m in {watched!r} if m in sys.modules)]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    *printed, last = result.stdout.splitlines()
    codes, loaded = json.loads(last)
    return "\n".join(printed) + result.stderr, codes, loaded


def test_review_and_report_load_neither_numpy_nor_scikit_learn(trained, tmp_path: Path) -> None:
    # Their config is validated (the classifier's parameters too), which once imported NumPy
    # with the classifier registry: a fifth of a second of each start, for nothing.
    config, bundle_dir = trained
    labelled = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, labelled, config)
    review, page = tmp_path / "review.jsonl", tmp_path / "report.html"
    printed, codes, loaded = _run_fresh(
        [["review", str(labelled), "--out", str(review), "--quiet"],
         ["report", str(labelled), "--out", str(page), "--model", str(bundle_dir), "--quiet"]],
        ("numpy", "scipy", "sklearn"))
    assert (codes, loaded) == ([0, 0], []), printed
    assert review.exists()  # empty: every paragraph of the seed has a hand label
    assert "<html" in page.read_text("utf-8")


def test_review_and_report_load_no_segmenter(trained, tmp_path: Path) -> None:
    # They read an output's paragraphs and articles and segment nothing; the segmenter's module
    # compiles its patterns on import, which was a tenth of their start.
    config, bundle_dir = trained
    labelled = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, labelled, config)
    page = tmp_path / "report.html"
    printed, codes, loaded = _run_fresh(
        [["review", str(labelled), "--out", str(tmp_path / "review.jsonl"), "--quiet"],
         ["report", str(labelled), "--out", str(page), "--model", str(bundle_dir), "--quiet"]],
        ("pipeline.segment",))
    assert (codes, loaded) == ([0, 0], []), printed
    assert page.read_text("utf-8").count('class="art-mark"') == 6  # the seed's six articles


def test_status_and_segment_load_no_numpy(tmp_path: Path) -> None:
    # Neither labels a paragraph: the labelling modules, which load NumPy (a fifth of a second
    # of each start), are imported only by what labels. The output and model are the test's own:
    # the defaults, under the checkout, hold what a 'pipeline run' there made (segment up to date).
    config = write_corpus_config(tmp_path / "config.yaml",
                                 f"output: {{path: {tmp_path / 'out' / 'labelled.json'}}}",
                                 f"model: {{dir: {tmp_path / 'models'}}}")
    segmented = tmp_path / "segmented.json"
    printed, codes, loaded = _run_fresh(
        [["status", "--config", str(config), "--quiet"],
         ["segment", str(SEED), "--out", str(segmented), "--config", str(config), "--quiet"]],
        ("numpy", "scipy", "sklearn"))
    assert (codes, loaded) == ([0, 0], []), printed
    assert "segment: to do" in printed
    assert len(json.loads(segmented.read_text("utf-8"))["documents"][0]["paragraphs"]) > 100


def test_classifying_imports_neither_scikit_learn_nor_scipy(trained, tmp_path: Path) -> None:
    # The model bundle's scorer needs NumPy alone: the fitted Pipeline stays unpickled.
    _, bundle_dir = trained
    out = tmp_path / "out.json"
    printed, codes, loaded = _run_fresh(
        [["classify", str(SEED), "--model", str(bundle_dir), "--out", str(out), "--quiet",
          "--jobs", "1"]], ("sklearn", "scipy"))
    assert (codes, loaded) == ([0], []), printed
    labelled = json.loads(out.read_text("utf-8"))
    assert sum(p["kind"] == "body" for d in labelled["documents"] for p in d["paragraphs"]) == 102


def _run_compiling(commands: list[list[str]]) -> tuple[str, list[int], list[str]]:
    """Run ``commands`` in turn in a new Python process: what they printed, their exit codes, and
    the pattern of every regular expression compiled by then (``re.compile`` is watched)."""
    code = (
        "import json, re\n"
        "compiled = []\n"
        "def watched(pattern, flags=0, compile=re.compile):\n"
        "    compiled.append(pattern if isinstance(pattern, str) else repr(pattern))\n"
        "    return compile(pattern, flags)\n"
        "re.compile = watched\n"
        "from pipeline.cli import main\n"
        f"codes = [main(args) for args in {commands!r}]\n"
        "print(json.dumps([codes, compiled]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    *printed, last = result.stdout.splitlines()
    codes, compiled = json.loads(last)
    return "\n".join(printed) + result.stderr, codes, compiled


# The character classes that judge a reading in GB18030, Big5 or a guessed encoding: compiling
# their tens of thousands of code points took 4 ms of every start, UTF-8 files or not.
_OTHER_CODECS_CLASSES = ("[\u4e00-\u9fff]",
                         "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def test_reading_utf8_compiles_no_class_of_the_other_encodings(tmp_path: Path) -> None:
    utf8, gb = tmp_path / "utf8.txt", tmp_path / "gb.txt"
    utf8.write_text("市委召开常委会会议。\n", "utf-8")
    gb.write_bytes("市委召开常委会会议。\n".encode("gb18030"))
    out = tmp_path / "out.json"
    printed, codes, compiled = _run_compiling(
        [["segment", str(utf8), "--out", str(out), "--quiet"]])
    assert codes == [0], printed
    assert [c for c in _OTHER_CODECS_CLASSES if c in compiled] == []
    # A GB18030 file needs them: they are compiled then, and it reads as before.
    printed, codes, compiled = _run_compiling([["segment", str(gb), "--out", str(out), "--quiet"]])
    assert codes == [0], printed
    ideograph, _ = _OTHER_CODECS_CLASSES  # the Han class is charset-normalizer's guess's
    assert [c for c in _OTHER_CODECS_CLASSES if c in compiled] == [ideograph]
    document = json.loads(out.read_text("utf-8"))["documents"][0]
    assert document["encoding"] == "gb18030"
    assert document["paragraphs"][0]["text"] == "市委召开常委会会议。"


def test_the_wide_class_holds_every_character_from_u0800() -> None:
    # Spelt as the complement of U+0000..U+07FF, which compiles at once (the range U+0800 to
    # U+10FFFF took 5 ms): the same characters.
    from pipeline.reading import _WIDE

    wide = [c for c in range(0x110000) if _WIDE.fullmatch(chr(c))]
    assert wide == list(range(0x800, 0x110000))


def _segmenting_patterns() -> dict[str, Callable[[str], bool]]:
    """The costly patterns of segmenting, by what needs them: the pinyin gloss's (a text with a
    "("; 9 ms to compile), which every command compiled on import, and the boilerplate patterns
    that a line ending with a full stop cannot match (a line without one; 14 ms), compiled with
    the others on the first document segmented."""
    open_ended = {p.pattern for p in segment._compiled(segment._BOILERPLATE_OPEN_END)}
    return {"pinyin gloss": lambda pattern: "(?i:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])" in pattern,
            "open-ended boilerplate": open_ended.__contains__}


def test_commands_compile_segmenting_patterns_only_for_the_lines_that_need_them(
        trained, tmp_path: Path) -> None:
    config, bundle_dir = trained
    labelled = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, labelled, config)
    costly = _segmenting_patterns()

    def compiled_costly(commands: list[list[str]]) -> list[str]:
        printed, codes, compiled = _run_compiling(commands)
        assert codes == [0] * len(commands), printed
        return [name for name, used in costly.items() if any(map(used, compiled))]

    # Neither status, nor review, nor report segments anything.
    status_config = write_corpus_config(
        tmp_path / "config.yaml", f"output: {{path: {tmp_path / 'out' / 'labelled.json'}}}",
        f"model: {{dir: {tmp_path / 'models'}}}")
    assert compiled_costly([
        ["status", "--config", str(status_config), "--quiet"],
        ["review", str(labelled), "--out", str(tmp_path / "review.jsonl"), "--quiet"],
        ["report", str(labelled), "--out", str(tmp_path / "report.html"), "--model",
         str(bundle_dir), "--quiet"]]) == []
    # A sentence that ends with a full stop, as a script labelling texts one by one may pass it:
    # no "(" in it, and no line without a full stop.
    sentence = tmp_path / "sentence.txt"
    sentence.write_text("市委召開常委會會議,研究部署疫情防控工作。\n", "utf-8")
    out = tmp_path / "out.json"
    assert compiled_costly([["classify", str(sentence), "--model", str(bundle_dir), "--out",
                             str(out), "--quiet"]]) == []
    paragraphs = json.loads(out.read_text("utf-8"))["documents"][0]["paragraphs"]
    assert [(p["kind"], p["label"]) for p in paragraphs] == [("body", "leadership")]
    # A heading and a gloss need them both, and get them.
    glossed = tmp_path / "glossed.txt"
    glossed.write_text("社區防控\n\n社區網格員發(fā)布通知，入戶排查。\n", "utf-8")
    assert compiled_costly([["segment", str(glossed), "--out", str(out), "--quiet"]]) == list(
        costly)
    paragraphs = json.loads(out.read_text("utf-8"))["documents"][0]["paragraphs"]
    assert [(p["kind"], p["text"]) for p in paragraphs] == [
        ("heading", "社區防控"), ("body", "社區網格員發(fā)布通知，入戶排查。")]
