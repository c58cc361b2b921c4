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


class OneLine(logging.Formatter):
    """Our messages one line each, whatever the file names in them hold (a newline is
    written ``\\x0a``, as in ids)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if not record.name.startswith("pipeline"):
            return text
        return shown(text)


def setup(verbose: bool, quiet: bool) -> None:
    """Log to standard error: ours from INFO with ``verbose``, else from WARNING; libraries'
    warnings as one line each (scikit-learn on a small corpus, say), and none with ``quiet``."""
    global _SETTINGS
    level = logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
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
