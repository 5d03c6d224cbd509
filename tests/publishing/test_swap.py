"""The publish swap: the new site takes the old one's place in one step, never leaving a gap."""

import pytest

from scripts import publish
from scripts.devserver import swap_folder
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


@pytest.mark.parametrize("caller", ["publish", "devserver's search index"])
def test_where_folders_cannot_be_exchanged_two_renames_leave_only_the_new_folder(
    tmp_path, monkeypatch, caller
):
    # Some file systems (and kernels before 3.15) have no RENAME_EXCHANGE: the old folder then
    # waits under another name for one moment and is removed after the new one is in place.
    monkeypatch.setattr(publish, "exchange", lambda first, second: False)
    new, output = _site(tmp_path / "output.new", "new"), _site(tmp_path / "output", "old")
    if caller == "publish":
        swap(new, output)
    else:
        swap_folder(new, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
