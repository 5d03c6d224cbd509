"""Time `make import` on a generated Blogger export of N posts (default 5,000): seconds, peak MB.

The export is written in Blogger's backup format (Atom, escaped HTML bodies, labels, drafts,
pages, comments, settings and template entries); one post in ten has a picture, served from a
local HTTP server on 127.0.0.1 and passed with --image-host, and posts link to each other on
Blogger's addresses. The import runs as `python -m importer EXPORT OUT` (themes detected, as
`make import` does) into an empty folder; peak memory is its max RSS from os.wait4.
A benchmark, not a test. Figures go to bench/results/DATE-import-N<N>.md and to standard output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import random
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bench.run import timed

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BLOG = "tag:blogger.com,1999:blog-999"
HOST = "https://benchblog.blogspot.com"
KIND = '<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#{}"/>'
WORDS = [
    "supervision",
    "caseload",
    "review",
    "child",
    "family",
    "practice",
    "risk",
    "learning",
    "blame",
    "culture",
    "inspection",
    "social",
    "worker",
    "manager",
    "court",
    "assessment",
    "plan",
    "meeting",
    "report",
    "school",
    "health",
    "police",
    "neglect",
    "safeguarding",
    "partnership",
    "evidence",
    "reflection",
    "decision",
    "team",
    "time",
    "trust",
    "support",
]
LABELS = ["Supervision", "Blame culture", "Serious case reviews", "Ofsted", "Practice", "Courts"]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def _body(rng, number, n, image_base):
    parts = []
    for index in range(rng.randint(5, 9)):
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
        if index == 1:
            other = rng.randrange(n)
            text += f' See <a href="{HOST}/{_ym(other)}/post-{other}.html">an earlier post</a>.'
        if index == 2:
            text = f'<span style="font-family: Georgia;">{text}</span>&nbsp;&nbsp;'
        parts.append(f'<div style="text-align: justify;">{text}</div><div><br /></div>')
    parts.insert(3, "<ul>" + "".join(f"<li>{_sentence(rng)}</li>" for _ in range(3)) + "</ul>")
    parts.insert(4, f"<h3>{_sentence(rng)[:-1]}</h3><blockquote>{_sentence(rng)}</blockquote>")
    if number % 10 == 0:
        parts.insert(
            1,
            f'<div class="separator"><a href="{image_base}/s1600/pic-{number}.png">'
            f'<img alt="Picture {number}" src="{image_base}/s320/pic-{number}.png" /></a></div>',
        )
    return "".join(parts)


def _ym(number):
    day = dt.date(2008, 1, 1) + dt.timedelta(days=number)
    return f"{day:%Y}/{day:%m}"


def write_export(path: Path, n: int, image_base: str, seed: int = 14) -> None:
    """Write a Blogger backup with N posts (a few drafts), 3 pages, comments and settings."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:app="http://purl.org/atom/app#" '
            'xmlns:thr="http://purl.org/syndication/thread/1.0">\n'
            f"<id>{BLOG}.archive</id><title>Bench blog</title>\n"
            f'<link href="{HOST}/" rel="alternate" type="text/html"/>\n'
        )
        out.write(
            f"<entry><id>{BLOG}.layout</id><published>2008-01-01T00:00:00.000Z</published>"
            f"{KIND.format('template')}<title>Template</title>"
            f'<content type="html">{escape("<b:skin>" + "x" * 20000 + "</b:skin>")}</content>'
            "</entry>\n"
        )
        for index in range(40):
            out.write(
                f"<entry><id>{BLOG}.settings.S{index}</id>"
                f"<published>2008-01-01T00:00:00.000Z</published>{KIND.format('settings')}"
                f'<title>Setting {index}</title><content type="html">value</content></entry>\n'
            )
        for number in range(n):
            day = dt.datetime(2008, 1, 1, 9, 30) + dt.timedelta(days=number)
            stamp = day.strftime("%Y-%m-%dT%H:%M:00.000+01:00")
            draft = number % 250 == 7
            labels = "".join(
                f'<category scheme="http://www.blogger.com/atom/ns#" term={quoteattr(label)}/>'
                for label in rng.sample(LABELS, 2)
            )
            link = (
                ""
                if draft
                else f'<link href="{HOST}/{_ym(number)}/post-{number}.html" rel="alternate" '
                'type="text/html"/>'
            )
            control = "<app:control><app:draft>yes</app:draft></app:control>" if draft else ""
            out.write(
                f"<entry><id>{BLOG}.post-{number}</id><published>{stamp}</published>"
                f"<updated>{stamp}</updated>{control}{KIND.format('post')}{labels}"
                f"<title>Post {number}: {escape(_sentence(rng)[:60])}</title>"
                f'<content type="html">{escape(_body(rng, number, n, image_base))}</content>'
                f"{link}<author><name>Chris Mills</name><email>noreply@blogger.com</email>"
                "</author></entry>\n"
            )
            for comment in range(number % 3):
                out.write(
                    f"<entry><id>{BLOG}.post-c{number}x{comment}</id>"
                    f"<published>{stamp}</published>{KIND.format('comment')}"
                    f"<title>comment</title>"
                    f'<content type="html">{escape(_sentence(rng) + "<br />Thanks.")}</content>'
                    "<author><name>A reader</name><email>reader@example.org</email></author>"
                    f'<thr:in-reply-to ref="{BLOG}.post-{number}"/></entry>\n'
                )
        for number in range(3):
            out.write(
                f"<entry><id>{BLOG}.page-{number}</id><published>2009-01-01T10:00:00.000Z"
                f"</published>{KIND.format('page')}<title>Page {number}</title>"
                f'<content type="html">{escape("<p>" + _sentence(rng) + "</p>")}</content>'
                f'<link href="{HOST}/p/page-{number}.html" rel="alternate" type="text/html"/>'
                "</entry>\n"
            )
        out.write("</feed>\n")


