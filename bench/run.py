"""`make bench`: time the full build (A) against plain Pelican (B) on a synthetic corpus.

A = the project's full build (`make html INPUTDIR=... OUTPUTDIR=...`, every plugin, search index).
B = plain Pelican 4.12 with its default theme and no plugins, on the same posts written with
    Pelican's native `Key: value` metadata header (plain Pelican does not read YAML front matter).
Builds alternate A B A B ...; medians are reported. Peak memory is the child's max RSS from
os.wait4 (it covers make, pelican and anything they wait for, such as Pagefind).
Also times edit-to-preview: the devserver's warm rebuild after editing one post.
Figures go to bench/results/DATE-N<N>.md and .json, and to standard output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from bench.corpus import write_corpus  # noqa: E402

BIN = Path(sys.executable).parent
PELICAN = BIN / "pelican"
PLAIN_CONF = ROOT / "bench" / "plain.conf.py"
RESULTS = ROOT / "bench" / "results"
BASE_N = 1000


def timed(command, cwd, log):
    """Run COMMAND; return (seconds, max RSS in MB, CPU seconds). Fail loudly on error."""
    # The previous build's pages are still being written back to disk for seconds after;
    # flushed first, they are not counted in this build's time (on this machine they added
    # 1-4 s of system time to whichever build came next).
    os.sync()
    with open(log, "w") as handle:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = Path(log).read_text(errors="replace")[-3000:]
        raise SystemExit(f"build failed ({process.returncode}): {' '.join(command)}\n{tail}")
    # Linux reports ru_maxrss in kilobytes.
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _count_files(folder):
    return sum(1 for path in Path(folder).rglob("*") if path.is_file())


# Folders of earlier builds, set aside to be removed when the run ends (see _set_aside).
_SET_ASIDE = []


def _set_aside(folder):
    """Move FOLDER out of the way, to be removed by _remove_set_aside when the run ends."""
    # Not removed now: on a file system that checks each new file against recently deleted
    # ones (ext4 without a journal, as on this project's build machine), every file and
    # folder made within a minute of removing thousands costs ~0.3 ms more, so the bench's
    # own clean-up of the last build would slow the next one, the more the more it writes.
    folder = Path(folder)
    if not folder.exists():
        return
    aside = folder.with_name(f".{folder.name}.set-aside-{len(_SET_ASIDE)}")
    try:
        folder.rename(aside)
    except OSError:  # another file system, say: remove it now after all
        shutil.rmtree(folder, ignore_errors=True)
        return
    _SET_ASIDE.append(aside)


def _remove_set_aside():
    """Remove every folder _set_aside moved away in this run."""
    while _SET_ASIDE:
        shutil.rmtree(_SET_ASIDE.pop(), ignore_errors=True)


def _fresh(folder):
    _set_aside(folder)
    Path(folder).mkdir(parents=True)


def build_a(content, output, log):
    """The project's full build, exactly as `make html` runs it."""
    _fresh(output)
    command = ["make", "-s", "html", f"INPUTDIR={content}", f"OUTPUTDIR={output}"]
    return timed(command, ROOT, log)


def build_b(content, output, log, workdir):
    """Plain Pelican, default theme, no plugins."""
    _fresh(output)
    command = [str(PELICAN), str(content), "-o", str(output), "-s", str(PLAIN_CONF)]
    return timed(command, workdir, log)


def _cold_cache_reset(content):
    """Remove the build cache `make html` keeps for CONTENT, and the compiled templates, so
    that the next A build is cold: as a first build is."""
    from pelican.settings import read_settings

    from plugins.build_speed import site_folder
    from plugins.build_speed.templates import template_cache_folder

    settings = read_settings(str(ROOT / "pelican.conf.py"))
    if settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT"):
        _set_aside(site_folder(settings["CACHE_PATH"], content))
    templates = template_cache_folder(settings)
    if templates is not None:
        _set_aside(templates)


def _article_page(post):
    return f"{post.date:%Y}/{post.date:%m}/{post.slug}/index.html"


