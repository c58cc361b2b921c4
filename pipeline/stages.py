"""The stages, each a plain function from inputs to outputs, and ``run`` composing them.

- :func:`segment_file` — a path → a :class:`SegmentedDocument` (read, decode, segment);
- :func:`load_training_set` — the config's corpus → labelled examples;
- :func:`train` — examples → a saved model bundle (with its cross-validated figures);
- :func:`label_documents` — a bundle + segmented documents → the labelled documents (plain dicts);
  :func:`label_in_parts` — a long one → its labelled parts, in order;
- :func:`segment` — paths → their paragraphs written atomically (``pipeline segment``; with a
  tokenizer, each with its tokens: ``pipeline tokenize``);
- :func:`classify` — paths → labelled output written atomically, skipped files listed;
- :func:`vectorize` — paths → each body paragraph's feature vector, as the bundle's classifier
  takes it (``pipeline vectorize``);
- :func:`evaluate` — the config's corpus → the full evaluation report;
- :func:`run` — segment, train and classify the config's corpus, redoing only what changed;
  :func:`status` says which stages are up to date.

No stage keeps global state: what it needs comes in as arguments, what it makes goes out as return
values (or the files it is asked to write), so each can be run, tested and cached alone.
"""

from __future__ import annotations

import logging
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import Config, config_hash
from pipeline.corpus import (
    Example,
    Labels,
    body_records,
    check_distinct_names,
    labelled_examples,
    labels_in_other_script,
    labels_of_other_kinds,
    labels_with_index_elsewhere,
    load_labels,
    load_written,
    modeled_on_none_of,
    no_hand_labels,
    section_keys,
    text_sha1,
    unknown_document_hint,
)
from pipeline.errors import (
    ConfigError,
    CorpusError,
    InputError,
    ModelError,
    PipelineError,
    plural,
)
from pipeline.model import Bundle, build_pipeline, library_versions, load_bundle, save_bundle
from pipeline.output import Part, temporary_error
from pipeline.reading import (
    Document,
    FileUnreadable,
    decode_bytes,
    document_id,
    find_documents,
    hardly_chinese,
    read_bytes,
    read_document,
    shown,
)
from pipeline.segment import Paragraph, segment_text, whole_lines, wrapped_width

if TYPE_CHECKING:
    from pipeline.cache import RunState
    from pipeline.scorer import Counts, Tokenized
    from pipeline.text import Tokenizer

# The labelling modules (pipeline.label, .scorer, .text) are imported where they are used: they
# load NumPy, a fifth of a second that status, segment and an up-to-date run do not need.

log = logging.getLogger("pipeline")


# ----------------------------------------------------------------------------- segment
@dataclass(frozen=True)
class SegmentedDocument:
    """A document's paragraphs, and the document without its text (``text`` is ``""``): the
    paragraphs hold what labelling and output need of it, and the text kept beside them was a
    second copy of a long document while its parts were labelled."""

    document: Document
    paragraphs: list[Paragraph]

    def to_dict(self) -> dict[str, Any]:
        return {**self.head(), "paragraphs": [p.to_dict() for p in self.paragraphs]}

    def head(self) -> dict[str, Any]:
        """The output's fields of the document itself: ``id``, ``source``, ``encoding``, and
        ``bytes_left_out`` when the source decodes only without its last bytes."""
        d = self.document
        head = {"id": d.id, "source": d.source, "encoding": d.encoding}
        if d.bytes_left_out:
            head["bytes_left_out"] = d.bytes_left_out
        return head

    def parts(self, limit: int) -> Iterator[Part]:
        """The output of :meth:`to_dict` as consecutive :class:`Part` s of ``limit``
        paragraphs: a long document is written part by part, not held whole as output."""
        head, paragraphs = self.head(), self.paragraphs
        starts = range(0, max(len(paragraphs), 1), limit)
        for start in starts:
            yield Part(head, [p.to_dict() for p in paragraphs[start : start + limit]],
                       first=start == 0, last=start == starts[-1])


# A web page's markup near the start of a text that opens with a tag (a doctype, a comment such
# as a browser's "saved from url", an XML declaration): a page saved as .txt, not its text.
_HTML = re.compile(r"<(?:html|head|body|meta|div|p|br|table)[\s/>]", re.IGNORECASE)


def segment_document(document: Document, config: Config) -> SegmentedDocument:
    """Segment an already-decoded document (the result keeps no reference to its text)."""
    s = config.segment
    paragraphs = segment_text(
        document.id, document.text,
        max_heading_chars=s.max_heading_chars,
        max_paragraph_chars=s.max_paragraph_chars,
        boilerplate_patterns=s.boilerplate_patterns,
        join_wrapped=s.join_wrapped,
    )
    # With segment.join_wrapped, the lines joined are no lines here: a text still looks wrapped
    # only if the segmenter could not join its lines (each one a paragraph between blank lines).
    if (width := wrapped_width(whole_lines(document.text, paragraphs[:1000]))) is not None:
        log.warning("%s: its lines look wrapped at %d characters: each line is read as a "
                    "paragraph (one about that long with a comma or a full stop inside as body, "
                    "another short one that ends no sentence as a heading); join the lines of a "
                    "paragraph first%s", document.source, width,
                    "" if s.join_wrapped else
                    " (in a config, segment.join_wrapped: true joins them)")
    if (share := hardly_chinese(document.text)) is not None:
        log.warning("%s: hardly any Chinese in it (%.0f%% of its letters are Chinese "
                    "characters): the pipeline reads Chinese, and its paragraphs' kinds and "
                    "labels say little", document.source, 100 * share)
    if document.text[:256].lstrip().startswith(('{"', '[{"')):
        # A labelled output or a labels file given to classify in place of a document: its
        # JSON was cut into paragraphs and labelled without a word.
        log.warning("%s: JSON, not a document's text (an output of the pipeline, or labels?): "
                    "read as text all the same; classify and segment read documents, review and "
                    "report a labelled output", document.source)
    elif document.text[:256].lstrip().startswith("<") and _HTML.search(document.text, 0, 4096):
        # A web page saved as .txt: its tags, styles and scripts were cut into paragraphs
        # (a <style> line labelled public_participation) without a word.
        log.warning("%s: HTML, not a document's text (a web page saved as .txt?): read as text "
                    "all the same, its tags, styles and scripts too; save the page as text, or "
                    "copy its text into the file", document.source)
    return SegmentedDocument(replace(document, text=""), paragraphs)


def segment_file(
    path: Path | str, config: Config, encoding: str | None = None, doc_id: str | None = None,
    data: bytes | None = None,
) -> SegmentedDocument:
    """Read, decode and segment one file (``-`` is standard input); its id is ``doc_id`` or its
    name. ``data``: the file's bytes, when they have been read already."""
    encoding = encoding or config.reading.encoding
    document = (read_document(path, encoding, doc_id) if data is None
                else decode_bytes(data, str(path), encoding, doc_id))
    segmented = segment_document(document, config)
    kinds = [p.kind for p in segmented.paragraphs]
    log.info("%s: %s, %d paragraphs (%d body, %d heading, %d boilerplate)", document.source,
             document.encoding, len(kinds), kinds.count("body"), kinds.count("heading"),
             kinds.count("boilerplate"))
    return segmented


# ----------------------------------------------------------------------------- training data
@dataclass
class TrainingSet:
    """The labelled examples a config names, split into real and written ones."""

    real: list[Example]
    written: list[Example]
    unmatched_labels: int = 0
    documents: list[str] = field(default_factory=list)

    @property
    def examples(self) -> list[Example]:
        return self.real + self.written

    def fingerprint(self) -> str:
        """A hash of every example's text, context and theme (changes when the data does)."""
        return config_hash([(e.id, e.text, e.heading, e.title, e.theme) for e in self.examples])

    def summary(self) -> dict[str, Any]:
        def count(examples: Sequence[Example]) -> dict[str, int]:
            out: dict[str, int] = {}
            for e in examples:
                out[e.theme] = out.get(e.theme, 0) + 1
            return dict(sorted(out.items()))

        return {
            "hash": self.fingerprint(),
            "real_paragraphs": len(self.real),
            "written_paragraphs": len(self.written),
            "real_by_theme": count(self.real),
            "written_by_theme": count(self.written),
            "documents": self.documents,
            "articles": len({e.group for e in self.real}),
            "unmatched_labels": self.unmatched_labels,
        }


