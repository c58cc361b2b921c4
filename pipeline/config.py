"""The typed pipeline config: loaded from YAML, validated before any work starts.

Every section of the YAML file maps to one model below. Unknown keys, wrong types, values out of
range, unknown classifiers and input paths that do not exist are all reported with the key path
(``vectorize.words.ngram_range``) and what is allowed, as one :class:`~pipeline.errors.ConfigError`.

Relative paths in a config file are resolved against the folder that holds the file, so a config
works the same from any working directory; ``~`` is the home folder and ``$NAME`` or ``${NAME}``
an environment variable, as in a shell (one that is not set or is empty is an error).

Example
-------
>>> from pipeline.config import Config
>>> cfg = Config.model_validate({"model": {"classifier": "linear_svm"}})
>>> cfg.model.classifier
'linear_svm'
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pipeline.errors import ConfigError, number_not_boolean, quoted

THEMES: tuple[str, ...] = ("leadership", "grassroots", "medical", "public_participation")
DEFAULT_CONFIG = Path("configs/default.yaml")


class _Section(BaseModel):
    # NaN passed as too big ('less than or equal to 10 (got nan)'), infinity as out of range.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any, info: ValidationInfo) -> Any:
        return number_not_boolean(value, cls.model_fields[str(info.field_name)].annotation)


class CorpusConfig(_Section):
    """Where the labelled corpus lives. Documents are files or folders of ``.txt`` files."""

    documents: list[Path] = Field(default_factory=list)
    labels: list[Path] = Field(default_factory=list)
    written: list[Path] = Field(default_factory=list, description="paragraphs written for training")
    use_written: bool = True
    heldout_documents: list[Path] = Field(default_factory=list)
    heldout_labels: list[Path] = Field(default_factory=list)

    @field_validator("documents", "labels", "written", "heldout_documents", "heldout_labels",
                     mode="before")
    @classmethod
    def _one_path(cls, value: Any) -> Any:
        """One path may be given without a list: ``labels: labels.jsonl``."""
        return [value] if isinstance(value, str | Path) else value


class ReadingConfig(_Section):
    """How bytes become text. ``auto`` detects the encoding of each file."""

    encoding: str = "auto"

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        from pipeline.reading import text_codec

        return text_codec(value)


class SegmentConfig(_Section):
    """Paragraph segmentation: what counts as a heading, how long a paragraph may be, whether
    the lines of a text wrapped at a fixed width are joined into its paragraphs (off: a
    paragraph's text is then one line, as written)."""

    max_heading_chars: int = Field(40, ge=4, le=200)
    max_paragraph_chars: int = Field(2000, ge=100, le=1_000_000)
    boilerplate_patterns: list[str] = Field(default_factory=list)
    join_wrapped: bool = False

    @field_validator("boilerplate_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        import re

        for pattern in patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} is not a regular expression: {exc}") from exc
            # Searched in each line, one that matches nothing at all matches every line: the
            # whole document would be boilerplate, and nothing labelled (a trailing | does it).
            if compiled.search("") is not None:
                raise ValueError(f"pattern {pattern!r} matches every line (it matches the empty "
                                 "text); leave out the empty alternative or the ? or * that "
                                 "makes all of it optional")
        return patterns


class TokenizeConfig(_Section):
    """jieba tokenization of the script-normalized text."""

    backend: Literal["jieba", "rjieba"] = "rjieba"
    conversion: Literal["t2s", "tw2sp", "hk2s", "none"] = "t2s"
    fold_vocabulary: bool = True
    hmm: bool = True
    fold_numbers: bool = True
    user_dict: Path | None = None
    stop_words: Path | None = None


class WordsConfig(_Section):
    """TF-IDF over jieba tokens."""

    ngram_range: tuple[int, int] = (1, 2)
    min_df: int = Field(1, ge=1)
    max_df: float = Field(1.0, gt=0.0, le=1.0)
    sublinear_tf: bool = True
    max_features: int | None = Field(None, ge=1)

    @field_validator("ngram_range")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= value[0] <= value[1] <= 4:
            raise ValueError("must be [low, high] with 1 <= low <= high <= 4")
        return value


class CharsConfig(WordsConfig):
    """TF-IDF over character n-grams of the normalized text (robust to tokenizer errors)."""

    enabled: bool = False
    ngram_range: tuple[int, int] = (1, 3)
    weight: float = Field(1.0, gt=0.0, le=10.0)

    @field_validator("ngram_range")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= value[0] <= value[1] <= 6:
            raise ValueError("must be [low, high] with 1 <= low <= high <= 6")
        return value


class ContextConfig(_Section):
    """The section heading's and article title's words, and the rest of the paragraph's section (the
    other paragraphs under its heading in its article), added to the paragraph's with a weight."""

    heading_weight: float = Field(0.5, ge=0.0, le=10.0)
    title_weight: float = Field(0.0, ge=0.0, le=10.0)
    section_weight: float = Field(0.0, ge=0.0, le=10.0)


class _WordListFeature(_Section):
    """Features from a YAML file of words per theme, with a weight (0: off)."""

    path: Path | None = None
    weight: float = Field(0.0, ge=0.0, le=10.0)

    @model_validator(mode="after")
    def _has_words(self) -> _WordListFeature:
        if self.weight > 0 and self.path is None:
            raise ValueError(f"weight {self.weight:g} needs a path to the word list")
        return self


class LexiconConfig(_WordListFeature):
    """A theme lexicon (terms per theme) used as prior-knowledge features and for evidence."""


class ActorsConfig(_WordListFeature):
    """Actor words per theme: each theme's share of the sentences that one of its actors leads."""


class VectorizeConfig(_Section):
    words: WordsConfig = WordsConfig()
    chars: CharsConfig = CharsConfig()
    context: ContextConfig = ContextConfig()
    lexicon: LexiconConfig = LexiconConfig()
    actors: ActorsConfig = ActorsConfig()

    def in_model(self, feature: _WordListFeature) -> Path | None:
        """The word list of ``feature`` (``self.lexicon``, ``self.actors``) if the model uses it:
        at weight 0 no feature is made of it, so training neither reads it nor depends on it
        (``evaluate`` still reads the lexicon, for its figures as a weak labeller)."""
        return feature.path if feature.weight > 0 else None


class ModelConfig(_Section):
    """The classifier and where its bundle goes (``dir/name``)."""

    # A folder name of its own: not '.' or '..', and not hidden (its versions are hidden folders).
    name: str = Field("default", pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
    dir: Path = Path("models")
    classifier: str = "complement_nb"
    params: dict[str, Any] = Field(default_factory=dict)
    seed: int = Field(0, ge=0, le=2**32 - 1)  # what NumPy's generators take

    @model_validator(mode="after")
    def _known_classifier(self) -> ModelConfig:
        from pipeline.model import validate_classifier

        validate_classifier(self.classifier, self.params)
        return self


class LabelConfig(_Section):
    """Turning scores into a label: when to flag a paragraph for review, how much evidence."""

    review_below: float = Field(0.5, ge=0.0, le=1.0, description="top score under this: review")
    review_margin: float = Field(0.15, ge=0.0, le=1.0, description="top minus second under this")
    evidence_terms: int = Field(5, ge=0, le=50)


class EvaluateConfig(_Section):
    folds: int = Field(5, ge=2, le=50)
    bins: int = Field(10, ge=2, le=100, description="bins for expected calibration error")


class OutputConfig(_Section):
    """Where ``run`` writes the labelled corpus, and in which format."""

    path: Path = Path("output/labelled.json")
    format: Literal["json", "jsonl"] = "json"

    @model_validator(mode="before")
    @classmethod
    def _named_for_its_format(cls, data: Any) -> Any:
        """Without a path, JSON lines go to ``output/labelled.jsonl``."""
        if isinstance(data, dict) and "path" not in data and data.get("format") == "jsonl":
            return {**data, "path": Path("output/labelled.jsonl")}
        return data


class ClassifyConfig(_Section):
    jobs: int = Field(0, ge=0, le=512, description="worker processes; 0 means all cores")
    batch_size: int = Field(64, ge=1, le=100_000, description="documents per batch")
    backend: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    connect_timeout: float = Field(
        10.0, gt=0, le=3600,
        description="dask: seconds to reach the scheduler, to reach it again after a lost "
        "connection, and for its first worker")


class Config(_Section):
    """The whole pipeline config. Every section has defaults; a YAML file overrides them."""

    themes: tuple[str, ...] = THEMES
    corpus: CorpusConfig = CorpusConfig()
    reading: ReadingConfig = ReadingConfig()
    segment: SegmentConfig = SegmentConfig()
    tokenize: TokenizeConfig = TokenizeConfig()
    vectorize: VectorizeConfig = VectorizeConfig()
    model: ModelConfig = ModelConfig()
    label: LabelConfig = LabelConfig()
    evaluate: EvaluateConfig = EvaluateConfig()
    output: OutputConfig = OutputConfig()
    classify: ClassifyConfig = ClassifyConfig()

    @field_validator("themes")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) < 2 or len(set(value)) != len(value):
            raise ValueError("must list at least two distinct theme ids")
        blank = [t for t in value if not t.strip() or t != t.strip()]
        if blank:  # the schema's theme ids are non-empty, and a label must match one exactly
            raise ValueError("theme ids must not be empty or start or end with a space: "
                             f"{quoted(blank)}")
        return value

    @property
    def bundle_dir(self) -> Path:
        return self.model.dir / self.model.name

    def section(self, *names: str) -> dict[str, Any]:
        """The named sections as plain JSON-able data (for hashing a stage's part of the config)."""
        data = self.model_dump(mode="json")
        return {name: data[name] for name in names}


# Keys whose values are paths that must exist before any work starts.
_INPUT_PATHS = (
    ("corpus", "documents"),
    ("corpus", "labels"),
    ("corpus", "written"),
    ("corpus", "heldout_documents"),
    ("corpus", "heldout_labels"),
    ("tokenize", "user_dict"),
    ("tokenize", "stop_words"),
    ("vectorize", "lexicon", "path"),
    ("vectorize", "actors", "path"),
)
_OUTPUT_PATHS = (("model", "dir"), ("output", "path"))


# ``$NAME`` or ``${NAME}``, as os.path.expandvars finds them.
_VARIABLE = re.compile(r"\$(\w+|\{[^}]*\})")


def _expand_variables(value: str, source: str, key: str) -> str:
    """``value`` with its environment variables replaced, as a shell would; one that is not set
    or is empty is an error naming it, where os.path.expandvars would leave a literal ``$NAME``
    folder, and a shell an empty string (a path then starting at the root folder). A shell's
    other forms (``${DATA:-/srv}``) are an error too, not a variable of that name."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip("{}")
        if not re.fullmatch(r"\w+", name):  # ${DATA:-/srv}, ${}: no name to look up
            raise ConfigError(f"{source}: {key}: {match.group(0)} is not an environment variable: "
                              f"only $NAME and ${{NAME}} are expanded (in {value!r})")
        text = os.environ.get(name)
        if not text:
            what = "not set" if text is None else "empty"
            raise ConfigError(f"{source}: {key}: environment variable {match.group(0)} is {what} "
                              f"(in {value!r})")
        return text

    return _VARIABLE.sub(one, value)


def _resolve(data: dict[str, Any], base: Path, source: str) -> None:
    """Make the config's relative paths relative to ``base`` (the config file's folder), after
    expanding ``~`` (the home folder), then ``$NAME`` and ``${NAME}`` (environment variables), as
    a shell would. ``source`` names the config in an error."""

    def fix(value: Any, key: str) -> Any:
        if isinstance(value, str):
            value = _expand_variables(os.path.expanduser(value), source, key)
            return value if Path(value).is_absolute() else os.path.normpath(base / value)
        if isinstance(value, list):
            return [fix(v, key) for v in value]
        return value

    for path in (*_INPUT_PATHS, *_OUTPUT_PATHS):
        node = data
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                break
        else:
            if path[-1] in node and node[path[-1]] is not None:
                node[path[-1]] = fix(node[path[-1]], ".".join(path))


def _check_inputs(config: Config, source: str, corpus: bool, inputs: bool | str = True,
                  base: Path | None = None) -> None:
    """Refuse an input path that does not exist, or is a named pipe or a device, which hashing
    or reading it would wait on forever, or a word list that is a folder (``corpus``: the
    corpus's too; ``inputs``: the word lists', or a section's name: that section's alone).
    Written paragraphs that ``corpus.use_written: false`` leaves out are not needed:
    ``evaluate`` compares with them only if they are there.
    ``base``: the config's folder, which relative paths were resolved against."""
    from pipeline.reading import special_file

    data = config.model_dump()
    for path in _INPUT_PATHS:
        if not (corpus if path[0] == "corpus" else inputs is True or inputs == path[0]):
            continue
        if path == ("corpus", "written") and not config.corpus.use_written:
            continue
        value: Any = data
        for key in path:
            value = value[key]
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if not Path(item).exists():
                raise ConfigError(f"{source}: {'.'.join(path)}: path does not exist: {item}"
                                  f"{_missing_path_hint(str(item), base)}")
            what = special_file(Path(item))
            if what is None and path[0] != "corpus" and Path(item).is_dir():
                what = "a folder"  # a word list is one file; the corpus's may be folders
            if what is not None:
                raise ConfigError(f"{source}: {'.'.join(path)}: {what}, not a file: {item}")


