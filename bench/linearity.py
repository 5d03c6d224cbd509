"""Time theme detection and Markdown on a long post and on one 4 times longer: the ratio.

A benchmark, not a test (timings on a shared machine are noise): `make bench` prints it.
Linear work gives a ratio near 4; the quadratic settling of phrase matches that made a 20 MB
post take minutes gave over 9.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from plugins.themes.detect import detect_themes  # noqa: E402
from plugins.themes.vocabulary import load_vocabulary  # noqa: E402
from plugins.yaml_metadata.engine import markdown_engine  # noqa: E402

SENTENCE = (
    "The serious case review found blame culture and risk aversion in supervision, "
    "while Ofsted inspection and the caseload of the social worker grew. "
)
PARAGRAPH = "A paragraph with *emphasis*, **strong**, `code` and a [link](../x/).\n\n"


def cpu_seconds(function, *args) -> float:
    """The best of two runs' CPU time of FUNCTION(*ARGS)."""
    best = float("inf")
    for _ in range(2):
        gc.collect()
        start = time.process_time()
        function(*args)
        best = min(best, time.process_time() - start)
    return best


def markdown_html(text):
    """Convert TEXT with the blog's Markdown engine, as the reader does."""
    return markdown_engine().convert(text)


def main(argv=None) -> int:
    """Print, for each step, the CPU seconds at 1x and 4x and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=4_000, help="size of the 1x post")
    args = parser.parse_args(argv)
    vocabulary = load_vocabulary(ROOT / "content" / "themes.yaml")
    detect_themes(SENTENCE * 200, vocabulary)  # warm up the vocabulary's compiled patterns
    steps = [
        ("theme detection", lambda n: detect_themes(SENTENCE * n, vocabulary), args.sentences),
        ("Markdown", lambda n: markdown_html(PARAGRAPH * n), args.sentences),
    ]
    print("| step | 1x CPU s | 4x CPU s | ratio (linear: about 4) |")
    print("|---|---|---|---|")
    for name, run, n in steps:
        small, large = cpu_seconds(run, n), cpu_seconds(run, 4 * n)
        print(f"| {name} | {small:.2f} | {large:.2f} | {large / small:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
