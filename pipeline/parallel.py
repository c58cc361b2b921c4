"""Where classify runs: in this process, on local worker processes, or on a Dask cluster.

All three give the same labelled documents in the same order. Work is cut into batches of
``classify.batch_size`` documents; at most a few batches per worker are in flight at once, so
memory stays flat however large the input is, and results are written in input order as they come.

- local (``--jobs N``): a process pool; the model is handed to each worker once, at start-up.
  ``pipeline run`` labels on it too (:func:`cached_stream`), from its cached paragraphs. A
  batch's rendered output beyond :data:`SPOOL_BYTES` (a long document's parts) comes back
  through a temporary file, not in the batch's result (see :func:`_returned`).
- dask (``--backend dask --scheduler ADDRESS``): the file bytes are read here and sent with each
  task (the workers need no shared file system), a task being files up to about a megabyte
  (:func:`_dask_tasks`); the model is scattered to every worker once.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import tempfile
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from pipeline import logs
from pipeline.cache import LABELLED, SEGMENTS, Cache, entry_bytes
from pipeline.config import Config
from pipeline.errors import InputError, OutputError, PipelineError
from pipeline.model import Bundle
from pipeline.output import Part, Rendered, remove_open_temporaries, render
from pipeline.reading import Document, FileUnreadable, read_bytes
from pipeline.stages import (
    SCORE_BATCH,
    SegmentedDocument,
    Skipped,
    document_items,
    label_batch,
    label_sources,
    paragraph_batches,
    segment_file,
    segmented_from_dict,
)

log = logging.getLogger("pipeline")
Item = dict[str, Any] | Part | Rendered | Skipped
# A Dask task carries consecutive files up to about TASK_BYTES of them, or TASK_FILES files, and
# fewer when there are few, so that each worker thread gets TASKS_PER_THREAD tasks at least.
TASK_BYTES = 1 << 20
TASK_FILES = 2048
TASKS_PER_THREAD = 4
# A worker's batch comes back in its result up to this many bytes of rendered output (a batch of
# 64 documents of 40 KB renders to about 6 MB); the rest, a long document's parts, through a file.
SPOOL_BYTES = 16 << 20

# Per-worker state, set once by the pool initializer (each worker process has its own).
_WORKER: dict[str, Any] = {}


@dataclass(frozen=True)
class Spooled:
    """A :class:`Rendered` that a worker wrote to its batch's file in the pool's spool folder
    instead of returning it: its ``size`` bytes follow those of the one before in ``path``."""

    path: str
    size: int
    paragraphs: int
    body: int
    opens: bool
    closes: bool


def _returned(items: Iterable[Any]) -> list[Any]:
    """A worker's batch, as its result: ``items`` in order, but the rendered output beyond
    :data:`SPOOL_BYTES` written to a file of the pool's spool folder (each a :class:`Spooled`).

    A result is pickled whole in the worker and unpickled whole where the command runs: a long
    document's rendered parts, held there till the last, took as much memory again as its
    output in each of the two processes (on a 50 MB file of one section, 111 MB).
    """
    folder = _WORKER["spool"]
    if folder is None:  # see ordered_pool
        return list(items)
    out: list[Any] = []
    held = 0
    with ExitStack() as stack:
        spool = None
        for item in items:
            if isinstance(item, Rendered) and (spool is not None
                                               or held + len(item.data) > SPOOL_BYTES):
                try:
                    if spool is None:
                        spool = stack.enter_context(tempfile.NamedTemporaryFile(
                            dir=folder, prefix="batch.", suffix=".tmp", delete=False))
                    spool.write(item.data)
                    spool.flush()  # so that a write that fails does so here, not on closing
                except OSError as exc:  # a full temporary folder, say
                    if spool is not None:
                        with suppress(OSError):
                            spool.close()  # what it still buffers cannot be written either
                    raise OutputError(f"{folder}: cannot write the temporary file that brings a "
                                      "long document's labelled parts back from its worker "
                                      f"process: {exc.strerror or exc} (TMPDIR names another "
                                      "folder)") from None
                item = Spooled(spool.name, len(item.data), item.paragraphs, item.body,
                               item.opens, item.closes)
            elif isinstance(item, Rendered):
                held += len(item.data)
            out.append(item)
    return out


def _unspooled(items: Iterable[Any]) -> Iterator[Any]:
    """``items`` with each :class:`Spooled` read back from its file, one at a time; a file is
    removed once the items after it come from elsewhere."""
    reading = None
    try:
        for item in items:
            if isinstance(item, Spooled):
                if reading is None or reading.name != item.path:
                    _remove(reading)
                    reading = open(item.path, "rb")  # noqa: SIM115 (_remove closes it)
                item = Rendered(reading.read(item.size), item.paragraphs, item.body, item.opens,
                                item.closes)
            yield item
    finally:
        _remove(reading)


def _remove(spool: Any) -> None:
    """Close and remove a batch's file (if any) that :func:`_unspooled` has read."""
    if spool is not None:
        spool.close()
        Path(spool.name).unlink(missing_ok=True)


