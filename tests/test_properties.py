"""Property-based tests: the segmenter and the classifier on arbitrary text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import load_bundle
from pipeline.reading import Document
from pipeline.segment import _TAIL, INVISIBLE, _marks_only, segment_text
from pipeline.stages import label_document, section_runs, segment_document

# Arbitrary Unicode, with the characters that matter to segmentation made frequent.
SPECIAL = st.sampled_from([
    *"\n\r\u3000\xa0 \t。!?;…”」、,0123456789一二三、市委醫院社區捐贈",
    "\r\n", "\u3000\u3000", "01", "位置:首頁 > ", "——", "\u200b",
])
TEXT = st.lists(st.one_of(st.text(max_size=30), SPECIAL), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=100, max_value=3000), st.booleans())
def test_segmenter_offsets_always_slice_back(text: str, limit: int, join: bool) -> None:
    paragraphs = segment_text("d", text, max_paragraph_chars=limit, join_wrapped=join)
    previous_end = 0
    for i, p in enumerate(paragraphs):
        assert p.index == i
        assert text[p.start : p.end] == p.text
        assert p.text and p.text == p.text.strip()
        assert p.start >= previous_end  # in order, never overlapping
        seen = INVISIBLE.sub("", p.text)  # what is seen: invisible ones aside
        # within the limit, but for a cut's last marks alone (a final 。), kept with the piece
        assert len(seen) <= limit or (len(seen) <= limit + _TAIL and _marks_only(seen, limit,
                                                                                len(seen)))
        assert p.kind in {"body", "heading", "boilerplate"}
        previous_end = p.end


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="市委醫院社區捐贈防控疫情，。、a 1\u200b", min_size=400, max_size=700),
       st.integers(min_value=100, max_value=400), st.integers(min_value=-2, max_value=2),
       st.text(alphabet="。！…”」）😀\u200b", min_size=1, max_size=6))
def test_a_cut_leaves_no_piece_of_marks_only(words: str, limit: int, over: int,
                                            marks: str) -> None:
    # A line about as long as the limit that ends with marks (a final 。 one character over,
    # a closing quote): a run of marks alone is no paragraph of its own, but stays with the
    # piece before; only one longer than that allowance may stand alone. Offsets slice back.
    text = words[: limit + over] + marks
    paragraphs = segment_text("d", text, max_paragraph_chars=limit)
    for p in paragraphs:
        assert text[p.start : p.end] == p.text
        if len(paragraphs) > 1 and _marks_only(p.text, 0, len(p.text)):
            assert len(p.text) > _TAIL, (p.start, p.text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="市委醫院社區捐贈防控疫情，。、a ", min_size=100, max_size=600),
       st.integers(min_value=10, max_value=40), st.sampled_from(["\n", "\r\n"]),
       st.integers(min_value=100, max_value=400))
def test_joined_wrapped_lines_are_whole_lines_that_slice_back(text: str, width: int, end: str,
                                                             limit: int) -> None:
    # A text cut into lines of one width: each paragraph joined is a run of its lines, from a
    # line's start to a line's end, within the limit, and body text; each other one a line.
    wrapped = end.join(text[i : i + width] for i in range(0, len(text), width))
    apart = segment_text("d", wrapped, max_paragraph_chars=limit)
    joined = segment_text("d", wrapped, max_paragraph_chars=limit, join_wrapped=True)
    starts, ends = {p.start: p for p in apart}, {p.end for p in apart}
    previous_end = 0
    for i, p in enumerate(joined):
        assert p.index == i and wrapped[p.start : p.end] == p.text
        assert p.start >= previous_end and p.start in starts and p.end in ends
        assert len(p.text) <= limit
        if p.end != starts[p.start].end:
            assert p.kind == "body" and end in p.text
        previous_end = p.end


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(TEXT)
def test_classify_never_fails_on_arbitrary_text(trained, text: str) -> None:
    config, bundle_dir = trained
    bundle = _bundle(bundle_dir)
    document = Document(id="x", source="x.txt", encoding="utf-8", text=text)
    labelled = label_document(bundle, segment_document(document, config), config)
    for p in labelled["paragraphs"]:
        if p["kind"] == "body":
            assert p["label"] in config.themes
            assert abs(sum(p["scores"].values()) - 1) < 1e-4
            assert isinstance(p["needs_review"], bool)
        else:
            assert "label" not in p


_BUNDLES: dict = {}


def _bundle(path):
    if path not in _BUNDLES:
        _BUNDLES[path] = load_bundle(path)
    return _BUNDLES[path]


TERM = st.text(alphabet="市委书记医院长x.", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(TERM, min_size=1, max_size=8), st.text(alphabet="市委书记医院长x.。", max_size=40))
def test_trie_regex_matches_as_the_alternation_longest_first(terms: list[str], text: str) -> None:
    import re

    from pipeline.features import trie_regex

    alternation = re.compile("|".join(map(re.escape, sorted(set(terms), key=len, reverse=True))))
    trie = re.compile(trie_regex(terms))
    assert trie.findall(text) == alternation.findall(text)
    for sentence in text.split("。"):
        found, expected = trie.search(sentence), alternation.search(sentence)
        assert (found and found.group(0)) == (expected and expected.group(0))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab09+#&._%-社 ", max_size=40))
def test_mending_check_finds_the_runs_of_the_joined_pattern(text: str) -> None:
    import re

    from pipeline.text import _ASCII_RUN, _JOINT

    # The same runs in one pattern (its leading and trailing runs make each match a whole run).
    joined = re.compile(r"[a-z0-9+#&._%-]*[a-z0-9][+#&._%-]+[a-z0-9%][a-z0-9+#&._%-]*")
    runs = {run for run in _ASCII_RUN.findall(text) if _JOINT.search(run)}
    assert runs == set(joined.findall(text))


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=6)), max_size=60),
       st.integers(min_value=1, max_value=12))
def test_section_runs_never_split_a_section(sections: list[int | None], limit: int) -> None:
    runs = section_runs(sections, limit)
    assert [i for run in runs for i in run] == list(range(len(sections)))
    for run in runs:
        inside = {sections[i] for i in run} - {None}
        outside = {sections[i] for i in range(len(sections)) if i not in run}
        assert not inside & outside  # every section wholly in one run
        # a run ends at the first place it may once it has `limit` items, with `limit` left
        for stop in range(run.start + limit, min(run.stop, len(sections) - limit + 1)):
            assert {sections[i] for i in range(run.start, stop)} & set(sections[stop:]) - {None}
    assert len(runs) == 1 or all(len(run) >= limit for run in runs)
