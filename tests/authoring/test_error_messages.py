"""Each kind of bad post gives the author one clean message: file, line, what is wrong, the fix.

The same message must reach the author from the reader itself, from `make html`
(Pelican with --fatal errors, no traceback) and from `make check`.
"""

import pytest
from authoring_helpers import FIXTURES, PYTHON, ROOT, flat, run
from pelican.settings import DEFAULT_CONFIG

from plugins.yaml_metadata.reader import FrontMatterError, YAMLMarkdownReader

# (fixture tree, post inside it, the exact message the author reads)
BROKEN = [
    (
        "broken-no-title",
        "articles/2018/no-title.md",
        "line 2: the post has no title. Add a line 'title: Your title' to the front matter.",
    ),
    (
        "broken-impossible-date",
        "articles/2018/leap.md",
        "line 3: 'date: 2018-02-30 09:00' is not a real date or time. Check the day exists in "
        "that month (e.g. there is no 30 February) and write YYYY-MM-DD HH:MM.",
    ),
    (
        "broken-unparseable-date",
        "articles/2018/when.md",
        "line 3: 'date: last Tuesday' is not a date this blog understands. Write it as "
        "YYYY-MM-DD or YYYY-MM-DD HH:MM, for example 2018-07-26 09:30.",
    ),
    (
        "broken-unknown-status",
        "articles/2018/status.md",
        "line 5: 'status: pubished' is not a status this blog knows. Use one of: published, "
        "draft, hidden.",
    ),
    (
        "broken-unclosed",
        "articles/2018/unclosed.md",
        "line 1: the front matter that opens with '---' on line 1 is never closed. Add a line "
        "with just '---' after the last field (title, date, tags...).",
    ),
    (
        "broken-tabs",
        "articles/2018/tabs.md",
        "line 5: the front matter contains a tab character. YAML needs spaces, not tabs: "
        "replace the tab with spaces.",
    ),
    (
        "broken-invalid-yaml",
        "articles/2018/colon.md",
        "line 2: the front matter is not valid YAML (mapping values are not allowed here). "
        "Write one 'field: value' per line; put a value that contains ': ' or starts with a "
        "quote or bracket in double quotes.",
    ),
    (
        "broken-duplicate-slug",
        "articles/2018/second.md",
        "line 2: this article has the same URL '2018/04/learning-from-reviews/' as "
        "tests/fixtures/broken-duplicate-slug/articles/2018/first.md. Give one of them a "
        "different 'slug:' in its front matter (or a different title), so each has its own "
        "address.",
    ),
    (
        "broken-missing-link",
        "articles/2018/links.md",
        "line 8: the link '{filename}supervison-part-two.md' points to "
        "'articles/2018/supervison-part-two.md', which does not exist in the content folder. "
        "Did you mean '{filename}supervision.md'? Paths after {filename} are relative to this "
        "file's folder, or to the content folder when they start with '/'.",
    ),
    (
        "broken-theme-name",
        "articles/2018/exclude.md",
        "line 6: 'themes_exclude' lists 'blame-cultur', which is not a theme. Did you mean "
        "'blame-culture'? The themes are listed in content/themes.yaml.",
    ),
    (
        "broken-no-date",
        "articles/2018/undated.md",
        "line 2: the post has no date. Add a line 'date: YYYY-MM-DD HH:MM' to the front matter.",
    ),
]


def expected(tree, post, message):
    return f"tests/fixtures/{tree}/{post}, {message}"


