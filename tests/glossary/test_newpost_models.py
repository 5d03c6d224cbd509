"""`make newpost MODEL=driscoll` (or gibbs) starts a draft with that reflective model's headings."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.newpost import NewPostError, create_post

ROOT = Path(__file__).resolve().parents[2]
WHEN = dt.datetime(2026, 3, 14, 9, 30)


def headings(path):
    return [line[3:] for line in path.read_text(encoding="utf-8").splitlines() if line[:3] == "## "]


def test_driscoll_and_gibbs_give_their_stages(tmp_path):
    driscoll = create_post("After the conference", tmp_path, when=WHEN, model="driscoll")
    assert headings(driscoll) == ["What?", "So what?", "Now what?"]
    gibbs = create_post("A home visit", tmp_path, when=WHEN, model="Gibbs")
    assert headings(gibbs) == [
        "Description",
        "Feelings",
        "Evaluation",
        "Analysis",
        "Conclusion",
        "Action plan",
    ]
    assert gibbs.read_text(encoding="utf-8").startswith("---\ntitle: A home visit\n")


def test_an_unknown_model_is_refused_and_nothing_written(tmp_path):
    with pytest.raises(NewPostError, match="MODEL=kolb is not a reflective model here; use one"):
        create_post("Later", tmp_path, when=WHEN, model="kolb")
    assert not (tmp_path / "articles").exists()


def test_make_passes_model_through(tmp_path):
    env = {**os.environ, "TITLE": "Supervision notes", "MODEL": "driscoll"}
    process = subprocess.run(
        [sys.executable, "scripts/newpost.py", "--content", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stderr
    (path,) = (tmp_path / "articles").rglob("supervision-notes.md")
    assert headings(path) == ["What?", "So what?", "Now what?"]
