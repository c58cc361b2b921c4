"""Nothing is lost: atomic outputs, killed runs, concurrent training, reproducible output."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SEED, SOME_WRITTEN, corpus_config, in_process, write_corpus_config

from pipeline.cache import LABELLED
from pipeline.model import load_bundle, read_meta


def _ctrl_c_as_at_a_terminal() -> None:
    """Run in a started command before it execs: Ctrl-C's signal handled as at a terminal (a
    test run started in the background without job control would hand it down ignored, and
    Python then never raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args: str, tmp: Path | None = None) -> subprocess.Popen:
    """The command in a process of its own, with Ctrl-C's signal handled as at a terminal.
    ``tmp``: its temporary folder (TMPDIR), for a command killed with SIGKILL, which leaves its
    workers' spool folder behind."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_ctrl_c_as_at_a_terminal)


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    data = SEED.read_bytes()
    for i in range(150):
        (folder / f"doc{i:03d}.txt").write_bytes(data)
    return folder


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_killed_classify_leaves_the_previous_output(trained, big_input: Path, tmp_path: Path,
                                                      sig: signal.Signals) -> None:
    _, bundle_dir = trained
    out = tmp_path / "labelled.json"
    out.write_text("the previous output", "utf-8")
    proc = start("classify", str(big_input), "--model", str(bundle_dir), "-o", str(out),
                 "--jobs", "1")

    def writing() -> bool:
        temps = list(tmp_path.glob(".labelled.json.*.tmp"))
        return bool(temps) and temps[0].stat().st_size > 100_000

    wait_for(writing)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert out.read_text("utf-8") == "the previous output"
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err.decode()
        assert b"interrupted" in err and b"Traceback" not in err
        assert list(tmp_path.glob(".*.tmp")) == []  # the partial file was removed


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie no one has reaped yet counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_workers_end_when_their_parent_is_killed(trained, big_input: Path,
                                                  tmp_path: Path) -> None:
    """A SIGKILLed classify (or run: the same pool) must not leave its workers waiting for work
    forever."""
    _, bundle_dir = trained
    proc = start("classify", str(big_input), "--model", str(bundle_dir), "-o",
                 str(tmp_path / "out.json"), "--jobs", "2", tmp=tmp_path)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    wait_for(lambda: len(children.read_text().split()) >= 2, timeout=300)
    workers = [int(pid) for pid in children.read_text().split()]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    wait_for(lambda: all(map(_gone, workers)), timeout=20)


@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc").is_dir(),
                    reason="needs fork and Linux's /proc")
def test_a_worker_whose_parent_died_before_it_started_ends() -> None:
    """A command killed right after it forked its workers, before they set up: each worker
    must still end (it used to take the process that adopted it for its parent, and wait for
    work forever)."""
    script = (
        "import os, time\n"
        "from pipeline import parallel\n"
        "parent = os.getpid()\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    null = os.open(os.devnull, os.O_RDWR)\n"
        "    os.dup2(null, 1), os.dup2(null, 2)  # the test reads the parent's output to its end\n"
        "    time.sleep(0.5)  # the parent has ended by now\n"
        "    parallel._init_worker({'parent': parent, 'logging': None})\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(child, flush=True)\n"
        "os._exit(0)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    worker = int(done.stdout)
    try:
        wait_for(lambda: _gone(worker), timeout=20)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)


def test_a_worker_ended_while_it_sets_up_just_ends() -> None:
    """The pool ends its workers with SIGTERM when one is killed; one still setting up had the
    command's handler, which raised, and the pool printed that exception's traceback. Here
    SIGTERM arrives while the worker sets up its logging: it must end by the signal, silently."""
    done = _with_the_commands_sigterm(
        "import os\n"
        "from pipeline import logs\n"
        "logs.settings = lambda: os.kill(os.getpid(), signal.SIGTERM)\n"
        "parallel._init_worker({'parent': os.getppid(), 'logging': (False, False)})\n")
    assert done.returncode == -signal.SIGTERM and done.stderr == "", done.stderr


def _with_the_commands_sigterm(script: str) -> subprocess.CompletedProcess:
    """Python running ``script`` after ``signal`` and ``pipeline.parallel`` are imported and a
    SIGTERM handler that raises is set, as the command line sets its own."""
    prelude = ("import signal\n"
               "from pipeline import parallel\n"
               "def handler(*_):\n"
               "    raise RuntimeError('the command handler ran in a worker')\n"
               "signal.signal(signal.SIGTERM, handler)\n")
    return subprocess.run([sys.executable, "-c", prelude + script], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_worker_ended_before_it_sets_up_just_ends() -> None:
    """As above, with SIGTERM before the worker's set-up runs at all (the pool's own start of
    the process, from the fork on): a pool's worker was still starting when another was killed
    and the rest were ended, and printed the command handler's exception with its traceback."""
    done = _with_the_commands_sigterm(
        "import multiprocessing, time\n"
        "context = multiprocessing.get_context('fork')\n"
        "started = context.Event()\n"
        "def starting():\n"
        "    started.set()\n"
        "    time.sleep(60)\n"
        "worker = context.Process(target=starting)\n"
        "worker.start()\n"
        "started.wait(30)\n"
        "worker.terminate()\n"
        "worker.join(30)\n"
        "print(worker.exitcode)\n")
    assert (done.stdout, done.stderr) == (f"{-signal.SIGTERM}\n", ""), done.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker's change must reach the pool")
