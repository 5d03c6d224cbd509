"""The build pool's splits of one long text, counted, for the tests of what is split."""

from plugins.build_speed import pool


def counted_splits(monkeypatch, least=1000):
    """[(parts, processes)] of each split the pool makes from now on, of texts of LEAST
    characters or more (pool.SPLIT_MIN lowered so that a test's text is long enough)."""
    calls = []
    real = pool._shared

    def counted(function, parts, count):
        calls.append((len(parts), count))
        return real(function, parts, count)

    monkeypatch.setattr(pool, "_shared", counted)
    monkeypatch.setattr(pool, "SPLIT_MIN", least)
    return calls
