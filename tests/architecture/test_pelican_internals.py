"""What our plugins rely on in Pelican 4.12 beyond its documented API, pinned to that version.

The themes, glossary and safe_html plugins write Article._content (Pelican's private field for
the body), and topic and glossary links are Pelican's own {filename} links to entries the themes
and glossary plugins put in the context's generated_content (plugins/post_model.py,
PELICAN_FIELDS_WRITTEN). When Pelican is upgraded these tests fail first: check the behaviour
below still holds in the new version, then move the pin.
"""

import re
from pathlib import Path
from types import SimpleNamespace

import pelican
import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime

from plugins.glossary.annotate import as_pelican_links as glossary_links
from plugins.themes.crosslinks import as_pelican_links as topic_links
from tests.conftest import ROOT

PINNED = re.search(
    r"^pelican==(\S+)$", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.MULTILINE
).group(1)


def test_the_pelican_in_use_is_the_one_these_tests_were_written_for():
    assert PINNED.startswith("4.12."), "re-check every test in this file, then update it"
    assert pelican.__version__ == PINNED


def _article(body, relative):
    settings = {**DEFAULT_CONFIG, "RELATIVE_URLS": relative}
    context = {
        **settings,
        "generated_content": {
            "{topic}blame-culture": SimpleNamespace(url="subjects/blame-culture/"),
            "{glossary}": SimpleNamespace(url="words/"),
        },
        "static_content": {},
        "localsiteurl": "",
    }
    metadata = {"title": "A post", "date": SafeDatetime(2020, 1, 2)}
    return Article(
        body,
        metadata=metadata,
        settings=settings,
        context=context,
        source_path=str(Path("articles/a.md")),
    )


@pytest.mark.parametrize(
    ("relative", "siteurl", "topic", "term"),
    [
        (True, "../../..", "../../../subjects/blame-culture/", "../../../words/#term-hcpc"),
        (True, "", "subjects/blame-culture/", "words/#term-hcpc"),
        (
            False,
            "https://blog.example.org",
            "https://blog.example.org/subjects/blame-culture/",
            "https://blog.example.org/words/#term-hcpc",
        ),
    ],
)
def test_a_body_written_to_content_gets_our_links_resolved_per_page(relative, siteurl, topic, term):
    article = _article("<p>Read.</p>", relative)
    body = '<p><a href="{topic}blame-culture">blame</a> <a href="{glossary}hcpc">HCPC</a></p>'
    article._content = glossary_links(topic_links(body))  # what link_themes and the glossary do
    html = article.get_content(siteurl)
    assert f'href="{topic}"' in html
    assert f'href="{term}"' in html
    assert "{" not in html
    assert article.content == article.get_content("")  # the property reads the same field
