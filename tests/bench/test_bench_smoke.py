"""The benchmark harness runs end to end on a tiny corpus and writes every figure it promises."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from bench.corpus import make_posts, native_text, write_corpus, yaml_text  # noqa: E402


@pytest.mark.slow
def test_harness_writes_the_results_files_with_every_figure(tmp_path):
    results = tmp_path / "results"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--n", "20", "--pairs", "1"]
    command += ["--edits", "1", "--results", str(results), "--workdir", str(tmp_path / "work")]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]

    (report_file,) = results.glob("*-N20.json")
    report = json.loads(report_file.read_text())
    (result,) = report["results"]
    assert result["n"] == 20 and result["pairs"] == 1
    for side in ("A", "A_cold", "B"):
        figures = result[side]
        assert len(figures["runs"]) == 1
        for name in ("median_seconds", "max_rss_mb", "seconds_per_post", "output_files"):
            assert figures[name] > 0, (side, name)
    assert result["ratio_A_over_B"] == pytest.approx(
        result["A"]["median_seconds"] / result["B"]["median_seconds"]
    )
    assert result["ratio_A_cold_over_B"] == pytest.approx(
        result["A_cold"]["median_seconds"] / result["B"]["median_seconds"]
    )
    edit = result["edit_to_preview"]
    assert len(edit["edit_seconds"]) == 1 and edit["ratio_to_cold_A"] > 0
    assert edit["rebuild_median_seconds"] >= edit["edit_median_seconds"]
    # The bench's edit changes only the post's body: the preview writes the page first.
    assert edit["previewed"] == [True]
    assert edit["final_page_median_seconds"] >= edit["edit_median_seconds"]

    text = report_file.with_suffix(".md").read_text()
    for label in ("A, `make html` with the cache", "A cold, empty build cache", "B, plain"):
        assert f"| 20 | {label}" in text
    assert "Edit-to-preview at N=20" in text
    assert "1 of 1 edits by the preview" in text
    assert "native `Key: value` metadata header" in text
    assert "| N | build | rounds |" in process.stdout
    # Earlier builds' folders were set aside, not removed between builds, and removed at the end.
    assert not list((tmp_path / "work").glob(".*set-aside*"))


def test_corpus_is_deterministic_and_the_same_posts_in_both_formats(tmp_path):
    first = write_corpus(tmp_path / "one", 15, seed=9)
    second = write_corpus(tmp_path / "two", 15, seed=9)
    for fmt in ("yaml", "native"):
        left = sorted(p.relative_to(first[fmt]) for p in first[fmt].rglob("*.md"))
        right = sorted(p.relative_to(second[fmt]) for p in second[fmt].rglob("*.md"))
        assert left == right and len(left) == 16  # 15 posts and the about page
        for name in left:
            assert (first[fmt] / name).read_bytes() == (second[fmt] / name).read_bytes()
    for post in first["posts"]:
        yaml_version, native_version = yaml_text(post), native_text(post)
        assert yaml_version.startswith("---\ntitle: ")
        assert native_version.startswith(f"Title: {post.title}\nDate: ")
        assert yaml_version.endswith(post.body) and native_version.endswith(post.body)


def test_posts_are_realistic_length_spread_over_twenty_years_and_on_theme():
    posts = make_posts(200, seed=1)
    lengths = [len(post.body.split()) for post in posts]
    assert min(lengths) >= 300 and max(lengths) <= 1100
    years = {post.date.year for post in posts}
    assert max(years) - min(years) >= 18
    bodies = " ".join(post.body for post in posts)
    for phrase in ("blame culture", "HCPC", "serious case review", "caseloads", "Ofsted"):
        assert phrase in bodies
    assert "\n- " in bodies and "\n> " in bodies and "\n## " in bodies
    assert len({post.slug for post in posts}) == len(posts)


def test_a_folder_set_aside_is_gone_at_once_and_removed_when_the_run_ends(tmp_path):
    from bench import run

    output = tmp_path / "out-A-20"
    (output / "2024").mkdir(parents=True)
    (output / "2024" / "index.html").write_text("last build")
    run._fresh(output)
    assert output.is_dir() and not any(output.iterdir())  # the next build's empty folder
    (aside,) = tmp_path.glob(".out-A-20.set-aside-*")
    assert (aside / "2024" / "index.html").read_text() == "last build"
    run._set_aside(tmp_path / "never-made")  # nothing to set aside: nothing happens
    run._remove_set_aside()
    assert not aside.exists() and output.is_dir()
