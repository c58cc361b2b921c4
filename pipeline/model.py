"""The estimator: a registry of classifiers, the full feature+classifier Pipeline, the bundle.

Classifiers are registered by name with a small pydantic model of their parameters, so a config
names one (``model.classifier: linear_svm``) and its parameters are checked before any work starts.
:func:`build_pipeline` assembles one scikit-learn ``Pipeline`` (prepare → features → classifier)
from a validated config; the same object is trained, cross-validated and saved, and classify runs
its array copy (``scorer.pkl``).

A bundle is a folder ``models/<name>/`` with ``model.pkl`` (the fitted Pipeline), ``scorer.pkl``
(the same model as plain arrays for classifying, :class:`pipeline.scorer.Scorer`, checked equal to
the Pipeline before saving) and a readable ``model.json`` (label set, config, training-data hash,
library versions, date, metrics, and the SHA-256 of both files). Classifying loads only the scorer:
no scikit-learn import, which took most of the start-up. Both are stored with the standard pickle
module rather than joblib, whose pure-Python unpickler took 0.5 s for the vocabulary against
0.04 s. A pickle can run code when loaded, so its hash is checked against ``model.json`` before it
is unpickled; load models only from trusted places.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from pipeline.errors import (
    ConfigError,
    ModelError,
    OutputError,
    listed,
    number_not_boolean,
    quoted,
)

if TYPE_CHECKING:
    import numpy as np

    from pipeline.config import ContextConfig, ModelConfig, TokenizeConfig, VectorizeConfig
    from pipeline.scorer import Scorer
    from pipeline.text import Normalizer, Tokenizer

# scikit-learn, and NumPy, are imported where they are used: importing scikit-learn takes about a
# second, and NumPy a fifth of one, which validating a config (the classifier's parameters are
# checked here) or reading model.json should not pay for: review and report need neither.
ClassifierMixin = Pipeline = Any

BUNDLE_FORMAT = 5  # 4: the scorer has the rest of the section; 5: its feature names as Names
READABLE_FORMATS = (4, 5)  # a format-4 scorer's name lists become Names when loaded
MODEL_FILE = "model.pkl"
SCORER_FILE = "scorer.pkl"
META_FILE = "model.json"


# ----------------------------------------------------------------------------- registry
class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any, info: ValidationInfo) -> Any:
        return number_not_boolean(value, cls.model_fields[str(info.field_name)].annotation)


# What scikit-learn takes, refused here with the key rather than by it once fitting: a finite C
# (LinearSVC refuses infinity), class_weight "balanced" or null (a mapping of weights is not
# offered), and an alpha from scikit-learn's own floor (1e-20 gave probabilities of NaN).
class LogisticRegressionParams(_Params):
    C: float = Field(4.0, gt=0, allow_inf_nan=False)
    class_weight: Literal["balanced"] | None = "balanced"
    max_iter: int = Field(2000, ge=10)


class LinearSVMParams(_Params):
    C: float = Field(0.5, gt=0, allow_inf_nan=False)
    class_weight: Literal["balanced"] | None = "balanced"
    calibration: str = Field("sigmoid", pattern="^(sigmoid|isotonic)$")
    calibration_folds: int = Field(3, ge=2, le=10)


class ComplementNBParams(_Params):
    alpha: float = Field(0.3, ge=1e-10, allow_inf_nan=False)
    norm: bool = False


@dataclass(frozen=True)
class ClassifierSpec:
    params: type[_Params]
    build: Callable[[Any, int], ClassifierMixin]


CLASSIFIERS: dict[str, ClassifierSpec] = {}


def register_classifier(name: str, params: type[_Params]) -> Callable[..., Any]:
    """Register a classifier factory ``build(params, seed) -> estimator`` under ``name``."""

    def wrap(build: Callable[[Any, int], ClassifierMixin]) -> Callable[[Any, int], ClassifierMixin]:
        CLASSIFIERS[name] = ClassifierSpec(params, build)
        return build

    return wrap


@register_classifier("logistic_regression", LogisticRegressionParams)
def _logistic_regression(p: LogisticRegressionParams, seed: int) -> ClassifierMixin:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=p.C, class_weight=p.class_weight, max_iter=p.max_iter, random_state=seed
    )


@register_classifier("linear_svm", LinearSVMParams)
def _linear_svm(p: LinearSVMParams, seed: int) -> ClassifierMixin:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    svm = LinearSVC(C=p.C, class_weight=p.class_weight, random_state=seed)
    return CalibratedClassifierCV(svm, method=p.calibration, cv=p.calibration_folds)


@register_classifier("complement_nb", ComplementNBParams)
def _complement_nb(p: ComplementNBParams, seed: int) -> ClassifierMixin:
    from sklearn.naive_bayes import ComplementNB

    return ComplementNB(alpha=p.alpha, norm=p.norm)


def validate_classifier(name: str, params: Mapping[str, Any]) -> _Params:
    """Check a classifier name and its parameters; errors name ``model.params.<key>``."""
    if name not in CLASSIFIERS:
        raise ConfigError(
            f"model.classifier: unknown classifier {name!r}; allowed: {', '.join(CLASSIFIERS)}"
        )
    try:
        return CLASSIFIERS[name].params.model_validate(dict(params))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        allowed = ", ".join(CLASSIFIERS[name].params.model_fields)
        if err["type"] == "extra_forbidden":
            msg = f"unknown parameter for {name}; allowed: {allowed}"
        else:
            msg = f"{err['msg'].removeprefix('Value error, ')} (got {quoted(err.get('input'))})"
        raise ConfigError(f"model.params.{loc}: {msg}") from None


# ----------------------------------------------------------------------------- the estimator
def _char_vectorizer(cfg: Any) -> Any:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char",
        lowercase=False,
        ngram_range=tuple(cfg.ngram_range),
        min_df=cfg.min_df,
        max_df=cfg.max_df,
        sublinear_tf=cfg.sublinear_tf,
        max_features=cfg.max_features,
        dtype=np.float64,
    )


def build_pipeline(config: Any, lexicon: Mapping[str, Sequence[str]] | None = None,
                   actors: Mapping[str, Sequence[str]] | None = None) -> Pipeline:
    """The unfitted feature+classifier Pipeline that ``config`` describes (``lexicon`` and
    ``actors`` are the contents of the files it names).

    Example
    -------
    >>> from pipeline.config import Config
    >>> pipe = build_pipeline(Config())
    >>> [name for name, _ in pipe.steps]
    ['prepare', 'features', 'classifier']
    """
    from sklearn.pipeline import Pipeline

    from pipeline.features import Prepare
    from pipeline.text import Normalizer

    t = config.tokenize
    # One normalizer for the tokenizer and the word-list features: they see the same text.
    normalizer = Normalizer(conversion=t.conversion, fold_numbers=t.fold_numbers)
    tokenizer = _tokenizer(t, normalizer)
    features = _features(config.vectorize, normalizer, lexicon, actors)
    classifier = _classifier(config.model)
    return Pipeline(
        [
            ("prepare", Prepare(tokenizer, context=_context_fields(config.vectorize.context))),
            ("features", features),
            ("classifier", classifier),
        ]
    )


def make_tokenizer(t: TokenizeConfig) -> Tokenizer:
    """The tokenizer that ``t`` describes, as :func:`build_pipeline` gives it to the model
    (``pipeline tokenize`` shows its tokens): its user dictionary and stop words are read now,
    so a bad one is named before any work."""
    from pipeline.text import Normalizer

    return _tokenizer(t, Normalizer(conversion=t.conversion, fold_numbers=t.fold_numbers))


def _tokenizer(t: TokenizeConfig, normalizer: Normalizer) -> Tokenizer:
    """The jieba tokenizer ``t`` describes, with the user words and stop words of the files it
    names, cutting the text as ``normalizer`` gives it."""
    from pipeline.text import Tokenizer, read_user_dict, read_word_list

    return Tokenizer(
        backend=t.backend,
        hmm=t.hmm,
        user_words=read_user_dict(t.user_dict),
        stop_words=read_word_list(t.stop_words),
        normalizer=normalizer,
        fold_vocabulary=t.fold_vocabulary,
    )


def _context_fields(context: ContextConfig) -> tuple[str, ...]:
    """The context fields Prepare tokenizes beside the paragraph, in the order heading, title,
    section: those of a weight above 0 (one of weight 0 adds nothing, so it is not cut)."""
    return tuple(field for field, weight in (("heading", context.heading_weight),
                                             ("title", context.title_weight),
                                             ("section", context.section_weight)) if weight > 0)


def _features(v: VectorizeConfig, normalizer: Normalizer,
              lexicon: Mapping[str, Sequence[str]] | None,
              actors: Mapping[str, Sequence[str]] | None) -> Any:
    """The weighted union of the feature sets ``v`` turns on: words with their context
    always; character n-grams when enabled; lexicon counts and actors' shares when their word
    list is given and their weight is above 0."""
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from pipeline.features import LexiconFeatures, SentenceActors, WordsWithContext, select_field

    context = v.context
    words = WordsWithContext(
        ngram_range=tuple(v.words.ngram_range), min_df=v.words.min_df, max_df=v.words.max_df,
        max_features=v.words.max_features, sublinear_tf=v.words.sublinear_tf,
        heading_weight=context.heading_weight, title_weight=context.title_weight,
        section_weight=context.section_weight,
    )
    parts: list[tuple[str, Any]] = [("words", words)]
    weights: dict[str, float] = {"words": 1.0}
    if v.chars.enabled:
        select = FunctionTransformer(select_field, kw_args={"field": "chars"})
        parts.append(("chars", Pipeline([("select", select),
                                         ("tfidf", _char_vectorizer(v.chars))])))
        weights["chars"] = v.chars.weight
    if lexicon and v.lexicon.weight > 0:
        parts.append(("lexicon", LexiconFeatures(lexicon=dict(lexicon), normalizer=normalizer)))
        weights["lexicon"] = v.lexicon.weight
    if actors and v.actors.weight > 0:
        parts.append(("actors", SentenceActors(actors=dict(actors), normalizer=normalizer)))
        weights["actors"] = v.actors.weight
    return FeatureUnion(parts, transformer_weights=weights)


def _classifier(m: ModelConfig) -> ClassifierMixin:
    """The unfitted classifier ``m.classifier`` names, made from ``m.params`` as its parameter
    model reads them (defaults filled in) and seeded with ``m.seed``."""
    params = validate_classifier(m.classifier, m.params)
    return CLASSIFIERS[m.classifier].build(params, m.seed)


def linear_weights(classifier: Any) -> np.ndarray:
    """Per-class feature weights of a fitted linear classifier (classes × features), centred.

    Used for evidence: a paragraph's contribution to class k is ``x * W[k]``.
    """
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV

    if isinstance(classifier, CalibratedClassifierCV):
        coefs = [c.estimator.coef_ for c in classifier.calibrated_classifiers_]
        weights = np.mean(coefs, axis=0)
    elif hasattr(classifier, "coef_"):
        weights = np.asarray(classifier.coef_)
    elif hasattr(classifier, "feature_log_prob_"):
        weights = np.asarray(classifier.feature_log_prob_)
    else:
        raise TypeError(f"{type(classifier).__name__} has no linear weights")
    if weights.shape[0] == 1:  # binary problems store one row
        weights = np.vstack([-weights[0], weights[0]])
    return weights - weights.mean(axis=0, keepdims=True)


# ----------------------------------------------------------------------------- the bundle
@dataclass
class Bundle:
    """A loaded model: its scorer and ``model.json``; the fitted Pipeline is read on demand."""

    scorer: Scorer
    meta: dict[str, Any]
    path: Path

    @property
    def themes(self) -> list[str]:
        return list(self.meta["themes"])

    @property
    def hash(self) -> str:
        return str(self.meta["files"][MODEL_FILE]["sha256"])

    @cached_property
    def pipeline(self) -> Pipeline:
        """The fitted scikit-learn Pipeline of ``model.pkl`` (imports scikit-learn)."""
        return load_pipeline(self.path, self.meta)


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for dist in ("paragraph-themes", "scikit-learn", "numpy", "scipy", "jieba", "rjieba",
                 "opencc"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_bundle_place(bundle_dir: Path) -> None:
    """Raise :class:`ModelError`, before any training, if no bundle can be saved at
    ``bundle_dir``: a file stands where it or a folder above it should be, or the nearest folder
    that exists cannot be written (saving found out with a traceback once the model was trained,
    or moved the file aside). The write is tried with a folder made and removed at once."""
    if bundle_dir.exists() and not bundle_dir.is_dir():
        raise ModelError(f"{bundle_dir}: a file, not a model bundle; training would put the "
                         "bundle in its place", config_key="model.name")
    for folder in bundle_dir.parents:
        if folder.exists():
            if not folder.is_dir():
                raise ModelError(f"{folder}: a file, not a folder; the bundle {bundle_dir.name} "
                                 "goes in a folder", config_key="model.dir")
            try:
                os.rmdir(tempfile.mkdtemp(prefix=f".{bundle_dir.name}.probe.", dir=folder))
            except OSError as exc:
                raise ModelError(f"{folder}: cannot write the bundle {bundle_dir.name} there: "
                                 f"{exc.strerror or exc}", config_key="model.dir") from None
            return


def save_bundle(pipeline: Pipeline, scorer: Scorer, meta: dict[str, Any],
                bundle_dir: Path) -> Path:
    """Write a bundle and swap it in whole; returns the bundle path.

    The files are written into a fresh hidden folder beside the target; then ``bundle_dir`` (a
    symbolic link) is pointed at it with one atomic rename. A reader or a second writer sees the old
    bundle or the new one, never a mix; a run killed before the rename leaves the old one in place.
    """
    bundle_dir = Path(bundle_dir)
    parent = bundle_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        version_dir = Path(tempfile.mkdtemp(prefix=f".{bundle_dir.name}.", dir=parent))
    except OSError as exc:  # its folder became unwritable while the model trained
        raise OutputError(f"{parent}: cannot write the model bundle: {exc.strerror or exc}; "
                          "any previous one is unchanged") from None
    try:
        files = {}
        for name, obj in ((MODEL_FILE, pipeline), (SCORER_FILE, scorer)):
            path = version_dir / name
            with path.open("wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            files[name] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
        meta = {**meta, "format": BUNDLE_FORMAT, "files": files}
        (version_dir / META_FILE).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
        )
        for f in version_dir.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        version_dir.chmod(0o755)
        _swap_in(version_dir, bundle_dir)
    except OSError as exc:  # a full disk, a quota: one line, as for any output (not a bug)
        shutil.rmtree(version_dir, ignore_errors=True)
        raise OutputError(f"{bundle_dir}: cannot write the model bundle: "
                          f"{exc.strerror or exc}; any previous one is unchanged") from None
    except BaseException:
        shutil.rmtree(version_dir, ignore_errors=True)
        raise
    return bundle_dir


def _swap_in(version_dir: Path, bundle_dir: Path) -> None:
    parent = bundle_dir.parent
    if bundle_dir.exists() and not bundle_dir.is_symlink():
        # A plain folder (made by hand or by an older version): move it aside first.
        aside = Path(tempfile.mkdtemp(prefix=f".{bundle_dir.name}.old.", dir=parent))
        aside.rmdir()
        bundle_dir.rename(aside)
    previous = bundle_dir.resolve() if bundle_dir.is_symlink() else None
    link = parent / f".{bundle_dir.name}.link.{os.getpid()}.{time.monotonic_ns()}"
    link.symlink_to(version_dir.name)
    os.replace(link, bundle_dir)
    _prune(bundle_dir, keep={version_dir.resolve(), *([previous] if previous else [])})


def _versions(bundle_dir: Path) -> tuple[list[Path], list[Path]]:
    """This bundle's version folders (``.<name>.<8 random characters>``, as ``mkdtemp`` names
    them, or ``.<name>.old.<…>`` for a plain folder moved aside), from one listing of its folder:
    the finished ones, oldest first, and the unfinished ones a killed training left.

    Finished: its ``model.json`` names this model (model names may hold dots, so the versions of
    a model ``m.x``, ``.m.x.abcd1234``, must not pass for versions of ``m``). Unfinished: no
    ``model.json`` (written last), not moved aside, and untouched for
    :data:`~pipeline.output.STALE_AFTER` seconds, so no training still writes it.
    """
    from pipeline.output import STALE_AFTER

    pattern = re.compile(rf"\.{re.escape(bundle_dir.name)}\.(old\.)?[a-z0-9_]{{8}}")
    finished, unfinished = [], []
    now = time.time()
    for path in bundle_dir.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or path.is_symlink() or not path.is_dir():
            continue
        try:
            name = json.loads((path / META_FILE).read_text(encoding="utf-8")).get("name")
        except FileNotFoundError:
            if not match.group(1) and now - path.stat().st_mtime > STALE_AFTER:
                unfinished.append(path)
            continue
        except (OSError, ValueError, AttributeError):
            continue  # not a bundle this code wrote: leave it alone
        if name == bundle_dir.name:
            finished.append(path)
    return sorted(finished, key=lambda p: p.stat().st_mtime), unfinished


def _prune(bundle_dir: Path, keep: set[Path]) -> None:
    """Remove old versions of this bundle (all but the current and the previous one) and the
    unfinished folders that killed trainings left."""
    current = bundle_dir.resolve()
    finished, unfinished = _versions(bundle_dir)
    for version in finished[:-2] + unfinished:
        if version.resolve() not in keep and version.resolve() != current:
            shutil.rmtree(version, ignore_errors=True)


def read_meta(bundle_dir: Path) -> dict[str, Any]:
    """Read and check a bundle's ``model.json``."""
    bundle_dir = Path(bundle_dir)
    meta_path = bundle_dir / META_FILE
    if not bundle_dir.exists() and bundle_dir.is_symlink():
        # models/<name> is a link to the hidden folder beside it: `cp -r models/<name> DEST`
        # and `cp -r models/* DEST` copy the link alone.
        raise ModelError(
            f"{bundle_dir}: a link to {os.readlink(bundle_dir)}, which is not there (was the "
            "link copied without its folder? 'cp -r' copies a link as a link); copy the bundle "
            "with 'cp -rL SOURCE DEST', or build one with 'pipeline train'"
        )
    if not bundle_dir.exists():
        raise ModelError(
            f"{bundle_dir}: no model bundle here; build one with 'pipeline train' "
            "(or 'pipeline run')"
        )
    if not bundle_dir.is_dir():
        raise ModelError(f"{bundle_dir}: not a model bundle: a file, not a folder (a bundle is "
                         f"the folder that holds {META_FILE})")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{bundle_dir}: not a model bundle: {META_FILE} is missing") from None
    except IsADirectoryError:
        raise ModelError(f"{meta_path}: damaged: a folder, not a file") from None
    except OSError as exc:
        raise ModelError(f"{meta_path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ModelError(f"{meta_path}: damaged: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_path}: damaged: {exc}") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path}: damaged: not a JSON object")
    if meta.get("format") not in READABLE_FORMATS:
        readable = " and ".join(map(str, READABLE_FORMATS))
        raise ModelError(f"{meta_path}: a bundle of format {meta.get('format')!r}, this version "
                         f"reads formats {readable}; retrain it with 'pipeline train'")
    try:
        for name in (MODEL_FILE, SCORER_FILE):
            meta["files"][name]["sha256"]
        themes = meta["themes"]
    except (KeyError, TypeError):
        raise ModelError(f"{meta_path}: damaged: files or themes are missing") from None
    if (not isinstance(themes, list) or len(themes) < 2 or len(set(map(str, themes))) < len(themes)
            or not all(isinstance(t, str) and t for t in themes)):
        raise ModelError(f"{meta_path}: damaged: 'themes' must be a list of two or more "
                         f"different theme names, not {json.dumps(themes, ensure_ascii=False)}")
    return meta


