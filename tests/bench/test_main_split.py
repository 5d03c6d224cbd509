"""The build's own steps after the themes' pool share their work with a forked process
(issue 15): the same answers as in one process, the work done in two."""

import datetime as dt
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican.generators import ArticlesGenerator

import plugins.glossary as glossary_plugin
import plugins.reading_time as reading_time
import plugins.related_posts as related_posts
from bench.corpus import make_posts, yaml_text
from plugins import post_model
from plugins.build_speed.pool import POST_CHARACTERS, Stream, in_background, posts_worth, shared_map
from plugins.related_posts.core import keywords as keywords_of
from plugins.themes.vocabulary import load_vocabulary
from plugins.topics import generator as topics_generator
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]
SHARED = {"BUILD_WORKERS": 2, "BUILD_POOL_MIN": 0}
ALONE = {"BUILD_WORKERS": 1}

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forked processes only")


def _square_and_pid(number):
    time.sleep(0.005)  # long enough that both processes take some items
    return number * number, os.getpid()


def test_shared_map_gives_each_items_answer_in_order_worked_out_by_two_processes():
    answers = shared_map(SHARED, _square_and_pid, range(40), 2)
    assert [square for square, _ in answers] == [n * n for n in range(40)]
    pids = {pid for _, pid in answers}
    assert os.getpid() in pids and len(pids) == 2


def test_shared_map_leaves_the_work_to_the_caller_when_not_worth_it_or_a_process_fails():
    assert shared_map(ALONE, _square_and_pid, range(40), 2) is None
    assert shared_map({"BUILD_WORKERS": 2}, _square_and_pid, range(5), 10) is None
    parent = os.getpid()

    def fails_in_the_child(number):
        time.sleep(0.005)
        if os.getpid() != parent:
            raise ValueError("no")
        return number

    assert shared_map(SHARED, fails_in_the_child, range(40), 2) is None


def test_in_background_works_in_another_process_on_the_build_as_it_was_at_the_fork():
    state = [1, 2]
    running = in_background(SHARED, lambda: (sum(state), os.getpid()), 10, 2)
    state.append(100)  # after the fork: not seen by the forked process
    done, (total, pid) = running.result()
    assert done and total == 3 and pid != os.getpid()
    assert running.result() == (True, (3, pid))  # asked again: the same answer


def test_in_background_is_none_for_one_worker_or_little_work_and_says_when_it_failed():
    assert in_background(ALONE, lambda: 1, 10, 2) is None
    assert in_background({"BUILD_WORKERS": 2}, lambda: 1, 1, 2) is None
    running = in_background(SHARED, lambda: 1 / 0, 10, 2)
    assert running.result() == (False, None)