def labelled_documents(
    document_paths: Sequence[Path], label_paths: Sequence[Path], config: Config
) -> tuple[list[Example], int, list[str]]:
    """Hand-labelled body paragraphs of the named documents; (examples, unmatched, doc ids).

    Only the documents that have labels are read: a big corpus of unlabelled documents costs
    training nothing, and one of them that does not read does not stop it.
    """
    labels = load_labels(label_paths, config.themes)
    examples: list[Example] = []
    unmatched = 0
    paths = find_documents(list(document_paths))
    check_distinct_names(paths)
    ids = [document_id(path) for path in paths]
    for path, doc_id in zip(paths, ids, strict=True):
        if doc_id not in labels:
            continue
        try:
            segmented = segment_file(path, config)
        except InputError as exc:  # the unlabelled ones are never read: see the docstring
            forced = config.reading.encoding  # the config's setting may be what is wrong
            fixes = ("mend it, or take its labels out" if forced == "auto" else
                     f"mend it, take its labels out, or, if {forced} is not its encoding, set "
                     "reading.encoding to its codec or to auto, which detects each file's")
            raise InputError(f"{exc} (it has hand labels, {labels.where[doc_id]}, so training "
                             f"needs it: {fixes})") from exc
        found, missing = labelled_examples(doc_id, segmented.paragraphs, labels.get(doc_id, {}),
                                           labels.at)
        _warn_unmatched(path, doc_id, segmented.paragraphs, missing, labels)
        _warn_index_elsewhere(path, doc_id, segmented.paragraphs, labels)
        examples.extend(found)
        unmatched += len(missing)
    known = set(ids)
    for doc_id in [d for d in labels if d not in known]:  # in the order they are labelled
        log.warning("%s: labels of a document %r, which is not among the documents (%s)%s",
                    labels.where[doc_id], doc_id, ", ".join(map(str, document_paths)),
                    unknown_document_hint(doc_id, known))
        unmatched += len(labels[doc_id])
    return examples, unmatched, ids


def _warn_unmatched(path: Path, doc_id: str, paragraphs: Sequence[Paragraph],
                    missing: Sequence[str], labels: Labels) -> None:
    """Warn of the labels of ``doc_id`` (keys ``missing``) that match no body paragraph, each
    once, with the likeliest reason: its paragraph's text changed since it was labelled, it names
    a heading or boilerplate, it was made on a copy in the other script, or it names a paragraph
    past the end; the rest in one line."""
    # A label by sha1 whose index names a body paragraph still: that paragraph's text has
    # changed since it was labelled (a document edited after its review list was filled in).
    body = {p.index for p in paragraphs if p.kind == "body"}
    changed = [key for key in missing if labels.index.get((doc_id, key)) in body]
    again = _labelled_at(doc_id, paragraphs, labels) if changed else {}
    for key in changed:
        index = labels.index[doc_id, key]
        do = (f", labelled again at {again[index]}: take the old label out" if index in again
              else ": label it again (see 'pipeline segment')")
        log.warning("%s: the label at %s names paragraph %d by the sha1 of its text, and "
                    "paragraph %d has another text now (edited since it was labelled?)%s", path,
                    labels.at[doc_id, key], index, index, do)
    missing = [key for key in missing if key not in changed]
    named = _labels_not_body(path, doc_id, paragraphs, missing, labels)
    named |= _labels_in_other_script(path, doc_id, paragraphs,
                                     [key for key in missing if key not in named], labels)
    named |= _labels_past_the_end(path, doc_id, paragraphs,
                                  [key for key in missing if key not in named], labels)
    unexplained = [key for key in missing if key not in named]
    if unexplained:
        log.warning("%s: %d label(s) match no body paragraph (%s): no body paragraph has "
                    "their sha1 or index (see 'pipeline segment')", path, len(unexplained),
                    _some([labels.at[doc_id, key] for key in unexplained]))


def _labelled_at(doc_id: str, paragraphs: Sequence[Paragraph], labels: Labels) -> dict[int, str]:
    """The ``file:line`` of a label that names each body paragraph of ``doc_id`` as it is now
    (by the sha1 of its text or by its index), by the paragraph's index: an edited paragraph
    may have been labelled again since, and then its old label is the one to take out."""
    keys = labels.get(doc_id, {})
    found: dict[int, str] = {}
    for p in paragraphs:
        if p.kind == "body":
            for key in (f"sha1:{text_sha1(p.text)}", f"index:{p.index}"):
                if key in keys and (doc_id, key) in labels.at:
                    found[p.index] = labels.at[doc_id, key]
    return found


def _warn_index_elsewhere(path: Path, doc_id: str, paragraphs: Sequence[Paragraph],
                          labels: Labels) -> None:
    """Warn, once for the document, of its labels that name one body paragraph by the sha1 of
    its text and another by the index beside it: training follows the sha1, without a word of
    the index that says otherwise (a sha1 or an index copied from the wrong line)."""
    indexes = {key: labels.index[doc_id, key] for key in labels[doc_id]
               if (doc_id, key) in labels.index}
    found = labels_with_index_elsewhere(paragraphs, indexes) if indexes else {}
    if found:
        log.warning("%s: %d label(s) give the index of one body paragraph and the sha1 of "
                    "another's text, and training follows the sha1 (%s): mend the one that is "
                    "wrong (see 'pipeline segment')", path, len(found),
                    _some([f"{labels.at[doc_id, key]} names paragraph {index} by its index and "
                           f"paragraph {p.index} by its sha1"
                           for key, (index, p) in found.items()]))


def _some(places: Sequence[str]) -> str:
    """The first three of a list of places or paragraphs, for a one-line message."""
    return ", ".join(places[:3]) + (", …" if len(places) > 3 else "")


def _labels_not_body(path: Path, doc_id: str, paragraphs: Sequence[Paragraph],
                     missing: Sequence[str], labels: Labels) -> set[str]:
    """Warn of the labels in ``missing`` that name a heading or a boilerplate line, which gets
    no theme; return their keys."""
    found = labels_of_other_kinds(paragraphs, missing)
    if found:
        what = {"heading": "a heading", "boilerplate": "boilerplate"}
        log.warning("%s: %d label(s) name a line that is not body text, and only body paragraphs "
                    "get a theme (%s): take them out (see 'pipeline segment')", path, len(found),
                    _some([f"{labels.at[doc_id, key]} names paragraph {p.index}, {what[p.kind]}, "
                           f"{p.text[:20]!r}" for key, p in found.items()]))
    return set(found)


def _labels_past_the_end(path: Path, doc_id: str, paragraphs: Sequence[Paragraph],
                         missing: Sequence[str], labels: Labels) -> set[str]:
    """Warn of the labels in ``missing`` that name a paragraph by an index the document does
    not reach, saying how many paragraphs it has; return their keys."""
    found = [key for key in missing
             if key.startswith("index:") and int(key.removeprefix("index:")) >= len(paragraphs)]
    if found:
        have = (f"its paragraphs are 0 to {len(paragraphs) - 1}" if paragraphs
                else "it has no paragraphs")
        log.warning("%s: %d label(s) name a paragraph the document does not have: %s (%s): give "
                    "each the index 'pipeline segment' shows", path, len(found), have,
                    _some([f"{labels.at[doc_id, key]} names paragraph "
                           f"{key.removeprefix('index:')}" for key in found]))
    return set(found)


