"""The blog's Markdown engine (markdown-it) renders what Python-Markdown rendered for it.

Python-Markdown (extra, smarty, toc) rendered every post until the switch; it stays installed
as the reference. For the real posts, every fixture, the benchmark's bodies and the importer's
output of its fixtures, readers see the same words, the same link targets and the same heading
ids under both engines, except the deliberate differences listed in DELIBERATE. Quotes, dashes
and heading ids are compared character for character with smarty's and toc's.
"""

from __future__ import annotations

import glob
import html
import re
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest
from bs4 import BeautifulSoup
from robust_helpers import ROOT

from plugins.settings_table import SettingsError
from plugins.yaml_metadata.engine import TABLE, educate, markdown_engine, slugify, unique
from plugins.yaml_metadata.reader import native_body, split_front_matter

OLD = ["markdown.extensions.extra", "markdown.extensions.smarty", "markdown.extensions.toc"]
# What smarty wrote as entities, markdown-it writes as the characters (the same text).
ENTITIES = {
    "&lsquo;": "\u2018",
    "&rsquo;": "\u2019",
    "&ldquo;": "\u201c",
    "&rdquo;": "\u201d",
    "&ndash;": "\u2013",
    "&mdash;": "\u2014",
    "&hellip;": "\u2026",
}
# The deliberate differences in the corpus: (file name part, text only the new engine shows).
DELIBERATE = {
    # `<javascript:...>` was an unknown HTML tag to Python-Markdown (hidden); CommonMark makes
    # it an autolink, whose address safe_html removes: the words stay, no link.
    "hostile-front-matter.md": "javascript:alert(8)",
}


def old_html(text):
    return markdown.Markdown(extensions=OLD, output_format="html5").convert(text)


def new_html(text):
    return markdown_engine().convert(text)


def seen(page):
    """(words, link and picture targets, ids) a reader's browser gets from PAGE."""
    soup = BeautifulSoup(page, "html.parser")
    words = " ".join(soup.get_text(" ").split())
    targets = [
        unquote(html.unescape(tag.get("href") or tag.get("src") or ""))
        for tag in soup.find_all(["a", "img"])
        if tag.get("href") or tag.get("src")
    ]
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    return words, targets, ids


def _bodies(pattern):
    for path in sorted(glob.glob(pattern, recursive=True)):
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        try:
            _, body, _ = split_front_matter(text, path)
        except Exception:  # a broken fixture's body is still Markdown
            body = text
        yield path, body


def _imported(tmp_path):
    """The importer's articles for its fixtures and for Pelican's own Blogger export."""
    from importer.__main__ import main

    sources = [
        ROOT / "tests" / "fixtures" / name
        for name in (
            "blogger-export",
            "blogger-takeout",
            "importer-blogger-footers",
            "importer-encodings",
            "importer-news-furniture",
            "importer-news-publishers",
        )
    ]
    import pelican

    shipped = Path(pelican.__file__).parent / "tests" / "content" / "bloggerexport.xml"
    if shipped.exists():
        sources.append(shipped)
    for number, source in enumerate(sources):
        out = tmp_path / f"import-{number}"
        assert main(["--no-themes", str(source), str(out)]) == 0, source
    return list(_bodies(str(tmp_path / "import-*" / "**" / "*.md")))


def _corpus(tmp_path):
    from bench.corpus import make_posts

    texts = list(_bodies(str(ROOT / "content" / "**" / "*.md")))
    texts += list(_bodies(str(ROOT / "tests" / "fixtures" / "**" / "*.md")))
    texts += _imported(tmp_path)
    texts += [(f"bench post {n}", post.body) for n, post in enumerate(make_posts(300))]
    return texts


def test_readers_see_the_same_words_links_and_ids_under_both_engines(tmp_path):
    texts = _corpus(tmp_path)
    assert len(texts) > 400
    imported = [name for name, _ in texts if "import-" in name]
    assert len(imported) >= 15  # the importer's articles are in the comparison
    differ = []
    for name, body in texts:
        old, new = seen(old_html(body)), seen(new_html(body))
        if old == new:
            continue
        deliberate = next((shown for part, shown in DELIBERATE.items() if part in name), None)
        if deliberate and seen(old_html(body))[1:] == (
            [t for t in new[1] if t != deliberate],
            new[2],
        ):
            assert " ".join(new[0].replace(deliberate, "").split()) == old[0]
            continue
        differ.append(name)
    assert differ == []


