"""Pelican's tag, category and author lists, with a membership test that does not walk them."""

from pelican.contents import Content


class MemberList(list):
    """A list of posts whose `post in list` looks the post up instead of comparing it with
    every item: the same answer, as posts compare by identity (Content defines no __eq__)."""

    def __init__(self, items=()):
        super().__init__(items)
        self._ids = frozenset(map(id, self))
        self._length = len(self)

    def __contains__(self, item):
        # Changed since it was made (Pelican never does), or asked about something that may
        # compare equal in its own way: the list's own test.
        if len(self) != self._length or type(item).__eq__ is not Content.__eq__:
            return super().__contains__(item)
        return id(item) in self._ids

    def __reduce__(self):
        # Copied or pickled: the items' ids are made anew (they differ in another process).
        return type(self), (list(self),)


def index_taxonomy_lists(generator):
    """Make the lists of posts under each tag, category and author MemberLists."""
    # Pelican writes each tag's (category's, author's) page with
    # `[article for article in self.dates if article in articles]`: every post compared with
    # every item of the list, for every tag; quadratic in the posts. The lists are final here
    # (article_generator_finalized) and only read after.
    tags = getattr(generator, "tags", None)
    if isinstance(tags, dict):
        for tag, posts in tags.items():
            tags[tag] = MemberList(posts)
        # The context's copy of the pairs (Pelican's _update_context) holds the same lists.
        pairs = generator.context.get("tags")
        if isinstance(pairs, list):
            pairs[:] = [(tag, tags.get(tag, posts)) for tag, posts in pairs]
    for name in ("categories", "authors"):
        pairs = getattr(generator, name, None)
        if isinstance(pairs, list):
            pairs[:] = [(key, MemberList(posts)) for key, posts in pairs]