def check_file(bundle_dir: Path, meta: dict[str, Any], name: str) -> None:
    """Raise :class:`ModelError` unless the bundle's file ``name`` has the hash ``model.json``
    gives it."""
    path = Path(bundle_dir) / name
    try:
        actual = _sha256(path)
    except FileNotFoundError:
        raise ModelError(f"{path}: missing from the bundle") from None
    except IsADirectoryError:
        raise ModelError(f"{path}: damaged bundle: a folder, not a file") from None
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if actual != meta["files"][name]["sha256"]:
        raise ModelError(
            f"{path}: does not match the hash in {META_FILE} (changed or damaged); not loading it"
        )


def check_size(bundle_dir: Path, meta: dict[str, Any], name: str) -> None:
    """Raise :class:`ModelError` unless the bundle's file ``name`` is there with the size
    ``model.json`` gives it: a quick check of a file that is not read now."""
    path = Path(bundle_dir) / name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ModelError(f"{path}: missing from the bundle") from None
    expected = meta["files"][name].get("bytes")
    if expected is not None and size != expected:
        raise ModelError(f"{path}: {size} bytes, {META_FILE} says {expected} (truncated or "
                         "changed); not loading the bundle")


def _unpickle(bundle_dir: Path, meta: dict[str, Any], name: str) -> Any:
    """Unpickle one file of a bundle after checking its hash against ``model.json``."""
    check_file(bundle_dir, meta, name)
    path = bundle_dir / name
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise ModelError(f"{path}: cannot load: {type(exc).__name__}: {exc}") from None