def test_the_html_differs_only_in_how_it_is_written_for_the_real_posts():
    # Entities against characters, attribute order, the table's style spacing, the final
    # newline: the real posts are otherwise byte for byte what they were.
    for name, body in _bodies(str(ROOT / "content" / "**" / "*.md")):
        old = old_html(body)
        for entity, character in ENTITIES.items():
            old = old.replace(entity, character)
        old = re.sub(r'<img alt="([^"]*)" src="([^"]*)"', r'<img src="\2" alt="\1"', old)
        assert new_html(body).strip() == old.strip(), name


SENTENCES = [
    "\"Hello,\" she said. 'It's the '90s' -- and --- then... a pause.",
    "The '80s and '90s; rock 'n' roll; the children's and parents' views.",
    "He said, \"'Quoted' words in a larger quote.\"",
    "'Tis the season; \"'a'\" and '\"b\"'.",
    "A range 10--12, a dash --- here, ---- four and ..... five dots.",
    'Quotes around *emphasis*: "*this*" and \'**that**\' and "`code`".',
    "A line\n'quoted on the next' and \"also\"\non two lines.",
    'Escaped \\"quotes\\" stay straight, &quot;entities&quot; too.',
    "A [link with 'quotes'](https://example.org/) and \"<b>bold</b>\".",
    "Table cell text:\n\n| 'a' | \"b\" |\n|---|---|\n| it's | -- |",
    "# A heading's \"quotes\"\n\nand a 'closing' one.'",
    # After a hard line break smarty saw the line break before the quote.
    "A hard break  \n'? she asked, and  \n''; then 'a'.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_quotes_dashes_and_ellipses_are_smartys(text):
    old = old_html(text)
    for entity, character in ENTITIES.items():
        old = old.replace(entity, character)
    assert seen(new_html(text)) == seen(old)
    assert "&rsquo;" not in new_html(text)  # characters, not entities


def test_typography_on_a_long_run_of_text_is_its_parts_typography():
    # Quotes close together make each rule look again near its last match, never from the
    # start of the text (which made long posts quadratic): the answer is the same.
    part = "He said \"it's fine\" -- and 'ok'... the '90s "
    one = educate(part)
    assert len(one) == 8
    many = educate(part * 2000)
    shifted = [(s + n * len(part), e + n * len(part), r) for n in range(2000) for s, e, r in one]
    assert sorted(many) == sorted(shifted)


HEADINGS = """# Don't panic -- it's *fine*

## Don't panic -- it's *fine*

## Don't panic -- it's *fine*

### Déjà vu & `code` <b>bold</b>

## Intro_1

## Intro

## Intro

#### ***

## A link [to here](../x/) and a note[^1]

[^1]: The note.
"""


def test_heading_ids_are_tocs_so_old_anchors_keep_working():
    old = seen(old_html(HEADINGS))[2]
    new = seen(new_html(HEADINGS))[2]
    assert new == old
    assert "dont-panic-its-fine_2" in new and "intro_2" in new and "_1" in new


def test_slugs_and_suffixes_follow_toc():
    assert slugify("Déjà vu — a ‘test’: 100%!") == "deja-vu-a-test-100"
    used = set()
    assert [unique(s, used) for s in ("a", "a", "a_1", "", "")] == ["a", "a_1", "a_2", "_1", "_2"]


@pytest.mark.parametrize(
    "text",
    [
        "One[^n] and again[^n], two[^2].\n\n[^n]: A *note*.\n[^2]: Two.\n\n    More.\n",
        # Numbered in the order defined; a note nothing refers to is kept (its words survive);
        # a reference to no note stays as written.
        "b[^2] a[^1] b[^2] c[^x]\n\n[^1]: One.\n[^2]: Two.\n[^3]: Unused three.\n\n# H[^1]\n",
    ],
)
def test_footnotes_keep_python_markdowns_markup_order_and_every_note(text):
    assert new_html(text).strip() == old_html(text).strip()


def test_pelicans_link_syntax_reaches_pelican_as_written():
    text = (
        "[a]({filename}/articles/2019/café.md) [b]({static}/images/x%20y.jpg) [c](|tag|care) "
        "[d]({tag}care) [e]({category}notes) [f]({index}) ![g]({static}/images/é.jpg)"
    )
    targets = BeautifulSoup(new_html(text), "html.parser").find_all(["a", "img"])
    assert [t.get("href") or t.get("src") for t in targets] == [
        "{filename}/articles/2019/café.md",
        "{static}/images/x%20y.jpg",
        "|tag|care",
        "{tag}care",
        "{category}notes",
        "{index}",
        "{static}/images/é.jpg",
    ]


def test_other_addresses_are_encoded_as_browsers_expect():
    page = new_html("[a](https://example.org/café?x=1&y=2)")
    assert 'href="https://example.org/caf%C3%A9?x=1&amp;y=2"' in page


def test_tables_definition_lists_and_raw_html_render():
    text = (
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        "Term\n: Its definition\n\n"
        '<div class="x">\n*raw*\n</div>\n'
    )
    page = BeautifulSoup(new_html(text), "html.parser")
    assert [td.get_text() for td in page.find_all("td")] == ["1", "2"]
    assert page.dt.get_text() == "Term" and page.dd.get_text() == "Its definition"
    assert page.find("div", class_="x").get_text().strip() == "*raw*"


def test_a_post_with_pelicans_own_header_is_rendered_by_the_same_engine(tmp_path):
    from pelican.settings import read_settings

    from plugins.yaml_metadata.reader import YAMLMarkdownReader

    post = tmp_path / "native.md"
    post.write_text("Title: Native\nDate: 2020-01-01\n\n## Don't go\n\nIt's \"fine\".\n")
    content, metadata = YAMLMarkdownReader(read_settings(str(ROOT / "pelican.conf.py"))).read(
        str(post)
    )
    assert metadata["title"] == "Native"
    assert content == '<h2 id="dont-go">Don’t go</h2>\n<p>It’s “fine”.</p>'
    assert native_body("Title: x\n    more\nTags: a\n\nBody\n") == "Body\n"
    assert native_body("No header here\n\nBody") == "No header here\n\nBody"


@pytest.mark.parametrize(
    "value",
    [
        {
            "extension_configs": {
                f"markdown.extensions.{n}": {} for n in ("extra", "smarty", "toc")
            },
            "output_format": "html5",
        },
        # Pelican's default, as Pelican's reader completes it.
        {
            "extension_configs": {
                "markdown.extensions.codehilite": {"css_class": "highlight"},
                "markdown.extensions.extra": {},
                "markdown.extensions.meta": {},
            },
            "extensions": ["markdown.extensions.codehilite", "markdown.extensions.extra"],
            "output_format": "html5",
        },
        None,
    ],
)
def test_the_old_markdown_setting_and_pelicans_default_are_accepted(value):
    assert TABLE.resolve({"MARKDOWN": value})["MARKDOWN_TYPOGRAPHY"] is True


@pytest.mark.parametrize(
    "value, named",
    [
        ({"extensions": ["markdown.extensions.nl2br"]}, "markdown.extensions.nl2br"),
        ({"extension_configs": {"markdown.extensions.toc": {"permalink": True}}}, "toc"),
        ({"extension_configs": {"admonition": {}}}, "admonition"),
        ({"output_format": "xhtml"}, "XHTML"),
    ],
)
def test_a_markdown_setting_the_engine_cannot_honour_is_refused_with_the_fix(value, named):
    with pytest.raises(SettingsError) as caught:
        markdown_engine({"MARKDOWN": value})
    message = str(caught.value)
    assert named in message and "MARKDOWN_TYPOGRAPHY" in message
    assert "\n" not in message


def test_typography_and_heading_ids_can_be_turned_off():
    text = '# It\'s "here"\n'
    assert new_html(text).startswith('<h1 id="its-here">It’s “here”')
    plain = markdown_engine({"MARKDOWN_TYPOGRAPHY": False, "MARKDOWN_HEADING_IDS": False})
    assert plain.convert(text) == "<h1>It's &quot;here&quot;</h1>"
    with pytest.raises(SettingsError, match="MARKDOWN_TYPOGRPHY"):
        markdown_engine({"MARKDOWN_TYPOGRPHY": False})


def test_a_long_post_renders_whole():
    block = '## Part\n\nA paragraph with *emphasis*, "quotes" -- and a [link](../x/).\n\n'
    page = new_html(block * 3000)
    assert page.count("<em>emphasis</em>") == 3000
    assert page.count("“quotes” –") == 3000
    assert 'id="part_2999"' in page


def test_make_check_and_the_build_refuse_a_markdown_setting_they_cannot_honour(tmp_path):
    from types import SimpleNamespace

    from plugins.yaml_metadata import check_settings
    from scripts.check_content import settings_problems

    settings = {"PLUGINS": ["plugins.yaml_metadata"], "MARKDOWN": {"extensions": ["nl2br"]}}
    (problem,) = settings_problems(settings, tmp_path / "pelican.conf.py")
    assert "nl2br" in problem.problem and "MARKDOWN_HEADING_IDS" in problem.fix
    with pytest.raises(SettingsError, match="nl2br"):
        check_settings(SimpleNamespace(settings=dict(settings)))
    good = {"PLUGINS": ["plugins.yaml_metadata"], "MARKDOWN_TYPOGRAPHY": False}
    assert settings_problems(good, tmp_path / "pelican.conf.py") == []
