"""Tests of the HTML report, on a labelled output of a small model trained here on the real corpus.

The page is checked the way a person uses it: every paragraph is there with its label, the review
list is in margin order and its links land, the evaluation tables carry model.json's numbers, and
the page needs no network. A headless Chromium, when installed, renders it for real.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from conftest import SOME_WRITTEN, in_process

from pipeline.config import parse_config
from pipeline.errors import InputError
from pipeline.output import read_labelled
from pipeline.report import PALETTE, render_report, write_report
from pipeline.stages import classify, train

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "corpus/documents", ROOT / "corpus/heldout"]


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Train a real model in a temporary folder and label the corpus with it (json and jsonl),
    plus a run with an unreadable file so the output has skipped files."""
    tmp_path = tmp_path_factory.mktemp("report")
    cfg = parse_config({
        "corpus": {"documents": [str(ROOT / "corpus/documents")],
                   "labels": [str(ROOT / "corpus/labels")],
                   "written": [str(SOME_WRITTEN[0])],  # figures to show, quickly
                   "heldout_documents": [str(ROOT / "corpus/heldout")],
                   "heldout_labels": [str(ROOT / "corpus/heldout/labels.jsonl")]},
        "model": {"dir": str(tmp_path / "models")},
        "tokenize": {"user_dict": str(ROOT / "configs/userdict.txt"),
                     "stop_words": str(ROOT / "configs/stopwords.txt")},
        "vectorize": {"lexicon": {"path": str(ROOT / "configs/lexicon.yaml")}},
        "evaluate": {"folds": 2},
    })
    bundle = train(cfg)
    classify(INPUTS, bundle, tmp_path / "out.json", cfg)
    classify(INPUTS, bundle, tmp_path / "out.jsonl", cfg, fmt="jsonl")
    broken = tmp_path / "broken" / "broken.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"\x00\x01\x02\x03 not text \x00" * 20)
    classify([ROOT / "corpus/documents", broken], bundle, tmp_path / "skipped.json", cfg)
    meta = json.loads((bundle / "model.json").read_text(encoding="utf-8"))
    labelled = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    write_report(tmp_path / "out.json", tmp_path / "report.html", meta)
    return {
        "dir": tmp_path, "meta": meta, "labelled": labelled,
        "html": (tmp_path / "report.html").read_text(encoding="utf-8"),
    }


