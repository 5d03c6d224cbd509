"""Previous/next neighbours are worked out once per build, newest first as listings show."""

from plugins.post_navigation import neighbours


def test_each_post_gets_the_older_and_newer_post_beside_it():
    newest_first = ["2024", "2023", "2022", "2021"]
    assert neighbours(newest_first) == [
        ("2023", None),
        ("2022", "2024"),
        ("2021", "2023"),
        (None, "2022"),
    ]


def test_a_lone_post_and_no_posts():
    assert neighbours(["only"]) == [(None, None)]
    assert neighbours([]) == []
