"""A post's HTML read without a tree (markup.read_flat) reads as BeautifulSoup's tree does.

The reference is the tree (markup.read_tree, BeautifulSoup's html.parser): the same strings
in the same elements, the same text and linkable nodes, and the HTML str(soup) writes; and
topic links put in without a tree give the HTML the tree gave. Markup read_flat does not
vouch for goes to the tree, so the answers are the tree's either way.
"""

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import NavigableString

from bench.corpus import make_posts, yaml_text
from plugins.safe_html.sanitise import sanitise
from plugins.themes import markup
from plugins.themes.crosslinks import add_crosslinks
from plugins.themes.markup import Flat, read_flat, read_html, read_tree
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)

# Hostile and awkward markup: nested inline tags, entities, comments, CDATA, <pre>,
# attributes with > and quotes, void tags written every way, stray and missing end tags.
NAMES = ["p", "b", "i", "em", "a", "span", "div", "li", "ul", "blockquote", "q", "cite"]
NAMES += ["code", "pre", "h2", "br", "hr", "img", "table", "tr", "td", "abbr", "P", "Em"]
NAMES += ["BR", "script", "style", "textarea", "input", "col", "sup", "dl", "dt", "dd", "wbr"]
NAMES += ["svg", "meta", "rt", "template", "title", "kbd"]
TEXTS = ["Ofsted", " ", "\n", "  \n ", "&amp;", "&rsquo;", "&#8217;", "&#x2019;", "&nbsp;"]
TEXTS += ["&foo;", "AT&T", "a > b", "'quoted'", "“curly”", "&#0;", "&#128;", "&#99999999;"]
TEXTS += ["x", "\t", "<", "< p", "<!-- c -->", "<![CDATA[x]]>", "<!doctype html>", "&amp"]
TEXTS += ["&lt;", "\xa0", "&#32;", "café", "&AMP;", "&#65a;", "</ p>", "<?pi?>", "\r\n", "&#10;"]
ATTRIBUTES = ['class="a  b"', "class='x'", 'href="a&amp;b"', 'title="1 > 0"', "class"]
ATTRIBUTES += ["title='say \"hi\"'", 'title="it&#39;s &quot;x&quot;"', "disabled", 'data-x=""']
ATTRIBUTES += ['HREF="U"', 'rel="nofollow  me"', "alt=unquoted", 'id = "s"', 'title="a<b"']
ATTRIBUTES += ['title="&bogus;"', 'headers="h1 h2"', 'z="1" a="2"', 'a="1" a="2"', "x=''"]
ATTRIBUTES += ['title="a\nb"', 'class="\xa0c\td"']


def random_tag(rng, names, attributes=ATTRIBUTES):
    name = rng.choice(names)
    if rng.random() < 0.3:
        if name.lower() in markup.VOID_ELEMENTS and attributes is not ATTRIBUTES:
            return f"<{name}>"  # </br> is read its own way: not plain
        return f"</{name}>" if rng.random() < 0.9 else f"</{name} >"
    attributes = "".join(" " + rng.choice(attributes) for _ in range(rng.choice([0, 0, 1, 2, 3])))
    return f"<{name}{attributes}{rng.choice(['>', '>', '>', '/>', ' />', ' >'])}"


def random_markup(rng, names=NAMES, texts=TEXTS, size=25, attributes=ATTRIBUTES):
    return "".join(
        random_tag(rng, names, attributes) if rng.random() < 0.45 else rng.choice(texts)
        for _ in range(rng.randint(0, size))
    )


def plain_random_markup(rng):
    """Random markup of the kinds read_flat takes on (tags, quoted attributes, references)."""
    names = [name for name in NAMES if name.lower() not in markup._SPECIAL]
    texts = [text for text in TEXTS if "<" not in text and text not in ("&foo;", "AT&T", "&amp")]
    texts = [text for text in texts if text != "&#65a;"]
    attributes = [a for a in ATTRIBUTES if "<" not in a and "unquoted" not in a]
    return random_markup(rng, names, texts, 40, attributes)


def posts():
    """Each real post, fixture post and bench post as the build has it: rendered, sanitised."""
    paths = sorted((ROOT / "content" / "articles").rglob("*.md"))
    paths += sorted((ROOT / "tests" / "fixtures").glob("*/**/*.md"))
    bodies = [FRONT_MATTER.sub("", p.read_text(encoding="utf-8", errors="replace")) for p in paths]
    bodies += [yaml_text(post).split("---\n", 2)[2] for post in make_posts(120, seed=21)]
    return [sanitise(markdown_engine().convert(body))[0] for body in bodies]


def assert_reads_as_the_tree(html):
    """read_flat(HTML) is what read_tree gives, or None. True when it read it."""
    flat = read_flat(html)
    if flat is None:
        return False
    tree = read_tree(html)
    assert flat.html() == str(tree.soup), html
    assert flat.text == tree.text, html
    assert flat.nodes == tuple(str(node) for node in tree.nodes), html
    strings = [s for s in tree.soup.descendants if isinstance(s, NavigableString)]
    assert flat.strings == [str(s) for s in strings], html
    for string, element in zip(strings, flat.parents, strict=True):
        assert [e.name for e in element.parents()] == [p.name for p in string.parents], html
        assert flat.strings[element.first : element.last] == list(
            string.parent.strings if string.parent.name != "[document]" else flat.strings
        ), html
    return True


