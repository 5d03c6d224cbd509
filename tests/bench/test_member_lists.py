"""Pelican's lists of posts per tag, category and author answer `post in list` as a list does,
without comparing the post with every item (Pelican asks it for every post on every tag page)."""

import copy
import pickle
from types import SimpleNamespace

from pelican.contents import Article

from plugins.build_speed.listed import MemberList, index_taxonomy_lists


def _posts(count):
    return [Article(f"<p>{n}</p>", metadata={"title": f"t{n}"}) for n in range(count)]


class _EqualToAll:
    """Something that says it equals anything: `in` must still ask it."""

    def __eq__(self, other):
        return True

    __hash__ = None


def test_membership_is_the_lists_own():
    posts = _posts(6)
    listed = MemberList(posts[:3])
    for post in posts:
        assert (post in listed) == (post in list(posts[:3]))
    assert _EqualToAll() in listed and "x" not in listed and None not in listed
    listed.append(posts[4])  # changed after it was made: still right
    assert posts[4] in listed and posts[5] not in listed
    copied = copy.copy(listed)
    assert list(copied) == list(listed) and posts[4] in copied and posts[5] not in copied
    restored = pickle.loads(pickle.dumps(listed))  # other objects: their own ids
    assert type(restored) is MemberList and all(post in restored for post in restored)
    assert posts[4] not in restored and len(restored) == len(listed)


def test_membership_does_not_walk_the_list():
    posts = _posts(50)
    listed = MemberList(posts)
    compared = []

    class Counting(Article):
        def __eq__(self, other):
            compared.append(other)
            return self is other

        __hash__ = Article.__hash__

    # A post with Content's own comparison is looked up; only one with its own __eq__ is
    # compared with the items, as list.__contains__ would.
    assert posts[-1] in listed and compared == []
    odd = Counting("<p>x</p>", metadata={"title": "x"})
    assert odd not in listed and len(compared) == len(posts)


def test_a_generators_tag_category_and_author_lists_become_member_lists():
    # The shapes Pelican leaves at article_generator_finalized: tags a dict of lists (and the
    # context's list of the same pairs), categories and authors lists of (key, list) pairs.
    posts = _posts(5)
    tags = {"a": posts[:2], "b": posts[1:4]}
    categories = [("misc", posts[:])]
    generator = SimpleNamespace(
        tags=tags,
        categories=categories,
        authors=[("me", posts[::2])],
        context={"tags": list(tags.items()), "categories": categories},
    )
    before = {"a": list(tags["a"]), "b": list(tags["b"])}
    index_taxonomy_lists(generator)
    lists = [
        *generator.tags.values(),
        *(p for _, p in generator.context["tags"]),
        *(p for _, p in generator.categories),
        *(p for _, p in generator.context["categories"]),
        *(p for _, p in generator.authors),
    ]
    assert all(type(posts) is MemberList for posts in lists)
    assert {tag: list(p) for tag, p in generator.tags.items()} == before
    assert [p for _, p in generator.context["tags"]] == list(generator.tags.values())
    assert all(
        a is b for (_, a), (_, b) in zip(generator.context["tags"], tags.items(), strict=True)
    )
    assert [posts[n] in generator.tags["b"] for n in range(5)] == [False, True, True, True, False]