def _init_worker(context: dict[str, Any]) -> None:
    # The command line's SIGTERM handler is inherited, first of all replaced: the pool ends the
    # workers with SIGTERM when one of them is killed, and one still setting up raised the command's
    # own exception, which the pool printed with its traceback. A worker just ends (once it has
    # removed the temporary files of what it was writing, see _end_by_signal), and so on
    # Ctrl-C, which a terminal sends to the worker as well as to the command: a worker waiting for
    # its next batch printed multiprocessing's traceback of the KeyboardInterrupt, while the command
    # says it was interrupted. And it ends when its parent is gone (killed with SIGKILL, say):
    # nothing else would tell it, and it would wait for work forever. On Linux the kernel ends it
    # then (PR_SET_PDEATHSIG), at once, even while it holds the interpreter in a long call (loading
    # the model: a thread that watches for the parent waits for that call to end); elsewhere a
    # thread looks twice a second. A command started with Ctrl-C ignored (in the background of a
    # script) goes on through it, and so do its workers. (Forked, a worker has these handlers
    # already: see _worker_signals.)
    _worker_signals()
    _WORKER.update(context)
    # Started fresh (spawn, where there is no fork), a worker would log and warn in Python's
    # own form: set it up as the command is (forked, it is already).
    if context["logging"] is not None and logs.settings() is None:
        logs.setup(*context["logging"])
    parent = context["parent"]
    if not _die_with_parent():

        def exit_with_parent() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=exit_with_parent, daemon=True).start()
    if os.getppid() != parent:  # gone before this worker could ask to be ended with it
        os._exit(1)


def _worker_signals() -> None:
    """A worker's SIGTERM, and its SIGINT unless ignored, end it by :func:`_end_by_signal`."""
    signal.signal(signal.SIGTERM, _end_by_signal)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _end_by_signal)


# A process forked by the command is one of its workers: it takes a worker's handlers in the fork
# itself. The pool's own start of the process runs before _init_worker, and SIGTERM there (sent
# to every worker when one is killed) met the command's handler, whose exception
# multiprocessing printed with its traceback under the command's one line.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_worker_signals)


def _end_by_signal(signum: int, _: Any) -> None:
    """A worker's SIGTERM and SIGINT: remove the temporary files of the outputs it is writing
    (``run``'s cache entries; a finally block would, but no exception is raised here), then end
    by the signal, as with no handler."""
    remove_open_temporaries()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _die_with_parent() -> bool:
    """Ask Linux to send this process SIGKILL when its parent ends; whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        pr_set_pdeathsig = 1
        return ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL) == 0
    except (OSError, AttributeError):
        return False


def _worker_label_sources(sources: Sequence[str]) -> list[Rendered | Spooled | Skipped]:
    """In a worker of the pool: read, label and render a batch of files
    (:func:`~pipeline.stages.label_sources`), so that the main process only writes bytes."""
    w = _WORKER
    return _returned(item if isinstance(item, Skipped) else render(item, w["fmt"],
                                                                     w["bundle"].hash)
                     for item in label_sources(w["bundle"], sources, w["config"],
                                               encoding=w["encoding"], ids=w["ids"]))


def _worker_label_cached(tasks: Sequence[tuple[str, str, str]]) -> list[Rendered | Spooled]:
    """In a worker of the pool: ``pipeline run``'s labelling of a batch (:func:`label_cached`)."""
    w = _WORKER
    return _returned(label_cached(w["bundle"], w["config"], w["cache"], tasks, w["fmt"]))


