"""Benchmark ``pipeline report`` on a big labelled output, and a browser opening what it writes.

Labels the shipped seed and held-out documents with the trained model (``models/default``: run
``pipeline run`` first), cuts them into documents of ``--paragraphs`` paragraphs each and repeats
those under other names up to ``--documents`` (10,000 by default: 40,000 paragraphs, the size
whose one page no browser opened in reasonable time). Then measures:

- ``pipeline report`` split into pages (the default) and as one page (``--page-size 0``): wall
  time, peak resident memory, what it wrote; and split on an output of ``--smaller`` documents
  (1,000 by default), to print the ratio of the two peaks (memory should not grow with the
  output);
- headless Chromium, when installed, opening the index, the largest page and (unless
  ``--no-one-page``, which saves minutes) the one page: the page's own timings (first contentful
  paint, the load event), its elements, and the peak memory of Chromium's largest process.

The machines are shared and noisy: compare figures of the same run.

    python bench/bench_report.py [--documents 10000] [--paragraphs 4] [--smaller 1000]
                                 [--no-one-page] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "corpus" / "documents", ROOT / "corpus" / "heldout"]
CHROMIUM = "/usr/bin/chromium"


def big_output(folder: Path, documents: int, size: int, name: str = "labelled.json") -> Path:
    """A labelled output ``name`` of ``documents`` documents of ``size`` paragraphs, from the
    corpus's (labelled once, into ``corpus.json``)."""
    corpus, labelled = folder / "corpus.json", folder / name
    if not corpus.exists():
        subprocess.run([sys.executable, "-m", "pipeline", "classify", *map(str, INPUTS), "-o",
                        str(corpus), "-q"], cwd=ROOT, check=True, env=_env())
    data = json.loads(corpus.read_text("utf-8"))
    pieces = [(doc, doc["paragraphs"][lo:lo + size]) for doc in data["documents"]
              for lo in range(0, len(doc["paragraphs"]) - size + 1, size)]
    made = []
    for n in range(documents):
        doc, paragraphs = pieces[n % len(pieces)]
        name = f"{doc['id']}~{n}"
        made.append({**doc, "id": name, "source": f"{doc['source'][:-4]}~{n}.txt",
                     "paragraphs": [{**p, "id": f"{name}:{i}", "index": i}
                                    for i, p in enumerate(paragraphs)]})
    data["documents"] = made
    labelled.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return labelled


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def report(labelled: Path, out: Path, page_size: int | None) -> dict[str, Any]:
    """Run ``pipeline report`` in a process of its own: wall time, peak memory, files written."""
    extra = [] if page_size is None else ["--page-size", str(page_size)]
    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              "subprocess.run(sys.argv[1:], check=True); "
              "print(time.perf_counter() - t, "
              "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run(
        [sys.executable, "-c", script, sys.executable, "-m", "pipeline", "report", str(labelled),
         "-o", str(out), "-q", *extra], cwd=ROOT, check=True, env=_env(), capture_output=True,
        text=True)
    wall, peak = done.stdout.split()
    pages = sorted((out.parent / f"{out.stem}_files").glob("page-*.html"))
    return {"seconds": round(float(wall), 2), "peak_mb": round(int(peak) / 1024),
            "peak_kb": int(peak),
            "index_mb": round(out.stat().st_size / 1e6, 2), "pages": len(pages),
            "largest_page_mb": round(max((p.stat().st_size for p in pages), default=0) / 1e6, 2),
            "largest_page": str(max(pages, key=lambda p: p.stat().st_size)) if pages else None}