def _labels_in_other_script(path: Path, doc_id: str, paragraphs: Sequence[Paragraph],
                            missing: Sequence[str], labels: Labels) -> set[str]:
    """Warn of the labels in ``missing`` made on a copy of the document in the other script
    (their sha1 is that of a body paragraph's text converted), naming each paragraph's sha1 as
    this document writes it; return their keys."""
    found = labels_in_other_script(paragraphs, missing)
    if found:
        script = "Traditional" if next(iter(found.values()))[1].startswith("s2") else "Simplified"
        log.warning("%s: %d label(s) name body paragraphs by the sha1 of their text in %s "
                    "characters, which this document does not write (labelled on a copy in the "
                    "other script?): give each the sha1 of this document's text, or its index "
                    "(%s)", path, len(found), script,
                    _some([f"{labels.at[doc_id, key]}: paragraph {p.index}, sha1 "
                           f"{text_sha1(p.text)}" for key, (p, _) in found.items()]))
    return set(found)


def load_training_set(config: Config, use_written: bool | None = None) -> TrainingSet:
    """The labelled corpus the config names (written paragraphs per ``corpus.use_written``)."""
    c = config.corpus
    real, unmatched, ids = labelled_documents(c.documents, c.labels, config)
    use = c.use_written if use_written is None else use_written
    # The shipped written paragraphs kept beside themes of one's own, say: how to do without.
    other_themes = ("corpus.written names paragraphs written for other themes: write some for "
                    "these, or give corpus.written as [] to train on hand labels alone")
    written = load_written(c.written, config.themes, other_themes) if use else []
    if not real and not written:  # no model can be trained to make a review list from
        why = ("and corpus.use_written is false" if not use else
               "and corpus.written holds no written paragraphs")
        raise CorpusError(no_hand_labels(c.labels, c.documents, f"{why}, so there is nothing "
                                         "to train on", model=False), config_key="corpus.labels")
    return TrainingSet(real=real, written=written, unmatched_labels=unmatched, documents=ids)


def load_heldout(config: Config) -> list[Example]:
    """The held-out documents' labelled paragraphs (never used for training or tuning)."""
    c = config.corpus
    if bool(c.heldout_documents) != bool(c.heldout_labels):  # one key left out: say so
        given, named, missing, what = (
            ("heldout_documents", "documents", "heldout_labels", "labels of them")
            if c.heldout_documents else
            ("heldout_labels", "labels", "heldout_documents", "the documents they label"))
        log.warning("corpus.%s names %s, but corpus.%s names none, so there are no held-out "
                    "figures; name %s there, or give both as []", given, named, missing, what)
    if not c.heldout_documents:
        return []
    examples, _, _ = labelled_documents(c.heldout_documents, c.heldout_labels, config)
    return examples


# ----------------------------------------------------------------------------- train
def _pipeline_for(config: Config) -> Any:
    """The unfitted scikit-learn Pipeline ``config`` describes, with the word lists it uses."""
    return build_pipeline(config, _word_list(config, "lexicon"), _word_list(config, "actors"))


def _word_list(config: Config, key: str) -> dict[str, list[str]]:
    """The words of ``vectorize.<key>`` (``lexicon``, ``actors``) if the model uses them; a
    file of none (empty, comments only) at a weight over 0 is a :class:`ConfigError`, as a
    weight without a path is: its features would all be 0, and it would give nothing, unsaid."""
    from pipeline.text import load_lexicon

    feature = getattr(config.vectorize, key)
    path = config.vectorize.in_model(feature)
    words = load_lexicon(path, config.themes)
    if path is not None and not any(words.values()):
        raise ConfigError(f"weight {feature.weight:g} needs words, and {path} has none (empty, "
                          "or comments only): list each theme's words in it, or set the weight "
                          "to 0", config_key=f"vectorize.{key}")
    return words


def cross_validate(config: Config, training: TrainingSet, progress: Any = None,
                   prepared: dict[str, Any] | None = None) -> dict[str, Any]:
    """Grouped cross-validated figures on the real paragraphs, as the config trains."""
    from pipeline.evaluate import grouped_cv

    return grouped_cv(
        _pipeline_for(config), training.real, training.written,
        folds=config.evaluate.folds, seed=config.model.seed, bins=config.evaluate.bins,
        themes=config.themes, progress=progress, prepared=prepared,
    )


