"""Precision and recall of the privacy check on a labelled set of passages.

Usage: python -m plugins.privacy_check.evaluate tests/fixtures/privacy-labelled/passages.yaml
(with plugins/ on the path). Each passage is one paragraph; what the check found is the kinds
of clue in its findings, and its verdict is the most severe finding (or none)."""

from __future__ import annotations

import sys
from pathlib import Path

from .core import ERROR, KINDS, NOTE, WARNING, Block, find_clues, judge

_RANK = {ERROR: 3, WARNING: 2, NOTE: 1, "none": 0}


def load(path):
    """The passages of a labelled set: dicts with text, kinds, verdict, public_record."""
    from plugins.yaml_metadata.bounded import load_bounded

    return load_bounded(Path(path).read_text(encoding="utf-8"))


def run(passage):
    """(kinds found, verdict) for one passage."""
    block = Block("<passage>", 1, passage["text"])
    block.clues = find_clues(block.text, passage.get("public_record") or ())
    findings = judge([block])
    kinds = {kind for f in findings for kind in f.kinds}
    verdict = max((f.severity for f in findings), key=_RANK.get, default="none")
    return kinds, verdict


def evaluate(passages):
    """{kind: (tp, fp, fn)}, verdict accuracy, and the passages that disagree."""
    counts = {kind: [0, 0, 0] for kind in KINDS}
    right, misses = 0, []
    for passage in passages:
        found, verdict = run(passage)
        gold = set(passage.get("kinds") or ())
        for kind in KINDS:
            if kind in found and kind in gold:
                counts[kind][0] += 1
            elif kind in found:
                counts[kind][1] += 1
            elif kind in gold:
                counts[kind][2] += 1
        right += verdict == passage["verdict"]
        if verdict != passage["verdict"] or found != gold:
            misses.append((passage["text"], sorted(gold), sorted(found), verdict))
    return counts, right / len(passages), misses


def ratio(a, b):
    return a / b if b else 1.0


def table(counts):
    """Lines of a per-kind precision/recall table."""
    lines = ["kind          tp  fp  fn  precision  recall"]
    for kind, (tp, fp, fn) in counts.items():
        lines.append(
            f"{kind:<12} {tp:>3} {fp:>3} {fn:>3}  {ratio(tp, tp + fp):>9.2f}  "
            f"{ratio(tp, tp + fn):>6.2f}"
        )
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    lines.append(
        f"{'all':<12} {tp:>3} {fp:>3} {fn:>3}  {ratio(tp, tp + fp):>9.2f}  "
        f"{ratio(tp, tp + fn):>6.2f}"
    )
    return lines


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    show = "--show" in argv
    for path in [a for a in argv if not a.startswith("--")]:
        counts, accuracy, misses = evaluate(load(path))
        print(path)
        print("\n".join(table(counts)))
        print(f"verdict accuracy {accuracy:.2f}")
        if show:
            for text, gold, found, verdict in misses:
                print(f"- {text[:90]}\n    gold {gold} found {found} verdict {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
