"""The checks that read a post's whole text line by line find what they found before their
one-search speed-ups (bench/size.py): real posts, fixtures and random text."""

import random
import re
import sys
from pathlib import Path

from plugins.content_checks import checks
from plugins.content_checks.checks import _FENCE, _INTERNAL_LINK, _OLD_MARKDOWN

ROOT = Path(__file__).resolve().parents[2]


def body_links_as_it_was(source_text):
    """The reference: each line searched on its own."""
    for number, line in enumerate(source_text.replace("\r\n", "\n").split("\n"), start=1):
        for match in _INTERNAL_LINK.finditer(line):
            yield number, match.group(1), match.group(2)


def old_markdown_lines_as_it_was(source_text):
    """The reference: every line of the body tried against the fence and each pattern."""
    lines = source_text.replace("\r\n", "\n").split("\n")
    body, found, fence = 0, [], None
    if lines and lines[0].strip() == "---":
        ends = (i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "..."))
        body = next(ends, len(lines) - 1) + 1
    for number, line in enumerate(lines[body:], start=body + 1):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if line.startswith(("    ", "\t")):
            continue
        for what, pattern in _OLD_MARKDOWN:
            if pattern.search(line):
                found.append((number, what))
                break
    return found


def real_texts():
    paths = sorted((ROOT / "content").rglob("*.md"))
    paths += sorted((ROOT / "tests" / "fixtures").rglob("*.md"))
    return [path.read_text(encoding="utf-8", errors="replace") for path in paths]


PIECES = [
    "---",
    "...",
    "title: x",
    "```",
    "````",
    "~~~",
    "~~~~",
    "   ```",
    "    ```",
    "\t",
    "{: .note}",
    "{#id}",
    "{ .x }",
    "*[HTML]: Hyper",
    "[TOC]",
    " [TOC] ",
    '<div markdown="1">',
    "<p markdown='1'>",
    "{filename}a.md",
    "|filename|b.md",
    "{static}/i.png",
    "[x]({attach}f)",
    "text",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "\r",
    "{",
    "}",
    "*",
    "[",
    "]",
    "#",
    ".",
    "markdown=",
]


def random_texts(count, seed):
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60))) for _ in range(count)]


def test_links_are_found_on_the_lines_they_were():
    found = 0
    for text in real_texts() + random_texts(3000, 5):
        expected = list(body_links_as_it_was(text))
        assert list(checks.body_links(text)) == expected, text
        found += len(expected)
    assert found > 1000


def test_python_markdown_syntax_is_found_on_the_lines_it_was():
    found = 0
    for text in real_texts() + random_texts(3000, 6):
        expected = old_markdown_lines_as_it_was(text)
        assert checks.old_markdown_lines(text) == expected, text
        found += len(expected)
    assert found > 1000


def test_an_image_tag_is_seen_in_any_case_as_a_lower_case_copy_sees_it():
    # images_without_alt looks for "<img" without a lower-case copy of a long post: no
    # character but I, M and G lowers to i, m or g (so no "<img" it could miss).
    lowers_to = {
        chr(code) for code in range(sys.maxunicode + 1) if chr(code).lower() in ("i", "m", "g")
    }
    assert lowers_to == set("iImMgG")
    for html in ["<IMG src=a>", "<iMg>", "<p>img</p>", "< img>", "<İmg>", "<imG/>", ""]:
        assert bool(checks._IMG.search(html)) == ("<img" in html.lower()), html
    assert re.search("<img", "<p><Img src='x.png'></p>".lower())


def field_line_as_it_was(source_text, name, default=2):
    """The reference: the whole text split into lines, then the front matter's searched."""
    lines = source_text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            break
        match = checks._FIELD.match(line)
        if match and match.group(1).lower() == name:
            return number
    return default


def test_a_front_matter_field_is_found_on_the_line_it_was():
    names = ["title", "slug", "tags", "summary", "themes_exclude", "date", "x"]
    pieces = [*PIECES, "slug: a", "tags: [b]", "Title:", "  summary :", "date\r:", "\r\r\n"]
    rng = random.Random(7)
    texts = real_texts() + [
        rng.choice(["", "---\n", "---\r\n", " --- \n"])
        + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        for _ in range(3000)
    ]
    found = 0
    for text in texts:
        for name in names:
            expected = field_line_as_it_was(text, name, default=None)
            assert checks.field_line(text, name, default=None) == expected, (text, name)
            assert checks.field_line(text, name) == field_line_as_it_was(text, name)
            found += expected is not None
    assert found > 500
