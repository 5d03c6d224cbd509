"""What a table of entries an author keeps (themes, glossary terms) answers as a container."""


class SlugTable:
    """Entries in the order their file lists them, found by slug.

    A frozen dataclass mixes it in: ENTRIES names its tuple of entries (each with a `slug`),
    and it has a `_by_slug` dict field that __post_init__ fills.
    """

    ENTRIES = ""

    def __post_init__(self):
        for entry in getattr(self, self.ENTRIES):
            self._by_slug[entry.slug] = entry

    def __iter__(self):
        return iter(getattr(self, self.ENTRIES))

    def __len__(self):
        return len(getattr(self, self.ENTRIES))

    def __contains__(self, slug):
        return slug in self._by_slug

    def __getitem__(self, slug):
        return self._by_slug[slug]

    def get(self, slug, default=None):
        """The entry with this SLUG, or DEFAULT."""
        return self._by_slug.get(slug, default)


# Speed (bench/): the last table parsed from each kind of file, by its path and text. A build
# loads each table several times (the vocabulary four: settings check, detection, topics,
# content checks); the text is read every time, so an edited file is parsed afresh. The tables
# are frozen, so sharing one is safe.
_LAST = {}


def parsed_once(kind, path, text, parse):
    """parse(TEXT, PATH), or the table it gave last for this KIND of file and the same text."""
    key = (str(path), text)
    last = _LAST.get(kind)
    if last is None or last[0] != key:
        last = _LAST[kind] = (key, parse(text, path))
    return last[1]
