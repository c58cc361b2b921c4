"""Errors the command line turns into one-line messages and exit code 2.

Every error a user can cause (a bad config, an unreadable file, a damaged model) is raised as a
subclass of :class:`PipelineError`, whose message already names the file or key at fault. Anything
else escaping the CLI is a bug: it keeps its traceback and exits 3. :func:`plural` words the
counts in messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, get_args


class PipelineError(Exception):
    """An error caused by the user's input, config or model; its text is shown as is.

    ``config_key``: the config key whose value is at fault, found only once the corpus is read
    (``themes``, ``vectorize.words``): the message starts with it, and the command line puts the
    config file's name in front.
    """

    exit_code = 2

    def __init__(self, message: str, *, config_key: str | None = None) -> None:
        super().__init__(f"{config_key}: {message}" if config_key else message)
        self.config_key = config_key


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


def listed(items: Iterable[object]) -> str:
    """``a, b, c``: items a message names, rather than Python's ``['a', 'b', 'c']``."""
    return ", ".join(map(str, items))


def quoted(value: object) -> str:
    """A value a message quotes: a list or a mapping as JSON (YAML's flow style), not as
    Python's repr (``['a', 1]``), and so ``true``, ``false`` and ``null``; anything else as its
    repr (``'abc'``, ``3``)."""
    if isinstance(value, (list, tuple, dict, bool)) or value is None:
        return json.dumps(value, ensure_ascii=False, default=str)
    return repr(value)


def number_not_boolean(value: Any, annotation: Any) -> Any:
    """``value`` for a config field of type ``annotation``; a ValueError (which pydantic words as
    the key's error) for ``true`` or ``false`` where a number goes (``int``, ``float``, ``int |
    None``, ``tuple[int, int]``). pydantic takes them as 1 and 0, and YAML reads ``yes``, ``no``,
    ``on`` and ``off`` as booleans too: ``review_below: yes`` was 1.0, every paragraph flagged."""
    kinds = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    if all(a in (int, float) for a in kinds) and (
            isinstance(value, bool)
            or (isinstance(value, list | tuple) and any(isinstance(v, bool) for v in value))):
        raise ValueError("must be a number, not true or false (YAML reads yes, no, on and off "
                         "as true or false as well)")
    return value


def plural(n: int, noun: str) -> str:
    """``1 document``, ``2 documents``: a count for a message."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: it holds no lone surrogate (a JSON escape's, or
    one standing for a byte of a file name that is not UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
