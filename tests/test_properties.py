"""Property-based tests: the segmenter and the classifier on arbitrary text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import load_bundle
from pipeline.reading import Document
from pipeline.segment import segment_text
from pipeline.stages import label_document, segment_document

# Arbitrary Unicode, with the characters that matter to segmentation made frequent.
SPECIAL = st.sampled_from([
    *"\n\r\u3000\xa0 \t。!?;…”」、,0123456789一二三、市委醫院社區捐贈",
    "\r\n", "\u3000\u3000", "01", "位置:首頁 > ", "——",
])
TEXT = st.lists(st.one_of(st.text(max_size=30), SPECIAL), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=100, max_value=3000))
def test_segmenter_offsets_always_slice_back(text: str, limit: int) -> None:
    paragraphs = segment_text("d", text, max_paragraph_chars=limit)
    previous_end = 0
    for i, p in enumerate(paragraphs):
        assert p.index == i
        assert text[p.start : p.end] == p.text
        assert p.text and p.text == p.text.strip()
        assert p.start >= previous_end  # in order, never overlapping
        assert len(p.text) <= limit
        assert p.kind in {"body", "heading", "boilerplate"}
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
