"""Blogger's own export: formats told by content, entries classified, bodies, links, pictures,
comments, bad input, re-imports. Text in, files out (no site build here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from blogger_helpers import (
    EXPORT,
    PELICAN_EXPORT,
    ROOT,
    TAKEOUT,
    copy_export,
    import_fixture,
    picture_server,
)
from bs4 import BeautifulSoup
from importer_helpers import render, split_article

from importer import ImportFailed, import_sources
from importer.blogger_export import find_export, read_export
from importer.html_to_markdown import html_to_markdown


def snapshot(folder):
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def served(tmp_path):
    with picture_server(tmp_path / "server") as base:
        yield base


# --- Formats, told apart by their content ------------------------------------------------


def test_an_export_is_recognised_by_its_content_not_its_name(tmp_path):
    renamed = copy_export(tmp_path, name="backup.dat")
    assert find_export(renamed) == renamed
    folder = tmp_path / "folder"
    folder.mkdir()
    copy_export(folder, name="blog.xml")
    assert find_export(folder) == folder / "blog.xml"


def test_takeout_folder_reads_feed_atom_of_the_blog(tmp_path):
    found = find_export(TAKEOUT)
    assert found.name == "feed.atom"
    assert found.parent.parent.name == "Blogs"
    export = read_export(found)
    kinds = sorted((e.kind, e.title, e.draft) for e in export.entries)
    assert kinds == [
        ("page", "About the old blog", False),
        ("post", "Half-written thoughts", True),
        ("post", "Supervision matters", False),
    ]
    assert export.skipped["post (deleted on Blogger)"] == 1
    [thread] = export.comments.values()
    assert [c.name for c in thread] == ["Jane Practitioner"]
    post = next(e for e in export.entries if e.title == "Supervision matters")
    assert post.labels == ("Supervision",)
    assert post.url == "/2018/03/supervision-matters.html"  # the feed names no blog address


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            '<?xml version="1.0"?>\n<rss version="2.0" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel></channel></rss>',
            "this is a WordPress export (WXR), which the importer does not read",
        ),
        (
            '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title></channel></rss>',
            "this is an RSS feed",
        ),
        (
            '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
            "</feed>",
            "this is an Atom feed that is not a Blogger export",
        ),
    ],
)
def test_other_platforms_get_a_message_saying_what_is_supported(tmp_path, text, said):
    source = tmp_path / "export.xml"
    source.write_text(text)
    out = tmp_path / "content" / "articles"
    with pytest.raises(ImportFailed) as failure:
        import_sources(source, out)
    message = failure.value.errors[0]
    assert str(source) in message and said in message
    assert "Settings › Back up content" in message and "feed.atom" in message
    assert not out.exists() or not any(out.iterdir())


def test_a_truncated_export_stops_with_line_and_column_and_writes_nothing(tmp_path, served):
    data = EXPORT.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<title", len(data) // 2) + 20])
    content = tmp_path / "content"
    with pytest.raises(ImportFailed) as failure:
        import_fixture(tmp_path, served, export=cut)
    message = failure.value.errors[0]
    assert message.startswith(f"{cut}, line ")
    assert "column " in message and "cut short or unbalanced" in message
    assert snapshot(content) == {}


def test_an_unbalanced_export_stops_too(tmp_path):
    text = EXPORT.read_text().replace("</title>", "</titel>", 5)
    broken = tmp_path / "broken.xml"
    broken.write_text(text)
    with pytest.raises(ImportFailed) as failure:
        import_sources(broken, tmp_path / "content" / "articles")
    assert ", line " in failure.value.errors[0]
    assert "column" in failure.value.errors[0]


def test_pelicans_fixture_is_read_with_its_undeclared_prefix_recovered():
    export = read_export(PELICAN_EXPORT)
    assert any("Namespace prefix app on draft is not defined" in r for r in export.recovered)
    drafts = {e.title for e in export.entries if e.draft}
    assert drafts == {"Black as Egypt's Night", "Test page 2"}
    assert export.skipped == {"settings": 58, "template": 1}


def test_two_exports_in_one_folder_ask_for_one(tmp_path):
    copy_export(tmp_path, name="a.xml")
    copy_export(tmp_path, name="b.xml")
    with pytest.raises(ImportFailed) as failure:
        import_sources(tmp_path, tmp_path / "content" / "articles")
    assert "holds 2 Blogger exports" in failure.value.errors[0]


# --- Entries -------------------------------------------------------------------------------


def test_entries_become_articles_pages_and_drafts(tmp_path, served):
    content, report = import_fixture(tmp_path, served)
    files = sorted(str(p.relative_to(content)) for p in content.rglob("*.md"))
    assert files == [
        "articles/2018/half-written-thoughts.md",
        "articles/2018/no-blame-culture.md",
        "articles/2018/supervision-matters.md",
        "articles/2019/an-entry-without-its-kind.md",
        "articles/2099/coming-soon.md",
        "pages/about-the-old-blog.md",
        "pages/unfinished-page.md",
    ]
    status = {
        name: yaml.safe_load(split_article((content / name).read_text())[0]).get("status")
        for name in files
    }
    assert status["articles/2018/half-written-thoughts.md"] == "draft"
    assert status["articles/2099/coming-soon.md"] == "draft"  # scheduled
    assert status["pages/unfinished-page.md"] == "draft"
    assert status["articles/2018/no-blame-culture.md"] is None
    summary = "\n".join(report.summary)
    assert "skipped: 2 settings, 1 template, 1 unknown" in summary
    assert "an-entry-without-its-kind" not in summary  # told apart by its id, said by its line
    assert "post-1005 says not what it is; read as a post from its address" in summary


def test_an_entry_without_a_date_is_skipped_and_said(tmp_path, served):
    text = EXPORT.read_text()
    start = text.index("  <published>2019-02-14T18:45:00.000-05:00</published>")
    end = text.index("</updated>", start) + len("</updated>\n")
    source = tmp_path / "export.xml"
    source.write_text(text[:start] + text[end:])
    content, report = import_fixture(tmp_path, served, export=source)
    assert not (content / "articles/2019").exists()
    summary = "\n".join(report.summary)
    assert "1 post without a date" in summary
    assert (
        "the post tag:blogger.com,1999:blog-4711.post-1005 has no date, so it was skipped"
        in summary
    )


def test_metadata_labels_dates_with_offsets_author_and_address(tmp_path, served):
    content, _ = import_fixture(tmp_path, served)
    front, _ = split_article((content / "articles/2018/no-blame-culture.md").read_text())
    fields = yaml.safe_load(front)
    assert fields["tags"] == ["Blame culture", "Serious case reviews"]
    assert fields["date"] == "2018-07-26 12:00+01:00"
    assert fields["modified"] == "2018-07-28 09:15+01:00"
    assert fields["author"] == "Chris Mills"
    assert fields["original_url"] == (
        "https://learningfromcp.blogspot.com/2018/07/no-blame-culture.html"
    )
    other = yaml.safe_load(
        split_article((content / "articles/2019/an-entry-without-its-kind.md").read_text())[0]
    )
    assert other["date"] == "2019-02-14 18:45-05:00"


# --- Bodies --------------------------------------------------------------------------------


def test_blogger_html_becomes_clean_markdown():
    html = (
        '<div dir="ltr" style="text-align: left;" trbidi="on"><span style="color:red">'
        "Styled</span> <b>bold</b>&nbsp;&nbsp;&nbsp;&nbsp;<i>it</i> 10&nbsp;km<br />next line"
        "<br /><br /><h2>Head</h2><ol><li>one</li><li>two</li></ol><ul><li>a</li><br />"
        '<li>b</li></ul><blockquote class="tr_bq">Said.</blockquote><div><br /></div>'
        "<table><tr><th>Y</th><th>N</th></tr><tr><td>1 | 2</td><td>3</td></tr></table>"
        '<a name="more"></a><img alt="A" src="/a.png" /> &lt;b&gt; 2*3_4 &amp; x</div>'
    )
    markdown = html_to_markdown(html)
    assert "style" not in markdown and "span" not in markdown and "div" not in markdown
    assert "&nbsp;" not in markdown and "\xa0\xa0" not in markdown
    page = BeautifulSoup(render(markdown), "html.parser")
    assert page.find("strong").text == "bold" and page.find("em").text == "it"
    assert page.find("br") is not None  # the meaningful line break
    assert page.find("h2").text == "Head"
    assert [li.text for li in page.find("ol").find_all("li")] == ["one", "two"]
    assert [li.text for li in page.find("ul").find_all("li")] == ["a", "b"]
    assert page.find("blockquote").text.strip() == "Said."
    assert [td.text for td in page.find("tbody").find_all("td")] == ["1 | 2", "3"]
    assert page.find("img")["alt"] == "A"
    text = page.get_text(" ")
    assert "<b> 2*3_4 & x" in " ".join(text.split())
    assert "10\xa0km" in text  # one &nbsp; keeps two words together


def test_embedded_video_stays_as_a_link():
    markdown = html_to_markdown('<iframe src="//www.youtube.com/embed/abc"></iframe>')
    page = BeautifulSoup(render(markdown), "html.parser")
    assert page.find("a")["href"] == "https://www.youtube.com/embed/abc"


def test_newlines_are_line_breaks_when_the_blog_converted_them(tmp_path, served):
    setting = (
        " <entry>\n  <id>tag:blogger.com,1999:blog-4711.settings.BLOG_CONVERT_LINE_BREAKS</id>\n"
        "  <published>2016-01-01T10:00:00.000Z</published>\n"
        '  <category scheme="http://schemas.google.com/g/2005#kind" '
        'term="http://schemas.google.com/blogger/2008/kind#settings"/>\n'
        '  <title type="text">Convert line breaks</title>\n'
        '  <content type="text">true</content>\n </entry>\n'
    )
    text = EXPORT.read_text().replace(
        "&lt;p&gt;Exported without the kind category, as some exports are.&lt;/p&gt;",
        "First line\nsecond line\n\nNew paragraph",
    )
    source = tmp_path / "export.xml"
    source.write_text(text.replace(" <entry>", setting + " <entry>", 1))
    content, _ = import_fixture(tmp_path, served, export=source)
    _, body = split_article((content / "articles/2019/an-entry-without-its-kind.md").read_text())
    page = BeautifulSoup(render(body), "html.parser")
    assert [p.get_text() for p in page.find_all("p")] == [
        "First line\nsecond line",
        "New paragraph",
    ]
    assert page.find("p").find("br") is not None


# --- Links ---------------------------------------------------------------------------------


def test_links_between_posts_become_filename_links_on_any_country_domain(tmp_path, served):
    content, report = import_fixture(tmp_path, served)
    _, body = split_article((content / "articles/2018/no-blame-culture.md").read_text())
    assert "[supervision]({filename}/articles/2018/supervision-matters.md)" in body
    assert "[its numbers]({filename}/articles/2018/supervision-matters.md#numbers)" in body
    assert "(https://www.gov.uk/government/publications/child-safeguarding-review)" in body
    assert "(https://learningfromcp.blogspot.com/2016/01/deleted-post.html)" in body
    _, other = split_article((content / "articles/2018/supervision-matters.md").read_text())
    assert "({filename}/pages/about-the-old-blog.md)" in other
    summary = "\n".join(report.summary)
    assert "links between posts made {filename} links: 3" in summary
    assert (
        "articles/2018/no-blame-culture.md: links to "
        "https://learningfromcp.blogspot.com/2016/01/deleted-post.html, a post that is not in "
        "the export; link kept as it is"
    ) in summary


# --- Pictures ------------------------------------------------------------------------------


def test_pictures_are_downloaded_and_failures_listed_with_a_visible_placeholder(tmp_path, served):
    content, report = import_fixture(tmp_path, served)
    folder = content / "images/blogger/2018/no-blame-culture"
    assert sorted(p.name for p in folder.iterdir()) == ["caseload-chart.png", "team-meeting.jpg"]
    assert (folder / "team-meeting.jpg").read_bytes().startswith(b"\x89PNG")
    _, body = split_article((content / "articles/2018/no-blame-culture.md").read_text())
    assert (
        "![A team meeting around a table]"
        "({static}/images/blogger/2018/no-blame-culture/team-meeting.jpg)"
    ) in body
    assert "googleusercontent" not in body and "s1600/team-meeting" not in body
    assert (
        "Picture not imported: A chart that has gone. Original: "
        "https://1.bp.blogspot.com/-gone/XYZ/AAAA/s1600/missing.png"
    ) in body.replace("\\", "")
    summary = "\n".join(report.summary)
    assert (
        "problem: articles/2018/no-blame-culture.md: picture "
        "https://1.bp.blogspot.com/-gone/XYZ/AAAA/s1600/missing.png not downloaded ("
    ) in summary
    assert "the server answered 404" in summary
    assert (
        "picture https://1.bp.blogspot.com/-abcDEF/XYZ/AAAA/s1600/caseload-chart.png has no "
        "alt text"
    ) in summary


def test_pictures_on_an_image_host_given_on_the_command_line(tmp_path, served):
    host = served.split("//")[1]
    text = EXPORT.read_text().replace(
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh/s320/team-meeting.jpg",
        f"{served}/img/b/R29vZ2xl/AVvXsEh/s1600/team-meeting.jpg",
    )
    source = tmp_path / "export.xml"
    source.write_text(text)
    out = tmp_path / "content" / "articles"
    out.mkdir(parents=True)
    process = subprocess.run(
        [sys.executable, "-m", "importer", source, out, "--no-themes", "--image-host", host],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stderr
    assert (tmp_path / "content/images/blogger/2018/no-blame-culture/team-meeting.jpg").exists()
    assert "pictures downloaded: 1" in process.stdout  # the others' hosts were not reachable


# --- Comments ------------------------------------------------------------------------------


def test_comments_are_kept_beside_the_post_without_email_addresses(tmp_path, served):
    content, _ = import_fixture(tmp_path, served)
    path = content / "articles/2018/supervision-matters.comments.yaml"
    text = path.read_text()
    assert text.startswith('# Readers\' comments on "Supervision matters"')
    comments = yaml.safe_load(text)["comments"]
    assert [c["name"] for c in comments] == ["Jane Practitioner", "Anonymous", "Chris Mills"]
    assert comments[0]["date"] == "2018-03-06 10:00+00:00"
    assert comments[0]["text"] == (
        "Thank you for this.\nSee [this paper](http://example.org/paper). Really good."
    )
    assert "javascript" not in comments[1]["text"] and "with this:" in comments[1]["text"]
    assert "alert" not in comments[0]["text"]
    every_file = b"".join(snapshot(content).values()).decode("utf-8", "replace")
    assert "@example.org" not in every_file and "noreply@blogger.com" not in every_file


# --- Re-imports ----------------------------------------------------------------------------


def test_reimport_is_byte_identical_and_keeps_authors_edits(tmp_path, served):
    content, _ = import_fixture(tmp_path, served)
    before = snapshot(content)
    _, again = import_fixture(tmp_path, served)
    assert again.written == [] and again.skipped == []
    assert snapshot(content) == before
    article = content / "articles/2018/no-blame-culture.md"
    article.write_text(article.read_text() + "\nAn author's own addition.\n")
    _, edited = import_fixture(tmp_path, served)
    assert ("articles/2018/no-blame-culture.md", edited.skipped[0][1]) == edited.skipped[0]
    assert "edited since it was imported" in edited.skipped[0][1]
    assert "An author's own addition." in article.read_text()
    _, forced = import_fixture(tmp_path, served, force=True)
    assert "articles/2018/no-blame-culture.md" in forced.written
    assert "An author's own addition." not in article.read_text()


def test_a_newer_export_adds_only_the_new_posts(tmp_path, served):
    content, _ = import_fixture(tmp_path, served)
    newer = EXPORT.read_text().replace(
        " <entry>\n  <id>tag:blogger.com,1999:blog-4711.page-2001</id>",
        " <entry>\n  <id>tag:blogger.com,1999:blog-4711.post-1010</id>\n"
        "  <published>2019-03-01T09:00:00.000Z</published>\n"
        "  <updated>2019-03-01T09:00:00.000Z</updated>\n"
        '  <category scheme="http://schemas.google.com/g/2005#kind" '
        'term="http://schemas.google.com/blogger/2008/kind#post"/>\n'
        '  <title type="text">A new post</title>\n'
        '  <content type="html">&lt;p&gt;Written after the first import.&lt;/p&gt;</content>\n'
        '  <link href="https://learningfromcp.blogspot.com/2019/03/a-new-post.html" '
        'rel="alternate" type="text/html"/>\n'
        " </entry>\n"
        " <entry>\n  <id>tag:blogger.com,1999:blog-4711.page-2001</id>",
    )
    source = tmp_path / "newer.xml"
    source.write_text(newer)
    _, report = import_fixture(tmp_path, served, export=source)
    assert report.written == ["articles/2019/a-new-post.md", "blogger-moved.txt"]
    assert report.skipped == []


# --- Old addresses -------------------------------------------------------------------------


def test_moved_notices_name_each_old_and_new_address(tmp_path, served):
    content, _ = import_fixture(tmp_path, served)
    text = (content / "blogger-moved.txt").read_text()
    assert (
        "== https://learningfromcp.blogspot.com/2018/07/no-blame-culture.html  (No blame culture)\n"
        '<p>This post has moved to <a href="https://blog.example.org/2018/07/no-blame-culture/">'
        "https://blog.example.org/2018/07/no-blame-culture/</a>.</p>"
    ) in text
    assert "Half-written" not in text  # drafts were never at an address


# --- The same posts as Pelican's own importer ----------------------------------------------


def _pelican_import(tmp_path, export):
    out = tmp_path / "pelican-out"
    command = [
        str(Path(sys.executable).with_name("pelican-import")),
        "--blogger",
        "-m",
        "markdown",
        "--dir-page",
        "-o",
        str(out),
        str(export),
    ]
    process = subprocess.run(command, capture_output=True, text=True)
    assert process.returncode == 0, process.stdout + process.stderr
    found = {}
    for path in out.rglob("*.md"):
        head = path.read_text().split("\n\n", 1)[0]
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        kind = "page" if path.parent.name == "pages" else "article"
        found[path.stem] = (kind, fields["Title"], fields.get("Status", "published"))
    return found


@pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v pandoc"], capture_output=True).returncode != 0,
    reason="pelican-import needs pandoc (make test-deps installs it)",
)
def test_same_posts_pages_and_drafts_as_pelican_import(tmp_path, served):
    theirs = _pelican_import(tmp_path, PELICAN_EXPORT)
    export = read_export(PELICAN_EXPORT)
    # Pelican's importer makes an article of each comment (pelican#2954); ours keeps them as
    # comments of their post. Its file for an entry without an address is named by its id.
    comment_files = {ident.split(".")[-1] for ident in export.comment_ids}
    theirs = {name: v for name, v in theirs.items() if name not in comment_files}
    content, _ = import_fixture(tmp_path, served, export=PELICAN_EXPORT)
    ours = {}
    for path in content.rglob("*.md"):
        fields = yaml.safe_load(split_article(path.read_text())[0])
        kind = "page" if path.parent.name == "pages" else "article"
        ours[path.stem] = (kind, fields["title"], fields.get("status", "published"))
    assert sorted(theirs.values()) == sorted(ours.values())
    assert len(ours) == 4
