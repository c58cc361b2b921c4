"""The command line: argument parsing, messages and exit codes; the work is in ``stages``.

Exit codes: 0 success; 1 finished, but some input files were skipped (listed on standard error and
in the output's ``errors``), or ``status --check`` found a stage to do; 2 usage, config, input,
corpus, output or model error (one line on standard error, nothing written); 3 internal error, a
bug (its traceback); 130 interrupted.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import json
import logging
import os
import shlex
import signal
import sys
import traceback
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline import __version__, logs
from pipeline.entry import EXIT_INTERRUPTED, INTERRUPTED
from pipeline.errors import PipelineError, listed, plural
from pipeline.reading import each_said_once, shown  # messages one line each, whatever names hold

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR, EXIT_BUG = 0, 1, 2, 3
EXIT_STALE = 1  # status --check: a stage of run is to do
# pipeline.report.PAGE_SIZE, not imported here: the report's modules load only for report.
REPORT_PAGE_SIZE = 2000

log = logging.getLogger("pipeline")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line and exit code 2, like every other error
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


# The options every command takes that need no value (see _common): given before the command,
# as 'pipeline -v run', they are the command's.
_EVERY_COMMANDS_FLAGS = frozenset({"--verbose", "-v", "--quiet", "-q"})


class _CommandsHelp(argparse.HelpFormatter):
    """argparse's help, but the longest command's name is not put on a line of its own:
    argparse measures the commands' names without the indent it writes them at."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            for subaction in self._iter_indented_subactions(action):  # indented meanwhile
                self._action_max_length = max(
                    self._action_max_length,
                    len(self._format_action_invocation(subaction)) + self._current_indent)


class _TopParser(_Parser):
    """The ``pipeline`` parser: ``-v``/``-q`` before the command are moved after it, and an
    argument the command does not take is named as that command's error."""

    commands: dict[str, argparse.ArgumentParser]

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        given = list(sys.argv[1:] if args is None else args)
        lead = 0
        while lead < len(given) and given[lead] in _EVERY_COMMANDS_FLAGS:
            lead += 1
        if lead and lead < len(given) and given[lead] in self.commands:
            given = [given[lead], *given[:lead], *given[lead + 1:]]
        elif lead < len(given) and given[lead].startswith("-") and given[lead].split("=")[0] in {
                option for command in self.commands.values()
                for option in command._option_string_actions} - {"-h", "--help"}:
            # 'pipeline -c FILE run': argparse took FILE for the command, and named it as an
            # invalid choice of command. Say where the option goes.
            command = next((i for i in range(lead + 1, len(given))
                            if given[i] in self.commands), None)
            meant = (shlex.join([given[command], *given[:command], *given[command + 1:]])
                     if command is not None else f"COMMAND {shlex.join(given)}")
            self.error(f"{given[lead].split('=')[0]} goes after the command, as every option "
                       f"but -v and -q does: pipeline {meant}")
        self._refuse_dashed_files(given)
        parsed, extra = self.parse_known_args(given, namespace)
        if extra:
            self.commands[parsed.command].error(f"unrecognized arguments: {' '.join(extra)}")
        return parsed

    def _refuse_dashed_files(self, given: list[str]) -> None:
        """Say how to name a file whose name starts with '-' (``-notes.txt``): argparse takes it
        for an option, and said only that FILE_OR_DIR is required, or that it does not know
        the argument."""
        command = next((self.commands[g] for g in given if g in self.commands), self)
        options = {option for parser in (self, *self.commands.values())
                   for option in parser._option_string_actions}
        for arg in given[:given.index("--") if "--" in given else len(given)]:
            if (arg.startswith("-") and arg != "-" and arg.split("=")[0] not in options
                    and os.path.lexists(arg)):
                command.error(f"{shown(arg)}: a name that starts with '-' is read as an option; "
                              f"give the file as ./{shown(arg)}, or after --")


def _count(n: str) -> int:
    """An argparse type: a whole number, 0 or more."""
    try:
        value = int(n)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {n!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _seconds(n: str) -> float:
    """An argparse type: a time in seconds, above 0 and at most an hour (as the config's)."""
    try:
        value = float(n)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {n!r}") from None
    if not 0 < value <= 3600:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 3600, not {n}")
    return value


def _path(value: str) -> Path:
    """An argparse type: a path, but not an empty one (an unset variable), which ``Path`` would
    take for the current folder."""
    if not value:
        raise argparse.ArgumentTypeError("an empty name (an unset variable?)")
    path = Path(value)
    # './-' names a file called '-', which Path would write '-': standard input's name.
    return path.absolute() if str(path) == "-" and value != "-" else path


def _encoding(name: str) -> str:
    """An argparse type: a codec Python knows (``auto`` detects)."""
    from pipeline.reading import text_codec

    try:
        return text_codec(name)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _documents(p: argparse.ArgumentParser) -> None:
    """The documents a command reads: files, folders (every .txt under them) or -."""
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="files, folders or -")


def _paragraphs_out(p: argparse.ArgumentParser) -> None:
    """Where and how ``segment`` and ``tokenize`` write their paragraphs."""
    p.add_argument("--out", "-o", default="-", metavar="FILE", help="output file (default: -)")
    p.add_argument("--format", choices=["json", "jsonl"],
                   help="default: jsonl for an output file named *.jsonl, else json")


