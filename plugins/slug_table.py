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
