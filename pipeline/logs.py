"""Messages on standard error, one line each, in every process of a command.

:func:`setup` is what the command line does at start: our messages as ``pipeline: …``, with file
names shown on one line, and libraries' warnings as one ``py.warnings: FILE:LINE: Category: …``
line (none with ``--quiet``). A worker process forked from the command inherits it; one started
fresh (spawn, where there is no fork) is set up the same from :func:`settings`.
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Any

from pipeline.reading import shown

# How this process was set up (verbose, quiet), or None if it was not.
_SETTINGS: tuple[bool, bool] | None = None

# Back to the line's start, then erase it: a progress bar (tqdm) leaves the cursor at the end of
# the bar it draws, so a message written then would be shown after the bar, on its line.
ERASE_LINE = "\r\x1b[K"


def on_own_line(text: str, stream: Any = None) -> str:
    """``text`` as written to ``stream`` (standard error): on a terminal, behind
    :data:`ERASE_LINE`, so that it starts a line of its own whether or not a progress bar, of
    this process or of another, is drawn there; elsewhere unchanged."""
    stream = sys.stderr if stream is None else stream
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError, OSError):  # no stream, or a closed one
        terminal = False
    return ERASE_LINE + text if terminal else text


class OneLine(logging.Formatter):
    """Our messages one line each, whatever the file names in them hold (a newline is
    written ``\\x0a``, as in ids)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if not record.name.startswith("pipeline"):
            return text
        return shown(text)


class OwnLineHandler(logging.StreamHandler):
    """Each message on a line of its own, even over a progress bar (:func:`on_own_line`)."""

    def format(self, record: logging.LogRecord) -> str:
        return on_own_line(super().format(record), self.stream)


def setup(verbose: bool, quiet: bool) -> None:
    """Log to standard error: ours from INFO with ``verbose``, else from WARNING; libraries'
    warnings as one line each (scikit-learn on a small corpus, say), and none with ``quiet``."""
    global _SETTINGS
    level = logging.INFO if verbose else logging.WARNING
    handler = OwnLineHandler(sys.stderr)
    handler.setFormatter(OneLine("%(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("pipeline").setLevel(level)
    warnings.showwarning = show_warning
    logging.getLogger("py.warnings").setLevel(logging.ERROR if quiet else level)
    _SETTINGS = (verbose, quiet)


def settings() -> tuple[bool, bool] | None:
    """The arguments :func:`setup` was called with in this process (None: it was not), for a
    worker process started fresh to log as this one does."""
    return _SETTINGS


def show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: Any = None, line: str | None = None) -> None:
    """A library's warning as one line on the ``py.warnings`` logger: where it was raised and
    what it says, without the line of source code that Python's own format adds below."""
    text = " ".join(str(message).split())
    logging.getLogger("py.warnings").warning("%s:%d: %s: %s", filename, lineno,
                                             category.__name__, text)