def _reading(p: argparse.ArgumentParser) -> None:
    """How a command that reads documents decodes them, and what a bad one does to the run."""
    p.add_argument("--encoding", type=_encoding,
                   help="force an encoding (gb18030, big5, utf-16, ...) instead of detecting it "
                   "(default: the config's reading.encoding, or detected)")
    p.add_argument("--strict", action="store_true", help="fail on the first bad file")


def _common(p: argparse.ArgumentParser, config: bool = True) -> None:
    if config:
        p.add_argument("--config", "-c", type=_path, metavar="FILE",
                       help="YAML config (default: configs/default.yaml if present)")
    p.add_argument("--verbose", "-v", action="store_true", help="log what each stage decides")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bars or summaries")


def build_parser() -> argparse.ArgumentParser:
    parser = _TopParser(prog="pipeline", formatter_class=_CommandsHelp, description=(
        "Segment Chinese documents into paragraphs and label each body paragraph with its theme "
        "(leadership, grassroots, medical, public_participation)."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)
    parser.commands = sub.choices

    p = sub.add_parser("run", help="segment, train and label the corpus (only what changed)",
                       description="The whole pipeline on the corpus the config names: segment "
                       "the documents, train and save the model, label every document and write "
                       "the labelled output. A stage whose inputs (file contents, word lists, its "
                       "part of the config) are unchanged since the last run is skipped.")
    # Each --force a list of its stages (none: every one), so that several add up.
    p.add_argument("--force", nargs="*", action="append", metavar="STAGE",
                   choices=["all", "segment", "train", "classify"],
                   help="redo every stage (no STAGE, or all), or only the STAGEs named (segment, "
                   "train, classify; --force segment classify)")
    _common(p)

    p = sub.add_parser("status", help="which stages of 'run' are up to date, and why not",
                       description="Compare the corpus files and the config with the record of "
                       "the last 'pipeline run' and say which stages it would redo.")
    p.add_argument("--check", action="store_true",
                   help="exit code 1 when some stage is to do, 0 when all are up to date")
    _common(p)

    p = sub.add_parser("segment", help="split documents into paragraphs (JSON)",
                       description="Read, decode and segment documents; print their paragraphs "
                       "with kinds, offsets, articles and headings.")
    _documents(p)
    _paragraphs_out(p)
    _reading(p)
    _common(p)

    p = sub.add_parser("tokenize", help="split documents into paragraphs and words (JSON)",
                       description="Read and segment documents as 'segment' does, and give "
                       "each paragraph's tokens as the model gets them: normalized (script, "
                       "width, numbers), cut by the config's tokenize section (backend, user "
                       "dictionary, stop words, Taiwan-vocabulary fold). The output is "
                       "segment's, each paragraph with one more field, 'tokens'.")
    _documents(p)
    _paragraphs_out(p)
    _reading(p)
    _common(p)

    p = sub.add_parser("train", help="train the model and save its bundle",
                       description="Fit the configured classifier on the labelled corpus and save "
                       "the bundle (model.pkl, scorer.pkl, model.json) to model.dir/model.name.")
    p.add_argument("--no-metrics", action="store_true",
                   help="skip cross-validation (faster; model.json then has no figures)")
    _common(p)

    p = sub.add_parser("classify", help="label documents with a trained model",
                       description="Label every body paragraph of the given documents. A folder "
                       "means every .txt file under it; - reads standard input.")
    _documents(p)
    p.add_argument("--model", "-m", type=_path, metavar="DIR",
                   help="model bundle (default: the config's model.dir/model.name)")
    p.add_argument("--out", "-o", default="-", metavar="FILE", help="output file (default: -)")
    p.add_argument("--format", choices=["json", "jsonl"],
                   help="default: by the output file's name (*.jsonl or *.json), else the config's")
    _reading(p)
    p.add_argument("--jobs", "-j", type=_count, metavar="N",
                   help="worker processes (default: the config's classify.jobs; 0: all cores)")
    p.add_argument("--backend", choices=["local", "dask"], help="default: the config's")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786 "
                   "(default: the config's classify.scheduler)")
    p.add_argument("--connect-timeout", type=_seconds, metavar="SECONDS",
                   help="Dask: how long to wait for the scheduler and its first worker "
                   "(default: the config's classify.connect_timeout, 10)")
    _common(p)

    p = sub.add_parser("vectorize", help="the model's feature vector of each body paragraph",
                       description="For every body paragraph of the given documents, the "
                       "feature vector the bundle's classifier takes (words and word pairs with "
                       "their heading, title and section context, actors, ...), made by the "
                       "bundle's fitted scikit-learn Pipeline. npz: a SciPy CSR matrix, a row a "
                       "paragraph (scipy.sparse.load_npz reads it), with 'ids' and "
                       "'feature_names' (numpy.load); jsonl: a line a paragraph, "
                       '{"id": ..., "features": {name: value}} with the values not 0.')
    _documents(p)
    p.add_argument("--model", "-m", type=_path, metavar="DIR",
                   help="model bundle (default: the config's model.dir/model.name)")
    p.add_argument("--out", "-o", required=True, metavar="FILE",
                   help="output file (- for standard output)")
    p.add_argument("--format", choices=["npz", "jsonl"],
                   help="default: jsonl for an output file named *.jsonl or for -, else npz")
    _reading(p)
    _common(p)

    p = sub.add_parser("evaluate", help="grouped cross-validated figures",
                       description="Cross-validate grouped by article (no article on both sides), "
                       "with and without the written paragraphs; score the held-out documents; "
                       "measure script-flip agreement.")
    # A str, not a Path, which would drop the trailing slash of a folder (see check_output).
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON (- for "
                   "standard output; the text report then goes to standard error)")
    _common(p)

    p = sub.add_parser("review", help="list the paragraphs most worth a person's look",
                       description="From a labelled output (json or jsonl), list the body "
                       "paragraphs flagged for review, lowest margin first, as JSON lines a person "
                       "can label (fill in 'theme') and add to corpus.labels for the next "
                       "'pipeline run' or 'pipeline train' (their documents in corpus.documents).")
    p.add_argument("labelled", type=_path, metavar="LABELLED.json", help="json or jsonl output")
    p.add_argument("--out", "-o", default="-", metavar="FILE", help="output file (default: -)")
    p.add_argument("--limit", "-n", type=_count, default=50, metavar="N",
                   help="at most N paragraphs (default: 50; 0: no limit)")
    p.add_argument("--all", action="store_true",
                   help="rank every body paragraph, not only the flagged ones (still at most N)")
    _common(p)

    p = sub.add_parser("report", help="a self-contained HTML report of a labelled output",
                       description="Write an HTML report (no network needed to open it): each "
                       "document's paragraphs coloured by theme with confidence and evidence, "
                       "theme shares per document and article, the model's evaluation from its "
                       "model.json, and the paragraphs flagged for review. One file, unless the "
                       "output has more paragraphs than a page holds (--page-size): then FILE is "
                       "an index (totals, a line per page, figures, the 500 flagged paragraphs "
                       "of smallest margin, skipped files) and the documents are on pages in the "
                       "folder beside it, report_files/ for report.html, which is replaced with "
                       "it (one page removes an old one).")
    p.add_argument("labelled", type=_path, metavar="LABELLED.json", help="json or jsonl output")
    # A str, not a Path, which would drop the trailing slash of a folder (see check_output).
    p.add_argument("--out", "-o", default="report.html", metavar="FILE",
                   help="the HTML file (default: report.html); to a stream (-), always one page")
    p.add_argument("--page-size", type=_count, default=REPORT_PAGE_SIZE, metavar="N",
                   help=f"paragraphs on a page of documents (default: {REPORT_PAGE_SIZE}; 0: all "
                   "on one page, which a browser opens slowly beyond a few thousand)")
    p.add_argument("--model", "-m", type=_path, metavar="DIR",
                   help="the bundle whose model.json gives the figures (default: the config's; "
                   "left out when there is none)")
    _common(p)
    return parser


