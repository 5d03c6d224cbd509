"""A site folder of ours is deleted with its marker last, so a kill half-way leaves it ours."""

import pytest

from plugins import site_marker
from plugins.site_marker import MARKER, is_marked, mark, remove_marked


def site(folder, pages=("index.html", "a/index.html", "b/index.html", "feeds/all.atom.xml")):
    mark(folder)
    for page in pages:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        (folder / page).write_text("<p>page</p>")
    return folder


def test_a_marked_folder_is_removed_whole(tmp_path):
    remove_marked(site(tmp_path / "out.new"))
    assert not (tmp_path / "out.new").exists()


@pytest.mark.parametrize("deletions_before_the_kill", [0, 1, 2, 3])
def test_killed_while_deleting_the_folder_is_still_marked(
    tmp_path, monkeypatch, deletions_before_the_kill
):
    folder = site(tmp_path / "out.new")
    done = []
    real_unlink, real_rmtree = site_marker.Path.unlink, site_marker.shutil.rmtree

    def counted(real):
        def delete(path, *args, **kwargs):
            if len(done) == deletions_before_the_kill:
                raise KeyboardInterrupt  # the kill
            done.append(str(path))
            return real(path, *args, **kwargs)

        return delete

    monkeypatch.setattr(site_marker.Path, "unlink", counted(real_unlink))
    monkeypatch.setattr(site_marker.shutil, "rmtree", counted(real_rmtree))
    with pytest.raises(KeyboardInterrupt):
        remove_marked(folder)
    assert is_marked(folder), f"the marker went before the rest: {done}"
    assert not any(path.endswith(MARKER) for path in done)


def test_an_empty_unmarked_folder_is_removed(tmp_path):
    (tmp_path / "out.old").mkdir()
    remove_marked(tmp_path / "out.old")
    assert not (tmp_path / "out.old").exists()
