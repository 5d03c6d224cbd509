"""Rewrite a Pagefind bundle so the same site always gives byte-identical index files.

Pagefind 1.5 builds its filter maps, and the list of filters and sort orders in each
language's meta file, from Rust hash maps whose order changes with every process. The
browser reads all three into hash maps of its own (filter name -> file, value -> pages,
sort name -> pages), so their order carries no meaning: sorting them by name gives one
canonical encoding. Files are named as Pagefind names them (language + SHA-1 of the
CBOR payload), so renamed files keep the same shape and the chain
entry.json -> meta -> filter stays valid. Word index chunks and fragments are already
deterministic (sorted words, page order, JSON of sorted maps) and are left untouched; the
one gap is a word with several accented spellings first seen on the same page, whose
variant list Pagefind also fills in hash-map order (none in this blog's English content).
"""

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

# Every compressed Pagefind file is gzip("pagefind_dcd" + payload); the browser checks
# the signature to tell compressed responses from ones a server already decompressed.
SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# Positions in the meta file's top-level array (pagefind/src/index/index_metadata.rs).
META_FILTERS = 3
META_SORTS = 4
META_MIN_FIELDS = 5


class BundleFormatError(Exception):
    """A Pagefind file is not laid out as this canonicaliser expects."""


def pagefind_hash(payload):
    """Pagefind's content hash: SHA-1 bytes as unpadded hex, as its full_hash() writes them."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(payload).digest())


def read_payload(path):
    """The CBOR payload of a compressed Pagefind file, signature checked and removed."""
    data = gzip.decompress(Path(path).read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path} does not start with the {SIGNATURE!r} signature")
    return data[len(SIGNATURE) :]


def write_payload(path, payload):
    """Write PAYLOAD as Pagefind does (signature, gzip level 9) with a zero gzip timestamp."""
    Path(path).write_bytes(gzip.compress(SIGNATURE + payload, compresslevel=9, mtime=0))


def _name(language, payload, length, taken):
    """LANGUAGE_<first LENGTH hex of the hash>, lengthened on a clash as Pagefind does."""
    digest = pagefind_hash(payload)
    while length < len(digest) and f"{language}_{digest[:length]}" in taken:
        length += 1
    return f"{language}_{digest[:length]}"


def _pairs(value, what, path):
    """Check VALUE is a list of [name, ...] arrays keyed by a string; return it."""
    if not isinstance(value, list) or not all(
        isinstance(item, list) and item and isinstance(item[0], str) for item in value
    ):
        raise BundleFormatError(f"{path}: the {what} list is not a list of [name, ...] arrays")
    return value


def canonical_filter(payload, path="filter"):
    """The filter file's CBOR with its values sorted by value; pages keep Pagefind's order."""
    data = cbor2.loads(payload)
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], str)):
        raise BundleFormatError(f"{path}: expected [filter name, values]")
    data[1] = sorted(_pairs(data[1], "filter values", path), key=lambda item: item[0])
    return cbor2.dumps(data)


def _canonical_language(bundle, language, meta_hash):
    """Canonicalise one language's filters and meta file; return the meta file's new hash."""
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    meta = cbor2.loads(read_payload(meta_path))
    if not (isinstance(meta, list) and len(meta) >= META_MIN_FIELDS):
        raise BundleFormatError(f"{meta_path}: expected an array of at least {META_MIN_FIELDS}")
    filters = _pairs(meta[META_FILTERS], "filters", meta_path)
    filters = sorted(filters, key=lambda item: item[0])
    # Read every filter before writing any, so a new name can never overwrite an unread file.
    olds = [bundle / "filter" / f"{entry[1]}.pf_filter" for entry in filters]
    payloads = [canonical_filter(read_payload(old), old) for old in olds]
    taken = set()
    for entry, old, payload in zip(filters, olds, payloads, strict=True):
        # Keep the hash length Pagefind chose, so the new name has the same shape.
        entry[1] = _name(language, payload, len(entry[1]) - len(language) - 1, taken)
        taken.add(entry[1])
        old.unlink()
    for entry, payload in zip(filters, payloads, strict=True):
        write_payload(bundle / "filter" / f"{entry[1]}.pf_filter", payload)
    meta[META_FILTERS] = filters
    meta[META_SORTS] = sorted(_pairs(meta[META_SORTS], "sorts", meta_path), key=lambda s: s[0])
    payload = cbor2.dumps(meta)
    new_hash = _name(language, payload, len(meta_hash) - len(language) - 1, set())
    meta_path.unlink()
    write_payload(bundle / f"pagefind.{new_hash}.pf_meta", payload)
    return new_hash


def canonicalise_bundle(bundle_dir):
    """Make a freshly written Pagefind bundle byte-identical for identical input, in place.

    Returns the number of languages rewritten. Raises BundleFormatError when a file is not
    laid out as Pagefind 1.5 writes it (a Pagefind upgrade changed the format).
    """
    bundle = Path(bundle_dir)
    entry_path = bundle / ENTRY
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    languages = entry.get("languages")
    if not isinstance(languages, dict):
        raise BundleFormatError(f"{entry_path}: no 'languages' object")
    for language, info in languages.items():
        meta_hash = info.get("hash", "") if isinstance(info, dict) else ""
        if not meta_hash.startswith(f"{language}_"):
            raise BundleFormatError(f"{entry_path}: language {language!r} has no meta hash")
        info["hash"] = _canonical_language(bundle, language, meta_hash)
    # Languages also come from a hash map; serde_json's compact form, sorted by language.
    entry["languages"] = dict(sorted(languages.items()))
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    entry_path.write_text(text, encoding="utf-8")
    return len(languages)
