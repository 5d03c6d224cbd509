"""Pictures that Blogger hosts: download each into the content folder, point the post at it."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

# Where Blogger keeps the pictures of its posts (bp.blogspot.com is the older address).
BLOGGER_IMAGE_HOSTS = (
    "bp.blogspot.com",
    "blogger.googleusercontent.com",
    "googleusercontent.com",
    "ggpht.com",
    "blogger.com",
)
MAX_BYTES = 30 * 1024 * 1024
TIMEOUT = 20
_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}

Fetcher = Callable[[str], bytes]


@dataclass(frozen=True)
class ImageProblem:
    """A picture the import could not bring across, or one without alt text."""

    url: str
    reason: str


def fetch(url: str) -> bytes:
    """Download one picture; raise OSError or ValueError saying why not."""
    request = urllib.request.Request(url, headers={"User-Agent": "blog-importer/1"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        kind = response.headers.get_content_type()
        if not kind.startswith("image/"):
            raise ValueError(f"the address gives {kind}, not a picture")
        data = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"the picture is larger than {MAX_BYTES // 1024 // 1024} MB")
    if not data:
        raise ValueError("the address gives an empty file")
    return data


def absolute(url: str) -> str:
    """Blogger writes protocol-relative addresses (//1.bp.blogspot.com/…): make them https."""
    url = (url or "").strip()
    return "https:" + url if url.startswith("//") else url


def is_hosted(url: str, extra_hosts=()) -> bool:
    """True for a picture on Blogger's own hosts (or on one of extra_hosts, host[:port])."""
    parts = urlsplit(absolute(url))
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    if parts.netloc.lower() in extra_hosts or host in extra_hosts:
        return True
    return any(host == h or host.endswith("." + h) for h in BLOGGER_IMAGE_HOSTS)


def file_name(url: str, data: bytes | None = None) -> str:
    """A safe file name for the picture at URL: its last path segment, tidied."""
    name = unquote(PurePosixPath(urlsplit(url).path).name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-").lower()[:60] or "picture"
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()[:5]
    return f"{stem}.{ext}" if ext else f"{stem}.jpg"


def localise(soup, folder: str, fetcher: Fetcher, existing, extra_hosts=()):
    """Point every hosted <img> in SOUP at a copy under FOLDER (relative to content/).

    Returns (files {content-relative path: bytes}, failures, missing_alt). `existing(path)`
    gives the bytes of a copy an earlier import wrote, so that re-imports need no network.
    A failed picture becomes visible text that names its original address.
    """
    files: dict[str, bytes] = {}
    failures: list[ImageProblem] = []
    missing_alt: list[ImageProblem] = []
    names: dict[str, str] = {}
    for img in soup.find_all("img"):
        src = absolute(img.get("src", ""))
        if not (img.get("alt") or "").strip():
            missing_alt.append(ImageProblem(src, "no alt text"))
        if not is_hosted(src, extra_hosts):
            continue
        anchor = img.parent if img.parent is not None and img.parent.name == "a" else None
        bigger = absolute(anchor.get("href", "")) if anchor is not None else ""
        candidates = [bigger, src] if bigger and is_hosted(bigger, extra_hosts) else [src]
        local, reasons = None, []
        for url in candidates:
            if url in names:
                local = names[url]
                break
            base = file_name(url)
            path, number = f"{folder}/{base}", 2
            while path in files and names.get(url) != path:
                stem, _, ext = base.rpartition(".")
                path, number = f"{folder}/{stem}-{number}.{ext}", number + 1
            data = existing(path)
            if data is None:
                try:
                    data = fetcher(url)
                except (OSError, ValueError, urllib.error.URLError) as error:
                    reasons.append((url, _reason(error)))
                    continue
            files[path], names[url], local = data, path, path
            break
        if local is None:
            if len(reasons) == 1:
                said = reasons[0][1]
            else:  # the full-size copy and the picture itself both failed
                said = "; ".join(f"{url}: {reason}" for url, reason in reasons)
            failures.append(ImageProblem(src, said))
            note = soup.new_tag("em")
            alt = (img.get("alt") or "").strip()
            note.string = f"[Picture not imported{': ' + alt if alt else ''}. Original: {src}]"
            (anchor if candidates[0] == bigger and anchor is not None else img).replace_with(note)
            continue
        img["src"] = "{static}/" + local
        for attribute in ("border", "data-original-height", "data-original-width", "style"):
            img.attrs.pop(attribute, None)
        if anchor is not None and bigger and is_hosted(bigger, extra_hosts):
            anchor.unwrap()  # Blogger's link to the full-size copy of the same picture
    return files, failures, missing_alt


def _reason(error) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"the server answered {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot reach the server ({error.reason})"
    return str(error) or type(error).__name__
