"""Benchmark ``pipeline classify`` against the bare tokenizer and a plain scikit-learn script.

Builds corpora from the seed document and the written paragraphs (paragraphs shuffled and made
distinct, in documents of about 40 KB, half Traditional and half Simplified), then measures in
one run, on the same text:

- ``pipeline classify`` end to end (read, segment, normalize, tokenize, vectorize, predict, write
  JSON) with one worker and with all cores, taking turns, best of ``--repeat`` runs: MB/s,
  paragraphs/s, peak resident memory;
- bare ``jieba.lcut`` and bare ``rjieba.cut`` over the same paragraphs;
- the floor of any classify that uses this tokenizer: read and decode each file, convert it to
  Simplified with OpenCC and cut it with rjieba, nothing else (taking turns with the classify
  runs, best of ``--repeat``);
- a plain scikit-learn script: jieba + TfidfVectorizer + the shipped config's classifier, no
  pipeline;
- the same text as one long document (the corpus's files joined into one file), as one
  long document of one section (joined without the files' titles and headings: an archive
  saved whole, which no heading cuts), and as the long document in GB18030 (what decoding a
  file not in UTF-8 costs): peak resident memory of ``pipeline classify --jobs 1`` and of
  ``pipeline segment`` on each;
- start-up: ``pipeline classify`` on one short file, wall time;
- training on 100,000 labelled paragraphs.

The machines are shared and noisy: compare the ratios, measured in the same run.

    python bench/bench_classify.py [--sizes 5 50] [--repeat 3] [--train 100000] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "documents" / "000_10fc11496dbb7410.txt"


def source_paragraphs() -> list[str]:
    """Real and written paragraphs to build corpora from."""
    from pipeline.segment import segment_text

    paragraphs = [p.text for p in segment_text("seed", SEED.read_text("utf-8")) if p.kind == "body"]
    for path in sorted((ROOT / "corpus" / "written").glob("*.jsonl")):
        paragraphs += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
    return paragraphs


def build_corpus(folder: Path, megabytes: float, paragraphs: list[str], seed: int = 0) -> int:
    """Write ~``megabytes`` MB of documents into ``folder``; returns the number of bytes."""
    import opencc

    to_simple, to_traditional = opencc.OpenCC("t2s"), opencc.OpenCC("s2twp")
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    target, written, doc = int(megabytes * 1_000_000), 0, 0
    while written < target:
        convert = to_simple.convert if doc % 2 else to_traditional.convert
        parts = [convert(f"第{doc}号材料：疫情防控工作综述"), ""]
        size = 0
        n = 0
        while size < 40_000:
            text = rng.choice(paragraphs)
            sentences = [s for s in text.split("。") if s]
            rng.shuffle(sentences)
            # A number makes every paragraph distinct without changing its theme.
            body = convert(f"（{doc}-{n}）" + "。".join(sentences) + "。")
            if n % 12 == 0:
                number = "一二三四五六七八九十"[n // 12 % 10]
                parts += [convert(f"{number}、第{n // 12 + 1}部分"), ""]
            parts += [body, ""]
            size += len(body.encode("utf-8"))
            n += 1
        data = "\n".join(parts).encode("utf-8")
        (folder / f"doc{doc:05d}.txt").write_bytes(data)
        written += len(data)
        doc += 1
    return written


# The lines build_corpus writes as a file's title and its section headings, in either script.
_TITLE_OR_HEADING = re.compile(
    r"第\d+[号號]材料：疫情防控工作[综綜]述|[一二三四五六七八九十]、第\d+部分")


def one_section(folder: Path) -> bytes:
    """The corpus's files joined into one document of one section: their titles and headings
    left out, their paragraphs in order."""
    out: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        out += [line for line in path.read_text("utf-8").split("\n")
                if line and not _TITLE_OR_HEADING.fullmatch(line)]
    return ("\n\n".join(out) + "\n").encode("utf-8")


# A child's peak RSS counts the moment it is forked, before it runs the command; so commands are
# started from this small launcher, never from the benchmark process itself (which grows).
_LAUNCHER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, code)
"""


def run_measured(args: list[str]) -> tuple[float, int, int]:
    """Run a command; return (seconds, peak RSS in MB of its largest process, exit code)."""
    out = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    seconds, rss, code = out.stdout.split()
    if int(code) != 0:
        sys.stderr.write(out.stderr)
    return float(seconds), int(rss), int(code)


def corpus_paragraphs(folder: Path) -> list[str]:
    from pipeline.segment import segment_text

    out: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        paragraphs = segment_text(path.stem, path.read_text("utf-8"))
        out += [p.text for p in paragraphs if p.kind == "body"]
    return out


