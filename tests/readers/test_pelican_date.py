"""The reader hands Pelican the same date objects get_date(text) made from the front matter's
dates written out as text, without the parse (a reference test over random dates and zones)."""

import datetime as dt
import random

import pytest
from pelican.utils import get_date

from plugins.yaml_metadata.reader import pelican_date

FORMAT = "%Y %m %d %H %M %S %f %z %Z %a %-d %B"


def _seen(value):
    """Everything a template or plugin can read of a date."""
    aware = value.tzinfo is not None
    return (
        type(value),
        value,
        value.utcoffset() if aware else None,
        value.tzname() if aware else None,
        type(value.tzinfo),
        value.strftime(FORMAT),
        value.isoformat(),
    )


def _random_values(count, seed):
    rng = random.Random(seed)
    for _ in range(count):
        base = dt.datetime(
            rng.randint(1990, 2030),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.choice([0, 0, 0, rng.randint(0, 999999)]),
        )
        minutes = dt.timedelta(minutes=rng.randint(-900, 900))
        yield rng.choice(
            [
                base,
                base.date(),
                base.replace(tzinfo=dt.UTC),
                base.replace(tzinfo=dt.timezone(minutes)),
                base.replace(tzinfo=dt.timezone(dt.timedelta(seconds=rng.randint(-50000, 50000)))),
            ]
        )


def test_dates_are_what_pelican_made_of_them_as_text():
    kinds = set()
    for value in _random_values(5000, 11):
        try:
            expected = _seen(get_date(value.isoformat()))
        except ValueError:  # an offset with seconds, which Pelican refuses
            with pytest.raises(ValueError):
                pelican_date(value)
            continue
        assert _seen(pelican_date(value)) == expected, value
        kinds.add(expected[4])
    assert len(kinds) >= 3  # naive, UTC (as dateutil reads it here) and an offset compared


def test_the_dates_the_front_matter_gives_are_read_as_before(tmp_path):
    from plugins.yaml_metadata.reader import parse_front_matter

    for text in [
        "2018-07-26",
        "2018-07-26 09:30",
        "2010-11-27 07:12-08:00",
        "2020-01-01 00:00+00:00",
    ]:
        value = parse_front_matter(f"date: {text}")["date"]
        assert _seen(pelican_date(value)) == _seen(get_date(value.isoformat())), text
