"""The related-posts signal handler on articles as Pelican hands them over, without a build."""

from datetime import datetime
from types import SimpleNamespace

from pelican.generators import ArticlesGenerator

from plugins import post_model
from plugins.related_posts import add_related_posts


def _article(url, source, slugs, day):
    themes = [
        SimpleNamespace(slug=slug, name=slug.replace("-", " ").capitalize()) for slug in slugs
    ]
    article = SimpleNamespace(
        url=url,
        source_path=source,
        date=datetime(2020, 1, day),
        _content="<p>Blame and learning in child protection.</p>",
    )
    post_model.of(article).themes = themes
    return article


def _generator(articles):
    generator = ArticlesGenerator.__new__(ArticlesGenerator)
    generator.settings = {}
    generator.articles = articles
    generator.drafts = []
    return generator


def test_two_posts_with_the_same_url_do_not_stop_the_related_posts():
    # The content checks report the clash; the devserver's non-fatal rebuild must still finish.
    first = _article("2020/01/clash/", "articles/a.md", ["blame-culture"], 1)
    second = _article("2020/01/clash/", "articles/b.md", ["blame-culture"], 2)
    third = _article("2020/01/other/", "articles/c.md", ["blame-culture", "supervision"], 3)
    add_related_posts([_generator([first, second, third])])
    assert [post for post, _ in third.blog.related] == [second, first]
    assert [post for post, _ in first.blog.related] == [second, third]
    assert third.blog.related[0][1] == "Also about: blame culture"