def _corpus_config(args: argparse.Namespace) -> Any:
    """The config of a command that needs the labelled corpus (train, evaluate, run, status):
    an error now if it names none, as the built-in defaults do."""
    from pipeline.config import DEFAULT_CONFIG, load_config
    from pipeline.errors import ConfigError

    config = load_config(args.config)
    if not config.corpus.documents and not config.corpus.written:
        read = _config_file(args.config)  # configs/default.yaml, found without --config
        if read is None:
            raise ConfigError(f"no --config, and no {DEFAULT_CONFIG} in {Path.cwd()}: no corpus "
                              "named (corpus.documents, corpus.written); run from the project "
                              "folder or give --config FILE")
        raise ConfigError(f"{read}: no corpus named (corpus.documents, corpus.written); name "
                          "the documents and labels to train on in its corpus section")
    return config


def _config_file(given: Path | None) -> Path | None:
    """The config file a command reads (as :func:`~pipeline.config.load_config` finds it): the
    one given, else ``configs/default.yaml`` if present, else none (the built-in config)."""
    from pipeline.config import DEFAULT_CONFIG

    return given if given is not None else DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def _config_name(args: argparse.Namespace) -> str:
    """The config file the command read, to name in an error about one of its keys."""
    return str(_config_file(getattr(args, "config", None)) or "the built-in config (no --config)")


def _setup_logging(args: argparse.Namespace) -> None:
    """Messages and libraries' warnings one line each (:func:`pipeline.logs.setup`), as
    ``--verbose`` and ``--quiet`` ask."""
    logs.setup(verbose=args.verbose, quiet=args.quiet)


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(logs.on_own_line(shown(message)), file=sys.stderr)


def _report_skipped(skipped: Sequence[Any]) -> int:
    for item in skipped:
        print(f"pipeline: skipped {shown(item.source)}: {shown(item.error)}", file=sys.stderr)
    return EXIT_SKIPPED if skipped else EXIT_OK


def _skipped_count(skipped: Sequence[Any]) -> str:
    """`` (1 file skipped, above)`` for a command's last line, which comes after the skipped
    files' lines so that what it did is what a reader sees last."""
    return f" ({plural(len(skipped), 'file')} skipped, above)" if skipped else ""


def _finished(args: argparse.Namespace, result: Any, did: str) -> int:
    """The end of a command that reads documents into ``args.out``: the skipped files named,
    then its last line, what it ``did`` (``labelled 3 body paragraphs``) in how many documents
    and where; its exit code."""
    code = _report_skipped(result.skipped)
    _say(args, f"{did} in {plural(result.documents, 'document')}"
               f"{_skipped_count(result.skipped)}" + (f" -> {args.out}" if args.out != "-" else ""))
    return code


