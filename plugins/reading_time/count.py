r"""Count a text's words as re.findall(r"\w+(?:[’'-]\w+)*") would, faster on long text."""

from __future__ import annotations

import functools
import html
import re
import string

from markupsafe import Markup, soft_str

WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD_CHAR = re.compile(r"\w")
# Characters beyond ASCII that are not word characters, each replaced in turn (a pass over
# the text each); a text with more of them than this is counted by the regex.
_MOST_REPLACED = 16


def _byte_table(kind):
    """bytes.translate's table: 1 for each byte of KIND ("word", or "joiner": ' and -), else 0."""
    word = set((string.ascii_letters + string.digits + "_").encode())
    if kind == "word":  # every byte of a character beyond ASCII left in the text is a word's
        return bytes(int(b in word or b >= 0x80) for b in range(256))
    return bytes(int(b in b"'-") for b in range(256))


_WORD_BYTES = _byte_table("word")
_JOINER_BYTES = _byte_table("joiner")


def _bits(text, joined):
    """(word bits, joiner bits or 0): TEXT's characters as the bytes of two big integers, 1
    where a word character (or a joiner: ’ ' -) stands; None when it has too many kinds of
    characters beyond ASCII that are not word characters."""
    # Speed (bench/size.py, a 10 MB post): a regex finds each of two million words in turn
    # (0.2 s); a word is where a word byte follows a byte that is not, counted in C on whole
    # integers. In UTF-8 every byte of a character beyond ASCII is >= 0x80, and a character's
    # bytes are found only where it stands, so each such character that is not a word
    # character is first replaced by one byte that is not a word's (' for ’ when joined).
    others = [c for c in set(_NON_ASCII.findall(text)) if not _WORD_CHAR.match(c)]
    if len(others) > _MOST_REPLACED:
        return None
    data = text.encode("utf-8", "surrogatepass")
    for char in others:
        data = data.replace(char.encode("utf-8", "surrogatepass"), b"'" if char == "’" else b" ")
    words = int.from_bytes(data.translate(_WORD_BYTES), "big")
    joiners = int.from_bytes(data.translate(_JOINER_BYTES), "big") if joined else 0
    return words, joiners


def _runs(words):
    """How many runs of 1 bytes WORDS holds: a byte is 8 bits after the one before it."""
    return words.bit_count() - (words & (words >> 8)).bit_count()


def word_count(text: str) -> int:
    """How many WORD matches TEXT holds: its runs of word characters, less the joiners
    (’ ' -) that stand between two word characters."""
    bits = _bits(text, joined=True)
    if bits is None:
        return _word(_word_chars_beyond_ascii(text)).subn("", text)[1]
    words, joiners = bits
    return _runs(words) - (joiners & (words >> 8) & (words << 8)).bit_count()


def _word_chars_beyond_ascii(text):
    r"""The characters of TEXT beyond ASCII that \w takes, sorted, as one string (a cache key)."""
    return "".join(sorted(c for c in set(_NON_ASCII.findall(text)) if _WORD_CHAR.match(c)))


@functools.lru_cache(maxsize=256)
def _word(extra):
    r"""WORD with \w as ASCII's word characters and EXTRA."""
    chars = "A-Za-z0-9_" + "".join(re.escape(char) for char in extra)
    return re.compile(f"[{chars}]+(?:[’'-][{chars}]+)*")


_TAG = re.compile(r"<[^>]*>")


def striptags(value) -> str:
    """Jinja's striptags filter (MarkupSafe's Markup.striptags), faster on a long post.

    MarkupSafe finds each tag with a loop in Python; one regex here removes what it takes for
    a tag: from "<" to the next ">" (a "<" with no ">" after it stays, as there). Markup with a
    comment ("<!--", which ends at "-->" there) is left to MarkupSafe.
    """
    if hasattr(value, "__html__"):
        value = value.__html__()
    value = str(value)
    if "<!--" in value:
        return Markup(value).striptags()
    return html.unescape(" ".join(_TAG.sub("", value).split()))


def wordcount(value) -> int:
    r"""Jinja's wordcount filter (how many \w+ runs), counted as word_count counts."""
    value = soft_str(value)
    bits = _bits(value, joined=False)
    if bits is None:
        return len(re.findall(r"\w+", value))
    return _runs(bits[0])


def stripped_wordcount(value) -> int:
    """wordcount(striptags(VALUE)), without first making the stripped text's spaces one."""
    # Speed: striptags' split and join took 0.15 s of a 10 MB post. They only make each run
    # of white space one space: a character reference ends before white space of any kind
    # (the name it is read by is never one), and white space parts two words alike.
    if hasattr(value, "__html__"):
        value = value.__html__()
    value = str(value)
    if "<!--" in value:
        return wordcount(striptags(value))
    return wordcount(html.unescape(_TAG.sub("", value)))
