"""Errors the command line turns into one-line messages and exit code 2.

Every error a user can cause (a bad config, an unreadable file, a damaged model) is raised as a
subclass of :class:`PipelineError`, whose message already names the file or key at fault. Anything
else escaping the CLI is a bug: it keeps its traceback and exits 3. :func:`plural` words the
counts in messages.
"""

from __future__ import annotations


class PipelineError(Exception):
    """An error caused by the user's input, config or model; its text is shown as is."""

    exit_code = 2


class ConfigError(PipelineError):
    """The config file is missing, not YAML, or has a key with a wrong value."""


class InputError(PipelineError):
    """An input document cannot be read as text."""


class ModelError(PipelineError):
    """A model bundle is missing, damaged, or made for something else."""


class CorpusError(PipelineError):
    """The labelled corpus cannot train (an unknown theme, a theme with no labels, two files of
    one name, too few articles to cross-validate)."""


class OutputError(PipelineError):
    """An output path cannot be written: it is a folder, or its folder cannot be made."""


def plural(n: int, noun: str) -> str:
    """``1 document``, ``2 documents``: a count for a message."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