def test_random_hostile_markup_reads_as_the_tree_or_goes_to_it():
    rng = random.Random(12)
    read = sum(assert_reads_as_the_tree(random_markup(rng)) for _ in range(3000))
    assert 100 < read < 3000  # some were read without a tree, and some were not vouched for


def test_random_plain_markup_reads_as_the_tree():
    rng = random.Random(15)
    read = sum(assert_reads_as_the_tree(plain_random_markup(rng)) for _ in range(1500))
    assert read > 750


@pytest.mark.parametrize(
    "html",
    [
        "<p>Caf&eacute; &amp; <b class='a  b'>bold</b> &lt;tag&gt; &#8217;</p>",
        "<div><p>a</div>b</i><br>c<br/>d<hr />e<img src=\"x\" alt='y'>",
        "<pre>  keep   \n  this  </pre>  \n  <p>  </p>",
        '<p title="1 > 0" data-x=\'say "hi"\' class="q">x</p>',
        '<p title="it&#39;s &quot;x&quot;">both quotes</p>',
        "<ul><li>one<li>two</ul><p/>",
        "",
        "text with no tags at all",
    ],
)
def test_awkward_markup_reads_as_the_tree(html):
    assert assert_reads_as_the_tree(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a comment <!-- here --></p>",
        "<p><![CDATA[x]]></p>",
        "<script>var a = '<p>';</script>",
        "<p>AT&T</p>",
        "<p>a < b</p>",
        "<p class=unquoted>x</p>",
        "<p>line<br></br>two</p>",
        "<textarea> x </textarea>",
        '<meta charset="latin-1">',
    ],
)
def test_markup_it_does_not_vouch_for_goes_to_the_tree(html):
    assert read_flat(html) is None
    page = read_html(html)
    assert str(page.soup) == str(read_tree(html).soup)


def test_every_post_is_read_without_a_tree_as_the_tree_reads_it():
    pages = posts()
    assert len(pages) > 140
    for html in pages:
        # A post the build renders is plain markup: read_flat must take it on, or the
        # build is as slow as before without anything failing.
        assert assert_reads_as_the_tree(html), html[:300]


def tree_links(html, themes, vocabulary, monkeypatch):
    """add_crosslinks as it was: every post read with BeautifulSoup's tree."""
    with monkeypatch.context() as patch:
        patch.setattr(markup, "read_flat", lambda html: None)
        return add_crosslinks(html, themes, vocabulary)


def test_topic_links_without_a_tree_are_the_links_of_the_tree(vocabulary, monkeypatch):
    themes = list(vocabulary)
    rng = random.Random(3)
    pages = posts()
    linked = 0
    for number, html in enumerate(pages):
        chosen = rng.sample(themes, 12) if number % 2 else themes
        expected = tree_links(html, chosen, vocabulary, monkeypatch)
        assert isinstance(read_html(html), Flat)
        assert add_crosslinks(html, chosen, vocabulary) == expected, html[:300]
        linked += bool(expected[1])
    assert linked > 40


def test_topic_links_in_random_markup_are_the_links_of_the_tree(vocabulary, monkeypatch):
    themes = list(vocabulary)
    phrases = [theme.name for theme in themes] + ["the", "and", "“", "”", "'", "‘", "’", "-"]
    rng = random.Random(9)
    linked = 0
    for _ in range(400):
        texts = TEXTS + phrases * 3
        html = random_markup(rng, NAMES, texts, 60)
        if rng.random() < 0.5:
            html = plain_random_markup(rng) + " ".join(rng.sample(phrases, 5))
        expected = tree_links(html, themes, vocabulary, monkeypatch)
        assert add_crosslinks(html, themes, vocabulary) == expected, html
        linked += bool(expected[1])
    assert linked > 50


def test_the_builder_tables_read_flat_replays_are_the_installed_bs4s():
    # markup.py writes them out so that a build need not import bs4 (0.17 s): an upgrade of
    # bs4 that changes what its html.parser builder does with a tag must show here.
    from bs4.builder import HTMLParserTreeBuilder
    from bs4.dammit import EntitySubstitution

    builder = HTMLParserTreeBuilder()
    assert set(builder.empty_element_tags) == markup.VOID_ELEMENTS
    assert builder.cdata_list_attributes == markup._LIST_ATTRIBUTES
    assert set(builder.string_containers) == markup._STRING_CONTAINERS
    assert set(builder.preserve_whitespace_tags) == markup._PRESERVE
    for name, character in markup._XML_ENTITIES.items():
        assert EntitySubstitution.HTML_ENTITY_TO_CHARACTER[name] == character


def test_a_build_of_plain_posts_never_imports_beautifulsoup(tmp_path):
    # Speed: importing bs4 (and the soupsieve and lxml it brings) cost every build 0.17 s
    # before its first post; a tree is made only for markup read_flat leaves.
    script = (
        "import sys\n"
        "from pelican import main\n"
        "try:\n"
        f"    main([{str(ROOT / 'tests' / 'fixtures' / 'site')!r}, '-o', {str(tmp_path / 'out')!r},"
        f" '-s', 'pelican.conf.py', '-q', '-e', 'CACHE_PATH=\"{tmp_path / 'cache'}\"'])\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('bs4', 'soupsieve', 'lxml')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out" / "index.html").is_file()
    assert done.stdout.strip().splitlines()[-1] == "[]"
