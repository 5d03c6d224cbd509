"""Turn a source file's bytes into text, saying which encoding it was in."""

from __future__ import annotations

import codecs
import re

from .records import SourceError

# Control characters never found in text files (tab, newline, form feed and CR are fine).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, path="<bytes>") -> tuple[str, str]:
    """Return (text with \\n line ends, encoding name) for UTF-8 (BOM or not), UTF-16 or cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data[len(codecs.BOM_UTF8) :], "utf-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data, "utf-16")]
    else:
        if b"\x00" in data:
            raise SourceError(
                path,
                None,
                "the file is binary (it contains NUL bytes), not text",
                "export the post as plain text (.txt) and replace this file",
            )
        candidates = [("utf-8", data, "utf-8"), ("windows-1252", data, "cp1252")]
    for name, raw, codec in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        # A BOM inside the text (archives pasted or concatenated together) is invisible and
        # would hide a date line: "\ufeffFriday, 27 July 2018" must still start a day.
        text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
        bad = _BINARY.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise SourceError(
                path,
                line,
                f"the file contains the control character {bad.group()!r}, so it is not plain text",
                "export the post as plain text (.txt) or delete the stray character",
            )
        return text, name
    raise SourceError(
        path,
        None,
        "the file is neither UTF-8 nor Windows-1252 text",
        "save it as UTF-8 text (in most editors: Save As, Encoding: UTF-8)",
    )