def _missing_path_hint(item: str, base: Path | None) -> str:
    """What a path that does not exist may have been meant as: a Windows path, whose
    backslashes are a file name's characters here, not separators; or a path written relative
    to the current folder, which is there, where a config's are relative to its own folder."""
    if "\\" in item:
        return " (a Windows path? here '\\' is part of a name: write paths with '/')"
    if any(c in item for c in "\a\b\t\n\v\f\r"):  # "C:\new\tmp" in double quotes
        return (" (a Windows path in double quotes? there '\\n', '\\t' and the like are "
                "control characters: write paths with '/')")
    if base is None or not Path(item).is_relative_to(base):
        return ""
    try:
        meant = Path.cwd() / Path(item).relative_to(base)
    except OSError:  # the current folder is gone
        return ""
    if meant == Path(item) or not meant.exists():
        return ""
    return (" (a config's relative paths are relative to its own folder, not the current one: "
            f"did you mean {os.path.relpath(meant, base)}?)")


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(part) for part in error["loc"]) or "(top level)"
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return f"{loc}: unknown key"
    if kind in {"literal_error", "enum"}:
        return f"{loc}: {msg.replace('Input should be', 'must be')}, not {quoted(error['input'])}"
    if kind == "string_pattern_mismatch" and loc == "model.name":  # not the expression itself
        return (f"{loc}: must be a folder name of letters, digits, '_', '-' and '.', not starting "
                f"with '.' (got {quoted(error['input'])})")
    if kind in {"tuple_type", "list_type"}:  # 'a valid tuple' names Python's type, not YAML's
        return f"{loc}: must be a list ([a, b]), not {quoted(error['input'])}"
    if kind == "path_type":  # pydantic's words name the Python class, not the YAML slip
        if error["input"] is None:
            return (f"{loc}: a path, not null (YAML reads ~ alone, or no value, as null: write "
                    "'~' for the home folder)")
        return f"{loc}: must be a path, not {quoted(error['input'])}"
    msg = msg.removeprefix("Value error, ")
    return f"{loc}: {msg} (got {quoted(error['input'])})"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for part in loc[:-1]:
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = field.annotation
    return list(getattr(model, "model_fields", {}))