# ----------------------------------------------------------------------------- commands
def _format(args: argparse.Namespace, kinds: dict[str, str] | None = None) -> str | None:
    """The output format: ``--format``, else the one the output file's name says (``-o
    out.jsonl`` is JSON lines, ``-o out.json`` one JSON object, whatever the config's
    ``output.format``; ``kinds``: the names of another command's formats), else None (the
    command's default)."""
    from pipeline.output import LABELLED_FORMATS, named_format

    named = named_format(args.out, kinds or LABELLED_FORMATS)
    if args.format:
        if named not in (None, args.format):  # as --format is documented to, but say so
            log.warning("-o %s is named for %s, but --format %s writes %s there",
                        shown(str(args.out)), _FORMAT_NAMES[named], args.format,
                        _FORMAT_NAMES[args.format])
        return args.format
    return named


_FORMAT_NAMES = {"json": "one JSON object", "jsonl": "JSON lines", "npz": "a NumPy archive"}


def cmd_segment(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.stages import segment

    # Segmenting reads no word list (they are the tokenizer's and the features'): a config
    # whose folder lacks them segments all the same.
    config = load_config(args.config, corpus=False, inputs=False)
    _check_not_read(args.out, config, args.config)
    result = segment(args.inputs, args.out, config, fmt=_format(args) or "json",
                     encoding=args.encoding, strict=args.strict)
    return _report_skipped(result.skipped)


def cmd_tokenize(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.model import make_tokenizer
    from pipeline.stages import input_files, segment

    # The tokenizer's word lists must be there; the features' (lexicon, actors) need not be.
    config = load_config(args.config, corpus=False, inputs="tokenize")
    _check_not_read(args.out, config, args.config)
    tokenizer = make_tokenizer(config.tokenize)
    sources = input_files(args.inputs, args.strict)
    with _progress(args, len(sources), "doc", "tokenize") as bar:
        result = segment(sources, args.out, config, fmt=_format(args) or "json",
                         encoding=args.encoding, strict=args.strict, tokenizer=tokenizer,
                         on_document=lambda _: bar.update(1))
    return _finished(args, result, f"tokenized {plural(result.paragraphs, 'paragraph')}")


def cmd_vectorize(args: argparse.Namespace) -> int:
    from pipeline.output import VECTOR_FORMATS
    from pipeline.stages import input_files, vectorize

    config = _classify_config(args)
    _check_not_read(args.out, config, args.config, model=args.model)
    if args.config is not None:
        _check_bundle_themes(args, config)
    fmt = _format(args, VECTOR_FORMATS)  # None: the stage's default for the name
    sources = input_files(args.inputs, args.strict)
    with _progress(args, len(sources), "doc", "vectorize") as bar:
        result = vectorize(sources, _model_dir(args, config), args.out, config, fmt=fmt,
                           encoding=args.encoding, strict=args.strict,
                           on_document=lambda _: bar.update(1))
    return _finished(args, result, f"vectorized {plural(result.body, 'body paragraph')}")


def _width(text: str) -> int:
    """The terminal columns ``text`` takes: a wide character, as in Chinese, takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns."""
    return text + " " * max(0, width - _width(text))


def _print_metrics(title: str, m: dict[str, Any]) -> None:
    print(f"\n{title}: {m['paragraphs']} paragraphs"
          + (f", {m['folds']} folds over {m['groups']} articles" if "folds" in m else ""))
    names = [f"({i}) {theme}" for i, theme in enumerate(m["confusion_labels"], 1)]
    width = max(22, *(_width(name) + 2 for name in names))
    from pipeline.report import unmeasured, unmeasured_note

    missing = set(unmeasured(m))  # no paragraph, none predicted: 0/0, not 0
    print(f"  {_cell('theme', width)}{'precision':>10}{'recall':>8}{'f1':>7}{'n':>6}")
    for theme, t in m["per_theme"].items():
        figures = (f"{'-':>10}{'-':>8}{'-':>7}" if theme in missing else
                   f"{t['precision']:>10.3f}{t['recall']:>8.3f}{t['f1']:>7.3f}")
        print(f"  {_cell(theme, width)}{figures}{t['support']:>6}")
    print(f"  macro-F1 {m['macro_f1']:.3f}   accuracy {m['accuracy']:.3f}   "
          f"log loss {m['log_loss']:.3f}   ECE {m['ece']:.3f}")
    if missing:
        print(f"  {unmeasured_note(m, '-')}")
    print("  confusion (rows: truth, columns: predicted, numbered as the rows)")
    print("  " + _cell("", width) + "".join(f"{f'({i})':>8}" for i in range(1, len(names) + 1)))
    for name, row in zip(names, m["confusion"], strict=True):
        print(f"  {_cell(name, width)}" + "".join(f"{v:>8}" for v in row))


def cmd_train(args: argparse.Namespace) -> int:
    from pipeline.model import check_bundle_place, read_meta
    from pipeline.stages import train

    config = _corpus_config(args)
    check_bundle_place(config.bundle_dir)
    with _progress(args, None, "fold", "cross-validation") as bar:
        path = train(config, with_metrics=not args.no_metrics, progress=bar)
    meta = read_meta(path)
    data = meta["training_data"]
    _say(args, f"model saved to {path} ({data['real_paragraphs']} real + "
               f"{data['written_paragraphs']} written paragraphs, {config.model.classifier})")
    cv = meta.get("metrics", {}).get("cross_validation")
    if cv and not args.quiet:
        print(f"grouped cross-validated macro-F1 {cv['macro_f1']:.3f}, log loss "
              f"{cv['log_loss']:.3f}, ECE {cv['ece']:.3f} (pipeline evaluate for more)",
              file=sys.stderr)
    return EXIT_OK


def _model_dir(args: argparse.Namespace, config: Any) -> Path:
    return args.model if args.model is not None else config.bundle_dir


def _check_model_given(args: argparse.Namespace, config: Any) -> None:
    """Raise :class:`ModelError` if ``--model`` names nothing. The bundle's own message says to
    build one with 'pipeline train', which writes the config's bundle, not the folder named: a
    mistyped ``-m models/mine`` would stay missing after it."""
    from pipeline.errors import ModelError

    given = args.model
    if given is None or given.exists() or given.is_symlink():  # a dangling link: read_meta's
        return
    own = config.bundle_dir
    if own.is_dir():
        hint = f" ({own} is the config's)"
    elif _config_file(args.config) is not None:  # not outside a project: train works there
        hint = f"; 'pipeline train' builds the config's, {own}"
    else:
        hint = ""
    raise ModelError(f"{given}: no model bundle here; --model names the folder of a trained "
                     f"bundle, the one that holds model.json{hint}")


def _classify_config(args: argparse.Namespace) -> Any:
    """The config classify labels by. Without --config its themes are the bundle's: the config
    then found (``configs/default.yaml`` here, or the built-in one) was not chosen for the bundle
    given with --model, so only a config named with --config must agree with the bundle (see
    :func:`_check_bundle_themes`). Neither the corpus nor the word lists need exist: the
    bundle holds the tokenizer with its dictionary and stop words, and the features' word lists,
    as trained, so a bundle copied to another machine labels with the config's other settings."""
    from pipeline.config import DEFAULT_CONFIG, load_config
    from pipeline.errors import ModelError
    from pipeline.model import read_meta

    config = load_config(args.config, corpus=False, inputs=False)
    _check_model_given(args, config)
    if args.config is None:
        bundle = _model_dir(args, config)
        if args.model is None and _config_file(None) is None and not bundle.exists():
            # 'pipeline train' would fail here too: the built-in config names no corpus.
            raise ModelError(f"{bundle}: no model bundle here, and no --config or "
                             f"{DEFAULT_CONFIG} in {Path.cwd()} to name another; run from the "
                             "project folder, or give --model DIR or --config FILE")
        themes = tuple(read_meta(bundle)["themes"])
        return config.model_copy(update={"themes": themes})
    return config


def _check_bundle_themes(args: argparse.Namespace, config: Any) -> None:
    """Raise :class:`ModelError`, saying how to make them agree, if the config named with
    --config lists other themes than the bundle. (After the outputs are checked: a slip of the
    hand in ``-o`` is named first, with or without a bundle.)"""
    import shlex

    from pipeline.errors import ModelError
    from pipeline.model import read_meta

    bundle = _model_dir(args, config)
    themes = tuple(read_meta(bundle)["themes"])
    if config.themes != themes:
        other = ("leave out --config to label by them" if args.model is not None
                 else "train it for this config's with "
                      f"'pipeline train --config {shlex.quote(str(args.config))}'")
        raise ModelError(f"{bundle}: made for themes: {listed(themes)}; {args.config} names: "
                         f"{listed(config.themes)}; list the bundle's themes in {args.config}, "
                         f"or {other}")


def _collect_less() -> None:
    """Run Python's cycle collector every 20,000 new objects instead of every 700.

    Labelling (classify, run, evaluate's folds) holds large lists (a batch's tokens, records and
    outputs) while it makes many small objects, and each collection walks every young list it
    finds: at the default threshold the collector ran some 240 times on the 5 MB bench corpus, a
    twentieth of classify's time. Garbage without cycles is freed at once by reference counting,
    as before; only cycles wait longer. Worker processes are forked with this setting. Set for
    every command, before its imports, which make a few hundred thousand objects too.

    At exit, what is left is frozen out of the collector's sight: Python's last collection
    walked it all (the model, the tokens met, the caches), a tenth of a second of a classify of
    the 5 MB corpus, to free memory the process was giving back anyway.
    """
    gc.set_threshold(20_000, *gc.get_threshold()[1:])
    atexit.unregister(gc.freeze)  # once, however many commands one process runs
    atexit.register(gc.freeze)


def cmd_classify(args: argparse.Namespace) -> int:
    from pipeline.stages import classify

    config = _classify_config(args)
    _check_not_read(args.out, config, args.config, model=args.model)
    if args.config is not None:
        _check_bundle_themes(args, config)
    given = {"backend": args.backend or ("dask" if args.scheduler else None),
             "scheduler": args.scheduler, "connect_timeout": args.connect_timeout}
    update = {key: value for key, value in given.items() if value}
    if update:
        config = config.model_copy(
            update={"classify": config.classify.model_copy(update=update)})
    if args.connect_timeout and config.classify.backend != "dask":
        log.warning("--connect-timeout has no effect with the local backend: it is how long "
                    "--backend dask waits for its cluster")
    from pipeline.stages import input_files

    sources = input_files(args.inputs, args.strict)  # the folders are walked once, here
    with _progress(args, len(sources), "doc", "classify") as bar:
        result = classify(sources, _model_dir(args, config), args.out, config,
                          fmt=_format(args), encoding=args.encoding, strict=args.strict,
                          jobs=args.jobs, on_document=lambda _: bar.update(1))
    return _finished(args, result, f"labelled {plural(result.body, 'body paragraph')}")


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.output import atomic_write, check_output, to_standard_output
    from pipeline.stages import evaluate

    config = _corpus_config(args)
    if args.json is not None:  # "" (an unset variable) is an error, not "no JSON"
        check_output(args.json)  # now, not after minutes of cross-validation
        _check_not_read(args.json, config, args.config)
    with _progress(args, None, "fold", "cross-validation") as bar:
        report = evaluate(config, progress=bar)
    # With the JSON on standard output, the text beside it would break its readers (jq).
    text_to = sys.stderr if args.json is not None and to_standard_output(args.json) else sys.stdout
    if args.json is not None:  # first: a reader of the text that stops early (| head) ends it
        with atomic_write(args.json) as fh:
            json.dump(report, fh, ensure_ascii=False, indent=2)
    with contextlib.redirect_stdout(text_to), _printing(text_to):
        _print_report(report)
    return EXIT_OK


def _print_report(report: dict[str, Any]) -> None:
    """The evaluation report as text, on standard output."""
    data = report["training_data"]
    print(f"corpus: {data['real_paragraphs']} hand-labelled paragraphs in {data['articles']} "
          f"articles, {data['written_paragraphs']} written for training "
          f"(figures are measured on real paragraphs only)")
    # Both are printed, whatever the config trains on; the one that is its model is marked.
    mine = " (as this config trains)"
    with_written = report["trained_with_written"]
    if "cv_without_written" in report:
        _print_metrics("grouped CV, real paragraphs only" + ("" if with_written else mine),
                       report["cv_without_written"])
    if "cv_with_written" in report:
        _print_metrics("grouped CV, written paragraphs added to each training side"
                       + (mine if with_written else ""), report["cv_with_written"])
    if "heldout" in report:
        _print_metrics("held-out documents (model trained on the whole corpus)", report["heldout"])
    flips = report["script_flip"]
    if flips:
        print("\nscript-flip agreement (same label after OpenCC conversion): "
              + ", ".join(f"{k} {v:.1%}" for k, v in flips.items()))
    weak = report.get("lexicon_weak_labels")
    if weak:
        labelled = "corpus.labels" + (" and corpus.heldout_labels" if "heldout" in report else "")
        print(f"\ntheme lexicon alone as a weak labeller, on {weak['paragraphs']} hand-labelled "
              f"paragraphs ({labelled}): "
              f"coverage {weak['coverage']:.1%}, conflicts {weak['conflict']:.1%}, "
              f"accuracy where decided {weak['accuracy']:.1%}")
    if "lexicon_without_words" in report:
        print(f"\ntheme lexicon alone as a weak labeller: no figures, "
              f"{report['lexicon_without_words']} has no words (empty, comments only, or empty "
              "lists)")


class _NoProgress(contextlib.AbstractContextManager):
    """What :func:`_progress` gives when no bar is shown: nothing to import or draw."""

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        """Count nothing."""

    def reset(self, total: int | None = None) -> None:
        """Start counting nothing again."""


def _progress(args: argparse.Namespace, total: int | None, unit: str, desc: str) -> Any:
    """A progress bar on standard error, shown only to a person at a terminal (tqdm, and the
    multiprocessing module it imports, are loaded only then)."""
    if args.quiet or not sys.stderr.isatty():
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, leave=False, file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.model import check_bundle_place
    from pipeline.output import check_not_input, named_format
    from pipeline.reading import find_documents
    from pipeline.stages import run

    config = _corpus_config(args)
    check_bundle_place(config.bundle_dir)
    _check_run_output(config)
    _check_not_read(config.output.path, config, args.config)
    named = named_format(config.output.path)
    if named not in (None, config.output.format):  # classify -o lets the name decide; run not
        log.warning("output.path %s is named for %s, but output.format is %s, which run writes "
                    "there; set output.format: %s, or name the file .%s",
                    shown(str(config.output.path)), _FORMAT_NAMES[named],
                    config.output.format, named, config.output.format)
    documents = find_documents(list(config.corpus.documents))
    check_not_input(config.output.path, documents)
    named = [stage for stages in args.force or () for stage in stages or ["all"]]
    force = {"segment", "train", "classify"} if "all" in named else set(named)
    units = {"segment": "doc", "train": "fold", "classify": "doc"}
    # Each stage's bar while it works, named by the stage; its line once it is done.
    result = run(config, force=force, say=lambda line: _say(args, line),
                 bars=lambda stage, total: _progress(args, total, units[stage], stage))
    _say(args, f"model: {result.bundle}")
    code = _report_skipped(result.skipped)
    _say(args, f"labelled {plural(result.body, 'body paragraph')} in "
               f"{plural(result.documents, 'document')}{_skipped_count(result.skipped)} -> "
               f"{result.output}")
    return code


def _check_run_output(config: Any) -> None:
    """Raise :class:`OutputError`, naming ``output.path``, if run cannot write its output there."""
    from pipeline.errors import OutputError
    from pipeline.output import check_output

    try:
        check_output(config.output.path)
    except OutputError as exc:  # a key of the config, not a file given on the command line
        raise OutputError(str(exc), config_key="output.path") from None


def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.stages import status

    config = _corpus_config(args)
    _check_run_output(config)
    stale = False
    for stage, ok, why in status(config):
        state = "up to date" if ok else "to do"
        stale = stale or not ok
        with _printing(sys.stdout):
            print(shown(f"{stage}: {state} ({why})" if why else f"{stage}: {state}"))
    return EXIT_STALE if args.check and stale else EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.corpus import load_labels
    from pipeline.errors import OutputError
    from pipeline.output import atomic_write, check_not_input, check_output
    from pipeline.review import first_filled_in, review_items

    check_output(args.out)
    check_not_input(args.out, [args.labelled])
    # Only the themes and the hand labels are read: a new project may have no word lists, and
    # no labels, yet.
    config = load_config(args.config, corpus=False, inputs=False)
    _check_not_read(args.out, config, args.config, review=True)
    line = first_filled_in(args.out)
    if line is not None:
        raise OutputError(f"{args.out}:{line}: holds hand labels already (a filled-in 'theme', or a"
                          " 'suggested' theme changed); "
                          "write the new list to another file, or delete this one first")
    # Held-out labels too: a person has looked at those paragraphs, and they must stay out of
    # the training labels a review list joins.
    c = config.corpus
    if _config_file(args.config) is None:  # outside the project: the built-in config names none
        from pipeline.config import DEFAULT_CONFIG

        log.warning(f"no --config, and no {DEFAULT_CONFIG} in {Path.cwd()}: no hand labels to "
                    "leave out, so paragraphs already labelled may be listed; run from the "
                    "project folder or give --config FILE")
    labelled = load_labels([p for p in [*c.labels, *c.heldout_labels] if Path(p).exists()],
                           config.themes)
    items = review_items(args.labelled, limit=args.limit, flagged_only=not args.all,
                         labelled=labelled)
    with atomic_write(args.out) as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    _warn_not_jsonl(args.out, c.labels)
    # An empty list is no failure, but a first-time user took it for one: say why it is empty.
    hint = ("" if items else "; every body paragraph has a hand label already" if args.all else
            "; no flagged paragraph without a hand label: --all ranks every body paragraph")
    _say(args, f"{plural(len(items), 'paragraph')} to review"
               + (f" -> {args.out}" if args.out != "-" else "") + hint)
    return EXIT_OK


def _warn_not_jsonl(out: Path | str, labels: Sequence[Path | str]) -> None:
    """Warn if the review list ``out`` is a file whose name does not end in ``.jsonl``: it is
    JSON lines whatever its name, and a folder of labels reads only ``.jsonl`` files, so one
    put there under ``-o to-label.json`` was skipped when training, a step too late to say so.
    A file the config's ``corpus.labels`` names itself is read whatever its name."""
    from pipeline.output import writes_into_stream

    path = Path(out)
    if writes_into_stream(out) or path.suffix.lower() == ".jsonl":
        return
    if any(Path(p).is_file() and os.path.samefile(p, path) for p in labels):
        return
    log.warning("%s: written as JSON lines; training reads review lists in a folder of labels "
                "only from .jsonl files: name it %s to put it there", out,
                path.with_suffix(".jsonl").name)


def _check_not_read(out: Path | str, config: Any, config_file: Path | None,
                    review: bool = False, model: Path | None = None) -> None:
    """Raise :class:`OutputError` if writing ``out`` would replace what the config reads (the
    config file, its word lists, a document, label or written-paragraph file) or put a file
    where it would be read as one: inside a folder of labels or written paragraphs (``review``:
    its list may go among the labels, where it is read from), or as a ``.txt`` file inside a
    folder of documents; or inside the config's model bundle or ``model``, which training
    replaces and then deletes. An existing YAML file is never replaced: no output is YAML, and
    one there is most likely a config that this command does not read (another config's
    ``output.path`` copied by mistake)."""
    from pipeline.errors import OutputError
    from pipeline.output import check_not_input, writes_into_stream
    from pipeline.reading import files_under

    if writes_into_stream(out):
        return
    c, t, v = config.corpus, config.tokenize, config.vectorize
    # A review list may replace one among the labels (not one a person filled in: see review).
    labelled = [Path(p) for p in [*([] if review else c.labels), *c.written, *c.heldout_labels]]
    read = [_config_file(config_file), t.user_dict, t.stop_words, v.lexicon.path, v.actors.path,
            *c.documents, *c.heldout_documents,
            *labelled,  # and the label files, reached through links too
            *(f for p in labelled if p.is_dir() for f in files_under(p, (".jsonl",)))]
    check_not_input(out, [Path(f) for f in read if f is not None])
    try:
        target = Path(out).resolve()
    except (OSError, RuntimeError):  # a loop of links: check_output names it
        return

    def inside(folders: list[Path]) -> Path | None:
        return next((f for f in folders
                     if Path(f).is_dir() and target.is_relative_to(Path(f).resolve())), None)

    if target.suffix.lower() in (".yaml", ".yml") and target.is_file():
        raise OutputError(f"{out}: is a YAML file (a config?), and no output is YAML; "
                          "write it elsewhere")
    for bundle in (config.bundle_dir, *([model] if model is not None else [])):
        if _in_bundle(target, Path(bundle)):
            raise OutputError(f"{out}: is inside the model bundle {bundle}, which training "
                              "replaces and later deletes; write it elsewhere")
    folder = inside([*([] if review else c.labels), *c.written, *c.heldout_labels])
    if folder is not None:
        raise OutputError(f"{out}: is inside {folder}, a folder of labelled paragraphs the "
                          "config reads; write it elsewhere")
    folder = inside([*c.documents, *c.heldout_documents])
    if folder is not None and target.suffix.lower() == ".txt":
        raise OutputError(f"{out}: a .txt file inside {folder}, a folder of documents the config "
                          "reads, would be read as one; write it elsewhere")


def _in_bundle(target: Path, bundle: Path) -> bool:
    """Whether the resolved path ``target`` is in the bundle folder ``bundle`` or one of its
    versions (``.<name>.…`` beside it, where the bundle's link points): a training swaps in a
    new version and removes the older ones, with whatever else was put in them."""
    bundle = Path(os.path.abspath(bundle))  # "-m ." in the bundle's folder names it too
    try:
        parts = target.relative_to(bundle.parent.resolve()).parts
    except (OSError, RuntimeError, ValueError):
        return False
    return len(parts) > 1 and (parts[0] == bundle.name or parts[0].startswith(f".{bundle.name}."))


class _Terminated(BaseException):
    """Raised on SIGTERM so that temporary files are removed on the way out."""


def _terminate(signum: int, frame: Any) -> None:
    raise _Terminated()


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.model import META_FILE, read_meta
    from pipeline.output import check_not_input, check_output
    from pipeline.report import check_figures, write_report

    check_output(args.out)
    check_not_input(args.out, [args.labelled])
    # The config gives the bundle and what the page must not replace; its word lists are not read.
    config = load_config(args.config, corpus=False, inputs=False)
    # The bundle first: a --model folder that is none is named as such, not as a bundle
    # the page would be inside.
    meta = None
    _check_model_given(args, config)
    bundle = args.model if args.model is not None else config.bundle_dir
    if args.model is not None or config.bundle_dir.exists():
        meta = read_meta(bundle)
        check_figures(meta, Path(bundle) / META_FILE)
    _check_not_read(args.out, config, args.config, model=args.model)
    write_report(args.labelled, args.out, meta, args.page_size)
    where = "standard output" if str(args.out) == "-" else args.out
    _say(args, f"report written to {where}")
    return EXIT_OK


COMMANDS = {
    "run": cmd_run,
    "status": cmd_status,
    "segment": cmd_segment,
    "tokenize": cmd_tokenize,
    "train": cmd_train,
    "classify": cmd_classify,
    "vectorize": cmd_vectorize,
    "evaluate": cmd_evaluate,
    "review": cmd_review,
    "report": cmd_report,
}


def _flush_standard_output() -> None:
    """Write out what standard output still holds, here rather than in Python's flush at exit,
    where a failure is "Exception ignored …" and exit code 120: a reader gone (``| head``)
    raises BrokenPipeError, which ends the command quietly, and a full disk is an
    :class:`OutputError`. What is left is then dropped (standard output goes to /dev/null), so
    that the flush at exit does not fail again."""
    from pipeline.errors import OutputError

    if sys.stdout is None:  # started with it closed
        return
    try:
        sys.stdout.flush()
    except ValueError:  # closed meanwhile: nothing is left to write
        return
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if isinstance(exc, BrokenPipeError):
            raise
        raise OutputError(f"standard output: cannot write: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _printing(stream: Any) -> Iterator[None]:
    """Text printed to ``stream`` (status's lines, evaluate's report) that cannot be written
    (``> /dev/full``) is one :class:`OutputError`, as ``-o -`` is, not a traceback."""
    from pipeline.errors import OutputError

    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        name = "standard error" if stream is sys.stderr else "standard output"
        raise OutputError(f"{name}: cannot write: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pipeline`` command; returns the exit code. Ctrl-C (or SIGTERM, once
    its handler is set) at any moment of it, its parsing of the arguments too, is one line and
    exit code 130."""
    try:
        args = build_parser().parse_args(argv)
        _setup_logging(args)
        _collect_less()
        signal.signal(signal.SIGTERM, _terminate)
        return _run_command(args)
    except (KeyboardInterrupt, _Terminated):
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED


def _run_command(args: argparse.Namespace) -> int:
    """The command ``args`` names: its exit code, its errors one line each."""
    try:
        with each_said_once():  # a folder walked twice (status, run) names what it skips once
            code = COMMANDS[args.command](args)
        _flush_standard_output()
        return code
    except PipelineError as exc:
        where = f"{_config_name(args)}: " if exc.config_key else ""
        print(f"pipeline: error: {shown(where + str(exc))}", file=sys.stderr)
        # What went out before the error stays; what cannot go out is dropped, not retried.
        with contextlib.suppress(PipelineError, BrokenPipeError):
            _flush_standard_output()
        return exc.exit_code
    except BrokenPipeError:
        with contextlib.suppress(PipelineError, BrokenPipeError):
            _flush_standard_output()  # what is left goes nowhere, not into a failed exit
        return EXIT_OK
    except Exception:  # a bug: its traceback, and an exit code of its own (1 means "skipped")
        traceback.print_exc()
        print("pipeline: internal error: this is a bug; please report it with the traceback above",
              file=sys.stderr)
        return EXIT_BUG