def label_cached(bundle: Bundle, config: Config, cache: Cache,
                 tasks: Sequence[tuple[str, str, str]], fmt: str) -> Iterator[Rendered]:
    """``pipeline run``'s labelling: for each (source, segments key, labelled key), label the
    cached paragraphs (segmenting the source again if its cache entry went missing), cache the
    labelled document and yield it rendered for ``fmt``. Documents are scored together, as
    :func:`~pipeline.stages.label_sources` scores them; a long one in parts
    (:func:`~pipeline.stages.label_in_parts`), each part going into its cache entry and out as
    it comes (a :class:`Rendered` that does not close its document)."""
    loaded = ((labelled, _segmented(cache, segments, source, config))
              for source, segments, labelled in tasks)
    limit = SCORE_BATCH
    for batch in paragraph_batches(loaded, lambda task: len(task[1].paragraphs), limit):
        items = label_batch(bundle, [segmented for _, segmented in batch], config, limit)
        for key, _ in batch:
            pieces = document_items(items)
            first = next(pieces)
            if not isinstance(first, Part):
                cache.store(LABELLED, key, first)
                yield render(first, fmt, bundle.hash)
                continue
            # The last part goes out only once the entry is in place: a consumer that stops at
            # the part that closes the document never resumes this generator.
            held: Rendered | None = None
            with cache.writer(LABELLED, key) as entry:
                for part in chain([first], pieces):
                    entry.write(entry_bytes(part))
                    if held is not None:
                        yield held
                    held = render(part, fmt, bundle.hash)
            if held is not None:
                yield held


def _segmented(cache: Cache, key: str, source: str, config: Config) -> SegmentedDocument:
    """A document's cached paragraphs, or the source segmented again if the entry has gone."""
    cached = cache.load(SEGMENTS, key)
    return segmented_from_dict(cached) if cached else segment_file(source, config)


def _one(_: Any) -> int:
    """What each item counts for in a worker's batch of ``size`` items (see
    :func:`paragraph_batches`): one."""
    return 1


def _check_strict(items: Iterable[Item], strict: bool) -> Iterator[Item]:
    for item in items:
        if strict and isinstance(item, Skipped):
            raise InputError(f"{item.source}: {item.error}")
        yield item


