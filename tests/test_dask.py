"""classify on a Dask cluster gives the same output as a local run, paragraph for paragraph."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import HELDOUT, SEED, in_process

from pipeline.stages import classify

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as local:
        yield local


def _without_created(path: Path) -> bytes:
    return re.sub(rb'"created":"[^"]*"', b"", path.read_bytes())


def test_dask_output_equals_local_output(trained, cluster, tmp_path: Path) -> None:
    config, bundle_dir = trained
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    again = tmp_path / "again" / SEED.name  # the seed's name once more: both get ids of their own
    again.parent.mkdir()
    again.write_text("市委召開會議部署防控工作。", "utf-8")
    inputs = [SEED, HELDOUT, bad, again]
    local = classify(inputs, bundle_dir, tmp_path / "local.json", config, jobs=1)
    dask_config = config.model_copy(update={"classify": config.classify.model_copy(
        update={"backend": "dask", "scheduler": cluster.scheduler_address, "batch_size": 2})})
    remote = classify(inputs, bundle_dir, tmp_path / "dask.json", dask_config)
    assert _without_created(tmp_path / "local.json") == _without_created(tmp_path / "dask.json")
    assert remote.documents == local.documents == 10
    assert [s.source for s in remote.skipped] == [str(bad)]
    data = json.loads((tmp_path / "dask.json").read_text("utf-8"))
    ids = [d["id"] for d in data["documents"]]
    assert ids[0] == f"documents/{SEED.stem}" and ids[-1] == f"again/{SEED.stem}"
    assert data["errors"][0]["error"] == "not a text file: it is a PNG image"


def test_many_tiny_files_go_to_the_cluster_in_few_tasks(trained, cluster, tmp_path: Path) -> None:
    # Each task costs a round trip through the scheduler: 2,000 files of one line in tasks of
    # 64 (classify.batch_size) took five times a local run. Two workers get four tasks each.
    config, bundle_dir = trained
    texts = ["市委召開會議部署防控工作。", "醫院救治患者，物資保障到位。", "社區居民配合排查。"]
    for i in range(2000):
        folder = tmp_path / "archive" / f"part{i % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"n{i:04d}.txt").write_text(f"第{i}號：{texts[i % 3]}", "utf-8")
    inputs = [tmp_path / "archive"]
    local = classify(inputs, bundle_dir, tmp_path / "local.json", config, jobs=1)
    dask_config = config.model_copy(update={"classify": config.classify.model_copy(
        update={"backend": "dask", "scheduler": cluster.scheduler_address})})
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as tasks:
        remote = classify(inputs, bundle_dir, tmp_path / "dask.json", dask_config)
    assert _without_created(tmp_path / "local.json") == _without_created(tmp_path / "dask.json")
    assert remote.documents == local.documents == 2000
    assert len(tasks.data) <= 8


def test_every_thread_of_a_worker_gets_its_share_of_tasks(trained, tmp_path: Path) -> None:
    # `dask worker` starts one worker a machine with a thread a core: counting workers, one
    # four-thread worker got four tasks (and two in flight) for 400 files, and three threads idled.
    config, bundle_dir = trained
    for i in range(400):
        (tmp_path / f"n{i:03d}.txt").write_text(f"第{i}號：社區居民配合排查。", "utf-8")
    inputs = sorted(tmp_path.glob("n*.txt"))
    local = classify(inputs, bundle_dir, tmp_path / "local.json", config, jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=4, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=":0") as threaded:
        dask_config = config.model_copy(update={"classify": config.classify.model_copy(
            update={"backend": "dask", "scheduler": threaded.scheduler_address})})
        with distributed.Client(threaded) as client, \
                distributed.get_task_stream(client) as tasks:
            remote = classify(inputs, bundle_dir, tmp_path / "dask.json", dask_config)
    assert _without_created(tmp_path / "local.json") == _without_created(tmp_path / "dask.json")
    assert remote.documents == local.documents == 400
    assert len(tasks.data) == 16  # four tasks for each of the four threads


def test_dask_from_the_command_line(trained, cluster, tmp_path: Path) -> None:

    _, bundle_dir = trained
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "classify", str(SEED), "--model", str(bundle_dir),
         "--backend", "dask", "--scheduler", cluster.scheduler_address, "--format", "jsonl",
         "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(out.read_text("utf-8").splitlines()) == 137


def test_an_unreachable_scheduler_is_a_clear_error(trained, tmp_path: Path) -> None:

    _, bundle_dir = trained
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "classify", str(SEED), "--model", str(bundle_dir),
         "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1.5", "-o",
         str(tmp_path / "x.json")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert result.stderr.startswith("pipeline: error: cannot reach the Dask scheduler at "
                                    "tcp://127.0.0.1:9: ")
    # The client waited as long as it was told, and the line says how to wait longer.
    assert "after 1.5 s (--connect-timeout SECONDS to wait longer)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("address", ["foo://x", "tcp://127.0.0.1:notaport"])
def test_a_malformed_scheduler_address_is_a_clear_error(trained, tmp_path: Path,
                                                         address: str) -> None:
    # In this process (conftest.in_process): the real command's clear errors of a cluster are
    # the unreachable scheduler's and the missing package's.
    _, bundle_dir = trained
    result = in_process("classify", str(SEED), "--model", str(bundle_dir), "--scheduler",
                        address, "-o", str(tmp_path / "x.json"))
    err = result.stderr.decode()
    assert result.returncode == 2
    assert err.startswith(f"pipeline: error: not a Dask scheduler address: '{address}'")
    assert "Traceback" not in err and not (tmp_path / "x.json").exists()


def test_an_earlier_runs_uncollected_future_stays_out_of_a_runs_error(trained,
                                                                       tmp_path: Path) -> None:
    # A Dask client's timed-out future, left in a cycle by one test, once logged during the next
    # test's run that its exception was never retrieved, before that run's one line; a process of
    # its own has no such leftovers, and in_process must not have them either.
    loop = asyncio.new_event_loop()
    future = loop.create_future()
    future.set_exception(TimeoutError("Timeout"))
    cycle: list = [future]
    cycle.append(cycle)
    loop.close()
    del future, cycle
    _, bundle_dir = trained
    result = in_process("classify", str(SEED), "--model", str(bundle_dir), "-q",
                        "-o", str(tmp_path / "x.json"))
    assert result.returncode == 0
    assert result.stderr == b""


def test_a_cluster_without_workers_is_a_clear_error(trained, tmp_path: Path) -> None:
    from pipeline.errors import PipelineError

    config, bundle_dir = trained
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=":0") as empty:
        dask_config = config.model_copy(update={"classify": config.classify.model_copy(
            update={"backend": "dask", "scheduler": empty.scheduler_address,
                    "connect_timeout": 0.5})})
        with pytest.raises(PipelineError, match=r"has no workers \(waited 0.5 s\)"):
            classify([SEED], bundle_dir, tmp_path / "x.json", dask_config)
    assert not (tmp_path / "x.json").exists()


def test_standard_input_closed_is_skipped_on_a_cluster_as_locally(trained, cluster,
                                                                  tmp_path: Path) -> None:
    import os

    _, bundle_dir = trained
    command = (f"{sys.executable} -m pipeline classify - {SEED} --model {bundle_dir} -q "
               f"-o {tmp_path}/out.json")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for backend in ("", f" --scheduler {cluster.scheduler_address}"):
        result = subprocess.run(["bash", "-c", command + backend + " <&-"], capture_output=True,
                                text=True, timeout=300, env=env)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        errors = json.loads((tmp_path / "out.json").read_text("utf-8"))["errors"]
        assert errors == [{"source": "-", "error": "cannot read standard input: it is closed"}]


def test_a_warning_on_a_worker_is_shown_where_the_command_runs(trained, cluster,
                                                               tmp_path: Path) -> None:
    import os

    _, bundle_dir = trained
    cut = tmp_path / "cut.txt"
    cut.write_bytes("醫院救治患者。".encode() + b"\xe9\x86")  # a file cut short
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    args = ["classify", str(cut), "--model", str(bundle_dir), "-q", "-o",
            str(tmp_path / "out.json")]
    local = in_process(*args)  # what the command says of it without a cluster
    assert local.returncode == 0, local.stderr.decode()
    result = subprocess.run([sys.executable, "-m", "pipeline", *args, "--scheduler",
                             cluster.scheduler_address],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == local.stderr.decode() and "unfinished UTF-8 character" in result.stderr


def test_a_library_warning_on_a_worker_is_one_line_where_the_command_runs(
        trained, cluster, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A worker process starts fresh: a library's warning there (re's, on a POSIX class as other
    # regular expression dialects write it) kept Python's two-line form, and went to the
    # worker's own standard error. Now it comes back, once however many workers gave it.
    config, bundle_dir = trained
    dask_config = config.model_copy(update={
        "segment": config.segment.model_copy(update={"boilerplate_patterns": ["^[[:digit:]]+$"]}),
        "classify": config.classify.model_copy(update={
            "backend": "dask", "scheduler": cluster.scheduler_address, "batch_size": 1})})
    caplog.set_level(logging.WARNING, logger="py.warnings")  # whatever a test before left
    classify([SEED, HELDOUT], bundle_dir, tmp_path / "dask.json", dask_config)
    warned = [r.getMessage() for r in caplog.records if r.name == "py.warnings"]
    assert len(warned) == 1, warned
    where = re.escape(str(Path(__file__).resolve().parents[1] / "pipeline" / "segment.py"))
    assert re.fullmatch(where + r":\d+: FutureWarning: Possible nested set at position 2",
                        warned[0]), warned


def test_a_batch_keeps_only_the_warnings_of_its_own_thread() -> None:
    # A Dask worker with several threads runs batches side by side: each batch sends back the
    # warnings it logged, not its neighbour's.
    import threading

    from pipeline.parallel import Warned, _Kept

    log = logging.getLogger("pipeline")
    kept = _Kept()
    log.addHandler(kept)
    try:
        other = threading.Thread(target=log.warning, args=("the neighbour's",))
        other.start()
        other.join()
        log.warning("this batch's")
    finally:
        log.removeHandler(kept)
    assert kept.warned == [Warned("this batch's")]


# Runs a dask scheduler or worker (argv[1]) that cannot import this package when argv[2] is
# "blocked": a cluster where it was not installed on that machine.
_CLUSTER_PART = """
import sys

