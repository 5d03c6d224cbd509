"""The same site always gives a byte-identical search index, and the index still says the same."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cbor2
import pytest

ROOT = Path(__file__).resolve().parents[2]

from plugins.search.canonical import canonicalise_bundle, pagefind_hash, read_payload  # noqa: E402

# Index a copy of a site in a fresh Python process, as `make publish` does in its own run.
INDEX_IN_NEW_PROCESS = (
    "import sys; from plugins.search import build_index; build_index(sys.argv[2])"
)

PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>
<body><article data-pagefind-body><h1>{title}</h1><p>{text}</p>
<span data-pagefind-sort="date">{date}</span><span data-pagefind-sort="words">{words}</span>
{filters}</article></body></html>"""


def bundle_files(site):
    """Every file of SITE's pagefind/ folder, by relative path."""
    bundle = Path(site) / "pagefind"
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


def copy_without_index(site, target):
    shutil.copytree(site, target, ignore=shutil.ignore_patterns("pagefind"))
    return target


def index_in_new_process(site, seed):
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    command = [sys.executable, "-c", INDEX_IN_NEW_PROCESS, str(ROOT / "plugins"), str(site)]
    process = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert process.returncode == 0, process.stderr


def meaning(site):
    """What the browser reads from a bundle, with every hash-map order taken out."""
    bundle = Path(site) / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    result = {}
    for language, info in entry["languages"].items():
        meta = cbor2.loads(read_payload(bundle / f"pagefind.{info['hash']}.pf_meta"))
        filters = {}
        for name, hash_ in meta[3]:
            filter_name, values = cbor2.loads(
                read_payload(bundle / "filter" / f"{hash_}.pf_filter")
            )
            assert filter_name == name
            filters[name] = {value: pages for value, pages in values}
        result[language] = {
            "info": {k: v for k, v in info.items() if k != "hash"},
            "version": meta[0],
            "pages": meta[1],
            "index_chunks": meta[2],
            "filters": filters,
            "sorts": {name: pages for name, pages in meta[4]},
            "rest": meta[5:],
        }
    return result


def write_filtered_site(site, count=12):
    """A tiny site whose pages carry three filters with many values and two sort orders."""
    for n in range(count):
        filters = "".join(
            f'<span data-pagefind-filter="{name}">{value}</span>'
            for name, value in (
                ("theme", f"Theme {n % 7}"),
                ("theme", f"Theme {(n * 3) % 5}"),
                ("year", str(2010 + n % 9)),
                ("author", f"Author {n % 4}"),
            )
        )
        page = PAGE.format(
            title=f"Post {n}",
            text=f"Supervision and the HCPC, note {n}.",
            date=f"2019-{n % 12 + 1:02d}-01",
            words=100 + (n * 37) % 50,
            filters=filters,
        )
        target = Path(site) / f"post-{n}" / "index.html"
        target.parent.mkdir(parents=True)
        target.write_text(page, encoding="utf-8")
    return site


def test_two_indexings_of_the_built_site_are_byte_identical(fixture_site, tmp_path):
    one = copy_without_index(fixture_site, tmp_path / "one")
    two = copy_without_index(fixture_site, tmp_path / "two")
    index_in_new_process(one, seed=1)
    index_in_new_process(two, seed=2)
    first, second = bundle_files(one), bundle_files(two)
    # The theme filter must be there with several values, or this test proves nothing.
    assert len(meaning(one)["en-gb"]["filters"]["theme"]) >= 3
    assert sorted(first) == sorted(second), "the two runs wrote differently named index files"
    assert [name for name in first if first[name] != second[name]] == []
    # The site Pelican built (same HTML, one more indexing run) has this very bundle too.
    assert bundle_files(fixture_site) == first


def test_several_filters_and_sorts_are_byte_identical_too(tmp_path):
    sites = [write_filtered_site(tmp_path / name) for name in ("one", "two", "three")]
    for seed, site in enumerate(sites):
        index_in_new_process(site, seed)
    first = bundle_files(sites[0])
    assert len([name for name in first if name.startswith("filter/")]) == 3
    for site in sites[1:]:
        assert bundle_files(site) == first


def test_canonical_bundle_says_what_pagefind_wrote_under_its_own_naming(tmp_path):
    site = write_filtered_site(tmp_path / "site")
    from pagefind.service import get_executable

    subprocess.run([str(get_executable()), "--site", str(site)], capture_output=True, check=True)
    before, untouched = meaning(site), bundle_files(site)
    canonicalise_bundle(site / "pagefind")
    after = bundle_files(site)
    assert meaning(site) == before  # same pages, words, filters and sort orders
    assert meaning(site)["en"]["sorts"].keys() == {"date", "words"}
    # Only the filter files, the meta file and entry.json may change; the rest is Pagefind's.
    changed = {n for n in set(untouched) | set(after) if untouched.get(n) != after.get(n)}
    assert all(
        n.startswith("filter/") or n.endswith(".pf_meta") or n == "pagefind-entry.json"
        for n in changed
    )
    # Names are Pagefind's own: language + the payload's SHA-1, same length as before.
    bundle = site / "pagefind"
    for path in [*bundle.glob("filter/*.pf_filter"), *bundle.glob("*.pf_meta")]:
        stem = path.name.removeprefix("pagefind.").rsplit(".", 1)[0]
        language, digest = stem.split("_", 1)
        assert language == "en" and pagefind_hash(read_payload(path)).startswith(digest)
        assert len(digest) == (7 if path.suffix == ".pf_filter" else len(language) + 8)
    # Filter values are in one order: sorted.
    for path in bundle.glob("filter/*.pf_filter"):
        values = [value for value, _ in cbor2.loads(read_payload(path))[1]]
        assert values == sorted(values)
    # A second pass changes nothing.
    canonicalise_bundle(bundle)
    assert bundle_files(site) == after


def test_entry_json_keeps_pagefinds_layout(tmp_path):
    site = write_filtered_site(tmp_path / "site", count=2)
    from pagefind.service import get_executable

    subprocess.run([str(get_executable()), "--site", str(site)], capture_output=True, check=True)
    entry = site / "pagefind" / "pagefind-entry.json"
    original = entry.read_text(encoding="utf-8")
    old_hash = json.loads(original)["languages"]["en"]["hash"]
    canonicalise_bundle(site / "pagefind")
    new_hash = json.loads(entry.read_text(encoding="utf-8"))["languages"]["en"]["hash"]
    assert entry.read_text(encoding="utf-8") == original.replace(old_hash, new_hash)


def test_an_unexpected_bundle_is_refused_with_the_reason(tmp_path):
    from plugins.search.canonical import BundleFormatError

    bundle = tmp_path / "pagefind"
    bundle.mkdir()
    (bundle / "pagefind-entry.json").write_text('{"version":"9","languages":{"en":{}}}')
    with pytest.raises(BundleFormatError, match="language 'en' has no meta hash"):
        canonicalise_bundle(bundle)