def parse_config(data: Any, source: str = "config", base: Path | None = None,
                 corpus: bool = True, inputs: bool | str = True) -> Config:
    """Validate plain data (as loaded from YAML) into a :class:`Config`.

    Raises :class:`ConfigError` naming ``source`` and the first bad key path. ``corpus``: check
    that the corpus's paths exist (commands that only segment or label a model's input, with
    the model and config on a machine without the corpus, pass False); ``inputs``: check that
    the word lists' paths exist (``review``, which reads only the themes and labels, passes
    False, so that it works in a project that has none yet), or only those of one section
    (``"tokenize"``: ``pipeline tokenize`` needs no lexicon or actors).
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else quoted(data)
        raise ConfigError(f"{source}: the top level must be a mapping of sections, not {what}")
    data = json.loads(json.dumps(data, default=str))  # a deep copy we may edit
    if base is not None:
        _resolve(data, base, source)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        texts = []
        for error in exc.errors():
            text = _describe(error)
            if error["type"] == "extra_forbidden":
                allowed = _allowed_keys(tuple(error["loc"]))
                if allowed:
                    text += f"; allowed: {', '.join(allowed)}"
            texts.append(text)
        # Every mistake at once (still one line), so a config is not fixed one run at a time.
        raise ConfigError(f"{source}: {'; also '.join(texts)}") from None
    except ConfigError as exc:  # raised inside a validator (unknown classifier)
        raise ConfigError(f"{source}: {exc}") from None
    _check_inputs(config, source, corpus, inputs, base)
    return config


def load_config(path: Path | str | None = None, corpus: bool = True,
                inputs: bool | str = True) -> Config:
    """Load and validate a YAML config; ``None`` means ``configs/default.yaml`` if present.

    Without any file the built-in defaults are used. ``corpus``, ``inputs``: see
    :func:`parse_config`.
    """
    if path is None:
        if not DEFAULT_CONFIG.exists():
            return Config()
        path = DEFAULT_CONFIG
    path = Path(path)
    try:
        if stat.S_ISCHR(mode := path.stat().st_mode) or stat.S_ISBLK(mode):
            raise ConfigError(f"{path}: a device, not a config file")  # /dev/zero never ends
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: a folder, not a config file") from None
    except NotADirectoryError:  # a file named as a folder on the way: the config is not there
        raise ConfigError(f"{path}: config file not found (a part of the path is a file, not a "
                          "folder)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read config: not UTF-8 text "
                          f"({not_utf8_reason(path, exc)}); save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    return parse_config(read_yaml(path, text), source=str(path), base=path.resolve().parent,
                        corpus=corpus, inputs=inputs)


def not_utf8_reason(path: Path | str, exc: UnicodeDecodeError) -> str:
    """What ``path`` (a config, a word list), which is not UTF-8, looks saved as (``saved as
    GB18030?``, ``saved as UTF-16?``), as a labels file's error names it; else where its UTF-8
    goes wrong (``byte 2: invalid continuation byte``)."""
    from pipeline.corpus import not_utf8_saved_as

    try:
        saved = not_utf8_saved_as(Path(path).read_bytes())
    except OSError:
        saved = None
    return f"saved as {saved}?" if saved else f"byte {exc.start}: {exc.reason}"


class _KeyGivenTwice(yaml.YAMLError):
    """A mapping names one key twice; the message is ``line: what`` (the file's name goes first)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a key given twice in one mapping is an error: PyYAML keeps the
    last one silently, so a section or a theme's word list appended under a key already there
    would replace the first one whole. Keys a merge (``<<: *base``) brings in may be overridden."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            try:
                if key in first:
                    raise _KeyGivenTwice(f"{line}: key {key!r} given twice (the first one, line "
                                         f"{first[key]}, would be lost)")
            except TypeError:  # an unhashable key: the base class says so
                continue
            first[key] = line
        return super().construct_mapping(node, deep=deep)


# A YAML file names each alias once, but reading it copies what the alias names (a config is
# copied, validated and hashed; a word list is walked), so ten aliases of ten aliases of ... of a
# list hung before any error: a billion values from a file of a few hundred bytes.
YAML_VALUES = 1_000_000


def _values_beyond(data: Any, limit: int) -> bool:
    """Whether ``data`` holds more than ``limit`` values, an alias's counted each time it is
    used (stops counting at the limit)."""
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
            count += len(item)  # the keys
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_yaml(path: Path | str, text: str) -> Any:
    """The YAML ``text`` of the file ``path``, or a one-line error naming the place at fault (a
    key given twice in a mapping too)."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no Python objects
        if _values_beyond(data, YAML_VALUES):  # aliases of aliases: each one copied later
            raise ConfigError(f"{path}: invalid YAML: more than {YAML_VALUES:,} values once its "
                              "aliases (*name) are expanded")
        return data
    except _KeyGivenTwice as exc:
        raise ConfigError(f"{path}:{exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "escape" in problem:  # "C:\Users" in double quotes: \U starts an escape
            problem += (" (in double quotes '\\' starts an escape; a Windows path? write paths "
                        "with '/')")
        if "'\\t'" in problem:  # found character '\t' that cannot start any token
            problem += " (a tab: YAML indents with spaces only)"
        if mark and text[max(0, mark.index - 1):mark.index + 1] == "${":
            # [${DATA}/docs]: inside a flow sequence or mapping, '{' opens a mapping
            problem += (" (inside [ ] or { } a '${' opens a mapping: quote the path, "
                        "'${NAME}/docs', or write $NAME/docs)")
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}") from None


def config_hash(data: Any) -> str:
    """A short, stable hash of JSON-able data (used to tell whether a stage's inputs changed)."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]