@pytest.mark.parametrize(("tree", "post", "message"), BROKEN[:7], ids=[b[0] for b in BROKEN[:7]])
def test_reader_raises_the_message(tree, post, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    reader = YAMLMarkdownReader(dict(DEFAULT_CONFIG))
    with pytest.raises(FrontMatterError) as caught:
        reader.read(f"tests/fixtures/{tree}/{post}")
    assert str(caught.value) == expected(tree, post, message)
    assert caught.value.line == int(message.split(":")[0].removeprefix("line "))


@pytest.mark.slow
@pytest.mark.parametrize(("tree", "post", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_build_fails_with_the_message_and_no_traceback(tree, post, message, build_messages):
    code, output = build_messages(tree)
    assert code != 0
    assert expected(tree, post, message) in output
    assert "Traceback" not in output
    assert "The build stopped because of the problem above" in output


@pytest.mark.parametrize(("tree", "post", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_make_check_prints_the_message(tree, post, message):
    process = run([PYTHON, "scripts/check_content.py", str(FIXTURES / tree)])
    assert process.returncode == 1
    assert f"error: {expected(tree, post, message)}" in flat(process.stdout)


def test_make_check_lists_every_problem_at_once(tmp_path):
    content = tmp_path / "content"
    for tree in ("broken-no-title", "broken-impossible-date", "broken-missing-link"):
        for source in (FIXTURES / tree).rglob("*.md"):
            target = content / source.relative_to(FIXTURES / tree)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    process = run([PYTHON, "scripts/check_content.py", str(content)])
    assert process.returncode == 1
    errors = [line for line in process.stdout.splitlines() if line.startswith("error: ")]
    assert [e.split(",")[0] for e in errors] == [
        f"error: {content}/articles/2018/{name}.md" for name in ("leap", "links", "no-title")
    ]
    assert "Checked 4 files: 3 error(s), " in process.stdout


WARNINGS = [
    "line 2: the title is 111 characters long (more than 100). Shorten it: long titles wrap "
    "badly in lists and are cut off in feeds and search results.",
    "line 5: the tag 'Supervison' looks like the theme 'Supervision' but does not match it. "
    "If you meant that theme, write the tag as 'Supervision'; if it is a different subject, "
    "leave it.",
    "line 6: the summary stops in the middle of a word. End the summary at the end of a word "
    "or sentence, or remove the 'summary:' line to let the blog take the first words of the "
    "post.",
]


NO_THEME = (
    "tests/fixtures/broken-warnings/articles/2018/quiet.md: no theme was found for this post, "
    "so no topic page lists it. Add a tag that names a theme (see content/themes.yaml), or use "
    "words the theme's phrases list."
)


def test_warnings_do_not_fail_make_check():
    process = run([PYTHON, "scripts/check_content.py", str(FIXTURES / "broken-warnings")])
    assert process.returncode == 0, process.stdout
    output = flat(process.stdout)
    for message in WARNINGS:
        assert f"warning: {expected('broken-warnings', 'articles/2018/long.md', message)}" in output
    assert f"warning: {NO_THEME}" in output
    assert "Checked 2 files: 0 error(s), 4 warning(s)." in output


@pytest.mark.slow
def test_warnings_do_not_fail_the_build(build_messages):
    code, output = build_messages("broken-warnings")
    assert code == 0, output
    for message in WARNINGS:
        assert expected("broken-warnings", "articles/2018/long.md", message) in output
    assert NO_THEME in output


def test_a_clean_tree_passes_make_check():
    process = run([PYTHON, "scripts/check_content.py", str(FIXTURES / "drafts")])
    assert process.returncode == 0
    assert "Checked 3 files: 0 error(s), 0 warning(s)." in process.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("tree", "post", "message"),
    [b for b in BROKEN if b[0] in ("broken-duplicate-slug", "broken-missing-link")],
    ids=["broken-duplicate-slug", "broken-missing-link"],
)
def test_the_checks_made_beside_the_build_stop_it_with_the_same_message(
    tree, post, message, tmp_path
):
    # With many posts check_articles runs in a forked process (BUILD_POOL_MIN 0 forces it
    # here) and what it finds is reported once the bodies are final, before anything is
    # written and before safe_paths looks at the site as a whole.
    from tests.sitebuild import build_site

    beside = {"BUILD_WORKERS": 2, "BUILD_POOL_MIN": 0}
    result = build_site(FIXTURES / tree, tmp_path / "out", check=False, extra_settings=beside)
    output = flat(result.log)
    assert result.exit_code != 0 and expected(tree, post, message) in output
    assert "Traceback" not in output
    assert not list((tmp_path / "out").rglob("*.html")), "a page was written"


@pytest.mark.slow
def test_the_checks_made_beside_the_build_warn_as_in_it(tmp_path):
    from tests.sitebuild import build_site

    warned = []
    for name, settings in (("alone", {"BUILD_WORKERS": 1}), ("beside", {"BUILD_POOL_MIN": 0})):
        result = build_site(FIXTURES / "broken-warnings", tmp_path / name, extra_settings=settings)
        lines = [line.replace(name, "OUT") for line in result.log.splitlines()]
        warned.append(sorted(line for line in lines if "WARNING" in line))
    assert warned[0] and warned[0] == warned[1]
