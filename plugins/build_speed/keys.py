"""The one hashing helper of the build: a short key for anything a cached result depends on."""

from __future__ import annotations

import hashlib


def _feed(digest, part):
    if isinstance(part, bytes):
        data, kind = part, b"b"
    elif isinstance(part, str):
        data, kind = part.encode("utf-8", "surrogatepass"), b"s"
    elif isinstance(part, (tuple, list)):
        digest.update(b"(%d" % len(part))
        for item in part:
            _feed(digest, item)
        return
    else:  # numbers, None, frozen dataclasses...: their repr says all they hold
        data, kind = repr(part).encode("utf-8", "surrogatepass"), b"r"
    # Kind and length first, so no two different sequences of parts feed the same bytes.
    digest.update(b"%s%d:" % (kind, len(data)))
    digest.update(data)


def key(*parts, size=16):
    """A SIZE-byte key for PARTS (text, bytes, numbers, tuples or lists of them...)."""
    digest = hashlib.blake2b(digest_size=size)
    for part in parts:
        _feed(digest, part)
    return digest.digest()


def hex_key(*parts, size=8):
    """`key` as hexadecimal text, for a file or folder name."""
    return key(*parts, size=size).hex()
