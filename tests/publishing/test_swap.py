"""The publish swap: the new site takes the old one's place in one step, never leaving a gap."""

from scripts.publish import exchange, swap


def _site(path, text):
    path.mkdir()
    (path / "index.html").write_text(text, encoding="utf-8")
    return path


def test_exchange_swaps_two_folders_in_place(tmp_path):
    new, output = _site(tmp_path / "output.new", "new"), _site(tmp_path / "output", "old")
    assert exchange(new, output), "this Linux file system should support RENAME_EXCHANGE"
    assert (output / "index.html").read_text(encoding="utf-8") == "new"
    assert (new / "index.html").read_text(encoding="utf-8") == "old"


def test_swap_leaves_only_the_new_site(tmp_path):
    new, output = _site(tmp_path / "output.new", "new"), _site(tmp_path / "output", "old")
    swap(new, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_first_publish_has_no_old_site_to_swap_with(tmp_path):
    new = _site(tmp_path / "output.new", "new")
    swap(new, tmp_path / "output")
    assert (tmp_path / "output" / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
