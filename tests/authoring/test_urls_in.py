"""urls_in finds what the one regex over the whole text found, on real and random HTML."""

import random
from pathlib import Path

from bench.corpus import make_posts, yaml_text
from plugins.content_checks.checks import _URL_ATTRIBUTE, urls_in
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]


def regex_urls_in(fragment):
    """urls_in as first written: _URL_ATTRIBUTE.finditer over the whole fragment."""
    found = []
    for match in _URL_ATTRIBUTE.finditer(fragment or ""):
        value = next(group for group in match.groups() if group is not None)
        name = match.group(0).split("=", 1)[0].strip().lower()
        if name.endswith("srcset"):
            found += [c.split()[0] for c in value.split(",") if c.split()]
        else:
            found.append(value)
    return found


def _body(text):
    parts = text.split("---\n", 2)
    return parts[2] if text.startswith("---\n") and len(parts) == 3 else text


def _pages():
    """The HTML of the real posts, the fixtures' posts and a bench corpus, and their sources."""
    sources = [
        path.read_text(encoding="utf-8", errors="replace")
        for folder in (ROOT / "content", ROOT / "tests" / "fixtures")
        for path in sorted(folder.rglob("*.md"))
    ]
    sources += [yaml_text(post) for post in make_posts(60, 4)]
    engine = markdown_engine()
    return [engine.convert(_body(text)) for text in sources] + sources


def test_urls_in_matches_the_regex_on_real_posts_fixtures_and_the_bench_corpus():
    pages = _pages()
    assert len(pages) > 200
    found = 0
    for page in pages:
        assert list(urls_in(page)) == regex_urls_in(page), page[:200]
        found += len(regex_urls_in(page))
    assert found > 30  # some pages have links and images, so the comparison means something


# Names in any case (and the letters re.IGNORECASE folds: İ ı ſ K), names inside longer
# words, values quoted, unquoted, empty and holding "=", spacing around "=".
PIECES = [
    "href", "HREF", "src", "srcset", "SrcSet", "data", "\u017frc", "hre\u017f", "\u0130con",
    "\u0131con", "bac\u212aground", "xlink:href", "a:href", "x-src", "_src", "1src", "poster",
    "=", "==", "= ", ' "', '"', "'", "<", ">", "`", " ", "\n", "\t", "\u3000", "a", "b.c", "-",
    ":", "é", "http://x/y?a=b", "a,b 2x, c 3x", ",", "<a ", "<img ",
]  # fmt: skip


def test_urls_in_matches_the_regex_on_random_text():
    rng = random.Random(15)
    for _ in range(50_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16)))
        assert list(urls_in(text)) == regex_urls_in(text), repr(text)


def test_urls_in_reads_every_kind_of_attribute_value():
    html = (
        '<a HREF="https://a.example/">x</a> <img src=b.png srcset="c.png 2x, d.png 3x">'
        "<form action='/send'></form> <p>data = not-a-link</p> <x-src=no>"
    )
    # Text that reads like an attribute counts too (the check errs on the side of looking).
    assert list(urls_in(html)) == [
        "https://a.example/", "b.png", "c.png", "d.png", "/send", "not-a-link"
    ]  # fmt: skip
