"""Test-only plugin: give every article themes and related posts, as the real plugins will."""

from types import SimpleNamespace

from pelican import signals

from plugins import post_model


def add_probe_data(generator):
    """Attach two themes and the neighbouring posts as related, with reasons."""
    articles = generator.articles
    for article in articles:
        post_model.of(article).themes = [
            SimpleNamespace(
                name="Blame culture", slug="blame-culture", url="topics/blame-culture/"
            ),
            SimpleNamespace(
                name="Learning <organisations>", slug="learning", url="topics/learning/"
            ),
        ]
        others = [other for other in articles if other is not article][:2]
        post_model.of(article).related = [
            (other, f"Probe reason {n} for {article.slug}") for n, other in enumerate(others)
        ]
    if articles:
        post_model.of(articles[0]).themes = []
        post_model.of(articles[0]).related = []


def register():
    # After all articles are read and before any is written, like the real themes plugin.
    signals.article_generator_finalized.connect(add_probe_data)
