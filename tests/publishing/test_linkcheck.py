"""The internal link check on small hand-made output trees."""

from scripts.linkcheck import check_site, resolve


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_resolve():
    site = "https://blog.example.org"
    assert resolve("../b/", "a/index.html") == ("b/index.html", "")
    assert resolve("/b/#x", "a/index.html") == ("b/index.html", "x")
    assert resolve(f"{site}/b/c.css", "index.html", site) == ("b/c.css", "")
    assert resolve(site, "a/index.html", site) == ("index.html", "")
    assert resolve("https://elsewhere.org/x", "index.html", site) is None
    assert resolve("mailto:a@b.c", "index.html", site) is None
    assert resolve("#top", "a/index.html") == ("a/index.html", "top")


def test_finds_missing_pages_assets_and_anchors(tmp_path):
    write(
        tmp_path,
        "index.html",
        """<html><head><link rel="stylesheet" href="theme/site.css">
<link rel="canonical" href="https://blog.example.org/"></head><body>
<a href="post/">ok</a> <a href="post/#part-2">ok anchor</a> <a href="post/#part-9">bad anchor</a>
<a href="missing/">missing page</a> <img src="images/gone.png" alt="">
<a href="https://elsewhere.org/">external</a> <a href="mailto:x@y.z">mail</a>
<a href="{filename}/articles/x.md">unresolved</a></body></html>""",
    )
    write(tmp_path, "post/index.html", '<html><body><h2 id="part-2">Part 2</h2></body></html>')
    write(tmp_path, "theme/site.css", "body { background: url('../images/bg.png'); }")
    broken = [str(b) for b in check_site(tmp_path, "https://blog.example.org")]
    assert broken == [
        "index.html: post/#part-9 (no id 'part-9' in post/index.html)",
        "index.html: missing/ (no file missing/index.html in the site)",
        "index.html: images/gone.png (no file images/gone.png in the site)",
        "index.html: {filename}/articles/x.md (a {filename} link Pelican could not resolve)",
        "theme/site.css: ../images/bg.png (no file images/bg.png in the site)",
    ]


def test_a_whole_site_with_good_links_passes(published):
    assert check_site(published, "https://blog.example.org") == []