def measure(n, pairs, seed, workdir, edits, profile):
    """Build corpus N; run PAIRS of A B; return the figures as a dict."""
    corpus_root = workdir / f"corpus-{n}"
    _set_aside(corpus_root)
    start = time.perf_counter()
    corpus = write_corpus(corpus_root, n, seed, ROOT / "content" / "themes.yaml")
    themes = ROOT / "content" / "themes.yaml"
    if themes.is_file():  # the project's vocabulary is content, as in content/
        shutil.copy2(themes, corpus["yaml"] / "themes.yaml")
    generated = time.perf_counter() - start
    print(f"N={n}: corpus written in {generated:.1f}s under {corpus_root}", flush=True)

    # Each round: A with an empty build cache (cold), B, then A again as `make html` runs
    # for an author who has built before: the cache of the previous build is there, the
    # output folder is new, and every page, feed and the search index are written.
    runs = {"A_cold": [], "B": [], "A": []}
    for pair in range(pairs):
        for label in ("A_cold", "B", "A"):
            output = workdir / f"out-{label}-{n}"
            log = workdir / f"build-{label}-{n}-{pair}.log"
            if label == "A_cold":
                _cold_cache_reset(corpus["yaml"])
            if label == "B":
                seconds, rss, cpu = build_b(corpus["native"], output, log, workdir)
            else:
                seconds, rss, cpu = build_a(corpus["yaml"], output, log)
            files = _count_files(output)
            runs[label].append({"seconds": seconds, "max_rss_mb": rss, "cpu_seconds": cpu})
            print(
                f"  round {pair + 1} {label:6}: {seconds:7.2f}s  {rss:7.0f} MB  "
                f"cpu {cpu:6.1f}s  {files} files",
                flush=True,
            )
    post = corpus["posts"][len(corpus["posts"]) // 2]
    page = _article_page(post)
    if not (workdir / f"out-A-{n}" / page).is_file():
        raise SystemExit(f"build A did not write the article page {page}")
    if _files_differ(workdir / f"out-A_cold-{n}", workdir / f"out-A-{n}"):
        raise SystemExit("the cached build A wrote a different site from the cold one")

    result = {"n": n, "pairs": pairs, "corpus_seconds": generated}
    for label in ("A_cold", "B", "A"):
        seconds = [run["seconds"] for run in runs[label]]
        result[label] = {
            "runs": runs[label],
            "median_seconds": statistics.median(seconds),
            "max_rss_mb": max(run["max_rss_mb"] for run in runs[label]),
            "median_cpu_seconds": statistics.median(run["cpu_seconds"] for run in runs[label]),
            "seconds_per_post": statistics.median(seconds) / n,
            "output_files": _count_files(workdir / f"out-{label}-{n}"),
        }
    result["ratio_A_over_B"] = result["A"]["median_seconds"] / result["B"]["median_seconds"]
    result["ratio_A_cold_over_B"] = (
        result["A_cold"]["median_seconds"] / result["B"]["median_seconds"]
    )

    if edits:
        try:
            result["edit_to_preview"] = edit_to_preview(corpus, post, workdir, n, edits)
        except SystemExit as error:  # keep the build figures; say what went wrong
            result["edit_to_preview_error"] = str(error)[-2000:]
            print(f"  edit-to-preview failed: {result['edit_to_preview_error']}", flush=True)
        else:
            result["edit_to_preview"]["ratio_to_cold_A"] = (
                result["edit_to_preview"]["edit_median_seconds"]
                / result["A_cold"]["median_seconds"]
            )
    if profile:
        result["profile"] = run_profile(corpus["yaml"], workdir, n, cold=False)
        result["profile_cold"] = run_profile(corpus["yaml"], workdir, n, cold=True)
    return result


def _files_differ(left, right):
    """True when the two folders do not hold the same files with the same bytes."""
    import filecmp

    names = sorted(p.relative_to(left) for p in Path(left).rglob("*") if p.is_file())
    if names != sorted(p.relative_to(right) for p in Path(right).rglob("*") if p.is_file()):
        return True
    _, mismatch, errors = filecmp.cmpfiles(left, right, [str(n) for n in names], shallow=False)
    return bool(mismatch or errors)


def edit_to_preview(corpus, post, workdir, n, edits):
    """Warm devserver rebuilds after editing one post (median of EDITS)."""
    output, cache = workdir / f"out-dev-{n}", workdir / f"cache-dev-{n}"
    _fresh(output)
    _set_aside(cache)
    source = corpus["yaml"] / "articles" / f"{post.date:%Y}" / f"{post.slug}.md"
    command = [
        sys.executable,
        str(ROOT / "bench" / "warm.py"),
        str(corpus["yaml"]),
        str(output),
        str(source),
        _article_page(post),
        "--cache",
        str(cache),
        "--edits",
        str(edits),
    ]
    log = workdir / f"warm-{n}.log"
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    Path(log).write_text(process.stdout + process.stderr)
    if process.returncode != 0:
        raise SystemExit(f"edit-to-preview failed:\n{process.stderr[-3000:]}")
    figures = json.loads(process.stdout.strip().splitlines()[-1])
    print(
        f"  edit-to-preview: page rewritten after {figures['edit_median_seconds']:.2f}s "
        f"({sum(figures['previewed'])} of {edits} by the preview), the full rebuild's page "
        f"after {figures['final_page_median_seconds']:.2f}s, "
        f"whole rebuild {figures['rebuild_median_seconds']:.2f}s (medians of {edits} edits; "
        f"first in-process build {figures['first_build_seconds']:.2f}s)",
        flush=True,
    )
    return figures


def run_profile(content, workdir, n, cold, top=10):
    """Profile one full build of A (cProfile; COLD: empty cache); return the top ten as text."""
    import io
    import pstats

    output = workdir / f"out-profile-{n}"
    _fresh(output)
    if cold:
        _cold_cache_reset(content)
    stats_file = workdir / f"profile-{n}{'-cold' if cold else ''}.pstats"
    command = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(stats_file),
        str(PELICAN),
        str(content),
        "-o",
        str(output),
        "-s",
        str(ROOT / "pelican.conf.py"),
        "--fatal",
        "errors",
    ]
    seconds, _, _ = timed(command, ROOT, workdir / f"profile-{n}.log")
    texts = {}
    for order in ("tottime", "cumulative"):
        buffer = io.StringIO()
        stats = pstats.Stats(str(stats_file), stream=buffer)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        body = buffer.getvalue()
        texts[order] = body[body.find("   ncalls") :].rstrip()
    print(f"  profiled build: {seconds:.1f}s (under cProfile)", flush=True)
    return {
        "seconds_under_profiler": seconds,
        "top_tottime": texts["tottime"],
        "top_cumulative": texts["cumulative"],
        "pstats_file": str(stats_file),
    }