def _largest_process(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Sample the resident memory of ``pid``'s process tree; keep its largest process's peak."""
    while not stop.wait(0.2):
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                children.setdefault(int(stat[1]), []).append(int(entry))
        todo = [pid]
        while todo:
            p = todo.pop()
            todo += children.get(p, [])
            try:
                status = Path(f"/proc/{p}/status").read_text().splitlines()
                rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            except (OSError, StopIteration):
                continue
            peak[0] = max(peak[0], rss)


def browse(page: Path) -> dict[str, Any]:
    """Open ``page`` in headless Chromium over a debugging pipe; its timings once loaded."""
    profile = tempfile.mkdtemp()
    to_browser, from_browser = os.pipe(), os.pipe()
    proc = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,1000",
         "--remote-debugging-pipe", "about:blank"],
        pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: (os.dup2(to_browser[0], 3), os.dup2(from_browser[1], 4)))
    os.close(to_browser[0])
    os.close(from_browser[1])
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_largest_process, args=(proc.pid, stop, peak))
    sampler.start()
    pipe = _Pipe(os.fdopen(to_browser[1], "wb", 0), os.fdopen(from_browser[0], "rb", 0))
    try:
        target = next(t["targetId"] for t in pipe.call("Target.getTargets")["targetInfos"]
                      if t["type"] == "page")
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        sid = session["sessionId"]
        pipe.call("Page.enable", session=sid)
        start = time.perf_counter()
        pipe.send("Page.navigate", {"url": page.as_uri()}, sid)
        while pipe.receive().get("method") != "Page.loadEventFired":
            pass
        waited = time.perf_counter() - start
        time.sleep(1)  # for the first paint to be recorded
        value = pipe.call("Runtime.evaluate", {"returnByValue": True, "expression": (
            "JSON.stringify({fcp: (performance.getEntriesByName('first-contentful-paint')[0] "
            "|| {startTime: NaN}).startTime, "
            "load: performance.getEntriesByType('navigation')[0].loadEventEnd, "
            "elements: document.getElementsByTagName('*').length})")}, sid)
        figures = json.loads(value["result"]["value"])
        pipe.send("Browser.close")
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stop.set()
        sampler.join()
        shutil.rmtree(profile, ignore_errors=True)
    return {"first_paint_s": round((figures["fcp"] or math.nan) / 1000, 2),
            "load_event_s": round(figures["load"] / 1000, 2), "waited_s": round(waited, 2),
            "elements": figures["elements"], "largest_process_mb": round(peak[0] / 1024)}


class _Pipe:
    """Chrome DevTools Protocol messages over ``--remote-debugging-pipe`` (NUL-separated)."""

    def __init__(self, out: Any, inp: Any) -> None:
        self.out, self.inp, self.buffer, self.last = out, inp, b"", 0

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.last += 1
        message = {"id": self.last, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.out.write(json.dumps(message).encode() + b"\0")
        return self.last

    def receive(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            chunk = self.inp.read(1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> Any:
        sent = self.send(method, params, session)
        while True:
            message = self.receive()
            if message.get("id") == sent:
                return message.get("result", message.get("error"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--paragraphs", type=int, default=4, help="paragraphs a document")
    parser.add_argument("--smaller", type=int, default=1000,
                        help="documents of the output to compare the peak memory with (0: none)")
    parser.add_argument("--no-one-page", action="store_true",
                        help="do not open the one-page report in the browser (minutes)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "report")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    labelled = big_output(args.out, args.documents, args.paragraphs)
    print(f"labelled output: {args.documents} documents of {args.paragraphs} paragraphs, "
          f"{labelled.stat().st_size / 1e6:.1f} MB")
    results: dict[str, Any] = {
        "split": report(labelled, args.out / "split" / "report.html", None),
        "one_page": report(labelled, args.out / "one" / "report.html", 0),
    }
    if args.smaller:
        smaller = big_output(args.out, args.smaller, args.paragraphs, "smaller.json")
        results["split, smaller"] = report(smaller, args.out / "smaller" / "report.html", None)
    for name, figures in results.items():
        print(f"report, {name}: {figures}")
    if args.smaller:
        results["peak_ratio"] = round(results["split"]["peak_kb"]
                                      / results["split, smaller"]["peak_kb"], 2)
        print(f"peak memory of the split report: {results['peak_ratio']} times as much for "
              f"{args.documents} documents as for {args.smaller}")
    if Path(CHROMIUM).exists():
        pages = {"index": args.out / "split" / "report.html",
                 "largest page": Path(results["split"]["largest_page"]),
                 "empty page": args.out / "empty.html"}
        pages["empty page"].write_text("<!DOCTYPE html><title>empty</title><p>empty</p>", "utf-8")
        if not args.no_one_page:
            pages["one page"] = args.out / "one" / "report.html"
        for name, page in pages.items():
            results[f"browser, {name}"] = browse(page)
            print(f"browser, {name}: {results[f'browser, {name}']}")
    else:
        print(f"no {CHROMIUM}: the browser is not measured")
    (args.out / "results.json").write_text(json.dumps(results, indent=2), "utf-8")


if __name__ == "__main__":
    main()