def resolve_jobs(jobs: int) -> int:
    """``0`` means every core this process may use; more than four workers a core are cut to
    that, with a warning (each takes some 50 MB and the cores are busy: ``--jobs 1000`` would
    only run the machine out of memory)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    if jobs > 4 * cores:
        log.warning("--jobs %d is more than four workers a core (%d cores): using %d", jobs,
                    cores, 4 * cores)
        return 4 * cores
    return jobs if jobs > 0 else cores


def labelled_stream(
    bundle: Bundle,
    sources: Sequence[Path | str],
    config: Config,
    *,
    encoding: str | None = None,
    strict: bool = False,
    jobs: int = 0,
    fmt: str = "json",
    ids: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """Labelled documents (or :class:`Skipped`) for ``sources``, in order, on the backend; a
    long document in :class:`~pipeline.output.Part` s.

    From worker processes they come already rendered for ``fmt`` (:class:`Rendered`). ``ids``:
    the documents whose id is not their file name (see :func:`pipeline.stages.document_ids`).
    """
    ids = dict(ids or {})
    if config.classify.backend == "dask":
        if jobs > 0:  # the cluster's worker threads label; local processes would sit idle
            log.warning("%d local processes (--jobs or classify.jobs) have no effect with the "
                        "dask backend: the cluster's workers label, a task a thread", jobs)
        yield from _check_strict(_dask_stream(bundle, sources, config, encoding, ids, fmt),
                                 strict)
        return
    workers = min(resolve_jobs(jobs), max(1, len(sources)))
    if workers == 1 or any(str(source) == "-" for source in sources):  # stdin reads only here
        yield from label_sources(bundle, sources, config, encoding=encoding, strict=strict,
                                 ids=ids)
        return
    yield from _check_strict(
        _pool_stream(bundle, [str(p) for p in sources], config, encoding, workers, fmt, ids),
        strict,
    )


def _pool_stream(bundle: Bundle, sources: list[str], config: Config, encoding: str | None,
                 workers: int, fmt: str, ids: dict[str, str]) -> Iterator[Item]:
    size = _batch_size(len(sources), workers, config.classify.batch_size)
    context = {"bundle": bundle, "config": config, "encoding": encoding, "fmt": fmt, "ids": ids}
    batches = paragraph_batches(sources, _one, size)
    yield from ordered_pool(_worker_label_sources, batches, workers, context)


def _batch_size(items: int, workers: int, largest: int, per_worker: int = 16) -> int:
    """``largest`` (``classify.batch_size``, say), or smaller when there are few items, so that
    every worker gets ``per_worker`` batches."""
    return max(1, min(largest, -(-items // (workers * per_worker))))


def cached_stream(bundle: Bundle, config: Config, cache: Cache,
                  tasks: Sequence[tuple[str, str, str]], jobs: int, fmt: str) -> Iterator[Rendered]:
    """:func:`label_cached` over ``tasks`` on ``jobs`` local processes, in order."""
    workers = min(resolve_jobs(jobs), max(1, len(tasks)))
    size = _batch_size(len(tasks), workers, config.classify.batch_size)
    if workers == 1:
        for batch in paragraph_batches(tasks, _one, size):
            yield from label_cached(bundle, config, cache, batch, fmt)
        return
    context = {"bundle": bundle, "config": config, "cache": cache, "fmt": fmt}
    batches = paragraph_batches(tasks, _one, size)
    yield from ordered_pool(_worker_label_cached, batches, workers, context)


def ordered_pool(work: Callable[[Any], list[Any]], batches: Iterable[Any], workers: int,
                 context: dict[str, Any]) -> Iterator[Any]:
    """``work`` over ``batches`` on ``workers`` processes, results in order.

    ``context`` (the model, the config) is handed to each worker once, at start-up, with how
    this process logs and the spool folder of this pool (see :func:`_returned`), removed when
    the pool ends; at most two batches per worker are in flight, so memory stays flat however
    many batches there are.
    """
    import multiprocessing as mp  # imported here: one worker (--jobs 1) starts no pool
    from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    with ExitStack() as stack:
        try:
            spool = stack.enter_context(tempfile.TemporaryDirectory(
                prefix="pipeline-batches.", ignore_cleanup_errors=True))
        except OSError:  # no temporary folder to write in: batches come back whole
            spool = None
        context = {**context, "logging": logs.settings(), "spool": spool, "parent": os.getpid()}
        pool = stack.enter_context(ProcessPoolExecutor(
            workers, mp_context=mp.get_context(method), initializer=_init_worker,
            initargs=(context,)))
        try:
            yield from _unspooled(_in_order((pool.submit(work, batch) for batch in batches),
                                            2 * workers, lambda future: _pool_result(pool, future)))
        except BaseException as exc:  # interrupted, a worker killed, the reader gone, an error
            _end_workers(pool)
            if isinstance(exc, BrokenProcessPool):
                raise PipelineError("a worker process was killed (by a signal, or by the system "
                                    "for want of memory); try fewer --jobs") from None
            raise


def _in_order(futures: Iterable[Any], limit: int,
              result: Callable[[Any], list[Any]] = lambda future: future.result()
              ) -> Iterator[Any]:
    """The items of each future's ``result`` (a list), in order; ``futures`` is drawn from (and
    so work submitted) only while fewer than ``limit`` are pending."""
    pending: deque[Any] = deque()
    for future in futures:
        pending.append(future)
        if len(pending) >= limit:
            yield from result(pending.popleft())
    while pending:
        yield from result(pending.popleft())


def _pool_workers(pool: Any) -> list[Any]:
    """The worker processes of a ``ProcessPoolExecutor`` (its own attribute: it has no other
    way to name them)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _pool_result(pool: Any, future: Any) -> list[Any]:
    """``future``'s result, or BrokenProcessPool once a worker of ``pool`` has ended. The pool's
    own thread tells that, unless the worker was killed while it sent a result back: that thread
    then waits for the rest of the result, and the command waited with it, forever."""
    from concurrent.futures import wait
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing.connection import wait as ended

    while not wait([future], timeout=1.0).done:
        if ended([p.sentinel for p in _pool_workers(pool)], timeout=0):
            raise BrokenProcessPool("a worker process ended while it labelled")
    return future.result()