def load_bundle(bundle_dir: Path | str, themes: Sequence[str] | None = None) -> Bundle:
    """Load a bundle's scorer after checking it: metadata, label set, the scorer's hash, and the
    other files' presence and size (``model.pkl``, whose hash the output names, is read only by
    training and evaluation: hashing it would add a tenth of a second to every start)."""
    from pipeline.scorer import Scorer

    bundle_dir = Path(bundle_dir)
    meta = read_meta(bundle_dir)
    if themes is not None and list(themes) != list(meta["themes"]):
        raise ModelError(
            f"{bundle_dir}: made for themes: {listed(meta['themes'])}; the config names: "
            f"{listed(themes)}"
        )
    for name in meta["files"]:
        if name != SCORER_FILE:
            check_size(bundle_dir, meta, name)
    scorer = _unpickle(bundle_dir, meta, SCORER_FILE)
    if not isinstance(scorer, Scorer):
        raise ModelError(f"{bundle_dir / SCORER_FILE}: does not hold a scorer")
    if sorted(map(str, scorer.classes)) != sorted(meta["themes"]):
        raise ModelError(f"{bundle_dir / META_FILE}: damaged: its themes ({listed(meta['themes'])})"
                         f" are not those the model was trained on ({listed(scorer.classes)})")
    return Bundle(scorer=scorer, meta=meta, path=bundle_dir)


def load_pipeline(bundle_dir: Path, meta: dict[str, Any]) -> Pipeline:
    """Load a bundle's fitted scikit-learn Pipeline, if this scikit-learn can read it."""
    import sklearn
    from sklearn.pipeline import Pipeline

    trained_with = meta.get("versions", {}).get("scikit-learn", "")
    if trained_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(
            f"{bundle_dir}: trained with scikit-learn {trained_with}, this is "
            f"{sklearn.__version__}; retrain it with 'pipeline train'"
        )
    pipeline = _unpickle(bundle_dir, meta, MODEL_FILE)
    if not isinstance(pipeline, Pipeline):
        raise ModelError(f"{bundle_dir / MODEL_FILE}: does not hold a scikit-learn Pipeline")
    return pipeline