class _Pictures(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass


def run(n: int, workdir: Path) -> dict:
    """Generate, import once, and return the figures."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_port}"
    try:
        export = workdir / "export.xml"
        write_export(export, n, f"http://{host}/img")
        out = workdir / "content" / "articles"
        shutil.rmtree(workdir / "content", ignore_errors=True)
        out.mkdir(parents=True)
        command = [sys.executable, "-m", "importer", str(export), str(out)]
        command += ["--image-host", host, "--site-url", "https://blog.example.org"]
        log = workdir / "import.log"
        seconds, peak_mb, cpu_seconds = timed(command, ROOT, log)
        articles = sum(1 for _ in out.rglob("*.md"))
        pictures = sum(1 for _ in (workdir / "content" / "images").rglob("*.png"))
        return {
            "n": n,
            "export_mb": round(export.stat().st_size / 1024 / 1024, 1),
            "seconds": round(seconds, 2),
            "peak_mb": round(peak_mb, 1),
            # CPU of the import and its workers: on a shared machine, wall time also counts
            # the waits for other programs; the load average shows how busy the machine was.
            "cpu_seconds": round(cpu_seconds, 2),
            "load_average": round(os.getloadavg()[0], 1),
            "articles": articles,
            "pictures": pictures,
            "summary": [line for line in log.read_text().splitlines() if line.startswith("  ")][:8],
        }
    finally:
        server.shutdown()
        server.server_close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-import-"))
    workdir.mkdir(parents=True, exist_ok=True)
    figures = run(args.n, workdir)
    figures["date"] = dt.date.today().isoformat()
    figures["cpus"] = os.cpu_count()
    text = (
        f"# Blogger import, N={figures['n']} posts ({figures['export_mb']} MB export)\n\n"
        f"- time: {figures['seconds']} s (limit 60 s)\n"
        f"- peak memory: {figures['peak_mb']} MB (limit 500 MB)\n"
        f"- CPU: {figures['cpu_seconds']} s (import and its workers); load average "
        f"{figures['load_average']} at the end\n"
        f"- files: {figures['articles']} Markdown files, {figures['pictures']} pictures\n"
        f"- machine: {figures['cpus']} cores\n\n"
        "Import report (first lines):\n\n" + "\n".join(f"    {s}" for s in figures["summary"])
    )
    print(text)
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stem = results / f"{figures['date']}-import-N{figures['n']}"
    stem.with_suffix(".md").write_text(text + "\n")
    stem.with_suffix(".json").write_text(json.dumps(figures, indent=2) + "\n")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
