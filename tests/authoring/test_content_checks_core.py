"""The cross-post checks as plain functions: duplicates, links, theme names, warnings."""

from plugins.content_checks.checks import (
    ERROR,
    WARNING,
    Post,
    check_duplicates,
    check_links,
    check_style,
    check_theme_names,
    summary_cut_mid_word,
)
from plugins.themes.report import suggest_themes, theme_report
from plugins.themes.vocabulary import parse_vocabulary

VOCABULARY = parse_vocabulary(
    """themes:
  - slug: blame-culture
    name: Blame culture
    description: How blame shapes practice.
    phrases: [blame culture, scapegoat]
  - slug: ofsted-and-inspection
    name: Ofsted and inspection
    description: Regulation and inspection.
    synonyms: [Ofsted]
    phrases: [inspection, inspectors]
"""
)


def post(name, front="title: T\n", body="Body.", **fields):
    text = f"---\n{front}---\n{body}\n"
    return Post(path=f"content/{name}", relpath=name, source_text=text, **fields)


def test_summary_cut_mid_word():
    body = "<p>Good supervision gives a social worker room to think.</p>"
    assert summary_cut_mid_word("Good supervision gives a social worker room to thi", body)
    assert summary_cut_mid_word("<p>Good supervision gives a social worker ro…</p>", body)
    assert not summary_cut_mid_word("Good supervision gives a social worker room", body)
    assert not summary_cut_mid_word("Good supervision gives a social worker room to…", body)
    assert not summary_cut_mid_word("A summary written afresh by the autho", body)


def test_same_url_and_same_slug_are_errors_naming_both_files():
    a = post("articles/a.md", slug="x", url="2018/01/x/", save_as="2018/01/x/index.html")
    b = post(
        "articles/b.md",
        "title: T\nslug: x\n",
        slug="x",
        url="2018/01/x/",
        save_as="2018/01/x/index.html",
    )
    c = post("articles/c.md", slug="x", url="2019/01/x/", save_as="2019/01/x/index.html")
    problems = check_duplicates([c, b, a])
    assert [(p.path, p.line, p.severity) for p in problems] == [
        ("content/articles/b.md", 3, ERROR),
        ("content/articles/c.md", 2, ERROR),
    ]
    assert "same URL '2018/01/x/' as content/articles/a.md" in problems[0].problem
    assert "same slug 'x' as content/articles/a.md" in problems[1].problem


def test_links_to_missing_files_and_to_drafts():
    body = "See [a]({filename}a.md), [gone]({filename}/articles/gone.md) and [d]({filename}d.md)"
    linking = post("articles/l.md", body=body, status="published")
    draft = post("articles/d.md", status="draft")
    files = {"articles/a.md", "articles/l.md", "articles/d.md"}
    problems = check_links([linking, draft], files)
    assert [(p.line, p.severity) for p in problems] == [(4, ERROR), (4, WARNING)]
    assert "'{filename}/articles/gone.md' points to 'articles/gone.md'" in problems[0].problem
    assert "points to a draft" in problems[1].problem


def test_theme_names_suggest_the_nearest():
    p = post(
        "articles/p.md",
        "title: T\nthemes_exclude: [ofsted-inspection, Blame culture]\n",
        themes_exclude=["ofsted-inspection", "Blame culture"],
        tags=["Ofsted", "Inspecton"],
    )
    problems = check_theme_names([p], VOCABULARY)
    assert [(p.severity, p.line) for p in problems] == [(ERROR, 3), (ERROR, 3)]
    assert problems[0].fix.startswith("Did you mean 'ofsted-and-inspection'?")
    assert problems[1].fix == "Write the theme's slug 'blame-culture' instead of its name"
    assert check_theme_names([p], None) == []


def test_tags_near_a_theme_name_warn_and_exact_or_unrelated_tags_do_not():
    p = post(
        "articles/p.md",
        "title: T\ntags: [Blame cultre, Ofsted, Fostering]\n",
        tags=["Blame cultre", "Ofsted", "Fostering"],
    )
    problems = check_theme_names([p], VOCABULARY)
    assert [(x.severity, x.problem) for x in problems] == [
        (
            WARNING,
            "the tag 'Blame cultre' looks like the theme 'Blame culture' but does not match it",
        )
    ]


