"""The built blog: notes on dated posts, /glossary/, a CPD page per post, sitemap and safe paths."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
from tests.sitebuild import build_site  # noqa: E402

pytestmark = pytest.mark.slow
HCPC_POST = "2017/10/health-and-care-professions-council-important-research/index.html"
HCPC_CPD = "cpd/health-and-care-professions-council-important-research/index.html"


def page(site, path):
    return BeautifulSoup((Path(site) / path).read_text(encoding="utf-8"), "html.parser")


def text(element):
    return " ".join(element.get_text(" ").split()).replace(" .", ".").replace(" )", ")")


def test_the_2017_hcpc_post_says_what_changed_since(real_site):
    soup = page(real_site, HCPC_POST)
    note = soup.select_one("aside.since-written")
    assert note is not None
    # The note comes before the post's words.
    assert note.find_next("div", class_="post-body") is not None
    assert " ".join(note.p.get_text().split()) == (
        "Written in 2017. Since then the HCPC's role passed to Social Work England (December 2019)."
    )
    assert [a["href"] for a in note.p.find_all("a")] == [
        "../../../glossary/#term-hcpc",
        "../../../glossary/#term-swe",
    ]


def test_posts_after_every_change_have_no_note(real_site):
    soup = page(
        real_site, "2021/10/blame-culture-results-in-risk-aversion-in-social-work/index.html"
    )
    assert soup.select_one("aside.since-written") is None


def test_term_links_reach_entries_that_exist(real_site):
    glossary = page(real_site, "glossary/index.html")
    ids = {tag["id"] for tag in glossary.find_all(id=True)}
    found = 0
    for path in Path(real_site).glob("[0-9][0-9][0-9][0-9]/*/*/index.html"):
        for link in page(real_site, path.relative_to(real_site)).select("a.term"):
            assert link["href"].startswith("../../../glossary/#")
            assert link["href"].split("#")[1] in ids
            assert link.find_parent(["h1", "h2", "h3", "blockquote", "q"]) is None
            found += 1
    assert found >= 10


def test_the_glossary_lists_every_term_with_definition_and_posts(real_site, glossary):
    soup = page(real_site, "glossary/index.html")
    assert soup.h1.get_text() == "Glossary"
    entries = soup.select("section.glossary-entry")
    assert len(entries) == len(glossary)
    hcpc = soup.select_one("#term-hcpc")
    assert "Health and Care Professions Council" in text(hcpc.h2)
    assert glossary["hcpc"].definition in text(hcpc)
    assert "From 1 August 2012 until 2 December 2019" in text(hcpc)
    assert hcpc.find("a", href="#term-swe") is not None
    used_in = [a.get_text() for a in hcpc.select(".post-list a")]
    assert "Health and Care Professions Council - important research" in used_in
    scr = soup.select_one("#term-scr")
    assert len(scr.select(".post-list a")) >= 2  # the 2009 news item and the 2017 review post


def test_every_post_has_a_printable_cpd_page_it_links_to(real_site):
    posts = list(Path(real_site).glob("[0-9][0-9][0-9][0-9]/*/*/index.html"))
    assert posts
    for path in posts:
        link = page(real_site, path.relative_to(real_site)).select_one("a.cpd-link")
        assert link is not None, path
        target = (path.parent / link["href"]).resolve() / "index.html"
        assert target.is_file(), link["href"]
    soup = page(real_site, HCPC_CPD)
    assert soup.find("script", src=True) is None
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    facts = {dt.get_text(): text(dt.find_next_sibling("dd")) for dt in soup.select(".cpd-facts dt")}
    assert facts["Title"] == "Health and Care Professions Council - important research"
    assert facts["Written"].startswith("7 October 2017")
    assert facts["Address"] == "/2017/10/health-and-care-professions-council-important-research/"
    assert facts["Summary"].startswith("I have made numerous posts")
    assert "HCPC referrals and regulation" in facts["Themes"]
    headings = [h.get_text() for h in soup.select("article.cpd h2")]
    for wanted in ("learn", "impact will it have on your practice", "people you work with", "peer"):
        assert any(wanted in heading for heading in headings), wanted


def test_sitemap_lists_the_glossary_from_its_setting(real_site):
    sitemap = (Path(real_site) / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r"<loc>/glossary/</loc>", sitemap)
    assert "/cpd/" not in sitemap  # print copies of posts: noindex, not listed


def _tree(tmp_path, page_front_matter):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    (content / "pages" / "mine.md").write_text(
        f"---\ntitle: Mine\n{page_front_matter}\n---\nText.\n", encoding="utf-8"
    )
    return content


@pytest.mark.parametrize(
    ("front", "owned"),
    [
        ("slug: glossary", "glossary/index.html"),
        ("save_as: cpd/x/index.html", "cpd/{slug}/index.html"),
    ],
)
def test_content_cannot_take_the_glossary_or_cpd_pages(tmp_path, front, owned):
    process = build_site(_tree(tmp_path, front), tmp_path / "out", check=False)
    assert process.exit_code != 0
    output = " ".join(process.log.split())
    assert "pages/mine.md" in output and f"one the site writes itself ('{owned}')" in output


def test_a_broken_glossary_stops_the_build_with_its_entry(tmp_path):
    bad = tmp_path / "glossary.yaml"
    bad.write_text(
        "terms:\n  - slug: x\n    term: XYZ\n    definition: d\n    source: https://e.org/\n",
        encoding="utf-8",
    )
    process = build_site(
        ROOT / "tests" / "fixtures" / "site",
        tmp_path / "out",
        extra_settings={"GLOSSARY_FILE": f'"{bad}"'},
        check=False,
    )
    assert process.exit_code != 0
    output = " ".join(process.log.split())
    assert "entry 1 (line 2) 'x': abbreviation 'XYZ' has no expansion" in output
    assert not (tmp_path / "out" / "index.html").exists()


def test_make_check_lists_dated_posts_as_information():
    process = subprocess.run(
        [sys.executable, "scripts/check_content.py", "content", "-s", "pelican.conf.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    lines = [line for line in process.stdout.splitlines() if line.startswith("info: ")]
    assert (
        "info: content/articles/2017/health-and-care-professions-council-important-research.md: "
        "written 2017-10-07; since then the HCPC's role passed to Social Work England "
        "(December 2019). Its page says so in a note at the top; nothing to do unless the post "
        "should say more." in lines
    )
    assert not any("2021/" in line for line in lines)
    assert "0 error(s)" in process.stdout.splitlines()[-1]


def test_make_check_names_a_broken_glossary_entry(tmp_path):
    bad = tmp_path / "glossary.yaml"
    bad.write_text(
        "terms:\n  - slug: x\n    term: XYZ\n    definition: d\n    source: https://e.org/\n"
    )
    conf = tmp_path / "conf.py"
    conf.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(ROOT / 'pelican.conf.py')!r})"
        ".items() if k.isupper()})\n"
        f"GLOSSARY_FILE = {str(bad)!r}\n"
    )
    process = subprocess.run(
        [sys.executable, "scripts/check_content.py", "content", "-s", str(conf)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert process.returncode == 1, process.stdout + process.stderr
    assert (
        f"error: {bad}, entry 1 (line 2) 'x': abbreviation 'XYZ' has no expansion. Fix: add "
        "`expansion:`" in process.stdout
    )
    assert "Traceback" not in process.stderr
