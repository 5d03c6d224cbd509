"""Word lists the privacy check reads: first names, places, local authorities, public names."""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Columns of gender-guesser's nam_dict.txt (0-based): the name is in columns 3-28 and each
# country's frequency (1-9, A-D) in one column from 30 on. Every country counts: the families
# a British social worker meets have names from all over the world.
_NAME_COLUMNS = slice(3, 29)


@functools.cache
def first_names():
    """Every first name in gender-guesser's dictionary (about 40,000), as written."""
    text = (
        importlib.resources.files("gender_guesser")
        .joinpath("data/nam_dict.txt")
        .read_text(encoding="utf-8")
    )
    names = set()
    for line in text.splitlines():
        # '#' comments; '=' lines say two spellings are one name; '+' joins name parts.
        if not line or line[0] == "#" or line[0] == "=" or "+" in line[:30]:
            continue
        name = line[_NAME_COLUMNS].strip()
        if name[:1].isupper() and " " not in name and len(name) > 1:
            names.add(name)
    return frozenset(names)


def _lines(name):
    text = (DATA / name).read_text(encoding="utf-8")
    return [s.strip() for s in text.splitlines() if s.strip() and not s.startswith("#")]


@functools.cache
def name_words():
    """First names that are also ordinary words ('Will', 'Grace')."""
    return frozenset(_lines("name_words.txt"))


@functools.cache
def local_authorities():
    """Lower-cased names of places at least as large as a local authority."""
    return frozenset(s.lower() for s in _lines("local_authorities.txt"))


@functools.cache
def small_places():
    """Lower-cased names of UK towns, villages and districts smaller than a local authority."""
    return frozenset(s.lower() for s in _lines("gb_places.txt")) - local_authorities()


@functools.cache
def public_names():
    """Lower-cased names of public figures and of children named in published reviews."""
    return frozenset(s.lower() for s in _lines("public_names.txt"))


@functools.cache
def public_surnames():
    """The last words of the public names ('munro' for Eileen Munro), which a post may use
    alone once the reader knows who is meant ('Munro argued...')."""
    return frozenset(name.split()[-1] for name in public_names() if " " in name)