class NoPipeline:
    def find_spec(self, name, path=None, target=None):
        if name == "pipeline" or name.startswith("pipeline."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

part, blocked, scheduler_file = sys.argv[1:4]
if blocked == "blocked":
    sys.meta_path.insert(0, NoPipeline())
if part == "scheduler":
    from distributed.cli.dask_scheduler import main
    sys.argv = ["dask-scheduler", "--scheduler-file", scheduler_file, "--host", "127.0.0.1",
                "--port", "0", "--no-dashboard"]
else:
    from distributed.cli.dask_worker import main
    sys.argv = ["dask-worker", "--scheduler-file", scheduler_file, "--nthreads", "1",
                "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"]
main()
"""


@pytest.mark.parametrize("blocked", ["scheduler", "worker"])
def test_a_cluster_without_the_package_is_a_clear_error(trained, tmp_path: Path,
                                                        blocked: str) -> None:
    # The package missing where the scheduler or a worker runs was a traceback and exit 3,
    # "an internal error, a bug": it is the cluster's set-up, and says what to install where.

    _, bundle_dir = trained
    scheduler_file = tmp_path / "scheduler.json"
    parts = []
    try:
        for part in ("scheduler", "worker"):
            parts.append(subprocess.Popen(
                [sys.executable, "-c", _CLUSTER_PART, part,
                 "blocked" if part == blocked else "free", str(scheduler_file)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path))
            deadline = time.monotonic() + 60
            while not scheduler_file.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
        address = json.loads(scheduler_file.read_text("utf-8"))["address"]
        result = subprocess.run(
            [sys.executable, "-m", "pipeline", "classify", str(SEED), "--model", str(bundle_dir),
             "--scheduler", address, "-o", str(tmp_path / "x.json")],
            capture_output=True, text=True, timeout=300)
    finally:
        for process in parts:
            process.terminate()
            process.wait(timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"pipeline: error: the Dask cluster at {address} cannot import 'pipeline': install "
        "paragraph-themes (pip install '.[dask]', this release) where the scheduler and every "
        "worker run"]
    assert not (tmp_path / "x.json").exists()


def test_a_scheduler_lost_mid_run_is_a_clear_error(trained, tmp_path: Path) -> None:
    # The client reads standard input when its task is formed: the scheduler is shut down while
    # the command waits on it, so the next task goes to a scheduler that is gone.

    _, bundle_dir = trained
    out = tmp_path / "out.json"
    out.write_text("earlier output", "utf-8")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as doomed:
        address = doomed.scheduler_address
        command = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "classify", "-", str(SEED), "--model",
             str(bundle_dir), "--scheduler", address, "--connect-timeout", "2", "-q", "-o",
             str(out)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not doomed.scheduler.tasks:  # the model scattered: the command waits on its input
            assert command.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
    _, stderr = command.communicate("醫院救治患者。", timeout=120)
    assert command.returncode == 2, stderr
    # Before it, the Dask client's own line says that it could not reconnect, in the time given;
    # or, when the scheduler dropped the task first (the cluster closes its worker before its
    # scheduler, and the model goes with the worker), that its connection closed.
    reconnects = re.findall(r"Failed to reconnect to scheduler after ([\d.]+) seconds", stderr)
    assert reconnects == ["2.00"] or (not reconnects and "Batched Comm Closed" in stderr), stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == (
        f"pipeline: error: lost the Dask scheduler at {address}, or the workers that held the "
        "model, while labelling; run the command again once the cluster is back")
    assert out.read_text("utf-8") == "earlier output"


def test_a_worker_killed_mid_task_is_a_clear_error(trained, tmp_path: Path) -> None:
    # The system's out-of-memory killer, say: with no retries left the scheduler gives up on the
    # task (KilledWorker), which was a bug's traceback; a local worker's death is one line.
    import os

    import dask

    _, bundle_dir = trained
    big = tmp_path / "big.txt"
    big.write_text(SEED.read_text("utf-8") * 300, "utf-8")  # a task of some seconds
    out = tmp_path / "out.json"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", dashboard_address=":0") as fragile:
        command = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "classify", str(big), "--model", str(bundle_dir),
             "--scheduler", fragile.scheduler_address, "-q", "-o", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not any(task.state == "processing" for task in fragile.scheduler.tasks.values()):
            assert command.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        (nanny,) = fragile.workers.values()
        os.kill(nanny.pid, signal.SIGKILL)
        _, stderr = command.communicate(timeout=120)
    assert command.returncode == 2, stderr
    assert "Traceback" not in stderr and len(stderr.splitlines()) == 1
    assert stderr.startswith(f"pipeline: error: a Dask worker of {fragile.scheduler_address} "
                             "died while labelling")
    assert not out.exists()


def test_the_scheduler_stopped_mid_task_is_one_line(trained, tmp_path: Path) -> None:
    # Ctrl-C on `dask scheduler` while a task runs: the client drops the task at once and starts
    # to reconnect; closing it then had Dask log the cancelled reconnection's traceback.
    _, bundle_dir = trained
    big = tmp_path / "big.txt"
    big.write_text(SEED.read_text("utf-8") * 300, "utf-8")  # a task of some seconds
    out = tmp_path / "out.json"
    bare = distributed.LocalCluster(n_workers=0, processes=True, host="127.0.0.1",
                                    dashboard_address=":0")
    address = bare.scheduler_address
    worker = subprocess.Popen(
        [sys.executable, "-m", "dask", "worker", address, "--nthreads", "1",
         "--dashboard-address", ":0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        command = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "classify", str(big), "--model", str(bundle_dir),
             "--scheduler", address, "--connect-timeout", "30", "-q", "-o", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not any(t.state == "processing" for t in bare.scheduler.tasks.values()):
            assert command.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        bare.close()
        _, stderr = command.communicate(timeout=120)
    finally:
        worker.kill()
        worker.wait()
        bare.close()
    assert command.returncode == 2, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.splitlines()[-1] == (
        f"pipeline: error: lost the Dask scheduler at {address}, or the workers that held the "
        "model, while labelling; run the command again once the cluster is back")
    assert not out.exists()


def test_jobs_on_a_cluster_is_said_to_have_no_effect(trained, cluster, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    # --jobs 3 with --backend dask was ignored without a word: the cluster's workers label.
    config, bundle_dir = trained
    dask_config = config.model_copy(update={"classify": config.classify.model_copy(
        update={"backend": "dask", "scheduler": cluster.scheduler_address})})
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        classify([SEED], bundle_dir, tmp_path / "out.json", dask_config, jobs=3)
    assert [r.getMessage() for r in caplog.records if r.name == "pipeline"] == [
        "3 local processes (--jobs or classify.jobs) have no effect with the dask backend: "
        "the cluster's workers label, a task a thread"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        classify([SEED], bundle_dir, tmp_path / "out.json", dask_config)
    assert not [r for r in caplog.records if r.name == "pipeline"]