def train(config: Config, training: TrainingSet | None = None,
          with_metrics: bool = True, progress: Any = None) -> Path:
    """Fit the configured Pipeline on the labelled corpus and save the bundle; returns its path.

    ``model.json`` records the label set, the config, a hash of the training data, library
    versions, the date, and (``with_metrics``) the grouped cross-validated figures and the figures
    on held-out documents. ``progress`` (a tqdm bar, say) counts the cross-validation folds
    (see :func:`pipeline.evaluate.grouped_cv`).
    """
    from pipeline.cache import train_parts
    from pipeline.evaluate import fit_prepared, prepare_examples

    # What run would train on, hashed before the corpus is read: a file edited during training
    # then differs from what the model records, and the model is stale.
    parts = train_parts(config) if with_metrics else None
    training = training or load_training_set(config)
    pipeline = _pipeline_for(config)
    examples = training.examples
    classes = sorted({e.theme for e in examples})
    if len(classes) < 2:
        raise CorpusError("the corpus has labelled paragraphs of only one theme; need two or more")
    missing = [t for t in config.themes if t not in classes]
    if missing:  # a model without them could not label by this config's themes
        raise CorpusError(f"no paragraph of corpus.labels is labelled {' or '.join(missing)}; "
                          "label some, or take " + ("it" if len(missing) == 1 else "them")
                          + " out of themes", config_key="themes")
    log.info("training %s on %d paragraphs (%d real, %d written)", config.model.classifier,
             len(examples), len(training.real), len(training.written))
    # Tokenized once, for the model and for the cross-validation folds alike.
    prepared = prepare_examples(pipeline, examples)
    fit_prepared(pipeline, examples, prepared)
    meta: dict[str, Any] = {
        "name": config.model.name,
        "themes": [t for t in config.themes if t in classes],
        "classifier": config.model.classifier,
        "tokenizer": config.tokenize.model_dump(mode="json"),
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "training_data": training.summary(),
        "config": config.model_dump(mode="json"),
        "versions": library_versions(),
    }
    if with_metrics:  # what run would have trained it on: run takes it as its own
        meta["training_parts"] = parts
        figures: dict[str, Any] = {}
        articles = len({e.group for e in training.real})
        if articles >= 2:
            figures["cross_validation"] = cross_validate(config, training, progress, prepared)
        elif articles:  # evaluate refuses such labels; the model trains, but say what it lacks
            log.warning("corpus.labels: the hand-labelled paragraphs come from 1 article, "
                        "and cross-validation needs two or more: the model is saved without "
                        "cross-validated figures; label paragraphs of another article")
        else:  # written paragraphs alone
            log.warning("corpus.labels: %s", no_hand_labels(
                config.corpus.labels, config.corpus.documents, "the model learns from the "
                "written paragraphs alone and is saved without cross-validated figures"))
        heldout = load_heldout(config)
        if heldout:
            figures["heldout"] = _heldout_metrics(config, pipeline, examples, heldout, prepared)
        meta["metrics"] = figures
    # The scorer classifies; it must give the Pipeline's probabilities (checked on a sample).
    from pipeline.scorer import Scorer

    scorer = Scorer.from_pipeline(pipeline)
    scorer.check(pipeline, [e.record() for e in examples[:: max(1, len(examples) // 2000)]])
    return save_bundle(pipeline, scorer, meta, config.bundle_dir)


def _heldout_metrics(config: Config, fitted: Any, examples: Sequence[Example],
                     heldout: Sequence[Example], prepared: Any) -> dict[str, Any]:
    """The figures on the held-out documents of the model ``fitted`` on ``examples``, refitted
    without any written paragraph modeled on a held-out document."""
    from pipeline.evaluate import fit_prepared, metrics

    measured, kept = fitted, examples
    written = [e for e in examples if e.written]
    allowed = modeled_on_none_of(written, heldout)
    if len(allowed) < len(written):
        log.info("measuring held-out documents without the %d written paragraphs modeled on "
                 "them", len(written) - len(allowed))
        kept = [e for e in examples if not e.written] + allowed
        measured = fit_prepared(_pipeline_for(config), kept, prepared)
    import numpy as np

    proba = measured.predict_proba([e.record() for e in heldout])
    # A theme no training paragraph has (evaluate warns of it) is one the model never gives:
    # a column of zeros, so that held-out paragraphs labelled with it count as missed.
    classes = list(fitted.classes_)
    absent = [t for t in config.themes if t not in classes]
    proba = np.hstack([proba, np.zeros((len(proba), len(absent)))])
    figures = metrics([e.theme for e in heldout], proba, classes + absent,
                      config.evaluate.bins, order=config.themes)
    figures["in_training"] = _in_training(heldout, kept)
    return figures


def _in_training(heldout: Sequence[Example], trained_on: Sequence[Example]) -> int:
    """How many held-out paragraphs the model was trained on as well (the same text), with a
    warning when there are any: their figures are then no figures on unseen text."""
    seen = {e.text for e in trained_on}
    overlap = sum(e.text in seen for e in heldout)
    if overlap:
        log.warning("corpus.heldout_documents: %d of the %d labelled held-out paragraphs are "
                    "also in the training data (the same text), so the held-out figures are not "
                    "figures on unseen text; hold out documents the corpus does not have",
                    overlap, len(heldout))
    return overlap


# ----------------------------------------------------------------------------- classify
SCORE_BATCH = 500  # paragraphs scored in one call, and a long document's parts (see Part)


def section_runs(sections: Sequence[Any], limit: int = SCORE_BATCH) -> list[range]:
    """``range(len(sections))`` cut into consecutive runs of at least ``limit`` items, each
    ending at the first place where no section (each item's key; ``None``: none) goes on past
    it and ``limit`` items or more are left after it.

    A section's paragraphs are each other's context, so they are scored together; a run is not
    much longer than ``2 * limit`` unless a section is, or two sections interleave. A batch of a
    little more than ``limit`` stays one run: a call more would cost more than it saves.

    >>> section_runs(["a", "a", "b", "b", "b", "c", None, "d"], limit=2)
    [range(0, 2), range(2, 5), range(5, 8)]
    >>> section_runs(["a", "b", "a", "c"], limit=1)  # a continues past b
    [range(0, 3), range(3, 4)]
    """
    last = {key: i for i, key in enumerate(sections) if key is not None}
    runs: list[range] = []
    start, reach = 0, -1
    for i, key in enumerate(sections):
        if key is not None:
            reach = max(reach, last[key])
        if reach <= i and i + 1 - start >= limit and len(sections) - (i + 1) >= limit:
            runs.append(range(start, i + 1))
            start = i + 1
    if start < len(sections):
        runs.append(range(start, len(sections)))
    return runs


def label_documents(bundle: Bundle, documents: Sequence[SegmentedDocument], config: Config,
                    limit: int = SCORE_BATCH) -> list[dict[str, Any]]:
    """The labelled form of each document (every paragraph, body ones with label fields).

    Body paragraphs are scored about ``limit`` at a time, whole sections together (see
    :func:`section_runs`): each paragraph gets the labels it would get alone, and many small
    calls cost more than one large one.
    """
    out = [d.to_dict() for d in documents]
    body: list[dict[str, Any]] = []  # the output of each body paragraph, to add its labels to
    records: list[dict[str, Any]] = []  # and its input to the model
    for k, (document, labelled) in enumerate(zip(documents, out, strict=True)):
        for record, p_out in zip(body_records(document.paragraphs), labelled["paragraphs"],
                                 strict=True):
            if record is not None:
                record["section"] = (k, record["section"])  # a section never spans two documents
                records.append(record)
                body.append(p_out)
    for run in section_runs([r["section"] for r in records], limit):
        _label(bundle, records[run.start : run.stop], body[run.start : run.stop], config)
    return out


def _label(bundle: Bundle, records: Sequence[dict[str, Any]], body: Sequence[dict[str, Any]],
           config: Config, totals: Mapping[Any, Counts] | None = None,
           tokenized: Tokenized | None = None) -> None:
    """Score ``records`` in one call and add the label fields to their outputs ``body``
    (``totals``, ``tokenized``: see :meth:`~pipeline.scorer.Scorer.score`)."""
    from pipeline.label import annotate

    scores = bundle.scorer.score(records, totals, tokenized)
    fields = annotate(
        bundle.scorer, bundle.themes, scores,
        review_below=config.label.review_below, review_margin=config.label.review_margin,
        evidence_terms=config.label.evidence_terms,
    )
    for p_out, extra in zip(body, fields, strict=True):
        p_out.update(extra)


def label_in_parts(bundle: Bundle, segmented: SegmentedDocument, config: Config,
                   limit: int = SCORE_BATCH) -> Iterator[Part]:
    """One document labelled as consecutive :class:`Part` s of about ``limit`` paragraphs, cut
    where no section goes on (see :func:`section_runs`), so that each paragraph gets the labels
    it gets when the document is labelled whole.

    A run that cannot be cut so (a long document without headings is one section) is cut every
    ``limit`` paragraphs anyway, after a first pass that cuts each part's paragraphs into words
    and counts those of each section it cuts through
    (:meth:`~pipeline.scorer.Scorer.section_counts`): each paragraph still has the rest of its
    whole section as context. The cut words wait for the second pass in a temporary file, not in
    memory, so that a document of one endless section takes no more memory than one part.

    Held whole meanwhile: the paragraphs and their section keys (one string a section). The
    model's input (:func:`~pipeline.corpus.body_records`) is made a part at a time: made whole,
    it held some 300 bytes a paragraph more till the last part.
    """
    from pipeline.scorer import add_counts

    head = segmented.head()
    paragraphs = segmented.paragraphs
    keys = section_keys(paragraphs)

    def records(piece: range) -> list[dict[str, Any] | None]:
        return body_records(paragraphs[piece.start : piece.stop], keys[piece.start : piece.stop])

    runs = section_runs(keys, limit)
    for k, run in enumerate(runs):
        pieces = [run]
        with ExitStack() as stack:
            totals: dict[Any, Counts] = {}
            spool = None
            if len(run) > 2 * limit:
                pieces = [range(i, min(i + limit, run.stop))
                          for i in range(run.start, run.stop, limit)]
                spread = Counter(key for piece in pieces for key in {keys[i] for i in piece})
                cut = {key for key, n in spread.items() if n > 1 and key is not None}
                try:
                    spool = stack.enter_context(tempfile.TemporaryFile())
                    for piece in pieces:
                        body = [r for r in records(piece) if r is not None]
                        tokenized = bundle.scorer.tokenize([r["text"] for r in body])
                        for key, counts in bundle.scorer.section_counts(body, tokenized).items():
                            if key in cut:
                                totals[key] = add_counts(totals.get(key), counts)
                        pickle.dump(tokenized, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    spool.flush()
                    spool.seek(0)
                except OSError as exc:  # a full or read-only temporary folder, say
                    raise temporary_error(exc, f"labelling {head['source']}'s long section"
                                          ) from None
            for j, piece in enumerate(pieces):
                tokenized = pickle.load(spool) if spool is not None else None
                out = [p.to_dict() for p in paragraphs[piece.start : piece.stop]]
                body = [(r, o) for r, o in zip(records(piece), out, strict=True) if r is not None]
                if body:
                    _label(bundle, [r for r, _ in body], [o for _, o in body], config, totals,
                           tokenized)
                yield Part(head, out, first=k == 0 and j == 0,
                           last=k == len(runs) - 1 and j == len(pieces) - 1)


def label_document(bundle: Bundle, segmented: SegmentedDocument, config: Config) -> dict[str, Any]:
    """The labelled form of one document: every paragraph, body ones with label fields."""
    return label_documents(bundle, [segmented], config)[0]


def label_batch(bundle: Bundle, documents: Sequence[SegmentedDocument], config: Config,
                limit: int = SCORE_BATCH) -> Iterator[dict[str, Any] | Part]:
    """The labelled form of each document of a batch (see :func:`paragraph_batches`), in order:
    whole, scored together, and the last in :class:`Part` s if it has more than ``limit``
    paragraphs (a batch ends at the document that fills it)."""
    long = bool(documents) and len(documents[-1].paragraphs) > limit
    yield from label_documents(bundle, documents[:-1] if long else documents, config, limit)
    if long:
        yield from label_in_parts(bundle, documents[-1], config, limit)


def document_items(items: Iterator[Any]) -> Iterator[Any]:
    """The next document's items from a stream of labelled documents and their parts (as
    :func:`label_batch` gives): the document, or each of its parts."""
    item = next(items)
    yield item
    while isinstance(item, Part) and not item.last:
        item = next(items)
        yield item


def _paragraphs(item: Any) -> int:
    """How many paragraphs a segmented document holds, as :func:`label_sources` batches them
    (a :class:`Skipped` file, or the error that ends a strict run: none)."""
    return len(item.paragraphs) if isinstance(item, SegmentedDocument) else 0


def paragraph_batches(items: Iterable[Any], count: Callable[[Any], int] = _paragraphs,
                      limit: int = SCORE_BATCH) -> Iterator[list[Any]]:
    """Consecutive items in lists of about ``limit`` paragraphs, each item counting ``count`` of
    it and at least 1 (a skipped file, an empty document), so a list never holds much more than
    ``limit``. A list ends at the item that reaches the limit, so no document is split.

    >>> [len(b) for b in paragraph_batches([Skipped("a", "?")] * 5, limit=2)]
    [2, 2, 1]
    """
    batch: list[Any] = []
    total = 0
    for item in items:
        batch.append(item)
        total += max(1, count(item))
        if total >= limit:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


@dataclass
class Skipped:
    """A file that could not be labelled, and why (one line)."""

    source: str
    error: str

    @classmethod
    def of(cls, source: Any, exc: Exception) -> Skipped:
        """The error of ``source`` without the file name in front (``source`` names it)."""
        name = str(getattr(source, "source", source))
        return cls(name, str(exc).removeprefix(f"{name}: "))

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "error": self.error}


def label_sources(bundle: Bundle, sources: Iterable[Path | str | Document], config: Config,
                  encoding: str | None = None, strict: bool = False,
                  ids: Mapping[str, str] | None = None,
                  limit: int = SCORE_BATCH) -> Iterator[dict[str, Any] | Part | Skipped]:
    """Read, segment and label each source in order; a bad file gives a :class:`Skipped`.

    With ``strict`` the first bad file raises its error instead. ``ids`` gives the documents
    whose id is not their file name (see :func:`document_ids`). Documents are scored together,
    about ``limit`` paragraphs at a time (see :func:`label_documents`); a document of more
    paragraphs than that comes as :class:`Part` s (see :func:`label_in_parts`).
    """
    ids = ids or {}

    def segmented() -> Iterator[SegmentedDocument | Skipped | PipelineError]:
        for source in sources:
            try:
                if isinstance(source, Document):
                    yield segment_document(source, config)
                else:
                    yield segment_file(source, config, encoding, ids.get(str(source)))
            except PipelineError as exc:
                if strict:  # raised below, once the documents before it have gone out
                    yield exc
                    return
                yield Skipped.of(source, exc)

    for batch in paragraph_batches(segmented(), limit=limit):
        labelled = label_batch(
            bundle, [d for d in batch if isinstance(d, SegmentedDocument)], config, limit)
        for item in batch:
            if isinstance(item, PipelineError):
                raise item
            if isinstance(item, Skipped):
                yield item
            else:
                yield from document_items(labelled)


def input_files(inputs: Sequence[Path | str], strict: bool = False) -> list[Path | str]:
    """Files, folders and ``-`` expanded to the files to label, each once; an error when a named
    path does not exist or there is no file at all (``strict``: also when a folder cannot be read,
    see :func:`pipeline.reading.find_documents`).

    Expanding an already-expanded list gives it back unchanged. What a folder expanded to is
    logged (a list of files that expands to itself is not logged again). An empty path is an
    error, not the current folder: it is what an unset variable in a script gives.
    """
    for path in inputs:
        if str(path) == "":
            raise InputError("'': an empty path names no file or folder (an unset variable?); "
                             "name the current folder '.' to read it")
        try:
            if str(path) != "-" and not Path(path).exists():
                raise InputError(f"{path}: no such file or folder")
        except OSError as exc:  # a path too long to look at, say
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    sources = find_documents(list(inputs), strict)
    if not sources:
        raise PipelineError(f"no .txt files found in {', '.join(map(str, inputs))}")
    if list(map(str, sources)) != list(map(str, inputs)):
        log.info("%s to read in %s", plural(len(sources), "file"), ", ".join(map(str, inputs)))
    return sources


def document_ids(sources: Sequence[Path | str]) -> dict[str, str]:
    """Ids for the files of one run whose names collide (``2020/report.txt`` and
    ``2021/report.txt`` would both be ``report``): as many of their last folders as tell them
    apart, then the name (``2020/report``). Only colliding files are listed (by ``str(source)``);
    the others keep their name as their id (standard input: ``stdin``; see
    :func:`pipeline.reading.document_id`). Files whose names differ only in the case of ``.txt``
    keep it (``r.txt``, ``r.TXT``); an id still taken gets ``~2``, ``~3``. Bytes that are not
    UTF-8 and control characters in the names and folders are written ``\\xNN``.

    >>> document_ids(["/d/a/x/r.txt", "/d/b/x/r.txt", "/d/s.txt", "/d/r.txt"])
    {'/d/a/x/r.txt': 'a/x/r', '/d/b/x/r.txt': 'b/x/r', '/d/r.txt': 'd/r'}
    """
    by_name: dict[str, list[str]] = {}
    for source in map(str, sources):
        by_name.setdefault(document_id(source), []).append(source)
    ids: dict[str, str] = {}
    for same in by_name.values():
        if len(same) > 1:
            paths = [Path("/stdin") if s == "-" else Path(s).resolve() for s in same]
            names = (_distinct_tails([p.with_suffix("").parts[1:] for p in paths])
                     or _distinct_tails([p.parts[1:] for p in paths]))
            ids.update((s, shown(n)) for s, n in zip(same, names, strict=True) if s != "-")
    # A tail can still equal another file's name ('r.txt' beside 'r.txt.txt'): number it.
    taken = {document_id(s) for s in map(str, sources) if s not in ids}
    for source, name in ids.items():
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}~{n}"
        ids[source] = unique
        taken.add(unique)
    return ids


def _distinct_tails(parts: Sequence[tuple[str, ...]]) -> list[str]:
    """The shortest ``a/b/c`` tails of the paths ``parts`` that differ, or [] if none do."""
    for depth in range(1, max(map(len, parts)) + 1):
        names = ["/".join(p[-depth:]) for p in parts]
        if len(set(names)) == len(names):
            return names
    return []


@dataclass
class WriteResult:
    """What :func:`segment` or :func:`classify` wrote to ``output``: the documents, their
    paragraphs and body paragraphs, and the files skipped."""

    documents: int = 0
    paragraphs: int = 0
    body: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    output: str = ""


def segment(inputs: Sequence[Path | str], out: Path | str, config: Config, *,
            fmt: str | None = None,
            encoding: str | None = None, strict: bool = False, tokenizer: Tokenizer | None = None,
            on_document: Callable[[Any], Any] | None = None) -> WriteResult:
    """Segment every file of ``inputs`` (files, folders, ``-``) and write their paragraphs to
    ``out``, as :func:`classify` writes its output but without labels or model; a file that
    does not read is skipped (with ``strict``, its error is raised and nothing is written).
    ``fmt`` (``json``, ``jsonl``): by default the one ``out``'s name says, else ``json``.

    With a ``tokenizer`` (``pipeline tokenize``), each paragraph also has ``tokens``: its words
    as that tokenizer cuts them for the model. ``on_document`` is called after each file, read
    or skipped.
    """
    from pipeline.output import LabelledWriter, atomic_write, check_not_input, named_format

    sources = input_files(inputs, strict)
    check_not_input(out, sources)
    result = WriteResult(output=str(out))
    with atomic_write(out, "wb") as fh:
        writer = LabelledWriter(fh, fmt or named_format(out) or "json", None)
        for segmented in _each_segmented(sources, config, encoding, strict, result, on_document):
            for part in segmented.parts(SCORE_BATCH):
                if tokenizer is not None:
                    for p in part.paragraphs:
                        p["tokens"] = tokenizer(p["text"])
                written = writer.write(part)
                result.paragraphs += written.paragraphs
                result.body += written.body
        writer.close([s.to_dict() for s in result.skipped])
    return result


def _each_segmented(sources: Sequence[Path | str], config: Config, encoding: str | None,
                    strict: bool, result: WriteResult,
                    on_document: Callable[[Any], Any] | None) -> Iterator[SegmentedDocument]:
    """Each file of ``sources`` read and segmented, in order, counted in ``result``; a file
    that does not read is added to ``result.skipped`` (with ``strict``, its error is raised).
    ``on_document`` is called after each file, read or skipped, once its document is used."""
    ids = document_ids(sources)
    for path in sources:
        try:
            segmented = segment_file(path, config, encoding, ids.get(str(path)))
        except PipelineError as exc:
            if strict:
                raise
            result.skipped.append(Skipped.of(path, exc))
        else:
            yield segmented
            result.documents += 1
        if on_document is not None:
            on_document(path)


def classify(
    inputs: Sequence[Path | str],
    bundle_dir: Path,
    out: Path | str,
    config: Config,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    jobs: int | None = None,
    on_document: Callable[[Any], Any] | None = None,
) -> WriteResult:
    """Label every body paragraph of ``inputs`` (files, folders, ``-``) and write ``out``, in
    ``fmt`` (``json``, ``jsonl``): by default the one ``out``'s name says, else
    ``output.format`` of the config.

    The output is written incrementally to a temporary file and renamed into place at the end;
    if the run fails (or ``strict`` meets a bad file) any previous output stays as it was.
    Temporary files that killed runs left beside ``out`` are removed once stale (see
    :func:`pipeline.output.remove_stale_temporaries`).
    """
    from pipeline.output import (
        LabelledWriter,
        atomic_write,
        check_not_input,
        model_header,
        named_format,
        remove_stale_temporaries,
    )
    from pipeline.parallel import labelled_stream

    bundle = load_bundle(bundle_dir, themes=config.themes)
    sources = input_files(inputs, strict)
    check_not_input(out, sources)
    fmt = fmt or named_format(out) or config.output.format
    result = WriteResult(output=str(out))
    with atomic_write(out, "wb") as fh:
        writer = LabelledWriter(fh, fmt, model_header(bundle.meta))
        for item in labelled_stream(bundle, sources, config, encoding=encoding, strict=strict,
                                    jobs=jobs if jobs is not None else config.classify.jobs,
                                    fmt=fmt, ids=document_ids(sources)):
            done = True  # a document, skipped or written whole or to its last part
            if isinstance(item, Skipped):
                result.skipped.append(item)
            else:
                rendered = writer.write(item)
                done = rendered.closes
                result.documents += done
                result.paragraphs += rendered.paragraphs
                result.body += rendered.body
            if on_document is not None and done:
                on_document(item)
        writer.close([s.to_dict() for s in result.skipped])
    remove_stale_temporaries(out)  # left by a killed classify of the same output
    return result


def vectorize(
    inputs: Sequence[Path | str],
    bundle_dir: Path,
    out: Path | str,
    config: Config,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    on_document: Callable[[Any], Any] | None = None,
) -> WriteResult:
    """Write the feature vector of every body paragraph of ``inputs`` (files, folders, ``-``):
    what the bundle's classifier takes, made by the fitted scikit-learn Pipeline of its
    ``model.pkl`` (every step but the classifier) from the records classify scores (text,
    heading, title, section: :func:`~pipeline.corpus.body_records`).

    ``npz``: one CSR matrix, a row a body paragraph, as its arrays ``data``, ``indices``,
    ``indptr``, ``shape`` and ``format`` (``scipy.sparse.load_npz`` reads it), with ``ids``, the
    paragraphs' ids, and ``feature_names``, the columns' names (the scorer's:
    ``actors:THEME`` where evidence writes ``actor:WORD``).
    ``jsonl``: a line a body paragraph, ``{"id", "features": {name: value}}`` with the values
    that are not 0, written as each document is done. By default ``fmt`` is the one ``out``'s
    name says, else ``jsonl`` for ``-`` and ``npz`` for any other name. A file that does not
    read is skipped (with ``strict``, its error is raised and nothing is written);
    ``on_document`` is called after each file.

    Sections never span two documents, so each document is transformed alone: its rows are
    those the whole input would give.
    """
    import io

    import numpy as np
    import orjson
    import scipy.sparse as sp

    from pipeline.output import VECTOR_FORMATS, atomic_write, check_not_input, named_format

    fmt = fmt or named_format(out, VECTOR_FORMATS) or ("jsonl" if str(out) == "-" else "npz")
    bundle = load_bundle(bundle_dir, themes=config.themes)
    features = bundle.pipeline[:-1]
    names = list(bundle.scorer.feature_names)
    sources = input_files(inputs, strict)
    check_not_input(out, sources)
    result = WriteResult(output=str(out))
    blocks: list[Any] = []
    rows: list[str] = []
    with atomic_write(out, "wb") as fh:
        for segmented in _each_segmented(sources, config, encoding, strict, result, on_document):
            body = [(p.id, r) for p, r in zip(segmented.paragraphs,
                                              body_records(segmented.paragraphs), strict=True)
                    if r is not None]
            result.paragraphs += len(segmented.paragraphs)
            result.body += len(body)
            if body:
                matrix = sp.csr_matrix(features.transform([r for _, r in body]))
                matrix.eliminate_zeros()  # a sum of context that cancels out, say
                matrix.sort_indices()  # a row's values in the columns' order
                if matrix.shape[1] != len(names):
                    raise ModelError(f"{bundle_dir}: damaged: model.pkl makes "
                                     f"{matrix.shape[1]} features, scorer.pkl names "
                                     f"{len(names)}")
                if fmt == "npz":
                    blocks.append(matrix)
                    rows += [i for i, _ in body]
                else:
                    indptr = matrix.indptr.tolist()
                    columns, data = matrix.indices.tolist(), matrix.data.tolist()
                    for k, (ident, _) in enumerate(body):
                        lo, hi = indptr[k], indptr[k + 1]
                        values = {names[c]: v for c, v in zip(columns[lo:hi], data[lo:hi],
                                                              strict=True)}
                        fh.write(orjson.dumps({"id": ident, "features": values},
                                              option=orjson.OPT_APPEND_NEWLINE))
        if fmt == "npz":
            matrix = (sp.vstack(blocks, format="csr") if blocks
                      else sp.csr_matrix((0, len(names)), dtype=np.float64))
            data = io.BytesIO()  # a zip archive is written with seeks: a pipe takes none
            np.savez_compressed(data, format=np.array("csr"), shape=np.array(matrix.shape),
                                data=matrix.data, indices=matrix.indices, indptr=matrix.indptr,
                                ids=np.array(rows, dtype=str),
                                feature_names=np.array(names, dtype=str))
            fh.write(data.getvalue())
    return result


# ----------------------------------------------------------------------------- evaluate
def evaluate(config: Config, progress: Any = None) -> dict[str, Any]:
    """The full evaluation report for the config's corpus.

    - grouped cross-validation on real paragraphs without and with the written paragraphs;
    - the model trained on everything, scored on the held-out documents;
    - script-flip agreement: real and held-out paragraphs converted with OpenCC and classified
      again by the model trained on everything.
    """
    from pipeline.evaluate import (
        fit_prepared,
        grouped_cv,
        lexicon_weak_labels,
        prepare_examples,
        script_flip_agreement,
    )

    lexicon = _lexicon_to_measure(config)  # before any work: its error ends the command
    full = load_training_set(config)
    c = config.corpus
    if not full.real:  # written paragraphs alone: no figure could be measured
        raise CorpusError(no_hand_labels(c.labels, c.documents,
                                         "cross-validation has nothing to measure"),
                          config_key="corpus.labels")
    if not c.use_written and c.written:  # compared all the same, if they fit the themes
        try:
            full = replace(full, written=load_written(c.written, config.themes))
        except CorpusError as exc:
            log.warning("%s: the written paragraphs are left out of the comparison "
                        "(corpus.use_written is false)", exc)
    examples = full.real + (full.written if c.use_written else [])
    missing = [t for t in config.themes if t not in {e.theme for e in examples}]
    if missing:  # figures while labelling are worth having, but no model comes of this config
        them = "it" if len(missing) == 1 else "them"
        log.warning("themes: no paragraph of corpus.labels is labelled %s, so the figures leave "
                    "%s out and pipeline train refuses this config; label some, or take %s out "
                    "of themes", " or ".join(missing), them, them)
    pipeline = _pipeline_for(config)
    prepared = prepare_examples(pipeline, full.examples)  # tokenized once for every fit below
    common = {"folds": config.evaluate.folds, "seed": config.model.seed,
              "bins": config.evaluate.bins, "themes": config.themes, "progress": progress,
              "prepared": prepared}
    # What was measured, so that a saved report says which model its figures belong to.
    report: dict[str, Any] = {"classifier": config.model.classifier,
                              "params": dict(config.model.params),
                              "config_hash": config_hash(config.model_dump(mode="json")),
                              "training_data": full.summary()}
    try:
        report["cv_without_written"] = grouped_cv(pipeline, full.real, (), **common)
    except CorpusError as exc:  # a few labels of one's own: train measures the model all the same
        if exc.config_key != "model.params.calibration_folds" or not (c.use_written
                                                                      and full.written):
            raise
        log.warning("%s; grouped CV of the real paragraphs alone is left out (the written "
                    "paragraphs, which this config trains on, are measured)", exc)
    if full.written:
        report["cv_with_written"] = grouped_cv(pipeline, full.real, full.written, **common,
                                               warn=False)
    fitted = fit_prepared(_pipeline_for(config), examples, prepared)
    heldout = load_heldout(config)
    if heldout:
        report["heldout"] = _heldout_metrics(config, fitted, examples, heldout, prepared)
    flip_records = [e.record() for e in full.real + heldout]
    report["script_flip"] = script_flip_agreement(fitted, flip_records)
    normalizer = fitted.named_steps["prepare"].tokenizer.normalizer
    if lexicon and not any(lexicon.values()):  # a file of none: figures of no word at all
        report["lexicon_without_words"] = str(config.vectorize.lexicon.path)
    elif lexicon:
        report["lexicon_weak_labels"] = lexicon_weak_labels(lexicon, full.real + heldout,
                                                            normalizer)
    report["trained_with_written"] = bool(config.corpus.use_written and full.written)
    return report


def _lexicon_to_measure(config: Config) -> dict[str, list[str]]:
    """The theme lexicon evaluate measures as a weak labeller. At weight 0 the model does not
    use it, so one that does not fit the config (the shipped file, of the shipped themes, kept
    beside themes of one's own) loses only its own figure, with a warning, not the others."""
    from pipeline.text import load_lexicon

    lexicon = config.vectorize.lexicon
    try:
        return load_lexicon(lexicon.path, config.themes)
    except ConfigError as exc:
        if lexicon.weight:
            raise
        log.warning("%s: its figure as a weak labeller is left out (vectorize.lexicon.weight "
                    "is 0: the model does not use it)", exc)
        return {}


# ----------------------------------------------------------------------------- run
@dataclass
class RunResult:
    """What ``run`` did: the bundle, the output, and one line per stage."""

    bundle: Path
    output: Path
    documents: int = 0
    body: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


def segmented_from_dict(doc: dict[str, Any]) -> SegmentedDocument:
    """A segmented document back from its cached form (the text itself is not kept)."""
    document = Document(id=doc["id"], source=doc["source"], encoding=doc["encoding"], text="",
                        bytes_left_out=doc.get("bytes_left_out", 0))
    return SegmentedDocument(document, [Paragraph(**p) for p in doc["paragraphs"]])


def _bundle_identity(bundle_dir: Path) -> tuple[str | None, dict[str, str] | None]:
    """A hash of the bundle's ``model.json`` (which names each file's hash, the figures and when
    it was trained), or None when the bundle is missing or any of its files is damaged: a bundle
    trained again, by ``run`` or by anything else, has another. With it, the parts it says it
    was trained on (see :func:`pipeline.cache.train_why`)."""
    from pipeline.cache import file_hash
    from pipeline.model import META_FILE, check_file, read_meta

    try:
        meta = read_meta(bundle_dir)
        for name in meta["files"]:
            check_file(bundle_dir, meta, name)
    except PipelineError:
        return None, None
    parts = meta.get("training_parts")
    return file_hash(Path(bundle_dir) / META_FILE), parts if isinstance(parts, dict) else None


def _skipped_note(skipped: Sequence[dict[str, str]]) -> str:
    """``1 file skipped: scan.txt: not a text file: …`` (``""`` when none is): for status."""
    if not skipped:
        return ""
    files = "; ".join(f"{Path(s['source']).name}: {s['error']}" for s in skipped[:3])
    more = f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
    return f"{plural(len(skipped), 'file')} skipped: {files}{more}"


# A stage's progress bar: ``bars(stage, total)`` gives a context manager of an object with
# ``update(n)`` and ``reset(total)`` (a tqdm bar, say).
Bars = Callable[[str, int | None], AbstractContextManager[Any]]


def _bar(bars: Bars | None, stage: str, total: int | None) -> AbstractContextManager[Any]:
    """The progress bar of one stage of run while it works (None when none is shown)."""
    return nullcontext() if bars is None else bars(stage, total)


def _counted(items: Iterable[Any], bar: Any) -> Iterator[Any]:
    """``items``, the ``bar`` (if any) counting each once the loop is done with it."""
    for item in items:
        yield item
        if bar is not None:
            bar.update(1)


def run(config: Config, force: Iterable[str] = (),
        say: Callable[[str], Any] = lambda message: None,
        bars: Bars | None = None) -> RunResult:
    """The whole pipeline on the config's corpus, redoing only what changed since the last run.

    ``force`` names stages to redo anyway (``segment``, ``train``, ``classify``). ``say`` gets one
    line per stage once it is done (``segment: up to date``); ``bars`` gives a stage that works
    its progress bar, for the time it works (none when it is up to date): ``segment`` counts the
    documents it segments, ``train`` the cross-validation folds, ``classify`` the documents
    written to the output. Cached artefacts no stage uses any more, and stale temporary files
    beside the output, are removed.
    What is stale comes from :mod:`pipeline.cache` (``plan_segments``, ``train_why``,
    ``plan_classify``), which :func:`status` asks too. Each stage is a function of its own:
    :func:`_run_segment`, :func:`_run_train`, :func:`_run_classify`.
    """
    from pipeline.cache import RunState
    from pipeline.output import remove_stale_temporaries

    force = set(force)
    state = RunState(config.output.path, config.bundle_dir)
    result = RunResult(bundle=config.bundle_dir, output=config.output.path)
    segmented, skipped, step = _run_segment(config, state, "segment" in force, bars)
    result.skipped = [Skipped(**s) for s in skipped]
    result.steps.append(step)
    say(step)
    step = _run_train(config, state, "train" in force, bars)
    result.steps.append(step)
    say(step)
    result.documents, result.body, step = _run_classify(config, state, segmented, skipped,
                                                        "classify" in force, bars)
    result.steps.append(step)
    say(step)
    for kind, keys in state.in_use().items():  # what no output's record refers to any more
        state.cache.prune(kind, keys)
    for path in (Path(config.output.path), state.path):  # what killed runs left beside them
        remove_stale_temporaries(path)
    return result


def _run_segment(config: Config, state: RunState, force: bool, bars: Bars | None
                 ) -> tuple[dict[str, str], list[dict[str, str]], str]:
    """Run's segment stage: one cached file per document (or per document that does not read),
    keyed by its path, its bytes and the settings. Returns the segments key of each document
    segmented, the files skipped, and the stage's line."""
    from pipeline.cache import (
        SEGMENTS,
        SKIPPED,
        bytes_hash,
        entry_bytes,
        plan_segments,
        segment_key,
        segment_settings,
    )

    seg = plan_segments(config, state, force)
    with _bar(bars if seg.todo else None, "segment", len(seg.todo)) as bar:
        for source in _counted(seg.todo, bar):
            try:
                data = read_bytes(source)
            except FileUnreadable as exc:  # not remembered: tried again on the next run
                seg.errors[source] = Skipped.of(source, exc).error
                continue
            # Keyed by the bytes segmented: the file may have changed since it was planned.
            seg.keys[source] = segment_key(bytes_hash(data), config, source)
            try:
                segmented = segment_file(source, config, data=data)
            except PipelineError as exc:
                seg.errors[source] = error = Skipped.of(source, exc).error
                state.cache.store(SKIPPED, seg.keys[source], {"source": source, "error": error})
                continue
            with state.cache.writer(SEGMENTS, seg.keys[source]) as entry:
                for part in segmented.parts(SCORE_BATCH):  # a long document is not dumped whole
                    entry.write(entry_bytes(part))
            seg.done.add(source)
    skipped = seg.skipped()
    keys = {s: seg.keys[s] for s in seg.sources if s in seg.done}
    state.put("segment", {"documents": keys, "skipped": skipped,
                          "skipped_keys": [seg.keys[s] for s in seg.errors if s in seg.keys],
                          "settings": segment_settings(config)})
    failed = sum(s in seg.errors for s in seg.todo)
    step = ("segment: up to date" if not seg.todo else
            f"segment: {len(seg.todo) - failed} of {len(seg.sources)} documents "
            f"segmented" + (f", {failed} skipped" if failed else ""))
    return keys, skipped, step


def _run_train(config: Config, state: RunState, force: bool, bars: Bars | None) -> str:
    """Run's train stage: trains when the corpus files, word lists or the training config
    changed (or the bundle did, or is missing). Returns the stage's line."""
    from pipeline.cache import file_hash, train_why
    from pipeline.model import META_FILE

    bundle_hash, bundle_parts = _bundle_identity(config.bundle_dir)
    parts, why, note = train_why(config, state, bundle_hash, force, bundle_parts)
    if not why:
        if state.get("train").get("bundle_hash") != bundle_hash:  # pipeline train made it
            state.put("train", {"parts": parts, "bundle_hash": bundle_hash,
                                "bundle": str(config.bundle_dir)})
        # Training warns of labels it cannot use; when it does not run, the step says so.
        return f"train: up to date ({note})" if note else "train: up to date"
    with _bar(bars, "train", config.evaluate.folds) as bar:  # fewer if fewer articles
        saved = train(config, progress=bar)  # just written: its files need no second check
    state.put("train", {"parts": parts, "bundle_hash": file_hash(saved / META_FILE),
                        "bundle": str(config.bundle_dir)})
    return f"train: trained ({why})"


def _run_classify(config: Config, state: RunState, segmented: dict[str, str],
                  skipped: list[dict[str, str]], force: bool, bars: Bars | None
                  ) -> tuple[int, int, str]:
    """Run's classify stage: one cached labelled document per (paragraphs, model, label
    settings), labelled on classify.jobs local processes whatever classify.backend says (the
    labels go into the stage cache on this machine). Documents are written out in order as they
    come, so memory does not grow with the corpus. ``segmented``: each document's segments key.
    Returns the documents and body paragraphs in the output, and the stage's line."""
    from pipeline.cache import LABELLED, file_hash, plan_classify
    from pipeline.output import LabelledWriter, atomic_write
    from pipeline.parallel import cached_stream, label_cached

    bundle = load_bundle(config.bundle_dir, themes=config.themes)
    plan = plan_classify(config, state, segmented, skipped, bundle.meta, force)
    if not plan.why:
        return len(plan.keys), state.get("classify")["body"], "classify: up to date"
    out_path = Path(config.output.path)
    fmt = config.output.format
    todo = [(s, segmented[s], k) for s, k in plan.keys.items() if s not in plan.done]
    if todo and config.classify.backend == "dask":
        log.warning("classify.backend is dask, but 'pipeline run' labels locally, on "
                    "classify.jobs processes; 'pipeline classify --backend dask' labels on "
                    "the cluster")
    fresh = cached_stream(bundle, config, state.cache, todo, config.classify.jobs, fmt)
    labelled = len(todo)  # and those whose cache entry went bad since they were planned
    documents = body = 0
    with _bar(bars, "classify", len(plan.keys)) as bar, atomic_write(out_path, "wb") as fh:
        writer = LabelledWriter(fh, fmt, plan.header)
        for source, key in _counted(plan.keys.items(), bar):
            if source not in plan.done:
                items: Iterator[Any] = fresh
            else:  # cached when planned (read part by part); labelled here if it has gone since
                cached = state.cache.parts(LABELLED, key, SCORE_BATCH)
                labelled += cached is None
                items = cached or label_cached(
                    bundle, config, state.cache, [(source, segmented[source], key)], fmt)
            while True:  # a long document comes in parts
                written = writer.write(next(items))
                body += written.body
                if written.closes:
                    break
            documents += 1
        writer.close(skipped)
    state.put("classify", {"key": plan.output_key, "output_hash": file_hash(out_path),
                           "documents": plan.keys, "skipped": skipped,
                           "format": config.output.format, "model": plan.header,
                           "label": plan.label, "body": body})
    # The others come from the cache: '0 of 1 documents labelled' alone, above 'labelled 102
    # body paragraphs in 1 document', read as if nothing had been labelled.
    cached = documents - labelled
    return documents, body, (f"classify: {labelled} of {documents} documents labelled"
                             + (f", {cached} from the cache" if cached > 0 else ""))


def status(config: Config) -> list[tuple[str, bool, str]]:
    """For each stage of ``run``: (stage, up to date?, why not; or, when up to date, a note such
    as the files run skips).

    It asks the same functions as :func:`run` what is stale, so it says what run would do. It
    decodes and segments no document (it hashes each file's bytes and checks the caches): a new
    one that will turn out unreadable counts as one to label.
    """
    from pipeline.cache import RunState, plan_classify, plan_segments, segment_why, train_why
    from pipeline.model import read_meta

    state = RunState(config.output.path, config.bundle_dir)
    seg = plan_segments(config, state)
    skipped = seg.skipped()
    note = _skipped_note(skipped)
    if seg.todo:
        why = segment_why(seg, config, state)
        rows = [("segment", False, f"{why}; {note}" if note else why)]
    else:
        rows = [("segment", True, note)]
    bundle_hash, bundle_parts = _bundle_identity(config.bundle_dir)
    _, why, note = train_why(config, state, bundle_hash, bundle_parts=bundle_parts)
    rows.append(("train", not why, "; ".join(filter(None, (why, note)))))
    if why and not bundle_hash:
        rows.append(("classify", False, "after the model is trained"))
        return rows
    segments = {s: k for s, k in seg.keys.items() if s not in seg.errors}
    plan = plan_classify(config, state, segments, skipped, read_meta(config.bundle_dir))
    if why:  # only training tells whether the model it makes is the one that labelled
        then = "labelled again if training changes the model"
        rows.append(("classify", False, f"{plan.why}; {then}" if plan.why else
                     f"up to date with the current model; {then}"))
    else:
        rows.append(("classify", not plan.why, plan.why))
    return rows
