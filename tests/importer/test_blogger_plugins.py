"""The cores of the imported_comments and old_addresses plugins, as plain functions."""

from __future__ import annotations

import blogger_helpers  # noqa: F401  (puts plugins/ on the path)
import pytest

from plugins.imported_comments import CommentsError, check_settings, load_comments
from plugins.old_addresses import OldAddressError, old_path, redirect_lines
from plugins.old_addresses import check_settings as check_old_settings


def test_a_comments_file_is_read_with_dates_and_safe_text(tmp_path):
    path = tmp_path / "post.comments.yaml"
    path.write_text(
        "# header\ncomments:\n- name: Jane\n  date: 2018-03-06 10:00+00:00\n"
        "  text: |\n    Hello <script>x</script>\n    [link](https://e.org)\n"
    )
    [comment] = load_comments(path)
    assert comment["name"] == "Jane" and comment["date"].utcoffset().total_seconds() == 0
    assert str(comment["html"]) == (
        "<p>Hello &lt;script&gt;x&lt;/script&gt;<br>\n"
        '<a href="https://e.org" rel="nofollow ugc">link</a></p>'
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("comments:\n- name: Jane\n  date: [2018\n", "line 4: not valid YAML"),
        ("comments:\n- name: Jane\n  date: 2018-03-06 10:00\n", "line 2: a comment without text"),
        (
            "comments:\n- name: Jane\n  date: soon\n  text: Hi\n",
            "line 2: 'date: soon' is not a date",
        ),
        ("comments: " + "[" * 100 + "]" * 100 + "\n", "nests more than 64 levels deep"),
    ],
)
def test_a_broken_comments_file_names_the_file_and_line(tmp_path, text, said):
    path = tmp_path / "post.comments.yaml"
    path.write_text(text)
    with pytest.raises(CommentsError) as error:
        load_comments(path)
    assert str(error.value).startswith(str(path)) and said in str(error.value)


def test_settings_are_checked_and_unknown_ones_refused():
    assert check_settings({}) == {"IMPORTED_COMMENTS": True}
    with pytest.raises(CommentsError, match="IMPORTED_COMMENTS_SHOW"):
        check_settings({"IMPORTED_COMMENTS_SHOW": True})
    with pytest.raises(CommentsError, match="True or False"):
        check_settings({"IMPORTED_COMMENTS": "no"})
    with pytest.raises(OldAddressError, match="OLD_ADDRESSES_FILE"):
        check_old_settings({"OLD_ADDRESSES_FILE": "x"})


def test_old_paths_are_only_html_files_inside_the_site():
    assert old_path("http://x.blogspot.com/2018/07/a-b_c.html?m=1") == "/2018/07/a-b_c.html"
    assert old_path("/p/about.html") == "/p/about.html"
    assert old_path("https://x.blogspot.com/2018/07/../../etc/passwd.html") is None
    assert old_path("https://x.blogspot.com/") is None
    assert redirect_lines([("/b.html", "/b/"), ("/a.html", "/a/"), ("/a.html", "/a/")]) == (
        "/a.html /a/ 301\n/b.html /b/ 301\n"
    )