def bare_tokenizers(texts: list[str], megabytes: float) -> dict[str, float]:
    import jieba
    import rjieba

    jieba.initialize()
    out = {}
    start = time.perf_counter()
    for t in texts:
        rjieba.cut(t)
    out["rjieba.cut MB/s"] = megabytes / (time.perf_counter() - start)
    # jieba is slow: time a tenth of the text and scale.
    part = texts[: max(1, len(texts) // 10)]
    part_mb = sum(len(t.encode("utf-8")) for t in part) / 1e6
    start = time.perf_counter()
    for t in part:
        jieba.lcut(t)
    out["jieba.lcut MB/s"] = part_mb / (time.perf_counter() - start)
    return out


def tokenizer_floor(folder: Path, megabytes: float) -> float:
    """MB/s of reading, decoding, OpenCC ``t2s`` and ``rjieba.cut`` of every file, whole: what
    classify cannot avoid with the shipped tokenizer, before any feature or output."""
    import opencc
    import rjieba

    convert = opencc.OpenCC("t2s").convert
    start = time.perf_counter()
    for path in sorted(folder.glob("*.txt")):
        rjieba.cut(convert(path.read_bytes().decode("utf-8")))
    return megabytes / (time.perf_counter() - start)


def plain_sklearn(texts: list[str], megabytes: float) -> float:
    """jieba + TfidfVectorizer + the shipped config's classifier, trained on the written
    paragraphs, predicting ``texts``: what one would write without this pipeline."""
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pipeline.config import load_config
    from pipeline.model import CLASSIFIERS, validate_classifier

    m = load_config(ROOT / "configs" / "default.yaml").model
    model = CLASSIFIERS[m.classifier].build(validate_classifier(m.classifier, m.params), m.seed)
    written = [json.loads(line) for path in sorted((ROOT / "corpus" / "written").glob("*.jsonl"))
               for line in path.read_text("utf-8").splitlines()]
    vectorizer = TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, lowercase=False,
                                 ngram_range=(1, 2), sublinear_tf=True)
    model.fit(vectorizer.fit_transform([w["text"] for w in written]),
              [w["theme"] for w in written])
    part = texts[: max(1, len(texts) // 10)]
    part_mb = sum(len(t.encode("utf-8")) for t in part) / 1e6
    start = time.perf_counter()
    model.predict_proba(vectorizer.transform(part))
    return part_mb / (time.perf_counter() - start)


def training_time(n: int) -> float:
    """Seconds to train the shipped config's Pipeline on ``n`` labelled paragraphs."""
    from pipeline.config import load_config
    from pipeline.stages import _pipeline_for, load_training_set

    config = load_config(ROOT / "configs" / "default.yaml")
    examples = load_training_set(config).examples
    rng = random.Random(1)
    records, labels = [], []
    for i in range(n):
        e = examples[i % len(examples)]
        sentences = [s for s in e.text.split("。") if s]
        rng.shuffle(sentences)
        records.append({"text": f"{i}" + "。".join(sentences), "heading": e.heading,
                        "title": e.title})
        labels.append(e.theme)
    pipeline = _pipeline_for(config)
    start = time.perf_counter()
    pipeline.fit(records, labels)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 50],
                        help="corpus sizes in MB (default: 5 50)")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default",
                        help="the bundle classify uses (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out",
                        help="where the corpora, outputs and results.json go "
                             "(default: %(default)s)")
    parser.add_argument("--train", type=int, default=100_000,
                        help="time training on this many paragraphs (default: 100000; 0: skip)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="classify runs per setting; the best counts")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if not args.model.exists():
        sys.exit(f"no model at {args.model}: run 'pipeline train' first")
    paragraphs = source_paragraphs()
    cmd = [sys.executable, "-m", "pipeline", "classify", "--model", str(args.model), "--quiet"]
    segment = [sys.executable, "-m", "pipeline", "segment", "--quiet"]
    results: dict[str, object] = {"cores": len(os.sched_getaffinity(0))}

    short = args.out / "short.txt"
    short.parent.mkdir(parents=True, exist_ok=True)
    short.write_text("市委召開常委會會議,研究部署疫情防控工作。\n", "utf-8")
    run_measured([*cmd, str(short), "-o", str(args.out / "short.json")])  # warm the disk cache
    startup = [run_measured([*cmd, str(short), "-o", str(args.out / "short.json")])[0]
               for _ in range(3)]
    results["startup_seconds"] = round(min(startup), 3)
    print(f"start-up (classify one short file, best of 3): {min(startup):.2f} s", flush=True)

    for size in args.sizes:
        folder = args.out / f"corpus_{size:g}mb"
        if not folder.exists():
            build_corpus(folder, size, paragraphs)
        megabytes = sum(p.stat().st_size for p in folder.glob("*.txt")) / 1e6
        row: dict[str, float] = {"MB": round(megabytes, 1)}
        # The classify runs come first, while this process is small: a child's peak RSS
        # includes the moment it is forked from this process, before it runs the command.
        # One core and all cores take turns, --repeat times; the best time of each counts (on a
        # shared machine other work only ever adds time).
        runs: dict[int, list[tuple[float, int]]] = {1: [], 0: []}
        # The floor takes its turn too, so that the ratio to it is measured at the same moments.
        floors: list[float] = []
        for _ in range(args.repeat):
            for jobs in runs:
                seconds, rss, code = run_measured([*cmd, str(folder), "--jobs", str(jobs),
                                                   "-o", str(args.out / "out.json")])
                if code != 0:
                    sys.exit(f"classify failed with exit code {code}")
                runs[jobs].append((seconds, rss))
            floors.append(tokenizer_floor(folder, megabytes))
        long_file = args.out / f"long_{size:g}mb.txt"
        joined = b"".join(path.read_bytes() for path in sorted(folder.glob("*.txt")))
        for name, data in (("one long document", joined),
                           ("one long document of one section", one_section(folder)),
                           ("one long document in GB18030",
                            joined.decode("utf-8").encode("gb18030"))):
            long_file.write_bytes(data)
            seconds, rss, code = run_measured([*cmd, str(long_file), "--jobs", "1",
                                               "-o", str(args.out / "out.json")])
            if code != 0:
                sys.exit(f"classify of {name} failed with exit code {code}")
            row[f"{name}, 1 core, peak RSS MB"] = rss
            row[f"{name}, 1 core, MB/s"] = round(len(data) / 1e6 / seconds, 2)
            # Reading and segmenting alone: where decoding a file not in UTF-8 shows.
            rss = run_measured([*segment, str(long_file), "-o", str(args.out / "out.json")])[1]
            row[f"{name}, segment, peak RSS MB"] = rss
            long_file.unlink()
        del joined, data
        for jobs, measured in runs.items():
            name = "1 core" if jobs == 1 else "all cores"
            seconds = min(s for s, _ in measured)
            row[f"classify {name} MB/s"] = round(megabytes / seconds, 2)
            row[f"classify {name} MB/s, every run"] = [round(megabytes / s, 2) for s, _ in measured]
            row[f"classify {name} seconds"] = round(seconds, 2)
            row[f"classify {name} peak RSS MB"] = max(r for _, r in measured)
        texts = corpus_paragraphs(folder)
        row["paragraphs"] = len(texts)
        for name in ("1 core", "all cores"):
            row[f"classify {name} paragraphs/s"] = round(
                len(texts) / row.pop(f"classify {name} seconds"))
        row.update({k: round(v, 2) for k, v in bare_tokenizers(texts, megabytes).items()})
        row["plain sklearn script MB/s"] = round(plain_sklearn(texts, megabytes), 2)
        row["floor: read + OpenCC + rjieba.cut MB/s"] = round(max(floors), 2)
        row["floor MB/s, every run"] = [round(f, 2) for f in floors]
        row["classify 1 core / bare jieba.lcut"] = round(
            row["classify 1 core MB/s"] / row["jieba.lcut MB/s"], 1)
        row["classify 1 core / plain sklearn"] = round(
            row["classify 1 core MB/s"] / row["plain sklearn script MB/s"], 1)
        row["classify 1 core / floor"] = round(
            row["classify 1 core MB/s"] / row["floor: read + OpenCC + rjieba.cut MB/s"], 2)
        row["all cores / 1 core"] = round(
            row["classify all cores MB/s"] / row["classify 1 core MB/s"], 2)
        results[f"{size:g} MB"] = row
        print(json.dumps({f"{size:g} MB": row}, indent=1), flush=True)
        del texts

    sizes = [f"{s:g} MB" for s in args.sizes]
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        results["peak RSS ratio, largest / smallest (1 core)"] = round(
            large["classify 1 core peak RSS MB"] / small["classify 1 core peak RSS MB"], 2)
        print("peak RSS ratio:", results["peak RSS ratio, largest / smallest (1 core)"])
    if args.train:
        seconds = training_time(args.train)
        results[f"train on {args.train} paragraphs, seconds"] = round(seconds, 1)
        print(f"train on {args.train} paragraphs: {seconds:.1f} s", flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"results in {args.out / 'results.json'}")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