@pytest.mark.parametrize("when", ["made", "written"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_worker_ended_while_it_writes_a_cache_entry_leaves_no_temporary(
        tmp_path: Path, sig: signal.Signals, when: str) -> None:
    """Ctrl-C (or SIGTERM) in the middle of run's labelling reaches its workers too, which end
    by the signal at once; one writing a cache entry left the entry's temporary file
    (``.<key>.json.<random>.tmp`` in ``output/.cache/labelled/``) for the next run to remove
    an hour later. Here a worker is signalled while its entry's file is made (making a file in
    a folder of thousands, while others sync theirs, takes a while) or half written, while the
    command writes its own output, which must stay its own to finish."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from pipeline.cache import LABELLED, Cache\n"
        "from pipeline.errors import PipelineError\n"
        "from pipeline.output import atomic_write\n"
        "from pipeline.parallel import ordered_pool\n"
        "folder, when = Path(sys.argv[1]), sys.argv[2]\n"
        "def work(batch):\n"
        "    made = os.open\n"
        "    def signalled(path, *args, **kwargs):\n"
        "        fd = made(path, *args, **kwargs)\n"
        "        if when == 'made' and str(path).endswith('.tmp'):\n"
        f"            os.kill(os.getpid(), {int(sig)})\n"
        "        return fd\n"
        "    os.open = signalled\n"
        "    with Cache(folder).writer(LABELLED, f'{batch[0]:04x}') as fh:\n"
        "        fh.write(b'the first part of an entry')\n"
        f"        os.kill(os.getpid(), {int(sig)})\n"
        "    return batch\n"
        "with atomic_write(folder / 'out.json') as out:  # as run writes its output meanwhile\n"
        "    try:\n"
        "        list(ordered_pool(work, [[1], [2]], 2, {}))\n"
        "    except PipelineError as exc:\n"
        "        print(exc)\n"
        "    out.write('the output')\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path), when], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)},
                          preexec_fn=_ctrl_c_as_at_a_terminal)
    assert "a worker process was killed" in done.stdout, done.stderr
    assert list((tmp_path / LABELLED).iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [LABELLED, "out.json"]
    assert (tmp_path / "out.json").read_text("utf-8") == "the output"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker's change must reach the pool")
@pytest.mark.parametrize("how", ["killed", "ctrl-c"])
def test_a_worker_killed_while_it_sends_its_result_does_not_hang_the_command(
        tmp_path: Path, how: str) -> None:
    """A worker killed while it sends a batch's result back (the out-of-memory killer; or
    Ctrl-C, which reaches the workers too) leaves half the result in the pipe, and the pool's
    thread waited for the rest forever: the command hung instead of saying a worker was killed,
    and, interrupted, hung in the pool's shutdown instead of ending. Here a worker sends half
    its result and is killed (with Ctrl-C at the command as well: ``ctrl-c``)."""
    script = (
        "import os, signal, sys\n"
        "from multiprocessing import connection\n"
        "from pipeline.parallel import ordered_pool\n"
        "def work(batch):\n"
        "    send = connection.Connection._send\n"
        "    def cut_short(self, buf):\n"
        "        if len(buf) > 1_000_000:  # the result: half of it, then the worker is killed\n"
        "            os.write(self._handle, bytes(buf[:len(buf) // 2]))\n"
        "            if sys.argv[1] == 'ctrl-c':\n"
        "                os.kill(os.getppid(), signal.SIGINT)\n"
        "            os.kill(os.getpid(), signal.SIGKILL)\n"
        "        send(self, buf)\n"
        "    connection.Connection._send = cut_short\n"
        "    return [b'x' * 2_000_000]\n"
        "try:\n"
        "    list(ordered_pool(work, [[1]], 2, {}))\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
        "except Exception as exc:\n"
        "    print(exc)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, how], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=_ctrl_c_as_at_a_terminal)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"{how}: the command hung") from None
    assert out == ("interrupted\n" if how == "ctrl-c" else
                   "a worker process was killed (by a signal, or by the system for want of "
                   "memory); try fewer --jobs\n"), err


def _ctrl_c_ignored() -> None:
    """Run in a started command before it execs: Ctrl-C's signal ignored, as a shell script
    hands it to a command it starts in the background (``pipeline classify … &``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_a_command_that_ignores_ctrl_c_keeps_its_workers(tmp_path: Path) -> None:
    """A command started with Ctrl-C ignored (in the background of a script) went on through
    Ctrl-C, but its workers, which took it again, were ended by it: 'a worker process was
    killed …; try fewer --jobs', exit 2, nothing written. Here a worker's batch sends SIGINT
    to the command's whole process group, as Ctrl-C at the terminal would."""
    script = (
        "import os, signal\n"
        "from pipeline.parallel import ordered_pool\n"
        "def work(batch):\n"
        "    os.killpg(0, signal.SIGINT)\n"
        "    return batch\n"
        "print(list(ordered_pool(work, [[1], [2], [3]], 2, {})))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          start_new_session=True, preexec_fn=_ctrl_c_ignored)
    assert (done.returncode, done.stdout) == (0, "[1, 2, 3]\n"), done.stderr


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_a_killed_worker_is_one_line_and_the_previous_output_stays(
        trained, big_input: Path, tmp_path: Path) -> None:
    # A worker killed from outside (the system's out-of-memory killer, say) ends the command
    # with one line, exit 2; the previous output is kept.
    _, bundle_dir = trained
    out = tmp_path / "out.json"
    out.write_text("previous", "utf-8")
    proc = start("classify", str(big_input), "--model", str(bundle_dir), "-o", str(out),
                 "--jobs", "2")
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    wait_for(lambda: len(children.read_text().split()) >= 2, timeout=300)
    os.kill(int(children.read_text().split()[0]), signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, err.decode()
    assert "a worker process was killed" in lines[0]
    assert out.read_text("utf-8") == "previous"


def _cpu_ticks(pids: list[int]) -> int:
    """The CPU time the processes ``pids`` have used so far, in clock ticks."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += sum(map(int, Path(f"/proc/{pid}/stat").read_text()
                             .split(") ", 1)[1].split()[11:13]))
    return total


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_ctrl_c_with_idle_workers_is_one_line(trained, big_input: Path) -> None:
    """Ctrl-C at a terminal signals the command and its worker processes alike: a worker waiting
    for its next batch (here the command waits on a reader that reads nothing yet) printed
    multiprocessing's traceback, one a worker, above the command's own line."""
    _, bundle_dir = trained
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "classify", str(big_input), "--model",
         str(bundle_dir), "--jobs", "2", "--format", "jsonl", "-o", "-"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=_ctrl_c_as_at_a_terminal)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    wait_for(lambda: len(children.read_text().split()) >= 2, timeout=300)
    workers = [int(pid) for pid in children.read_text().split()]
    ticks = [-1]

    def idle() -> bool:  # the workers' CPU time stands still: they wait for work
        time.sleep(1.0)
        before, ticks[0] = ticks[0], _cpu_ticks(workers)
        return before == ticks[0]

    wait_for(idle, timeout=300)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert err.decode().splitlines() == ["pipeline: interrupted; earlier outputs are unchanged"]


def _console_script(folder: Path) -> Path:
    """The ``pipeline`` script as pip writes it for pyproject.toml's entry point (the installed
    one may be of another checkout)."""
    module, function = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))[
        "project"]["scripts"]["pipeline"].split(":")
    script = folder / "pipeline"
    script.write_text(f"import sys\nfrom {module} import {function}\n"
                      f"if __name__ == '__main__':\n    sys.exit({function}())\n", "utf-8")
    return script


@pytest.mark.parametrize("how", ["python -m pipeline", "console script"])
def test_ctrl_c_while_the_command_starts_is_one_line(how: str, tmp_path: Path) -> None:
    """Ctrl-C in a command's first few tenths of a second, while Python imports its modules or
    it parses its arguments, printed Python's KeyboardInterrupt traceback."""
    script = _console_script(tmp_path)
    command = ([sys.executable, "-m", "pipeline"] if how == "python -m pipeline"
               else [sys.executable, str(script)])
    # A frame in the package is ours; the script's own lines are pip's, and Ctrl-C while its
    # import looks for the package (the path importer's cache, say) comes before any code of ours.
    ours = f'File "{ROOT / "pipeline"}{os.sep}'.encode()
    one_line = b"pipeline: interrupted; earlier outputs are unchanged\n"
    ours_took_it = 0
    for delay in (0.0, 0.01, 0.02, 0.04, 0.06, 0.09, 0.12, 0.16, 0.2, 0.3):
        # It reads standard input, which is never written: it is still at work when signalled.
        proc = subprocess.Popen(
            [*command, "segment", "-", "-q"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=_ctrl_c_as_at_a_terminal)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        if (proc.returncode, err) == (130, one_line):
            ours_took_it += 1
            continue
        # Else Python's own start took it, before any code of ours, and that is none of ours:
        # Python died of the signal (no handler yet), or said where it was, in site's .pth files
        # (an editable install's is slow) say, with a traceback, a bare "KeyboardInterrupt" or,
        # in the set-up of its standard streams, a "Fatal Python error"; no frame of ours.
        assert ours not in err, (delay, err.decode())
    assert ours_took_it, "no Ctrl-C came once the command's own code ran"


def test_ctrl_c_in_code_exec_runs_exits_130(tmp_path: Path) -> None:
    """CPython marks a KeyboardInterrupt that leaves code run by exec() of a string (dataclasses
    make their methods so, in the modules a command imports as it starts its work) as unhandled,
    though the command handled it: ``python -m pipeline`` then died by SIGINT after its line,
    not with exit code 130. Here a command is so interrupted, every time."""
    result = _run_module(tmp_path, "interrupted_in_exec", (
        "import sys\n"
        "from pipeline import cli\n"
        "from pipeline.entry import run\n"
        "def segment(args):  # Ctrl-C while exec() runs code\n"
        "    exec('import signal; signal.raise_signal(signal.SIGINT)')\n"
        "cli.COMMANDS['segment'] = segment\n"
        "sys.argv[1:] = ['segment', '-']\n"
        "raise SystemExit(run())\n"), preexec_fn=_ctrl_c_as_at_a_terminal)
    assert (result.returncode, result.stderr) == (
        130, b"pipeline: interrupted; earlier outputs are unchanged\n")


def _run_module(folder: Path, name: str, source: str,
                **popen: Any) -> subprocess.CompletedProcess:
    """``python -m name`` of a module ``source`` written into ``folder``, the package importable."""
    (folder / f"{name}.py").write_text(source, "utf-8")
    return subprocess.run([sys.executable, "-m", name], cwd=folder, capture_output=True,
                          env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{folder}"},
                          timeout=60, **popen)


def test_sigterm_while_the_command_starts_exits_130(tmp_path: Path) -> None:
    """SIGTERM in a command's first tenth of a second or so, while Python imports the command
    line's modules (before it sets its handler of SIGTERM), ended the process by the signal: no
    line, and 143 in a shell, not the 130 the README gives. Here it comes as ``pipeline.cli``
    starts to be imported, every time."""
    result = _run_module(tmp_path, "terminated_in_import", (
        "import os, signal, sys\n"
        "class Finder:  # SIGTERM as the command line's modules start to be imported\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'pipeline.cli':\n"
        "            os.kill(os.getpid(), signal.SIGTERM)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Finder())\n"
        "from pipeline.entry import run\n"
        "sys.argv[1:] = ['status']\n"
        "raise SystemExit(run())\n"))
    assert (result.returncode, result.stderr) == (
        130, b"pipeline: interrupted; earlier outputs are unchanged\n")


def _leftovers(folder: Path, *names: str, age: float) -> list[Path]:
    """Files or folders in ``folder`` as killed runs leave them, last touched ``age`` s ago."""
    paths = []
    for name in names:
        path = folder / name
        if name.endswith(".tmp"):
            path.write_text("partial", "utf-8")
        else:
            path.mkdir()
            (path / "model.pkl").write_bytes(b"partial")
        os.utime(path, (time.time() - age, time.time() - age))
        paths.append(path)
    return paths


def test_what_killed_runs_left_is_removed_once_it_is_stale(trained, tmp_path: Path) -> None:
    """A killed classify leaves its temporary output, a killed training its unfinished version
    folder; the next write of the same output or bundle removes them once an hour has passed
    (a younger one may belong to a run still going)."""
    from pipeline.stages import classify, train

    config, bundle_dir = trained
    # The shared model's folder copied (its link and version), so that training again, here on
    # one batch of written paragraphs to be quick, swaps a bundle of this test's own.
    shutil.copytree(bundle_dir.parent, tmp_path / "models", symlinks=True)
    small = corpus_config(tmp_path, corpus={"written": [str(SOME_WRITTEN[0])]})
    bundle_dir = small.bundle_dir
    out = tmp_path / "labelled.json"
    stale = _leftovers(tmp_path, ".labelled.json.abcd1234.tmp", age=7200)
    kept = [*_leftovers(tmp_path, ".labelled.json.efgh5678.tmp", age=60),
            *_leftovers(tmp_path, ".other.json.abcd1234.tmp", age=7200)]
    classify([SEED], bundle_dir, out, config)
    assert [p.exists() for p in stale + kept] == [False, True, True]

    link = tmp_path / "link.json"  # a link's temporaries are beside its target
    link.symlink_to(out)
    stale = _leftovers(tmp_path, ".labelled.json.ijkl9012.tmp", age=7200)
    classify([SEED], bundle_dir, link, config)
    assert not stale[0].exists() and link.is_symlink()

    models = bundle_dir.parent
    stale = _leftovers(models, f".{bundle_dir.name}.ab12cd34", age=7200)
    kept = [*_leftovers(models, f".{bundle_dir.name}.ef56gh78", age=60),
            *_leftovers(models, f".{bundle_dir.name}.old.ab12cd34", age=7200),  # moved aside
            *_leftovers(models, f".{bundle_dir.name}x.ab12cd34", age=7200)]  # another model's
    train(small, with_metrics=False)
    assert [p.exists() for p in stale + kept] == [False, True, True, True]


def _snapshot(bundle: Path) -> dict[str, bytes]:
    target = bundle.resolve()
    return {p.name: p.read_bytes() for p in sorted(target.iterdir())}


def _config(tmp: Path, name: str, c: float,
            written: tuple[Path, ...] = SOME_WRITTEN[:1]) -> Path:
    """A config training the model ``name`` with ``alpha`` ``c``: by default on one batch of
    written paragraphs, enough for what these tests check of bundles and quick to train."""
    return write_corpus_config(
        tmp / f"{name}-{c}.yaml",
        f"model: {{dir: {tmp / 'models'}, name: {name}, params: {{alpha: {c}}}}}",
        written=written,
    )


def test_a_bundle_that_cannot_be_written_is_one_line_and_the_previous_one_stays(
        tmp_path: Path) -> None:
    # A full disk while the bundle was written was a traceback, exit 3. Files here may not grow
    # past 256 KB (the limit a full disk sets, as the write fails with an OSError): model.pkl.
    import resource

    config = _config(tmp_path, "m", 1.0)
    first = in_process("train", "--config", str(config), "--no-metrics")  # the previous bundle
    assert first.returncode == 0, first.stderr.decode()
    before = read_meta(tmp_path / "models" / "m")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 10, 256 << 10))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "train", "--config", str(config),
                           "--no-metrics", "-q"], cwd=ROOT, env=env, capture_output=True,
                          preexec_fn=small_files, timeout=300)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err == (f"pipeline: error: {tmp_path / 'models' / 'm'}: cannot write the model "
                   "bundle: File too large; any previous one is unchanged\n")
    assert read_meta(tmp_path / "models" / "m") == before
    models = tmp_path / "models"  # the link and its folder: the half-written one is removed
    assert sorted(p.name for p in models.iterdir()) == sorted(["m", (models / "m").resolve().name])