def _forked(function):
    """(pid, read end): FUNCTION() being worked out in a process forked from this one, as a
    page writer is; what it gives is written to the pipe as its repr()."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "w") as pipe:
                pipe.write(repr(function()))
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


def _said(forked):
    pid, read = forked
    with os.fdopen(read) as pipe:
        said = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert status == 0
    return said


@pytest.mark.parametrize("worker_fails", [False, True])
def test_a_shared_answer_is_waited_for_and_read_by_processes_forked_after_it(
    tmp_path, worker_fails
):
    go = tmp_path / "go"

    def slow():
        while not go.exists():  # until the processes forked after it are waiting
            time.sleep(0.01)
        if worker_fails:
            os._exit(3)  # dies before it answers
        return "quotes", os.nice(0)

    running = in_background(SHARED, slow, 10, 2, shared=True, niceness=5)
    # Two page writers ask before the answer is there: each waits, then reads it itself.
    writers = [_forked(running.result) for _ in range(2)]
    time.sleep(0.2)
    for pid, _ in writers:
        assert os.waitpid(pid, os.WNOHANG) == (0, 0), "still waiting: no answer yet"
    go.write_text("go")
    expected = (False, None) if worker_fails else (True, ("quotes", os.nice(0) + 5))
    assert [_said(writer) for writer in writers] == [repr(expected)] * 2
    assert running.result() == expected  # and the build's own process, which reaps it
    assert running.result() == expected


def test_a_long_text_counts_as_the_many_posts_its_work_is_worth():
    # The background steps' thresholds count posts: a 10 MB post is not one post's work.
    ordinary = "x" * (POST_CHARACTERS - 1)
    assert posts_worth([ordinary] * 3) == 3
    assert posts_worth(["", "short", None]) == 3  # every text counts, however short
    assert posts_worth(["x" * (POST_CHARACTERS * 250 + 7)]) == 250
    assert posts_worth(["x" * (POST_CHARACTERS * 250)] + [ordinary] * 2) == 252
    long_text = "x" * (POST_CHARACTERS * 300)
    assert in_background({"BUILD_WORKERS": 2}, lambda: 1, posts_worth([ordinary]), 200) is None
    running = in_background({"BUILD_WORKERS": 2}, lambda: 1, posts_worth([long_text]), 200)
    assert running is not None and running.result() == (True, 1)


def _corpus_html(count):
    return [
        markdown_engine().convert(yaml_text(post).split("---\n", 2)[2])
        for post in make_posts(count, seed=7)
    ]


def _articles(htmls):
    return [
        SimpleNamespace(
            _content=html,
            date=dt.datetime(2008 + index % 17, 1 + index % 12, 1 + index % 28),
            status="published",
            save_as=f"post-{index}/index.html",
            slug=f"post-{index}",
            source_path=f"post-{index}.md",
        )
        for index, html in enumerate(htmls)
    ]


def _glossary_generator(settings, htmls):
    values = {
        **glossary_plugin.SETTINGS,
        "GLOSSARY_FILE": str(ROOT / "content" / "glossary.yaml"),
        "GLOSSARY_LAW_FILE": str(ROOT / "content" / "law.yaml"),
        "CACHE_CONTENT": False,
        **settings,
    }
    generator = SimpleNamespace(settings=values, context={}, articles=_articles(htmls))
    for name in ("translations", "hidden_articles", "hidden_translations", "drafts"):
        setattr(generator, name, [])
    generator.drafts_translations = []
    return generator


def _marked(generator):
    return [
        (
            article._content,
            [term.slug for term in post_model.of(article).glossary_terms],
            post_model.of(article).law_refs,
            post_model.of(article).since_written,
            post_model.of(article).cpd_url,
        )
        for article in generator.articles
    ]


def test_glossary_marks_made_in_two_processes_are_the_marks_of_one(tmp_path, monkeypatch):
    htmls = _corpus_html(60)
    alone = _glossary_generator(ALONE, htmls)
    glossary_plugin.annotate_articles(alone)
    marks_file = tmp_path / "pids"
    annotate = glossary_plugin.annotate_article

    def annotate_noting_the_process(*args, **kwargs):
        with open(marks_file, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        time.sleep(0.002)
        return annotate(*args, **kwargs)

    monkeypatch.setattr(glossary_plugin, "annotate_article", annotate_noting_the_process)
    shared = _glossary_generator(SHARED, htmls)
    glossary_plugin.annotate_articles(shared)
    assert _marked(shared) == _marked(alone)
    assert any("term" in html for html, *_ in _marked(shared))
    pids = marks_file.read_text().split()
    assert len(pids) == len(htmls) and len(set(pids)) == 2 and str(os.getpid()) in pids


def _topics_generator(settings, tmp_path):
    vocabulary = list(load_vocabulary(ROOT / "content" / "themes.yaml"))
    articles = _articles(_corpus_html(80))
    for index, article in enumerate(articles):
        post_model.of(article).themes = [vocabulary[index % 5], vocabulary[(index + 2) % 7]]
        article.url = f"post-{index}/"
    values = {
        **topics_generator.resolve({}),
        "CACHE_CONTENT": False,
        "RELATIVE_URLS": False,
        **settings,
    }
    generator = object.__new__(topics_generator.TopicsGenerator)
    generator.settings = values
    generator.options = topics_generator.resolve(values)
    generator.context = {"articles": articles, "drafts": [], "theme_vocabulary": vocabulary}
    return generator


def _quotes(generator):
    return [
        (topic.slug, topic.quote and (topic.quote[0], topic.quote[1].url, topic.quote[2]))
        for topic in generator.topics
    ]


def test_topic_quotes_found_beside_the_build_are_the_quotes_found_in_it(tmp_path, monkeypatch):
    alone = _topics_generator(ALONE, tmp_path)
    alone.generate_context()
    expected = _quotes(alone)
    assert sum(quote is not None for _, quote in expected) >= 3
    pids_file = tmp_path / "pids"
    key_quotes = topics_generator._key_quotes

    def noting_the_process(work):
        pids_file.write_text(str(os.getpid()))
        return key_quotes(work)

    monkeypatch.setattr(topics_generator, "_key_quotes", noting_the_process)
    shared = _topics_generator(SHARED, tmp_path)
    shared.generate_context()
    shared.finish_quotes()
    assert _quotes(shared) == expected
    assert pids_file.read_text() != str(os.getpid())


def test_topic_quotes_are_waited_for_by_the_page_that_shows_them(tmp_path):
    alone = _topics_generator(ALONE, tmp_path)
    alone.generate_context()
    expected = _quotes(alone)
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "PLUGINS": ["plugins.build_speed"]}
    shared = _topics_generator({**SHARED, **cache, "CACHE_PATH": str(tmp_path / "c")}, tmp_path)
    shared.generate_context()
    # Nothing waits for them before a topic page reads one: here a page writer forked now,
    # which reads them itself, and keeps nothing (its memo is the build's).
    assert _said(_forked(lambda: _quotes(shared))) == repr(expected)
    pending = [topic for topic in shared.topics if topic.quote_pending is not None]
    assert len(pending) >= 3, "still being found as far as the build's process knows"
    assert not (tmp_path / "c" / "TopicQuotes").exists()
    topics_generator.finish_pending_quotes()  # finalized: the build memo keeps them
    assert all(topic.quote_pending is None for topic in shared.topics)
    assert _quotes(shared) == expected
    assert (tmp_path / "c" / "TopicQuotes").stat().st_size > 0
    again = _topics_generator({**SHARED, **cache, "CACHE_PATH": str(tmp_path / "c")}, tmp_path)
    again.generate_context()  # the next build finds every quote in the memo
    assert all(topic.quote_pending is None for topic in again.topics)
    assert _quotes(again) == expected


def test_quotes_a_failed_build_left_pending_are_not_the_next_builds_to_keep(tmp_path):
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "PLUGINS": ["plugins.build_speed"]}
    settings = {**SHARED, **cache, "CACHE_PATH": str(tmp_path / "c")}
    failed = _topics_generator(settings, tmp_path)
    failed.generate_context()  # and the build stopped before `finalized`
    from pelican.settings import DEFAULT_CONFIG

    topics_generator.TopicsGenerator(  # the next build's
        context={},
        settings={**DEFAULT_CONFIG, **settings},
        path=str(tmp_path),
        theme=DEFAULT_CONFIG["THEME"],
        output_path=str(tmp_path / "out"),
    )
    topics_generator.finish_pending_quotes()  # the next build's `finalized`
    assert any(topic.quote_pending is not None for topic in failed.topics)
    assert not (tmp_path / "c" / "TopicQuotes").exists()


def test_reading_times_counted_beside_the_build_are_in_place_before_the_writing(
    tmp_path, monkeypatch
):
    htmls = _corpus_html(30)
    settings = {"CACHE_CONTENT": False}
    alone = SimpleNamespace(settings={**settings, **ALONE}, articles=_articles(htmls), drafts=[])
    reading_time.add_reading_time(alone)
    expected = [post_model.of(article).reading_time for article in alone.articles]
    assert len(set(expected)) > 1
    pids_file = tmp_path / "pids"
    minutes = reading_time.reading_minutes

    def noting_the_process(html, speed):
        pids_file.write_text(str(os.getpid()))
        return minutes(html, speed)

    monkeypatch.setattr(reading_time, "reading_minutes", noting_the_process)
    shared = SimpleNamespace(settings={**settings, **SHARED}, articles=_articles(htmls), drafts=[])
    reading_time.add_reading_time(shared)
    reading_time.finish_reading_times(None)  # get_writer
    assert [post_model.of(article).reading_time for article in shared.articles] == expected
    assert pids_file.read_text() != str(os.getpid())


def _articles_generator(settings):
    vocabulary = list(load_vocabulary(ROOT / "content" / "themes.yaml"))
    generator = object.__new__(ArticlesGenerator)
    generator.settings = {"CACHE_CONTENT": False, **settings}
    generator.articles = _articles(_corpus_html(60))
    generator.drafts = []
    for index, article in enumerate(generator.articles):
        post_model.of(article).themes = [vocabulary[index % 4], vocabulary[(index + 1) % 9]]
        article.url = f"post-{index}/"
    return generator


def _related(generator):
    return [
        [(other.url, reason) for other, reason in post_model.of(article).related]
        for article in generator.articles
    ]


def test_related_posts_ranked_beside_the_build_are_in_place_before_the_writing(
    tmp_path, monkeypatch
):
    alone = _articles_generator(ALONE)
    related_posts.add_related_posts([alone])
    expected = _related(alone)
    assert sum(map(len, expected)) > 100
    pids_file = tmp_path / "pids"
    rank = related_posts.related

    def noting_the_process(*args, **kwargs):
        pids_file.write_text(str(os.getpid()))
        return rank(*args, **kwargs)

    monkeypatch.setattr(related_posts, "related", noting_the_process)
    shared = _articles_generator(SHARED)
    related_posts.add_related_posts([shared])
    related_posts.finish_related_posts(None)  # get_writer
    assert _related(shared) == expected
    assert pids_file.read_text() != str(os.getpid())


def test_keywords_found_beside_the_themes_work_are_those_of_the_text_as_written(
    tmp_path, monkeypatch
):
    # find_keywords (pretaxonomy) reads the posts as written; the links and notes the build
    # adds after (here "current text", as the glossary's law notes say) are not compared.
    added = "<p>" + "current text " * 40 + "</p>"
    limit = related_posts.resolve({})["RELATED_POSTS_KEYWORDS"]
    compared, rank = [], related_posts.related

    def noting_the_posts(posts, *args, **kwargs):
        compared.append(posts)
        return rank(posts, *args, **kwargs)

    monkeypatch.setattr(related_posts, "related", noting_the_posts)
    alone = _articles_generator(ALONE)
    related_posts.find_keywords(alone)
    written = [article._content for article in alone.articles]
    for article in alone.articles:
        article._content += added
    related_posts.add_related_posts([alone])
    assert [post.tokens for post in compared[-1]] == [keywords_of(h, limit) for h in written]
    assert "current" in keywords_of(written[0] + added, limit)
    assert not any("current" in post.tokens for post in compared[-1])
    expected = _related(alone)
    assert sum(map(len, expected)) > 100
    # Found in a forked process, the same.
    pids_file, find = tmp_path / "pids", related_posts.keywords

    def noting_the_process(html, limit):
        pids_file.write_text(str(os.getpid()))
        return find(html, limit)

    monkeypatch.setattr(related_posts, "keywords", noting_the_process)
    shared = _articles_generator({**SHARED, "BUILD_POOL_MIN": 2})
    related_posts.find_keywords(shared)
    for article in shared.articles:
        article._content += added
    related_posts.add_related_posts([shared])
    related_posts.finish_related_posts(None)  # get_writer
    assert _related(shared) == expected
    assert pids_file.read_text() != str(os.getpid())


def test_background_work_never_asked_for_leaves_no_process_behind(tmp_path):
    pid_file = tmp_path / "pid"

    def slow():
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    running = in_background(SHARED, slow, 10, 2)
    pid = _pid_written(pid_file)
    del running  # a build stopped before it needed the answer
    _assert_ended_and_waited_for(pid)


def _pid_written(pid_file):
    """The process id a forked process wrote to PID_FILE, once it has."""
    for _ in range(500):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.01)
    return int(pid_file.read_text())


def _assert_ended_and_waited_for(pid):
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # ended and already waited for


def _stream_of(settings, function, count, measured=2, pause=0.0):
    stream = Stream(settings, function, measured)
    for number in range(count):
        stream.put(number)
        time.sleep(pause)  # as Pelican reads the next post
    return stream


def test_a_stream_works_the_items_as_they_come_and_this_process_takes_the_last_ones():
    stream = _stream_of(SHARED, _square_and_pid, 40, pause=0.002)
    answers = stream.results()
    assert [square for square, _ in answers] == [n * n for n in range(40)]
    pids = [pid for _, pid in answers]
    child = next(pid for pid in pids if pid != os.getpid())
    assert pids[0] == os.getpid(), "the first item is worked out here, before the fork"
    assert pids[1] == child, "the forked process goes on from the next"
    assert pids[-1] == os.getpid(), "this process takes the items from the end"
    rest = pids[1:]
    assert rest == sorted(rest, key=lambda pid: pid == os.getpid()), "they meet once"


def test_a_stream_leaves_the_work_to_the_caller_when_not_worth_it():
    assert _stream_of(ALONE, _square_and_pid, 40).results() is None
    assert _stream_of({"BUILD_WORKERS": 2}, _square_and_pid, 5, measured=10).results() is None


def test_what_a_stream_s_process_did_not_answer_is_worked_out_here():
    parent = os.getpid()

    def dies_in_the_child(number):
        if os.getpid() != parent and number == 3:
            os._exit(1)  # killed, out of memory...
        return number * 2, os.getpid()

    answers = _stream_of(SHARED, dies_in_the_child, 30, pause=0.002).results()
    assert [double for double, _ in answers] == [n * 2 for n in range(30)]
    assert {pid for _, pid in answers} == {parent}, "the dead process's answers are not used"


def test_a_stream_never_asked_for_leaves_no_process_behind(tmp_path):
    pid_file, parent = tmp_path / "pid", os.getpid()

    def slow(number):
        if os.getpid() != parent:
            pid_file.write_text(str(os.getpid()))
            time.sleep(60)

    stream = _stream_of(SHARED, slow, 5)
    pid = _pid_written(pid_file)
    del stream  # a build stopped before it needed the answers
    _assert_ended_and_waited_for(pid)


def _note_each_decision(monkeypatch, file, what):
    """Have every theme decision of the builds after this append WHAT(job) to FILE."""
    from plugins.themes import batch

    make_worker = batch.worker

    def worker_noting(*args):
        work = make_worker(*args)

        def noted(job):
            with open(file, "a", encoding="utf-8") as handle:
                handle.write(f"{what(job)}\n")
            return work(job)

        return noted

    monkeypatch.setattr(batch, "worker", worker_noting)
    return file


def test_posts_decided_as_they_are_read_give_the_site_of_one_process(tmp_path, monkeypatch):
    from bench.corpus import write_corpus
    from tests.sitebuild import build_site

    corpus = write_corpus(tmp_path / "corpus", 60, seed=11)["yaml"]
    no_cache = {"CACHE_CONTENT": "false", "LOAD_CONTENT_CACHE": "false"}
    build_site(corpus, tmp_path / "alone", extra_settings={**no_cache, "BUILD_WORKERS": 1})
    worked = _note_each_decision(monkeypatch, tmp_path / "worked", lambda job: os.getpid())
    build_site(corpus, tmp_path / "streamed", extra_settings={**no_cache, "BUILD_WORKERS": 2})
    pids = worked.read_text().split()
    # Each post decided once, by the process that read the posts and the one beside it.
    assert len(pids) == 60 and len(set(pids)) == 2 and str(os.getpid()) in pids
    alone, streamed = (
        {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        for root in (tmp_path / "alone", tmp_path / "streamed")
    )
    assert len(alone) > 100 and alone == streamed


def test_posts_whose_decision_the_last_build_kept_are_not_decided_again(tmp_path, monkeypatch):
    from bench.corpus import write_corpus
    from tests.sitebuild import build_site

    corpus = write_corpus(tmp_path / "corpus", 60, seed=11)["yaml"]
    cached = {
        "CACHE_CONTENT": "true",
        "LOAD_CONTENT_CACHE": "true",
        "CHECK_MODIFIED_METHOD": '"mtime"',
        "CACHE_PATH": f'"{tmp_path / "cache"}"',
        "BUILD_WORKERS": 2,
    }
    build_site(corpus, tmp_path / "first", extra_settings=cached)
    worked = _note_each_decision(monkeypatch, tmp_path / "worked", lambda job: job.title)
    build_site(corpus, tmp_path / "again", extra_settings=cached)
    assert not worked.exists(), "a post the last build decided was decided again"


def test_what_a_stream_s_work_makes_once_is_made_here_and_shared(tmp_path):
    made, table = tmp_path / "made", {}

    def work(number):
        if "squares" not in table:  # as detection compiles its patterns on first use
            with open(made, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")
            table["squares"] = [n * n for n in range(100)]
        time.sleep(0.002)
        return table["squares"][number], os.getpid()

    answers = _stream_of(SHARED, work, 30, pause=0.002).results()
    assert [square for square, _ in answers] == [n * n for n in range(30)]
    assert len({pid for _, pid in answers}) == 2
    assert made.read_text().split() == [str(os.getpid())], "made in one process only"


def test_a_long_post_scanned_ahead_of_its_topic_links_gives_the_site_of_one_process(
    tmp_path, monkeypatch
):
    from bench.corpus import write_corpus
    from tests.sitebuild import build_site

    written = write_corpus(tmp_path / "corpus", 12, seed=3)
    corpus = written["yaml"]
    # About 60 posts' worth of text: their bodies, then the law and a few terms.
    body = "\n\n".join(post.body for post in written["posts"] * 5)
    body += "\n\nA section 47 enquiry under the Children Act 1989, with the HCPC.\n"
    (corpus / "articles" / "long.md").write_text(
        '---\ntitle: "A long post"\ndate: 2019-05-01 10:00\ncategory: Reflections\n---\n' + body,
        encoding="utf-8",
    )
    no_cache = {"CACHE_CONTENT": "false", "LOAD_CONTENT_CACHE": "false"}
    build_site(corpus, tmp_path / "alone", extra_settings={**no_cache, "BUILD_WORKERS": 1})
    noted = tmp_path / "scanned"
    annotate = glossary_plugin.annotate_article

    def annotate_noting_a_scan(html, day, glossary, law, settings, matchers=None, scanned=None):
        if scanned is not None:
            with open(noted, "a", encoding="utf-8") as handle:
                handle.write(f"{len(html)}\n")
        return annotate(html, day, glossary, law, settings, matchers, scanned)

    monkeypatch.setattr(glossary_plugin, "annotate_article", annotate_noting_a_scan)
    ahead = {**no_cache, "BUILD_WORKERS": 2, "BUILD_POOL_MIN": 20}
    build_site(corpus, tmp_path / "ahead", extra_settings=ahead)
    # The long post alone was scanned ahead (the others are one post's worth each).
    lengths = [int(line) for line in noted.read_text().split()]
    assert len(lengths) == 1 and lengths[0] > 20 * POST_CHARACTERS
    alone, scanned = (
        {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        for root in (tmp_path / "alone", tmp_path / "ahead")
    )
    assert len(alone) > 50 and alone == scanned
    page = alone[Path("2019/05/a-long-post/index.html")].decode()
    assert 'class="law"' in page and 'class="term"' in page
