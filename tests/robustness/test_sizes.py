"""Size: a 5 MB post, one 100,000-character line, 10,000 tags and an empty file.

Each either builds (and the text is all there) or fails with a message naming the file,
within a generous time bound (a bound against hangs, not a speed test). The inputs are
generated in temporary folders; nothing big is committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from robust_helpers import ROOT

BOUND = 300  # seconds; a hang, not slowness, fails the test
PELICAN = ROOT / ".venv" / "bin" / "pelican"
HEAD = "---\ntitle: {title}\ndate: 2020-03-01 12:00\nauthor: Chris Mills\ncategory: Reflections\n"


def build(tmp_path, name, text):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    path = content / "articles" / "2020" / name
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    output = tmp_path / "out"
    command = [str(PELICAN), str(content), "-o", str(output), "-s", str(ROOT / "pelican.conf.py")]
    process = subprocess.run(
        [*command, "--fatal", "errors"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND,
        env={"PATH": f"{PELICAN.parent}:/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "1000"},
    )
    return process, output, " ".join((process.stdout + process.stderr).split())


@pytest.mark.slow
def test_a_five_megabyte_post_builds_with_all_its_text(tmp_path):
    paragraph = "Supervision gives a social worker room to think about a family. " * 8
    body = "\n\n".join(f"Paragraph {n}. {paragraph}" for n in range(10_000))
    assert len(body.encode()) > 5_000_000
    process, output, log = build(tmp_path, "big.md", HEAD.format(title="Big") + "---\n" + body)
    assert process.returncode == 0, log[-2000:]
    page = (output / "2020" / "03" / "big" / "index.html").read_text(encoding="utf-8")
    assert "Paragraph 9999." in page and page.count("<p>Paragraph ") == 10_000


@pytest.mark.slow
def test_one_line_of_100000_characters_builds_whole(tmp_path):
    line = "".join(f"word{n} " for n in range(15_000))[:100_000].rstrip() + " end-of-line."
    process, output, log = build(tmp_path, "line.md", HEAD.format(title="Line") + "---\n" + line)
    assert process.returncode == 0, log[-2000:]
    page = (output / "2020" / "03" / "line" / "index.html").read_text(encoding="utf-8")
    assert "end-of-line." in page and "word1000 " in page


@pytest.mark.slow
def test_ten_thousand_tags_build_or_fail_clearly(tmp_path):
    tags = ", ".join(f"tag {n}" for n in range(10_000))
    text = HEAD.format(title="Tags") + f"tags: [{tags}]\n---\nA post with many tags.\n"
    process, output, log = build(tmp_path, "tags.md", text)
    if process.returncode == 0:
        assert (output / "tag" / "tag-9999" / "index.html").exists()
        page = (output / "2020" / "03" / "tags" / "index.html").read_text(encoding="utf-8")
        assert "tag 9999" in page
    else:
        assert "tags.md" in log and "Traceback" not in log, log[-2000:]


def test_an_empty_file_fails_with_a_message_naming_it(tmp_path):
    process, output, log = build(tmp_path, "empty.md", "")
    assert process.returncode != 0
    assert "empty.md" in log and "Traceback" not in log, log[-2000:]


def test_an_empty_source_file_is_a_clear_import_error(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "empty.txt").write_bytes(b"")
    process = subprocess.run(
        [sys.executable, "-m", "importer", str(sources), str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    assert process.returncode == 1
    assert "empty.txt: the file is empty" in process.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_five_megabyte_source_imports_every_paragraph(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    paragraph = "A long paragraph about blame in child protection work, repeated. " * 10
    body = "\n\n".join(f"Paragraph {n}. {paragraph}" for n in range(7_500))
    (sources / "big.txt").write_text(f"Thursday, 26 July 2018\n\nBig Post\n\n{body}\n")
    process = subprocess.run(
        [sys.executable, "-m", "importer", str(sources), str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    assert process.returncode == 0, process.stderr
    text = (tmp_path / "out" / "2018" / "big-post.md").read_text(encoding="utf-8")
    assert text.count("Paragraph ") == 7_500
