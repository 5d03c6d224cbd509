"""The build memo hands back last build's results only for the very same inputs."""

from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]

from plugins.build_speed.memo import BuildMemo, memo_key  # noqa: E402


def _settings(tmp_path, cache=True):
    return {"CACHE_CONTENT": cache, "LOAD_CONTENT_CACHE": cache, "CACHE_PATH": str(tmp_path)}


def test_a_result_is_reused_for_the_same_key_and_worked_out_for_a_new_one(tmp_path):
    calls = []

    def work(value):
        calls.append(value)
        return value * 2

    first = BuildMemo(_settings(tmp_path), "Demo")
    assert first.get(memo_key("a", 1), lambda: work(1)) == 2
    assert first.get(memo_key("b", 2), lambda: work(2)) == 4
    first.save()

    second = BuildMemo(_settings(tmp_path), "Demo")
    assert second.get(memo_key("a", 1), lambda: work(1)) == 2
    assert second.get(memo_key("a", 3), lambda: work(3)) == 6
    assert calls == [1, 2, 3]
    second.save()
    # Only what the last build used is kept: "b" was not asked for, so it is gone.
    third = BuildMemo(_settings(tmp_path), "Demo")
    assert set(third.kept) == {memo_key("a", 1), memo_key("a", 3)}
    # A build that only asks for kept results leaves the file as it is.
    kept_file = (tmp_path / "Demo").stat().st_ino  # a rewrite replaces the file
    third.get(memo_key("a", 1), lambda: work(1))
    third.get(memo_key("a", 3), lambda: work(3))
    third.save()
    assert (tmp_path / "Demo").stat().st_ino == kept_file and calls == [1, 2, 3]


def test_nothing_is_kept_without_the_content_cache(tmp_path):
    memo = BuildMemo(_settings(tmp_path, cache=False), "Demo")
    assert memo.get(memo_key("x"), lambda: 1) == 1
    memo.save()
    assert not (tmp_path / "Demo").exists()


def test_an_unreadable_memo_only_means_working_things_out(tmp_path):
    (tmp_path / "Demo").write_bytes(b"not a pickle")
    memo = BuildMemo(_settings(tmp_path), "Demo")
    assert memo.get(memo_key("x"), lambda: "worked out") == "worked out"


def test_keys_differ_with_any_part():
    assert memo_key("a", (1, 2)) == memo_key("a", (1, 2))
    assert memo_key("a", (1, 2)) != memo_key("a", (2, 1))
    assert memo_key("a", "x") != memo_key("a", "y")


def test_results_worked_out_are_written_as_they_come_not_held_until_save(tmp_path):
    # Memory at 10,000 posts: a memo that held every post's answer for its file held them all.
    import tracemalloc

    memo = BuildMemo(_settings(tmp_path), "Demo")
    tracemalloc.start()
    try:
        for number in range(40):
            memo.keep(memo_key(number), f"{number} " + "answer " * 20_000)  # ~140 KB each
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < 40 * 140_000 / 4, f"the memo holds {held} bytes of results"
    memo.get(memo_key("late"), lambda: "worked out last")
    memo.save()
    kept = BuildMemo(_settings(tmp_path), "Demo").kept
    assert len(kept) == 41 and kept[memo_key(7)].startswith("7 answer answer")
    assert kept[memo_key("late")] == "worked out last"


def test_a_memo_file_cut_short_is_discarded_with_a_note(tmp_path, caplog):
    memo = BuildMemo(_settings(tmp_path), "Demo")
    for number in range(3):
        memo.keep(memo_key(number), f"result {number}" * 100)
    memo.save()
    path = tmp_path / "Demo"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a full disk stopped the save
    assert BuildMemo(_settings(tmp_path), "Demo").kept == {}
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "could not be read" in said and "Demo" in said
    assert not path.exists()


def test_a_build_that_uses_no_kept_result_keeps_nothing(tmp_path):
    first = BuildMemo(_settings(tmp_path), "Demo")
    first.keep(memo_key("a"), "one")
    first.save()
    second = BuildMemo(_settings(tmp_path), "Demo")
    second.save()  # no post asked for anything (every post deleted)
    assert BuildMemo(_settings(tmp_path), "Demo").kept == {}
