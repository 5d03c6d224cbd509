"""Precision and recall of the privacy check per kind of clue, on labelled passages.

privacy-labelled/ is the set the check was tuned on; privacy-heldout/ was written first and
never used for tuning. Floors sit just under what the check reached (see README.md)."""

from pathlib import Path

import pytest

from plugins.privacy_check.evaluate import evaluate, load, ratio

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SETS = {
    "labelled": FIXTURES / "privacy-labelled" / "passages.yaml",
    "heldout": FIXTURES / "privacy-heldout" / "passages.yaml",
}
DIRECT = ("postcode", "phone", "email", "nhs_number", "ni_number", "case_number", "address")
# (precision, recall) floors per kind; reached: labelled / held-out.
FLOORS = {
    "labelled": {
        **{kind: (0.95, 0.95) for kind in DIRECT},
        "name": (0.8, 0.95),  # reached 0.86, 1.00
        "age": (0.95, 0.95),  # 1.00, 1.00
        "date": (0.95, 0.95),  # 1.00, 1.00
        "place": (0.8, 0.95),  # 0.88, 1.00
        "family": (0.85, 0.75),  # 0.89, 0.80
        "sensitive": (0.95, 0.55),  # 1.00, 0.57
    },
    "heldout": {
        **{kind: (0.95, 0.95) for kind in DIRECT},
        "name": (0.95, 0.7),  # reached 1.00, 0.75
        "age": (0.95, 0.95),  # 1.00, 1.00
        "date": (0.95, 0.95),  # 1.00, 1.00
        "place": (0.95, 0.65),  # 1.00, 0.67
        "family": (0.75, 0.75),  # 0.78, 0.78
        "sensitive": (0.95, 0.95),  # 1.00, 1.00
    },
}
VERDICT_FLOORS = {"labelled": 0.9, "heldout": 0.9}  # reached 0.92 and 0.93


def test_the_sets_hold_at_least_80_passages_with_safe_and_identifying_ones():
    passages = [p for path in SETS.values() for p in load(path)]
    assert len(passages) >= 80
    assert sum(1 for p in passages if not p["kinds"]) >= 25  # hard negatives among them
    assert {k for p in passages for k in p["kinds"]} >= set(DIRECT)


@pytest.mark.parametrize("name", SETS)
def test_precision_and_recall_per_kind_stay_above_the_floors(name):
    counts, accuracy, _misses = evaluate(load(SETS[name]))
    for kind, (precision_floor, recall_floor) in FLOORS[name].items():
        tp, fp, fn = counts[kind]
        assert ratio(tp, tp + fp) >= precision_floor, (kind, counts[kind])
        assert ratio(tp, tp + fn) >= recall_floor, (kind, counts[kind])
    assert accuracy >= VERDICT_FLOORS[name]