def environment():
    """Where and on what the figures were measured."""
    import pelican

    def git(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pelican": pelican.__version__,
        "machine": platform.platform(),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_uncommitted_files": len(git("status", "--porcelain").splitlines()),
        "plugins_A": _plugins_a(),
    }


def _plugins_a():
    from pelican.settings import read_settings

    try:
        return list(read_settings(str(ROOT / "pelican.conf.py")).get("PLUGINS") or [])
    except Exception as error:  # report, do not crash the benchmark
        return [f"could not read settings: {error}"]


_LABELS = {
    "A": "A, `make html` with the cache of the previous build",
    "A_cold": "A cold, empty build cache",
    "B": "B, plain Pelican",
}


def _profile_lines(title, p):
    return [
        f"## {title} (under cProfile: {p['seconds_under_profiler']:.1f}s; main process only, "
        "so the work of the page-writing and Markdown processes shows as waiting)",
        "",
        "Top ten by cumulative time:",
        "",
        "```",
        p["top_cumulative"],
        "```",
        "",
        "Top ten by own time:",
        "",
        "```",
        p["top_tottime"],
        "```",
        "",
    ]


def render_markdown(report):
    """The results file, for people."""
    lines = [
        f"# Build benchmark, {report['environment']['date'][:10]}",
        "",
        "A = the project's full build (`make html`, every plugin in PLUGINS, search index), into "
        "a new, empty output folder every time, so every page, feed and the index are written. "
        "`make html` keeps a build cache (pelican.conf.py: Pelican's content cache, the themes "
        "plugin's answers, the search index): 'A' is the build an author gets after building "
        "before, with the cache of the previous build of the same posts; 'A cold' starts with "
        "no cache at all, the theme's compiled templates included (a first build).",
        "B = plain Pelican " + report["environment"]["pelican"] + " on the same posts: default "
        "theme, no plugins, default settings (so no cache; bench/plain.conf.py). Plain Pelican's "
        "Markdown reader does not read YAML front matter, so B reads the same posts written with "
        "Pelican's native `Key: value` metadata header; the bodies are identical.",
        "Each round runs A cold, B, A; times are medians over the rounds; memory is the peak RSS "
        "of the largest process of the build (os.wait4). The cached and cold A builds are checked "
        "to write byte-identical sites.",
        "",
        f"Machine: {report['environment']['cpus']} CPUs, Python {report['environment']['python']}, "
        f"git {report['environment']['git_commit']} "
        f"(+{report['environment']['git_uncommitted_files']} uncommitted files). "
        f"Plugins in A: {', '.join(report['environment']['plugins_A']) or 'none'}.",
        "",
        "| N | build | rounds | median s | / B | peak MB | per post | files | CPU s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        b = r["B"]["median_seconds"]
        for label in ("A", "A_cold", "B"):
            x = r[label]
            lines.append(
                f"| {r['n']} | {_LABELS[label]} | {r['pairs']} | {x['median_seconds']:.2f} "
                f"| {x['median_seconds'] / b:.2f} | {x['max_rss_mb']:.0f} "
                f"| {x['seconds_per_post'] * 1000:.1f} ms | {x['output_files']} "
                f"| {x['median_cpu_seconds']:.1f} |"
            )
    lines.append("")
    if "scaling" in report:
        s = report["scaling"]
        lines += [
            f"Scaling: time({s['n_large']})/time({s['n_base']}) = A {s['ratio_A']:.2f}, "
            f"A cold {s['ratio_A_cold']:.2f}, B {s['ratio_B']:.2f}. "
            f"Peak memory at N={s['n_large']}: A {s['peak_mb_A']:.0f} MB "
            f"(largest single process of any A build, cold ones included).",
            "",
        ]
    for r in report["results"]:
        e = r.get("edit_to_preview")
        if e:
            lines += [
                f"Edit-to-preview at N={r['n']}: the edited post's page is rewritten "
                f"{e['edit_median_seconds']:.2f}s after the edit (median of "
                f"{len(e['edit_seconds'])}) = {e['ratio_to_cold_A']:.2f} of the cold full build "
                f"({r['A_cold']['median_seconds']:.2f}s), "
                f"{sum(e['previewed'])} of {len(e['previewed'])} edits by the preview "
                "(scripts/preview.py); the full rebuild's page is in place after "
                f"{e['final_page_median_seconds']:.2f}s; "
                f"the whole rebuild (listings, feeds, search index) ends after "
                f"{e['rebuild_median_seconds']:.2f}s = "
                f"{e['rebuild_median_seconds'] / r['A_cold']['median_seconds']:.2f} of it. "
                "Measured from the file edit, rebuilding at once in the same process as the "
                "devserver does (watcher latency not included), with the devserver's content "
                f"cache (settings from {e['settings_source']}: "
                + ", ".join(
                    f"{k}={v}"
                    for k, v in e["settings"].items()
                    if k not in ("PATH", "OUTPUT_PATH", "CACHE_PATH")
                )
                + f"; first build in that process {e['first_build_seconds']:.2f}s).",
                "",
            ]
    for r in report["results"]:
        if r.get("profile"):
            lines += _profile_lines(
                f"Profile, N={r['n']}, A (cache of the previous build)", r["profile"]
            )
        if r.get("profile_cold"):
            lines += _profile_lines(f"Profile, N={r['n']}, A cold", r["profile_cold"])
    lines.append("Per-run figures are in the .json file beside this one.")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=BASE_N, help="posts (default 1000)")
    parser.add_argument("--pairs", type=int, default=3, help="A B pairs per N (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=5, help="edit-to-preview samples; 0 skips")
    parser.add_argument("--profile", action="store_true", help="add a cProfile top ten")
    parser.add_argument("--results", type=Path, default=RESULTS, help="results folder")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--base-pairs", type=int, help="pairs at N=1000 in a scaling run (default: --pairs)"
    )
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [args.n] if args.n <= BASE_N else [BASE_N, args.n]
    report = {"environment": environment(), "results": []}
    try:
        for n in sizes:
            is_base = n == BASE_N and len(sizes) > 1
            pairs = (args.base_pairs or args.pairs) if is_base else args.pairs
            edits = args.edits if n <= BASE_N else 0
            report["results"].append(
                measure(n, pairs, args.seed, workdir, edits, args.profile and not is_base)
            )
    finally:
        _remove_set_aside()
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if len(sizes) > 1:
        base, large = report["results"]
        report["scaling"] = {
            "n_base": base["n"],
            "n_large": large["n"],
            "ratio_A": large["A"]["median_seconds"] / base["A"]["median_seconds"],
            "ratio_A_cold": large["A_cold"]["median_seconds"] / base["A_cold"]["median_seconds"],
            "ratio_B": large["B"]["median_seconds"] / base["B"]["median_seconds"],
            "peak_mb_A": max(large["A"]["max_rss_mb"], large["A_cold"]["max_rss_mb"]),
        }
    args.results.mkdir(parents=True, exist_ok=True)
    stem = args.results / f"{report['environment']['date'][:10]}-N{args.n}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = render_markdown(report)
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"Written: {stem}.md and {stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
