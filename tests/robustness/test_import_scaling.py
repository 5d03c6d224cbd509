"""Importing a big source grows linearly with its length.

Theme detection (which `make import` runs on every post) kept the phrase spans it had taken
in a sorted list, inserting into its middle: O(n^2) in the number of matches, so a 20 MB
source took minutes. A text 4 times longer must now cost about 4 times the CPU time (the
quadratic version measured over 10 on the text below).
"""

from __future__ import annotations

import gc
import sys
import time

import pytest
from robust_helpers import ROOT

VOCABULARY = """themes:
  - {slug: a, name: Alpha beta, description: d, phrases: [alpha beta]}
  - {slug: g, name: Gamma, description: d, phrases: [gamma]}
"""


def _cpu_seconds(function) -> float:
    best = float("inf")
    for _ in range(2):
        gc.collect()
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.slow
def test_theme_detection_is_linear_in_the_number_of_phrases_found():
    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        from themes import detect_themes, parse_vocabulary
    finally:
        sys.path.remove(str(ROOT / "plugins"))
    vocabulary = parse_vocabulary(VOCABULARY)
    # Long phrases are taken first, then each short one lands between two taken spans.
    small, big = "alpha beta gamma " * 40_000, "alpha beta gamma " * 160_000
    seconds = [
        _cpu_seconds(lambda text=text: detect_themes(text, vocabulary)) for text in (small, big)
    ]
    assert seconds[1] / seconds[0] < 6.5, seconds