def _end_workers(pool: Any) -> None:
    """End ``pool``'s workers at once, before its shutdown waits for them: SIGTERM, which has
    each remove its temporary files first (:func:`_end_by_signal`), then SIGKILL for any still
    there after 5 s. Then close this process's copy of the pipe they send results on (the pool
    keeps both ends here): once every writer is gone, the pool's thread, which may be waiting
    for the rest of a result a killed worker had begun to send, reads the pipe's end instead of
    waiting forever, and the shutdown, which waits for that thread, ends."""
    from multiprocessing.connection import wait

    workers = _pool_workers(pool)
    for process in workers:
        process.terminate()
    left = {process.sentinel: process for process in workers}
    deadline = time.monotonic() + 5.0
    while left and (remaining := deadline - time.monotonic()) > 0:
        for sentinel in wait(list(left), remaining):
            del left[sentinel]
    for process in left.values():
        process.kill()
    results = getattr(pool, "_result_queue", None)
    if results is not None:
        results._writer.close()


# ----------------------------------------------------------------------------- dask
@dataclass(frozen=True)
class Warned:
    """A warning a Dask worker logged (a file cut short, say), or a library's warning there
    (``logger`` ``py.warnings``), sent back with its batch's items to be logged where the
    command runs, as a local run logs it."""

    message: str
    logger: str = "pipeline"


class _Kept(logging.Handler):
    """Keeps the warnings this thread logs while it is attached (a Dask worker may run several
    batches at once, one a thread)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.warned: list[Warned] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.warned.append(Warned(record.getMessage(), record.name))


def _dask_label_batch(bundle: Bundle, config: Config, encoding: str | None,
                      batch: list[tuple[str, bytes | str]], ids: dict[str, str], fmt: str
                      ) -> list[Rendered | Skipped | Warned]:
    """Label a batch of (source, bytes) on a Dask worker and render it for ``fmt``, as a local
    worker does (bytes travel back, not nested dicts, and the client only writes them), with the
    warnings that gave, ours and libraries' (one line each, as the command shows them: a worker
    process starts fresh); a read error travels as a string. ``ids``: the batch's documents whose
    id is not their file name."""
    kept = _Kept()
    loggers = [log, logging.getLogger("py.warnings")]
    warnings.showwarning = logs.show_warning  # onto py.warnings, where it is kept
    for logger in loggers:
        logger.addHandler(kept)
    try:
        items: list[Rendered | Skipped | Warned] = [
            item if isinstance(item, Skipped) else render(item, fmt, bundle.hash)
            for item in _dask_items(bundle, config, encoding, batch, ids)]
    finally:
        for logger in loggers:
            logger.removeHandler(kept)
    return [*kept.warned, *items]


def _dask_items(bundle: Bundle, config: Config, encoding: str | None,
                batch: list[tuple[str, bytes | str]], ids: dict[str, str]) -> list[Item]:
    """The items of a Dask batch, each document's in order (all parts of a long one)."""
    from pipeline.reading import decode_bytes

    docs: list[Document | Skipped] = []
    for source, data in batch:
        if isinstance(data, str):
            docs.append(Skipped(source, data))
            continue
        try:
            docs.append(decode_bytes(data, source, encoding or config.reading.encoding,
                                     ids.get(source)))
        except PipelineError as exc:
            docs.append(Skipped.of(source, exc))
    labelled = label_sources(bundle, [d for d in docs if isinstance(d, Document)], config)
    out: list[Item] = []
    for doc in docs:
        out += [doc] if isinstance(doc, Skipped) else document_items(labelled)
    return out


def _dask_tasks(reads: Iterable[tuple[str, bytes | str]], files: int, size: int
                ) -> Iterator[list[tuple[str, bytes | str]]]:
    """Consecutive (source, bytes) in lists of at most ``files`` files and about ``size`` bytes
    (a list ends at the file that reaches it, so a bigger file is a list of its own).

    Each Dask task costs a round trip through the scheduler, some milliseconds: a task of 64
    files of 1 KB spent more time on that than on labelling them.

    >>> [len(t) for t in _dask_tasks([("a", b"x" * 5)] * 5 + [("b", "cannot read")], 3, 10)]
    [2, 2, 2]
    """
    task: list[tuple[str, bytes | str]] = []
    total = 0
    for source, data in reads:
        task.append((source, data))
        total += len(data) if isinstance(data, bytes) else 0
        if len(task) >= files or total >= size:
            yield task
            task, total = [], 0
    if task:
        yield task