def test_a_killed_training_leaves_the_previous_model(tmp_path: Path) -> None:
    first = in_process("train", "--config", str(_config(tmp_path, "m", 1.0)), "--no-metrics")
    assert first.returncode == 0, first.stderr.decode()
    bundle = tmp_path / "models" / "m"
    before = _snapshot(bundle)
    # The whole corpus, so the kill comes well inside training (reading, tokenizing or fitting).
    proc = start("train", "--config", str(_config(tmp_path, "m", 2.0, (ROOT / "corpus/written",))),
                 "--no-metrics")
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert _snapshot(bundle) == before
    assert load_bundle(bundle).meta["config"]["model"]["params"]["alpha"] == 1.0


def test_concurrent_trainings_never_mix_a_bundle(tmp_path: Path) -> None:
    procs = [start("train", "--config", str(_config(tmp_path, "shared", c)), "--no-metrics")
             for c in (1.0, 3.0)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    bundle = load_bundle(tmp_path / "models" / "shared")  # the hash check passes: not mixed
    c = bundle.meta["config"]["model"]["params"]["alpha"]
    assert c in (1.0, 3.0)
    assert c == bundle.pipeline.named_steps["classifier"].alpha
    leftovers = [p.name for p in (tmp_path / "models").iterdir() if ".link." in p.name]
    assert leftovers == []


def test_the_same_input_gives_byte_identical_output(trained, tmp_path: Path) -> None:
    _, bundle_dir = trained
    outputs = []
    for i in range(2):
        out = tmp_path / f"out{i}.json"
        proc = start("classify", str(SEED), str(ROOT / "corpus" / "heldout"), "--model",
                     str(bundle_dir), "-o", str(out))
        assert proc.wait(timeout=300) == 0
        outputs.append(out.read_bytes())
    assert len(json.loads(outputs[0])["documents"]) == 9
    created = re.compile(rb'"created":"[^"]*"')
    assert created.sub(b"", outputs[0]) == created.sub(b"", outputs[1])


def test_retraining_swaps_the_bundle_and_keeps_one_previous(tmp_path: Path) -> None:
    from pipeline.cli import main

    # The command run in this process: four processes each spent seconds importing
    # scikit-learn, for what is only the swap of the bundle after the fit.
    # A model whose name starts with the other's and a dot: its versions are not the other's.
    assert main(["train", "--config", str(_config(tmp_path, "v.x", 0.5)), "--no-metrics"]) == 0
    for c in (1.0, 2.0, 3.0):
        assert main(["train", "--config", str(_config(tmp_path, "v", c)), "--no-metrics"]) == 0
    models = tmp_path / "models"
    assert (models / "v").is_symlink()
    versions = [p for p in models.iterdir() if p.is_dir() and not p.is_symlink()
                and read_meta(p)["name"] == "v"]
    assert len(versions) == 2  # the current one and the one before
    assert read_meta(models / "v")["config"]["model"]["params"]["alpha"] == 3.0
    assert read_meta(models / "v.x")["config"]["model"]["params"]["alpha"] == 0.5
    shutil.rmtree(models)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_worker_processes_give_the_same_output_as_one(trained, tmp_path: Path, fmt: str) -> None:
    from pipeline.stages import classify

    config, bundle_dir = trained
    inputs = [SEED, ROOT / "corpus" / "heldout"]
    one = classify(inputs, bundle_dir, tmp_path / "one", config, fmt=fmt, jobs=1)
    two = classify(inputs, bundle_dir, tmp_path / "two", config, fmt=fmt, jobs=2)
    assert (one.documents, one.paragraphs, one.body) == (two.documents, two.paragraphs, two.body)
    created = re.compile(rb'"created":"[^"]*"')
    assert (created.sub(b"", (tmp_path / "one").read_bytes())
            == created.sub(b"", (tmp_path / "two").read_bytes()))
