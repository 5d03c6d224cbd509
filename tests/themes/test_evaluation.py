"""Quality on hand-labelled texts: the detector must find what people tagged, with few extras."""

import pytest

from scripts.themes_report import load_labelled, main, score


@pytest.fixture(scope="module")
def labelled():
    return load_labelled()


def test_labelled_sets_are_complete(labelled, vocabulary):
    assert len(labelled["the 13 real posts"]) == 13
    assert len(labelled["held-out tune"]) >= 20 and len(labelled["held-out final"]) >= 10
    heldout = labelled["held-out tune"] + labelled["held-out final"]
    required = [slug for item in heldout for slug in item.themes]
    # The held-out set needs every theme several times, and posts that should get no theme.
    rare = {slug: required.count(slug) for slug in vocabulary.slugs if required.count(slug) < 2}
    assert rare == {}
    assert any(not item.themes for item in heldout)
    for items in labelled.values():
        for item in items:
            assert item.text.strip(), item.name
            assert set(item.themes) | set(item.acceptable) <= set(vocabulary.slugs), item.name


# Floors a little under the measured values (scripts/themes_report.py --evaluate): a change
# to the vocabulary or the scoring that loses found themes or adds extras fails here. The
# held-out posts were labelled before detection was tuned; "final" was never tuned on.
FLOORS = {
    # set: (precision, recall)      measured when the floors were set
    "the 13 real posts": (0.95, 0.95),  # 1.00, 1.00
    "hand-written cases": (0.90, 0.85),  # 1.00, 0.90
    "held-out tune": (0.88, 0.90),  # 0.93, 0.96
    "held-out final": (0.85, 0.80),  # 0.94, 0.84
}


@pytest.mark.parametrize("name", list(FLOORS))
def test_precision_and_recall_stay_high(labelled, vocabulary, name):
    _, totals = score(labelled[name], vocabulary)
    precision, recall = FLOORS[name]
    assert totals["precision"] >= precision, totals
    assert totals["recall"] >= recall, totals


def test_the_report_lists_every_post_with_its_themes(capsys, tmp_path):
    from tests.conftest import FIXTURES

    assert main([str(FIXTURES / "themes-crosslinks")]) == 0
    out = capsys.readouterr().out
    assert "articles/2019/untagged.md  [What inspection rewards]  themes from detected" in out
    assert "+ ofsted-inspection        detected" in out
    assert "- ofsted-inspection        excluded by themes_exclude" in out
    assert "plain tags: Gardening" in out