def test_style_warnings():
    long_title = post("articles/t.md", title="x" * 101, themes=["blame-culture"])
    no_themes = post("articles/n.md", title="Short", themes=[])
    unknown = post("articles/u.md", title="Short", themes=None)
    problems = check_style([long_title, no_themes, unknown])
    assert [(p.path, p.severity) for p in problems] == [
        ("content/articles/t.md", WARNING),
        ("content/articles/n.md", WARNING),
    ]
    assert "101 characters long (more than 100)" in problems[0].problem
    assert "no theme was found" in problems[1].problem


def test_theme_report_explains_and_suggests():
    theme = VOCABULARY["blame-culture"]
    lines = theme_report("P", "content/p.md", [theme], {"blame-culture": ["tag 'Blame culture'"]})
    assert lines == ["Themes for 'P' (content/p.md):", "  - Blame culture: tag 'Blame culture'"]
    text = "The inspectors came; inspection week was hard."
    lines = theme_report("P", "content/p.md", [], {}, text=text, vocabulary=VOCABULARY)
    assert lines[1] == "  No theme found. Themes that might fit (add one as a tag):"
    assert lines[2].startswith("  - Ofsted and inspection (the post mentions: inspection")
    assert suggest_themes("Nothing relevant here.", VOCABULARY) == []


OLD_MARKDOWN_BODY = """Intro.

## What the review said {#review}
A paragraph.
{: .lead }

*[LSCB]: Local Safeguarding Children Board

[TOC]

<div class="aside" markdown="1">An *aside*.</div>

```
{: .in-code }
[TOC]
```

    *[IN]: indented code

A set {like this}, a brace {: in the middle} and JSON {"a": 1} are text."""


def test_python_markdown_syntax_is_a_warning_with_its_line_outside_code_only():
    from plugins.content_checks.checks import check_old_markdown

    problems = check_old_markdown([post("articles/old.md", body=OLD_MARKDOWN_BODY)])
    # Front matter: lines 1-3; the body starts on line 4.
    assert [(p.line, p.severity) for p in problems] == [
        (6, WARNING),
        (8, WARNING),
        (10, WARNING),
        (12, WARNING),
        (14, WARNING),
    ]
    shown = [str(p) for p in problems]
    assert "an attribute list in Python-Markdown's syntax" in shown[0]
    assert "an abbreviation" in shown[2] and "a table of contents marker" in shown[3]
    assert 'Markdown inside HTML (markdown="1")' in shown[4]
    assert all("shows on the page as typed" in s and "Remove it" in s for s in shown)
    assert check_old_markdown([post("articles/old.html", body=OLD_MARKDOWN_BODY)]) == []


def test_the_real_posts_and_fixtures_use_no_python_markdown_syntax():
    from pathlib import Path

    from plugins.content_checks.checks import old_markdown_lines

    root = Path(__file__).resolve().parents[2]
    files = [*root.glob("content/**/*.md"), *root.glob("tests/fixtures/**/*.md")]
    assert len(files) > 50
    assert {str(f): old_markdown_lines(f.read_text(encoding="utf-8")) for f in files} == {
        str(f): [] for f in files
    }


def test_make_check_warns_of_python_markdown_syntax_naming_the_file_and_line(tmp_path):
    import shutil

    from scripts.check_content import check
    from tests.conftest import FIXTURES, ROOT

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    old = content / "articles" / "2020" / "old-syntax.md"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text(
        "---\ntitle: Old syntax\ndate: 2020-03-01 12:00\ncategory: Reflections\n---\n"
        "Supervision matters.\n\n[TOC]\n",
        encoding="utf-8",
    )
    _, problems = check(str(content), str(ROOT / "pelican.conf.py"))
    mine = [p for p in problems if p.path.endswith("old-syntax.md")]
    assert [(p.line, p.severity) for p in mine if "Python-Markdown" in p.problem] == [(8, WARNING)]