def _read_bytes(source: Path | str) -> tuple[str, bytes | str]:
    """A source's bytes, read here for the cluster, or why they cannot be (as a local run says)."""
    try:
        return str(source), read_bytes(source)
    except OSError as exc:
        return str(source), f"cannot read: {exc.strerror or exc}"
    except FileUnreadable as exc:
        return str(source), Skipped.of(source, exc).error


def _dask_stream(bundle: Bundle, sources: Sequence[Path | str], config: Config,
                 encoding: str | None, ids: dict[str, str], fmt: str) -> Iterator[Item]:
    try:
        from distributed import Client, KilledWorker
    except ImportError:
        raise PipelineError(
            "the dask backend needs the optional extra: pip install '.[dask]' in the project's "
            "folder"
        ) from None
    address = config.classify.scheduler
    if not address:
        raise PipelineError("the dask backend needs a scheduler address: --scheduler ADDRESS "
                            "(or classify.scheduler in the config)")
    # The client's timeout also bounds its reconnecting after a lost connection.
    timeout = config.classify.connect_timeout
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise PipelineError(f"cannot reach the Dask scheduler at {address}: {exc} "
                            "(--connect-timeout SECONDS to wait longer)") from None
    except ValueError as exc:  # an unknown scheme, a port that is not a number
        raise PipelineError(f"not a Dask scheduler address: {address!r} ({exc}); "
                            "expected tcp://HOST:PORT") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise PipelineError(f"the Dask scheduler at {address} has no workers (waited "
                                f"{timeout:g} s); start a worker a core: dask worker "
                                f"{address} --nworkers -1 --nthreads 1") from None
        # A worker runs a task in each of its threads (by default `dask worker` starts a thread a
        # core): the share of files and the tasks in flight count threads, not workers.
        threads = max(1, sum(w["nthreads"] for w in client.scheduler_info()["workers"].values()))
        try:
            shipped = client.scatter(bundle, broadcast=True)
            reads = (_read_bytes(s) for s in sources)
            shown: set[Warned] = set()  # each worker process gives a library's warning once
            files = _batch_size(len(sources), threads, TASK_FILES, TASKS_PER_THREAD)
            for item in _in_order((client.submit(_dask_label_batch, shipped, config, encoding,
                                                 task, {s: ids[s] for s, _ in task if s in ids},
                                                 fmt, pure=False)
                                   for task in _dask_tasks(reads, files, TASK_BYTES)),
                                  2 * threads):
                if isinstance(item, Warned):
                    if item.logger == "py.warnings":  # a library's: once, whichever gave it
                        if item in shown:
                            continue
                        shown.add(item)
                    logging.getLogger(item.logger).warning("%s", item.message)
                else:
                    yield item
        except CancelledError:  # nothing here cancels a task: the cluster did
            # The scheduler went away, or the last workers there at the start, and the model
            # they held with them; when the scheduler stops it closes its workers too, so which
            # went first cannot be told.
            _close_quietly(client)
            raise PipelineError(f"lost the Dask scheduler at {address}, or the workers that held "
                                "the model, while labelling; run the command again once the "
                                "cluster is back") from None
        except KilledWorker:
            raise PipelineError(f"a Dask worker of {address} died while labelling (killed from "
                                "outside, or out of memory); give the workers more memory, or "
                                "label the largest files apart") from None
        except Exception as exc:
            module = _not_importable(exc)
            if module is None:
                raise
            raise PipelineError(f"the Dask cluster at {address} cannot import {module!r}: "
                                "install paragraph-themes (pip install '.[dask]', this release) "
                                "where the scheduler and every worker run") from None


def _close_quietly(client: Any) -> None:
    """Close a Dask client that lost its scheduler: closing it stops its reconnecting, which
    Dask logs as a traceback, not news to someone who has just been told the scheduler is gone."""
    before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)  # nothing of ours logs while the client closes
    try:
        client.close()
    finally:
        logging.disable(before)


def _not_importable(exc: BaseException) -> str | None:
    """The module that the scheduler or a worker could not import, if that is why ``exc`` was
    raised: Dask passes a remote ``ModuleNotFoundError`` on as an exception of another class
    holding its text, or as the cause of one. A cluster set up without this package (or one of
    its dependencies) is the user's to fix, not a bug."""
    seen: BaseException | None = exc
    while seen is not None:
        found = re.search(r"No module named '([^']+)'", str(seen))
        if found:
            return found.group(1)
        seen = seen.__cause__
    return None
