"""Pictures in posts: content/images/, a {static} link, and alt text that `make check` requires."""

import shutil

import pytest
from authoring_helpers import FIXTURES, PYTHON, flat, run
from bs4 import BeautifulSoup

from plugins.content_checks.checks import images_without_alt
from tests.sitebuild import build_site

MISSING = (
    "articles/2024/team.md, line 9: the image '{static}/images/2024/team.png' has no alt text, "
    "so a reader who cannot see it is told nothing. Describe the picture between the square "
    "brackets"
)


def test_images_without_alt_text_are_found_however_they_are_written():
    assert images_without_alt('<p><img src="a.png"></p>') == ["a.png"]
    assert images_without_alt('<IMG SRC="b.png" ALT="">') == ["b.png"]
    assert images_without_alt('<img src="c.png" alt="   " />') == ["c.png"]
    assert images_without_alt("<img alt='' src='d.png'/>") == ["d.png"]
    assert images_without_alt('<img src="e.png" alt="A kitchen table">') == []
    assert images_without_alt("<p>The word img and &lt;img src=x&gt; as text.</p>") == []


def test_make_check_names_the_file_and_line_of_an_image_without_alt_text():
    process = run([PYTHON, "scripts/check_content.py", str(FIXTURES / "broken-image-alt")])
    lines = [line for line in process.stdout.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1 and MISSING in lines[0], process.stdout
    assert "garden.md" not in process.stdout  # its picture has alt text
    assert process.stdout.splitlines()[-1].endswith("0 error(s), 1 warning(s).")


@pytest.mark.slow
def test_the_build_warns_once_and_shows_the_picture_with_its_description(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "broken-image-alt", content)
    process = build_site(content, tmp_path / "out", check=False)
    log = flat(process.log)
    # Imported posts often lack it: the build names the file and line and goes on.
    assert process.exit_code == 0, log
    assert log.count(MISSING) == 1, log
    assert "Empty alt attribute" not in log  # Pelican's own line, without the line number

    post = content / "articles" / "2024" / "team.md"
    post.write_text(post.read_text().replace("![]", "![Six chairs around a table]"))
    process = build_site(content, tmp_path / "out", check=False)
    assert process.exit_code == 0, process.log
    assert "alt text" not in process.log
    page = tmp_path / "out" / "2024" / "05" / "the-team-meeting" / "index.html"
    image = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("main img")
    assert image["alt"] == "Six chairs around a table"
    assert (page.parent / image["src"]).resolve() == (
        tmp_path / "out" / "images" / "2024" / "team.png"
    ).resolve()
