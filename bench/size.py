"""Time building one long post and importing one long pasted page, at two sizes: s per 10 MB.

Issue 12's size target: both grow linearly and take a few seconds per 10 MB. For each size
(default 2.5 and 10 MB) this writes
- a site of one post of that size (bench corpus bodies, so headings, lists, links, quotes and
  theme phrases as in the 1,000-post bench) and builds it cold, as `make publish` does:
  `pelican CONTENT -o OUT -s pelican.conf.py` with an empty cache folder;
- the same post alone built by plain Pelican (`bench/plain.conf.py`: no plugins, its default
  theme), the reference the build is compared with, as `make bench` compares its builds;
- a pasted page of that size (one raw .txt of plain paragraphs, with its manifest entry) and
  imports it as `make import` does (themes detected): `python -m importer SOURCES OUT`;
then checks the last paragraph reached the output, and reports wall time, CPU time (the command
and its worker processes, from os.wait4) and peak memory of the largest process.
A benchmark, not a test. Figures go to bench/results/DATE-size.md and .json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.corpus import make_posts
from bench.run import timed

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
HEAD = (
    "---\ntitle: A long post\nslug: long\ndate: 2020-03-01 12:00\n"
    "author: Chris Mills\ncategory: Reflections\n---\n"
)
MANIFEST = (
    "long.txt:\n  category: News\n  source: Bench\n"
    "  source_url: https://news.example.org/long/\n  date: 2021-10-13\n"
)


def long_text(megabytes: float, plain: bool) -> tuple[str, str]:
    """Bench corpus bodies joined to MEGABYTES, and the sentence that ends them (checked)."""
    bodies, size = [], 0
    posts = make_posts(400)
    while size < megabytes * 1_000_000:
        body = posts[len(bodies) % len(posts)].body
        if plain:  # a pasted page: paragraphs of text, no Markdown
            body = "\n\n".join(p for p in body.split("\n\n") if p[:1].isalpha())
        bodies.append(body)
        size += len(body.encode())
    last = f"The very last paragraph of {megabytes} MB ends here."
    return "\n\n".join(bodies) + "\n\n" + last + "\n", last


def figures(command: list[str], log: Path) -> dict:
    """Run COMMAND from the project's folder: wall s, CPU s of it and its children, peak MB."""
    seconds, peak_mb, cpu_seconds = timed(command, ROOT, log)
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "peak_mb": round(peak_mb, 1),
    }


def build_one(megabytes: float, work: Path) -> dict:
    """Build a site of one post of MEGABYTES, cold; check its last sentence is on the page."""
    text, last = long_text(megabytes, plain=False)
    content = work / "content"
    (content / "articles" / "2020").mkdir(parents=True)
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    for name in ("themes.yaml", "glossary.yaml", "law.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    post = content / "articles" / "2020" / "long.md"
    post.write_text(HEAD + text, encoding="utf-8")
    out, cache = work / "out", work / "cache"
    command = [str(Path(sys.executable).parent / "pelican"), str(content), "-o", str(out)]
    command += ["-s", "pelican.conf.py", "-e", f"CACHE_PATH={json.dumps(str(cache))}"]
    measured = figures(command, work / "build.log")
    page = (out / "2020" / "03" / "long" / "index.html").read_text(encoding="utf-8")
    assert last in page, "the build lost the end of the long post"
    return {"step": "build", "mb": round(post.stat().st_size / 1e6, 2), **measured}


def plain_build_one(megabytes: float, work: Path) -> dict:
    """Build the same post alone with plain Pelican, cold; check its last sentence is there."""
    text, last = long_text(megabytes, plain=False)
    content = work / "content"
    content.mkdir(parents=True)
    post = content / "long.md"
    post.write_text(HEAD + text, encoding="utf-8")
    out = work / "out"
    command = [str(Path(sys.executable).parent / "pelican"), str(content), "-o", str(out)]
    command += ["-s", str(ROOT / "bench" / "plain.conf.py")]
    measured = figures(command, work / "build.log")
    page = (out / "long.html").read_text(encoding="utf-8")  # Pelican's own ARTICLE_SAVE_AS
    assert last in page, "plain Pelican lost the end of the long post"
    return {"step": "plain build", "mb": round(post.stat().st_size / 1e6, 2), **measured}


def import_one(megabytes: float, work: Path) -> dict:
    """Import a pasted page of MEGABYTES; check its last sentence is in the article."""
    text, last = long_text(megabytes, plain=True)
    sources, out = work / "sources", work / "articles"
    sources.mkdir(parents=True)
    (sources / "long.txt").write_text("A long page\n\n" + text, encoding="utf-8")
    (sources / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    command = [sys.executable, "-m", "importer", str(sources), str(out)]
    measured = figures(command, work / "import.log")
    article = next(out.rglob("*.md")).read_text(encoding="utf-8")
    assert last in article, "the import lost the end of the long page"
    megabytes = round((sources / "long.txt").stat().st_size / 1e6, 2)
    return {"step": "import", "mb": megabytes, **measured}


def main(argv=None) -> int:
    """Print and save the table: per step and size, s, CPU s, peak MB, s per 10 MB."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2.5,10", help="sizes in MB, comma-separated")
    parser.add_argument("--results", default=str(RESULTS))
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-size-") as scratch:
        for megabytes in (float(s) for s in args.sizes.split(",")):
            for step in (build_one, plain_build_one, import_one):
                work = Path(scratch) / f"{step.__name__}-{megabytes}"
                rows.append(step(megabytes, work))
    lines = [
        "| step | MB | wall s | CPU s | peak MB | wall s per 10 MB | CPU s per 10 MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        wall_10, cpu_10 = (row[key] / row["mb"] * 10 for key in ("seconds", "cpu_seconds"))
        lines.append(
            f"| {row['step']} | {row['mb']} | {row['seconds']} | {row['cpu_seconds']} "
            f"| {row['peak_mb']} | {wall_10:.1f} | {cpu_10:.1f} |"
        )
    builds = [row for row in rows if row["step"] == "build"]
    plain = [row for row in rows if row["step"] == "plain build"]
    lines += ["", "The build against plain Pelican on the same post (wall time):", ""]
    lines += [
        f"- {ours['mb']} MB: {ours['seconds'] / theirs['seconds']:.2f}x "
        f"({ours['seconds']} s against {theirs['seconds']} s)"
        for ours, theirs in zip(builds, plain, strict=True)
    ]
    text = (
        "# One long post, built and imported\n\n"
        + "\n".join(lines)
        + f"\n\nMachine: {os.cpu_count()} cores, "
        + f"load average {os.getloadavg()[0]:.1f} at the end.\n"
    )
    print(text)
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stem = results / f"{dt.date.today().isoformat()}-size"
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