class Dom(HTMLParser):
    """The elements of a page (tag, attributes, text, parent): enough to query what is shown."""

    VOID: ClassVar[set[str]] = {"area", "base", "br", "col", "embed", "hr", "img", "input",
                                "link", "meta", "source", "track", "wbr"}

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self._open: list[int] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self._open[-1] if self._open else None
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": [], "parent": parent,
                              "index": len(self.elements)})
        if tag not in self.VOID:
            self._open.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        for pos in range(len(self._open) - 1, -1, -1):
            if self.elements[self._open[pos]]["tag"] == tag:
                del self._open[pos:]
                return

    def handle_data(self, data: str) -> None:
        for i in self._open:
            self.elements[i]["text"].append(data)

    @staticmethod
    def text(element: dict[str, Any]) -> str:
        return "".join(element["text"])

    def by_id(self, ident: str) -> dict[str, Any]:
        found = [e for e in self.elements if e["attrs"].get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]

    def inside(self, element: dict[str, Any], ancestor: dict[str, Any]) -> bool:
        parent = element["parent"]
        while parent is not None:
            if parent == ancestor["index"]:
                return True
            parent = self.elements[parent]["parent"]
        return False

    def find(self, tag: str | None = None, cls: str | None = None,
             within: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Elements by tag and class, optionally only those inside ``within``."""
        if within is None:
            candidates = self.elements
        else:  # elements are in document order: the descendants follow their ancestor
            candidates = []
            for e in self.elements[within["index"] + 1:]:
                if not self.inside(e, within):
                    break
                candidates.append(e)
        return [e for e in candidates
                if (tag is None or e["tag"] == tag)
                and (cls is None or cls in (e["attrs"].get("class") or "").split())]

    def by_pid(self) -> dict[str, dict[str, Any]]:
        return {e["attrs"]["data-pid"]: e for e in self.elements if "data-pid" in e["attrs"]}


def paragraphs(labelled: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [p for doc in labelled["documents"] for p in doc["paragraphs"]
            if kind is None or p["kind"] == kind]


def overview_tiles(dom: Dom) -> dict[str, int]:
    """The totals at the top of the page, by their caption."""
    return {dom.text(dom.find("span", within=t)[0]): int(dom.text(dom.find("b", within=t)[0]))
            for t in dom.find(cls="tile", within=dom.by_id("overview"))}


def chip_text(term: str) -> str:
    """What an evidence chip reads: the source (lexicon, actor, context, heading, title), then
    the term."""
    source, sep, rest = term.partition(":")
    shown_apart = {"lexicon", "actor", "context", "heading", "title"}
    return source + rest if sep and source in shown_apart else term


def margin(p: dict[str, Any]) -> float:
    ranked = sorted(p["scores"].values(), reverse=True)
    return round(ranked[0] - ranked[1], 6)


# ----------------------------------------------------------------------------- the page
def test_every_body_paragraph_is_shown_with_its_label(run: dict[str, Any]) -> None:
    dom, labelled = Dom(run["html"]), run["labelled"]
    shown = dom.by_pid()
    body = paragraphs(labelled, "body")
    assert len(body) > 200
    for p in body:
        element = shown[p["id"]]
        text = dom.text(element)
        assert element["attrs"]["data-label"] == p["label"]
        assert p["text"] in text
        assert p["label"] in dom.text(dom.find(cls="badge", within=element)[0])
        assert f"{100 * p['confidence']:.1f}%" in text
        chips = [dom.text(c) for c in dom.find(cls="chip", within=element)]
        assert chips == [chip_text(term) for term in p["evidence"]]
        assert ("flagged" in element["attrs"]["class"].split()) == p["needs_review"]
        assert bool(dom.find(cls="flag", within=element)) == p["needs_review"]


def test_documents_keep_paragraph_order_headings_and_boilerplate(run: dict[str, Any]) -> None:
    dom, labelled = Dom(run["html"]), run["labelled"]
    shown = dom.by_pid()
    for doc in labelled["documents"]:
        assert [p["id"] for p in doc["paragraphs"]] == [
            e["attrs"]["data-pid"] for e in dom.elements
            if e["attrs"].get("data-pid", "").startswith(doc["id"] + ":")
        ]
    headings = paragraphs(labelled, "heading")
    assert headings
    for p in headings:
        element = shown[p["id"]]
        assert element["tag"] in {"h3", "h4"}
        assert dom.text(element) == p["text"]
    for p in paragraphs(labelled, "boilerplate"):
        assert shown[p["id"]]["attrs"]["class"] == "boiler"
        assert dom.text(shown[p["id"]]) == p["text"]


def test_contents_links_every_document_and_every_link_lands(run: dict[str, Any]) -> None:
    dom, labelled = Dom(run["html"]), run["labelled"]
    contents = dom.by_id("contents")
    names = [dom.text(a) for a in dom.find("a", "name", contents)
             if "art" not in a["attrs"]["class"].split()]
    assert names == [doc["id"] for doc in labelled["documents"]]
    ids = {e["attrs"]["id"] for e in dom.elements if "id" in e["attrs"]}
    links = [e["attrs"]["href"] for e in dom.find("a") if e["attrs"].get("href", "")[:1] == "#"]
    assert links and all(link[1:] in ids for link in links)


def test_an_article_number_that_comes_back_is_another_article(run: dict[str, Any]) -> None:
    # The seed numbered 01, 02, …; renumbered 01, 02, 01, 02, … (reports joined in one file), it
    # keeps one row and one mark per article, each with its own title, and every link lands.
    labelled = copy.deepcopy(run["labelled"])
    seed = labelled["documents"][0]
    numbers = list(dict.fromkeys(p["article"] for p in seed["paragraphs"] if p["article"]))
    assert len(numbers) >= 4
    again = {n: f"0{k % 2 + 1}" for k, n in enumerate(numbers)}
    titles = [next((p["article_title"] for p in seed["paragraphs"]
                    if p["article"] == n and p["article_title"]), "") for n in numbers]
    for p in seed["paragraphs"]:
        if p["article"]:
            p["article"] = again[p["article"]]
            if p["kind"] == "boilerplate" and p["text"] in again:
                p["text"] = again[p["text"]]
    dom = Dom(render_report(labelled, run["meta"]))
    rows = [a["attrs"]["title"] for a in dom.find("a", "art", dom.by_id("contents"))
            if a["attrs"]["href"].startswith("#doc-1-")]
    assert rows == [f"{again[n]} · {t}" if t else again[n] for n, t in zip(numbers, titles,
                                                                              strict=True)]
    marks = [dom.text(e) for e in dom.find("div", "art-mark", dom.by_id("doc-1"))]
    assert marks == [f"article {again[n]}" for n in numbers]
    ids = {e["attrs"]["id"] for e in dom.elements if "id" in e["attrs"]}
    assert all(a["attrs"]["href"][1:] in ids for a in dom.find("a") if
               a["attrs"].get("href", "")[:1] == "#")


def test_review_list_is_ordered_by_margin_and_links_to_the_paragraph(run: dict[str, Any]) -> None:
    dom, labelled = Dom(run["html"]), run["labelled"]
    order = {doc["id"]: d for d, doc in enumerate(labelled["documents"])}
    flagged = [(doc["id"], p) for doc in labelled["documents"] for p in doc["paragraphs"]
               if p.get("needs_review")]
    assert flagged, "the real corpus has paragraphs flagged for review"
    flagged.sort(key=lambda item: (margin(item[1]), order[item[0]], item[1]["index"]))
    review = dom.by_id("review")
    targets = [dom.by_id(a["attrs"]["href"][1:])["attrs"]["data-pid"]
               for a in dom.find("a", within=review)]
    assert targets == [p["id"] for _, p in flagged]
    shown_margins = [float(dom.text(row["children"][0])) for row in _rows(dom, review)]
    assert shown_margins == sorted(shown_margins)
    assert shown_margins == [float(f"{margin(p):.3f}") for _, p in flagged]


def _rows(dom: Dom, table_holder: dict[str, Any]) -> list[dict[str, Any]]:
    """Body rows of the table inside ``table_holder``, each with its cells as ``children``."""
    rows = []
    for row in dom.find("tr", within=table_holder):
        cells = [e for e in dom.elements
                 if e["parent"] == row["index"] and e["tag"] in {"td", "th"}]
        if dom.elements[row["parent"]]["tag"] == "tbody":
            rows.append({**row, "children": cells})
    return rows


def test_evaluation_shows_model_json_figures(run: dict[str, Any]) -> None:
    dom, metrics = Dom(run["html"]), run["meta"]["metrics"]
    assert set(metrics) == {"cross_validation", "heldout"}
    titles = {"cross_validation": "Grouped cross-validation", "heldout": "Held-out documents"}
    for key, figures in metrics.items():
        card = dom.by_id(f"eval-{key}")
        text = dom.text(card)
        assert titles[key] in text
        for value in (f"{figures['macro_f1']:.3f}", f"{100 * figures['accuracy']:.1f}%",
                      f"{figures['log_loss']:.3f}", f"{figures['ece']:.3f}"):
            assert value in text
        for theme, f in figures["per_theme"].items():
            assert f"{f['precision']:.3f}" in text and f"{f['f1']:.3f}" in text
            assert theme in text
        labels = figures["confusion_labels"]
        table = dom.by_id(f"confusion-{key}")
        predicted = [dom.text(h) for h in dom.find("th", within=dom.find("thead", within=table)[0])]
        assert predicted[0].startswith("hand") and predicted[-1] == "total"
        shown = {}
        for row in _rows(dom, table):
            truth, *cells, total = [dom.text(c) for c in row["children"]]
            for name, value in zip(predicted[1:-1], cells, strict=True):
                shown[(truth, name)] = int(value)
            assert int(total) == sum(int(v) for v in cells)
        expected = {(t, p): figures["confusion"][i][j]
                    for i, t in enumerate(labels) for j, p in enumerate(labels)}
        assert shown == expected
    assert "cross-validation" in dom.text(dom.by_id("evaluation"))


def test_a_theme_nothing_measured_shows_a_dash_and_macro_f1_says_so(
        run: dict[str, Any], tmp_path: Path) -> None:
    # Held-out labels without a medical paragraph and a model that predicts none: precision,
    # recall and F1 are 0/0, which model.json holds as 0 and the page showed as 0.000.
    from pipeline.evaluate import metrics

    themes = run["meta"]["themes"]
    assert "medical" in themes
    truth = ["leadership", "grassroots", "public_participation", "leadership"]
    proba = np.array([[.7, .1, .1, .1], [.1, .7, .1, .1], [.1, .1, .1, .7], [.2, .6, .1, .1]])
    meta = copy.deepcopy(run["meta"])
    meta["metrics"]["heldout"] = metrics(truth, proba[:, [["leadership", "grassroots", "medical",
                                                          "public_participation"].index(t)
                                                         for t in themes]], themes)
    json.loads(json.dumps(meta))  # as model.json holds it
    write_report(run["dir"] / "out.json", tmp_path / "report.html", meta)
    dom = Dom((tmp_path / "report.html").read_text("utf-8"))
    card = dom.by_id("eval-heldout")
    table = dom.find("table", within=card)[0]
    cells = {dom.text(row["children"][0]): [dom.text(c) for c in row["children"][1:]]
             for row in _rows(dom, table)}
    assert cells["medical"] == ["\u2014", "\u2014", "\u2014", "0"]
    assert cells["leadership"] == ["1.000", "0.500", "0.667", "2"]
    text = dom.text(card)
    assert f"{meta['metrics']['heldout']['macro_f1']:.3f}" in text
    assert "Nothing was measured for medical" in text
    assert "macro-F1 is the mean over the other 3 themes" in text
    # Cross-validation measured every theme: no dash, no note.
    other = dom.text(dom.by_id("eval-cross_validation"))
    assert "\u2014" not in other and "none predicted" not in other


def test_header_names_the_model_and_the_totals(run: dict[str, Any]) -> None:
    dom, labelled = Dom(run["html"]), run["labelled"]
    header = dom.text(dom.by_id("overview"))
    model = labelled["model"]
    for value in (model["name"], model["classifier"], model["hash"][:12], model["trained_at"]):
        assert value in header
    tiles = overview_tiles(dom)
    assert tiles["documents"] == len(labelled["documents"])
    assert tiles["paragraphs"] == len(paragraphs(labelled))
    assert tiles["body"] == len(paragraphs(labelled, "body"))
    assert tiles["flagged for review"] == sum(p.get("needs_review", False)
                                              for p in paragraphs(labelled))


def test_page_is_self_contained_and_renders_chinese(run: dict[str, Any]) -> None:
    page = run["html"]
    dom = Dom(page)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert all(e["attrs"]["href"].startswith("#") for e in dom.elements if "href" in e["attrs"])
    assert not [e for e in dom.elements if "src" in e["attrs"]]
    assert not dom.find("link") and not dom.find("script") and not dom.find("iframe")
    styles = "".join(dom.text(e) for e in dom.find("style"))
    assert styles and not re.search(r"@import|url\(|https?:", styles, re.I)
    assert '<meta charset="utf-8">' in page
    assert ('"Noto Sans CJK SC", "Noto Sans CJK TC", "Microsoft YaHei", "PingFang SC", '
            "sans-serif") in page
    assert paragraphs(run["labelled"], "body")[0]["text"] in page


def test_text_from_the_data_is_escaped(run: dict[str, Any]) -> None:
    labelled = copy.deepcopy(run["labelled"])
    evil = "<script>alert('x')</script> & <b>粗体</b>"
    doc = labelled["documents"][0]
    doc["id"] = "<i>doc</i>"
    body = next(p for p in doc["paragraphs"] if p["kind"] == "body")
    body["text"] = evil
    body["evidence"] = ['<img src="x" onerror="alert(1)">']
    labelled["errors"] = [{"source": "<u>bad.txt</u>", "error": "not text: <svg onload=x>"}]
    page = render_report(labelled, run["meta"])
    assert "<script" not in page and "<img" not in page and "<svg" not in page
    assert "<b>粗体" not in page and "<i>doc" not in page and "<u>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;粗体&lt;/b&gt;" in page
    dom = Dom(page)
    assert evil in dom.text(dom.by_pid()[body["id"]])


def test_skipped_files_are_listed(run: dict[str, Any]) -> None:
    labelled = read_labelled(run["dir"] / "skipped.json")
    assert labelled["errors"], "the broken file was skipped"
    dom = Dom(render_report(labelled, run["meta"]))
    skipped = dom.text(dom.by_id("skipped"))
    for error in labelled["errors"]:
        assert error["source"] in skipped and error["error"] in skipped
    assert overview_tiles(dom)["files skipped"] == len(labelled["errors"])


def test_jsonl_gives_the_same_report_as_json(run: dict[str, Any]) -> None:
    out = run["dir"]
    write_report(out / "out.jsonl", out / "from_jsonl.html", run["meta"])
    assert (out / "from_jsonl.html").read_bytes() == (out / "report.html").read_bytes()
    assert read_labelled(out / "out.jsonl")["documents"] == run["labelled"]["documents"]


def test_report_is_deterministic(run: dict[str, Any]) -> None:
    out = run["dir"]
    write_report(out / "out.json", out / "again.html", run["meta"])
    assert (out / "again.html").read_bytes() == (out / "report.html").read_bytes()
    assert render_report(run["labelled"], run["meta"]) == run["html"]


def test_without_model_json_the_report_says_there_are_no_figures(run: dict[str, Any]) -> None:
    # It said "give the model's model.json", which no option takes: say which options do, and
    # tell a bundle trained without figures from no bundle at all.
    dom = Dom(render_report(run["labelled"]))
    assert dom.text(dom.by_id("evaluation")).endswith(
        "No figures: no model bundle was given or found; to see them here, write the report "
        "with --model DIR (the bundle that labelled this output) or --config FILE (the config "
        "that names it).")
    assert not dom.find("table", "confusion")
    no_metrics = {key: value for key, value in run["meta"].items() if key != "metrics"}
    other = Dom(render_report(run["labelled"], no_metrics))
    assert other.text(other.by_id("evaluation")).endswith(
        "No figures: the model was trained without them (pipeline train --no-metrics); train it "
        "with them, or see pipeline evaluate.")
    assert run["labelled"]["model"]["hash"][:12] in dom.text(dom.by_id("overview"))


def test_figures_of_another_model_are_flagged(run: dict[str, Any]) -> None:
    meta = copy.deepcopy(run["meta"])
    meta["files"]["model.pkl"]["sha256"] = "0" * 64
    dom = Dom(render_report(run["labelled"], meta))
    warning = dom.find("p", "warn", dom.by_id("evaluation"))
    assert warning and "000000000000" in dom.text(warning[0])


def test_figures_of_another_model_are_named_on_standard_error_with_the_options(
        run: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # 'pipeline report output/svm.json' from the project folder took the figures of the
    # config's bundle, another model's: the page said so under its figures, and nothing else.
    meta = copy.deepcopy(run["meta"])
    meta["files"]["model.pkl"]["sha256"] = "0" * 64
    labelled = run["dir"] / "out.json"
    write_report(labelled, tmp_path / "r.html", meta)
    ours = run["labelled"]["model"]["hash"][:12]
    assert caplog.messages == [
        f"{labelled}: labelled by model {ours}, but the figures on the page are of model "
        "000000000000; for its own, give --model DIR (the bundle that labelled it) or --config "
        "FILE (the config that names it)"]
    dom = Dom((tmp_path / "r.html").read_text("utf-8"))
    warning = dom.text(dom.find("p", "warn", dom.by_id("evaluation"))[0])
    assert warning.endswith("for its figures, write the report with --model DIR (the bundle "
                            "that labelled this output) or --config FILE (the config that "
                            "names it).")
    caplog.clear()
    write_report(labelled, tmp_path / "r.html", run["meta"])
    assert caplog.messages == []


def test_held_out_figures_on_paragraphs_also_trained_on_say_so(run: dict[str, Any]) -> None:
    meta = copy.deepcopy(run["meta"])
    shipped = Dom(render_report(run["labelled"], meta))
    assert "kept out of training" in shipped.text(shipped.by_id("eval-heldout"))
    meta["metrics"]["heldout"]["in_training"] = 155
    dom = Dom(render_report(run["labelled"], meta))
    text = dom.text(dom.by_id("eval-heldout"))
    assert "155 of them are also in its training data" in text
    assert "kept out of training" not in text


def test_unreadable_input_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("this is not labelled output\n", encoding="utf-8")
    with pytest.raises(InputError, match="not labelled output"):
        write_report(bad, tmp_path / "report.html")
    assert not (tmp_path / "report.html").exists()


# ----------------------------------------------------------------------------- a real browser
def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _decode_png(path: Path) -> np.ndarray:
    """Pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), as rows × columns × channels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6) and body[12] == 0  # no interlace
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    image = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1)
        if kind == 0:
            row = line.copy()
        elif kind == 1:
            row = np.cumsum(line.reshape(width, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:
            row = line + previous
        else:  # average (3) and Paeth (4) depend on the pixel to the left: byte by byte
            out, up = bytearray(line.tobytes()), previous.tobytes()
            for i in range(stride):
                a = out[i - bpp] if i >= bpp else 0
                b = up[i]
                if kind == 3:
                    out[i] = (out[i] + ((a + b) >> 1)) & 255
                    continue
                c = up[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            row = np.frombuffer(bytes(out), np.uint8)
        image[y] = row
        previous = row
    return image.reshape(height, width, bpp)


@pytest.mark.slow
def test_headless_chromium_renders_the_report(run: dict[str, Any], tmp_path: Path) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium binary (/usr/bin/chromium or chromium on PATH)")
    page = run["dir"] / "report.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    png = tmp_path / "report.png"
    shot = subprocess.run(
        [chromium, *flags, f"--user-data-dir={tmp_path / 'profile-shot'}",
         "--window-size=1280,2000", f"--screenshot={png}", page.as_uri()],
        capture_output=True, timeout=180, check=False,
    )
    assert shot.returncode == 0, shot.stderr.decode(errors="replace")[-2000:]
    assert png.exists() and png.stat().st_size > 20_000
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert (width, height) == (1280, 2000)
    pixels = _decode_png(png)[:, :, :3]
    colours = {tuple(int(c) for c in rgb) for rgb in pixels[::4, ::4].reshape(-1, 3)}
    assert len(colours) > 100, "the screenshot is (nearly) blank"
    themes = run["labelled"]["model"]["themes"]
    for colour in PALETTE[:len(themes)]:  # the theme bars at the top are drawn in their colours
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(pixels.astype(int) - rgb).max(axis=2) <= 2).sum() > 500, colour

    dump = subprocess.run(
        [chromium, *flags, f"--user-data-dir={tmp_path / 'profile-dom'}", "--dump-dom",
         page.as_uri()],
        capture_output=True, timeout=180, check=False,
    )
    assert dump.returncode == 0, dump.stderr.decode(errors="replace")[-2000:]
    dom = Dom(dump.stdout.decode("utf-8"))
    shown = dom.by_pid()
    for p in paragraphs(run["labelled"], "body"):
        assert shown[p["id"]]["attrs"]["data-label"] == p["label"]
        assert p["label"] in dom.text(shown[p["id"]])
        assert p["text"] in dom.text(shown[p["id"]])  # decoded as UTF-8 by the browser


class _Runs(Dom):
    """A Dom that also keeps each run of text with the element it is directly in."""

    def __init__(self, page: str) -> None:
        self.runs: list[tuple[dict[str, Any], str]] = []
        super().__init__(page)

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        if self._open:
            self.runs.append((self.elements[self._open[-1]], data))


def test_a_right_to_left_override_in_a_name_stays_inside_it(run: dict[str, Any],
                                                              tmp_path: Path) -> None:
    # U+202E in a file name (the old trick that shows "rtl\u202eTXT.exe" as "rtlexe.TXT") reversed
    # the page's own text after the name up to the end of its line: "· utf-8 · 137 paragraphs"
    # read "shpargarap 731 · 8-ftu ·". Each name is isolated in a <bdi>.
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(ROOT / "corpus/documents/000_10fc11496dbb7410.txt",
                folder / "rtl\u202eTXT.exe.txt")
    (folder / "png\u202egnp.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    cfg = parse_config({"model": {"dir": str(run["dir"] / "models")}})
    classify([folder], run["dir"] / "models" / cfg.model.name, tmp_path / "out.json", cfg)
    write_report(tmp_path / "out.json", tmp_path / "report.html", run["meta"])
    labelled = read_labelled(tmp_path / "out.json")
    names = {labelled["documents"][0]["id"], labelled["documents"][0]["source"],
             labelled["errors"][0]["source"]}
    assert all("\u202e" in name for name in names)
    dom = _Runs((tmp_path / "report.html").read_text("utf-8"))
    shown = [(element["tag"], dom.text(element)) for element, data in dom.runs
             if "\u202e" in data]
    assert len(shown) >= 5  # contents, review, the document's name and source, skipped files
    assert all(tag == "bdi" and text in names for tag, text in shown), shown


@pytest.mark.parametrize(("edit", "message"), [
    (lambda m: m["metrics"]["heldout"].update(macro_f1="high"),
     "'metrics.heldout.macro_f1' must be a number"),
    (lambda m: m["metrics"].update(heldout=None), "'metrics.heldout' must be an object of figures"),
    (lambda m: m["metrics"]["cross_validation"]["per_theme"]["medical"].update(f1=None),
     "'metrics.cross_validation.per_theme.medical' must be numbers precision, recall and f1"),
    (lambda m: m["metrics"]["cross_validation"].update(confusion=[[1]]),
     "'metrics.cross_validation.confusion' must be 4 rows of 4 whole numbers"),
    (lambda m: m["metrics"]["heldout"].update(confusion_labels=5),
     "'metrics.heldout.confusion_labels' must be a list of theme names"),
])
def test_figures_of_the_wrong_shape_in_model_json_are_one_line(
        run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        edit: Any, message: str) -> None:
    # model.json's hashes cover the pickles, not itself: a figure edited by hand (or damaged)
    # was a traceback from inside the page, exit 3.
    from pipeline.cli import main

    bundle = tmp_path / "bundle"
    shutil.copytree(run["dir"] / "models" / "default", bundle)
    meta = copy.deepcopy(run["meta"])
    edit(meta)
    (bundle / "model.json").write_text(json.dumps(meta), "utf-8")
    page = tmp_path / "report.html"
    code = main(["report", str(run["dir"] / "out.json"), "--model", str(bundle), "-o", str(page)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"pipeline: error: {bundle / 'model.json'}: damaged: {message}")
    assert not page.exists()


@pytest.mark.slow
def test_a_long_unbroken_run_wraps_inside_the_page(run: dict[str, Any], tmp_path: Path) -> None:
    # A link, a deep path or a long file name has no place to break: it ran past its card and
    # widened the page, which scrolled sideways. Beside the centred column, only background.
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium binary (/usr/bin/chromium or chromium on PATH)")
    folder = tmp_path / ("a" * 200)
    folder.mkdir()
    link = "https://example.org/" + "abcdefghij" * 60
    (folder / ("n" * 200 + ".txt")).write_text(
        "疫情防控工作会议召开，全市各级党组织要把防控工作作为当前最重要的工作来抓。\n\n"
        f"链接：{link}\n\n医院发热门诊开放，医护人员坚守岗位，全力救治患者。\n", "utf-8")
    cfg = parse_config({"model": {"dir": str(run["dir"] / "models")}})
    classify([folder], run["dir"] / "models" / cfg.model.name, tmp_path / "out.json", cfg)
    page = tmp_path / "report.html"
    write_report(tmp_path / "out.json", page)
    png = tmp_path / "report.png"
    shot = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,2600",
         f"--screenshot={png}", page.as_uri()], capture_output=True, timeout=180, check=False)
    assert shot.returncode == 0, shot.stderr.decode(errors="replace")[-2000:]
    pixels = _decode_png(png)[:, :, :3].astype(int)
    # The column is at most 1140 px wide, centred: from x = 1270 on, the page's background.
    beside = pixels[60:, 1270:1370]
    assert (np.abs(beside - [0xF3, 0xF5, 0xF8]).max(axis=2) <= 2).all()


def test_the_labelled_output_may_come_on_standard_input(run: dict[str, Any],
                                                         tmp_path: Path) -> None:
    # "-" names standard input for classify and segment; report and review took it for a file
    # named "-" (`-: cannot read: No such file or directory`), so classify could not pipe to them.
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    labelled = run["dir"] / "out.jsonl"
    page = tmp_path / "piped.html"
    piped = subprocess.run(
        [sys.executable, "-m", "pipeline", "report", "-", "-m", str(run["dir"] / "models/default"),
         "-q", "-o", str(page)],
        input=labelled.read_bytes(), capture_output=True, timeout=300, env=env, cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert page.read_text("utf-8") == render_report(read_labelled(labelled), run["meta"])
    listed = subprocess.run(
        [sys.executable, "-m", "pipeline", "review", "-", "-q"],
        input=labelled.read_bytes(), capture_output=True, timeout=300, env=env, cwd=tmp_path)
    from_file = in_process("review", str(labelled), "-q", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == from_file.stdout and listed.stdout.count(b"\n") > 10
    closed = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m pipeline report - -o {tmp_path}/x.html <&-"],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert closed.returncode == 2
    assert closed.stderr == "pipeline: error: -: cannot read standard input: it is closed\n"


# ----------------------------------------------------------------------------- a big output
# One page of 10,000 documents (40,000 paragraphs) was 57 MB, which headless Chromium took minutes
# to open. More paragraphs than a page holds give an index and pages of documents beside it.
def _ids(page: Path) -> set[str]:
    """The ids on ``page``, each on one element only."""
    ids = [e["attrs"]["id"] for e in Dom(page.read_text("utf-8")).elements if "id" in e["attrs"]]
    assert len(set(ids)) == len(ids), page.name
    return set(ids)


def _links(page: Path) -> list[tuple[Path, str]]:
    """Every link on ``page`` as the file and the fragment it leads to; none leaves the folder
    for the network or an absolute path."""
    from urllib.parse import unquote, urlsplit

    out = []
    for e in Dom(page.read_text("utf-8")).find("a"):
        parts = urlsplit(e["attrs"]["href"])
        assert not parts.scheme and not parts.netloc and not parts.path.startswith("/"), parts
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        out.append((target, unquote(parts.fragment)))
    return out


def _shown(page: Path) -> list[dict[str, Any]]:
    return [e for e in Dom(page.read_text("utf-8")).elements if "data-pid" in e["attrs"]]


def _review_links(page: Path) -> list[str]:
    dom = Dom(page.read_text("utf-8"))
    return [a["attrs"]["href"] for a in dom.find("a", within=dom.by_id("review"))]


def test_a_big_output_is_an_index_and_pages_whose_links_all_land(run: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    labelled = run["labelled"]
    documents = labelled["documents"]
    total = sum(len(doc["paragraphs"]) for doc in documents)
    assert max(len(doc["paragraphs"]) for doc in documents) > 60 and total > 180
    out = tmp_path / "my report #1.html"  # a name to quote in links
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=60)
    folder = tmp_path / "my report #1_files"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name, folder.name]  # no temporaries
    pages = sorted(folder.iterdir())
    assert [p.name for p in pages] == [f"page-{k:04d}.html" for k in range(1, len(pages) + 1)]
    assert len(pages) >= total / 60

    # Every paragraph once, in order, with its label; at most 60 a page; none on the index.
    assert _shown(out) == []
    seen = []
    for page in pages:
        shown = _shown(page)
        assert 0 < len(shown) <= 60
        seen.extend(shown)
    expected = [p for doc in documents for p in doc["paragraphs"]]
    assert [e["attrs"]["data-pid"] for e in seen] == [p["id"] for p in expected]
    for element, p in zip(seen, expected, strict=True):
        assert element["attrs"].get("data-label") == p.get("label")

    # Every link on every page lands on a file of the report and an element there; every page
    # is reached from the index; nothing is loaded from elsewhere.
    ids = {page: _ids(page) for page in [out, *pages]}
    reached = set()
    for page in [out, *pages]:
        text = page.read_text("utf-8")
        assert "<script" not in text and "<link" not in text and " src=" not in text
        for target, fragment in _links(page):
            assert target in ids, (page.name, target)
            assert not fragment or fragment in ids[target], (page.name, target.name, fragment)
            if page == out:
                reached.add(target)
    assert reached >= set(pages)

    # The index's totals are the whole output's, as on one page.
    whole = Dom(render_report(labelled, run["meta"]))
    assert overview_tiles(Dom(out.read_text("utf-8"))) == overview_tiles(whole)

    # Each flagged paragraph is in its page's review list, and the index lists them all (fewer
    # than 500 here) in margin order, linking to where they are.
    flagged = [p for p in paragraphs(labelled, "body") if p["needs_review"]]
    assert flagged
    by_anchor = {}
    for page in pages:
        for e in _shown(page):
            by_anchor[(page, e["attrs"]["id"])] = e["attrs"]["data-pid"]
        for href in _review_links(page):
            assert href.startswith("#")
            assert by_anchor[(page, href[1:])] in {p["id"] for p in flagged}
    listed = [by_anchor[target, fragment] for target, fragment in _links(out)
              if (target, fragment) in by_anchor]
    assert sorted(listed) == sorted(p["id"] for p in flagged)
    margins = {p["id"]: margin(p) for p in flagged}
    assert [margins[i] for i in listed] == sorted(margins[i] for i in listed)


def test_the_index_lists_the_flagged_paragraphs_of_smallest_margin(
        run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.report

    monkeypatch.setattr(pipeline.report, "REVIEW_ON_INDEX", 5)
    out = tmp_path / "report.html"
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=100)
    flagged = sorted((p for p in paragraphs(run["labelled"], "body") if p["needs_review"]),
                     key=margin)
    dom = Dom(out.read_text("utf-8"))
    review = dom.by_id("review")
    assert dom.text(dom.find("span", "n", within=review)[0]) == str(len(flagged))
    assert len(dom.find("tr", within=review)) == 5 + 1  # and the header
    assert f"The 5 with the smallest margins of {len(flagged)}" in dom.text(review)
    on_pages = sum(len(_review_links(page)) for page in (tmp_path / "report_files").iterdir())
    assert on_pages == len(flagged)


def test_a_small_output_is_one_page_and_removes_an_old_folder_of_pages(
        run: dict[str, Any], tmp_path: Path) -> None:
    from pipeline.cli import REPORT_PAGE_SIZE
    from pipeline.report import PAGE_SIZE

    assert REPORT_PAGE_SIZE == PAGE_SIZE
    out = tmp_path / "report.html"
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=60)
    assert len(list((tmp_path / "report_files").iterdir())) > 3
    write_report(run["dir"] / "out.json", out, run["meta"])  # the default page size: one page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    assert out.read_text("utf-8") == render_report(run["labelled"], run["meta"]) == run["html"]
    # A folder of that name that no report wrote is left alone by a report of one page.
    (tmp_path / "report_files").mkdir()
    (tmp_path / "report_files" / "notes.txt").write_text("mine", "utf-8")
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=0)
    assert (tmp_path / "report_files" / "notes.txt").read_text("utf-8") == "mine"


def test_a_split_report_replaces_the_old_one_whole(run: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=40)
    many = len(list((tmp_path / "report_files").iterdir()))
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=200)
    pages = sorted((tmp_path / "report_files").iterdir())
    assert 1 < len(pages) < many
    assert [p.name for p in pages] == [f"page-{k:04d}.html" for k in range(1, len(pages) + 1)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report_files"]
    for target, _ in _links(out):
        assert target.exists()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("where", ["a page", "the index"])
def test_a_failed_report_leaves_the_old_one_as_it_was(
        run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    import os

    import pipeline.output
    import pipeline.report

    out = tmp_path / "report.html"
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=100)
    before = _snapshot(tmp_path)
    if where == "a page":  # the third page cannot be written (a full disk, say)
        page = pipeline.report._Report.page

        def failing(self: Any, k: int, *args: Any) -> None:
            if k == 3:
                raise OSError(28, "No space left on device")
            page(self, k, *args)

        monkeypatch.setattr(pipeline.report._Report, "page", failing)
    else:  # every page written and the folders swapped, then the index cannot be put in place
        replace = os.replace

        def failing_replace(src: Any, dst: Any) -> None:
            if Path(dst) == out:
                raise OSError(5, "Input/output error")
            replace(src, dst)

        monkeypatch.setattr(pipeline.output.os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_report(run["dir"] / "out.json", out, run["meta"], page_size=40)
    assert _snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report_files"]


def test_what_a_killed_report_left_is_removed_by_the_next_one(run: dict[str, Any],
                                                             tmp_path: Path) -> None:
    # A report killed while writing leaves its half-written index and its folder of new pages;
    # the next report into that folder removes those older than an hour, not a running one's.
    import os
    import time

    old = time.time() - 2 * 3600
    left = [tmp_path / ".report.html.k9x2m4qa.tmp", tmp_path / ".pages.0badcafe.tmp"]
    left[0].write_text("<html>half", "utf-8")
    left[1].mkdir()
    (left[1] / "page-0001.html").write_text("<html>half", "utf-8")
    running = tmp_path / ".pages.1234abcd.tmp"  # another report's, being written now
    running.mkdir()
    mine = tmp_path / ".pages.not-ours.tmp"  # not a name report makes
    mine.mkdir()
    for path in [*left, mine]:
        os.utime(path, (old, old))
    write_report(run["dir"] / "out.json", tmp_path / "report.html", run["meta"], page_size=100)
    assert not any(p.exists() for p in left)
    assert running.is_dir() and mine.is_dir()
    assert (tmp_path / "report_files" / "page-0001.html").exists()


def test_pages_are_not_put_in_place_of_someone_elses_folder(
        run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    folder = tmp_path / "report_files"
    folder.mkdir()
    (folder / "page-0001.html").write_text("old", "utf-8")
    (folder / "notes.txt").write_text("mine", "utf-8")
    out = tmp_path / "report.html"
    code = main(["report", str(run["dir"] / "out.json"), "-m", str(run["dir"] / "models/default"),
                 "--page-size", "50", "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"pipeline: error: {out}: a report of ")
    assert f"puts its pages in {folder}, which holds notes.txt, not a report's page" in err
    assert not out.exists()
    assert _snapshot(folder) == {"page-0001.html": b"old", "notes.txt": b"mine"}


def test_a_big_report_to_a_stream_is_one_page(run: dict[str, Any], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli import main

    monkeypatch.chdir(tmp_path)
    code = main(["report", str(run["dir"] / "out.json"), "-m", str(run["dir"] / "models/default"),
                 "--page-size", "10", "-o", "-", "-q"])
    assert code == 0
    assert capsys.readouterr().out == run["html"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_headless_chromium_shows_a_page_of_a_split_report(run: dict[str, Any],
                                                          tmp_path: Path) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium binary (/usr/bin/chromium or chromium on PATH)")
    out = tmp_path / "report.html"
    write_report(run["dir"] / "out.json", out, run["meta"], page_size=100)
    page = tmp_path / "report_files" / "page-0002.html"
    dump = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, timeout=180, check=False)
    assert dump.returncode == 0, dump.stderr.decode(errors="replace")[-2000:]
    shown = Dom(dump.stdout.decode("utf-8")).by_pid()
    expected = {e["attrs"]["data-pid"] for e in _shown(page)}
    assert expected and set(shown) == expected
    texts = {p["id"]: p["text"] for p in paragraphs(run["labelled"])}
    for pid, element in shown.items():
        assert texts[pid] in Dom.text(element)


def test_a_document_on_many_pages_is_gone_through_once(run: dict[str, Any], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each part of a document worked out the whole document's articles and counts again: one of
    # 169,261 paragraphs on 85 pages took 94 s to write, 19 s once they were worked out once:
    # while its pages are written, for a document held whole; for one too long to hold, in the
    # reading that gathers what every page shows.
    import pipeline.report

    calls = []
    ordinals = pipeline.report.ArticleOrdinals

    def counted() -> Any:
        calls.append(1)
        return ordinals()

    monkeypatch.setattr(pipeline.report, "ArticleOrdinals", counted)
    write_report(run["dir"] / "out.json", tmp_path / "report.html", run["meta"], page_size=20)
    longest = max(len(doc["paragraphs"]) for doc in run["labelled"]["documents"])
    assert len(list((tmp_path / "report_files").iterdir())) >= longest / 20
    assert len(calls) == len(run["labelled"]["documents"])
    calls.clear()
    monkeypatch.setattr(pipeline.report, "HOLD", 0)  # every document read in parts: the same
    write_report(run["dir"] / "out.json", tmp_path / "parts" / "report.html", run["meta"],
                 page_size=20)
    assert len(calls) == len(run["labelled"]["documents"])
    assert _snapshot(tmp_path / "parts") == {k: v for k, v in _snapshot(tmp_path).items()
                                             if not k.startswith("parts")}


# ----------------------------------------------------------------------------- memory
def _made_up_output(documents: int, *paths: Path) -> None:
    """A labelled output of ``documents`` documents of four paragraphs (a heading, three body
    paragraphs of 150 characters, some flagged), as classify writes it, in each of ``paths``
    (JSON lines for a ``.jsonl`` name): the same documents in each, made once; made up, so that
    no model is needed."""
    import contextlib
    import random

    from pipeline.output import LabelledWriter

    themes = ["leadership", "grassroots", "medical", "public_participation"]
    model = {"name": "made-up", "themes": themes, "hash": "0" * 64, "classifier": "x",
             "tokenizer": "rjieba", "trained_at": "2020-01-01T00:00:00Z"}
    characters = [chr(0x4E00 + n) for n in range(3000)]
    rng = random.Random(documents)
    with contextlib.ExitStack() as files:
        writers = [LabelledWriter(files.enter_context(open(path, "wb")),
                                  "jsonl" if path.suffix == ".jsonl" else "json", model,
                                  created="2020-01-01T00:00:00Z") for path in paths]
        for d in range(documents):
            name, start, paragraphs = f"report{d}", 0, []
            for i in range(4):
                text = "".join(rng.choices(characters, k=150)) + "。"
                p = {"id": f"{name}:{i}", "index": i, "kind": "body" if i else "heading",
                     "start": start, "end": start + len(text), "text": text, "article": "1",
                     "article_title": None, "heading": None}
                if i:
                    raw = [rng.random() for _ in themes]
                    scores = {t: round(s / sum(raw), 4) for t, s in zip(themes, raw, strict=True)}
                    best = sorted(scores.values())
                    p |= {"label": max(scores, key=scores.__getitem__), "confidence": best[-1],
                          "scores": scores, "evidence": [text[:2]],
                          "needs_review": best[-1] - best[-2] < 0.1}
                paragraphs.append(p)
                start += len(text) + 1
            for writer in writers:
                writer.write({"id": name, "source": f"{name}.txt", "encoding": "utf-8",
                              "paragraphs": paragraphs})
        for writer in writers:
            writer.close([])


def _peak_kb(call: str, tmp_path: Path, stdin: Path | None = None) -> int:
    """The peak resident memory (KB) of a fresh Python that makes the ``call`` (its temporary
    files in ``tmp_path / "tmp"``, which is left empty)."""
    import os
    import sys

    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    script = ("import resource, sys\nfrom pathlib import Path\n"
              "from pipeline.report import write_report\nfrom pipeline.review import review_items\n"
              f"{call}\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    with open(stdin or os.devnull, "rb") as given:
        done = subprocess.run([sys.executable, "-c", script], stdin=given, capture_output=True,
                              text=True, timeout=600, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stderr
    assert not list(temporary.iterdir())
    return int(done.stdout.split()[-1])


@pytest.mark.slow
def test_report_and_review_take_the_same_memory_for_a_big_output(tmp_path: Path) -> None:
    # report and review read the whole output into memory: 119 MB of output (169,261
    # paragraphs) took 747 MB, so an output classify could write had no report. They now read it
    # a document (or a run of paragraphs) at a time, as often as they need: the peak is that of
    # a small output, from a file or standard input, in either format.
    small, big, lines = tmp_path / "small.json", tmp_path / "big.json", tmp_path / "big.jsonl"
    _made_up_output(300, small)
    _made_up_output(6000, big, lines)
    report = "write_report(Path({!r}), Path('report.html'))"
    base = _peak_kb(report.format(str(small)), tmp_path)
    peaks = {
        "json": _peak_kb(report.format(str(big)), tmp_path),
        "jsonl, standard input": _peak_kb(report.format("-"), tmp_path, stdin=lines),
        "review": _peak_kb(f"review_items(Path({str(big)!r}))", tmp_path),
    }
    assert len(list((tmp_path / "report_files").iterdir())) == 12
    for what, peak in peaks.items():
        assert peak < base * 1.25, (what, peak, base)


def test_counts_of_one_are_singular_and_a_stream_is_named_as_such(
        run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli import main

    labelled = json.loads((run["dir"] / "out.json").read_text(encoding="utf-8"))
    doc = labelled["documents"][0]
    heading = next(p for p in doc["paragraphs"] if p["kind"] == "heading")
    labelled["documents"] = [{**doc, "paragraphs": [heading]}]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(labelled, ensure_ascii=False), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["report", str(one), "-m", str(run["dir"] / "models/default"), "-o", "-"])
    captured = capsys.readouterr()
    assert code == 0
    assert "· 1 document</title>" in captured.out
    assert "1 paragraph: 0 body, 1 heading, 0 boilerplate" in captured.out
    assert captured.err.strip().endswith("report written to standard output")
