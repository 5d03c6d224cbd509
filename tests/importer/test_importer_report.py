"""The import report: per file, posts with dates, lists, removed lines by rule, decisions."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
LONG = "This is a body paragraph that is long enough to read as prose and ends properly."


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "importer", "--no-themes", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_the_report_is_printed_and_written_with_every_part(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "importer-news-publishers", sources)
    (sources / "page.txt").write_text(
        f"Thursday 26 July 2018\n\nOne Post\n\n{LONG}\n\n● a point\n● another point\n\n"
        f"What the review found\n\n{LONG}\n\nConclusion\n\n{LONG}\n"
    )
    report_file = tmp_path / "report.txt"
    result = run_cli(sources, tmp_path / "out", "--report", report_file)
    assert result.returncode == 0, result.stderr
    written = report_file.read_text(encoding="utf-8")
    printed = result.stdout
    for text in (printed, written):
        assert "page.txt: 2 posts\n" in text
        assert "  line 3: 2018-07-26 12:01  One Post  -> 2018/one-post.md\n" in text
        assert "    bulleted list of 2\n" in text
        assert "    line 1: date_line: Thursday 26 July 2018\n" in text
        assert (
            "    line 10: 'What the review found': AMBIGUOUS, title of the next post (a short "
            "line between paragraphs, with nothing to tell a sub-heading from a title)\n"
        ) in text
        assert "    line 14: 'Conclusion': sub-heading in the post ('Conclusion' names a " in text
        assert "national.txt: 1 post\n" in text and "    numbered list of 3\n" in text
        assert "    line 9: image_alt: A social worker visits a family at home in Leeds\n" in text
        assert "    line 34: comment_thread: Comments (3)\n" in text
    assert f"report: {report_file}\n" in printed
    # The console says where the text could not tell, with the fix, as a note too.
    assert "note: page.txt, line 10: 'What the review found' could be a sub-heading" in printed


def test_an_unwritable_report_is_an_error_naming_it(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "page.txt").write_text(f"Thursday 26 July 2018\n\nOne Post\n\n{LONG}\n")
    folder = tmp_path / "report-is-a-folder"
    folder.mkdir()
    result = run_cli(sources, tmp_path / "out", "--report", folder)
    assert result.returncode == 1
    assert f"error: {folder}: cannot write the report there" in result.stderr
    assert "Nothing was written." in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    missing = tmp_path / "no-such-folder" / "report.txt"
    result = run_cli(sources, tmp_path / "out", "--report", missing)
    assert result.returncode == 1 and f"error: {missing}: cannot write" in result.stderr
    assert not (tmp_path / "out").exists()
