"""Build a content tree with the project's settings, theme and plugins inside the test process.

Every whole-site test builds through `build()` (or `build_site()`, settings as JSON, as `-e`):
Pelican's own in-process API (`read_settings`, `Pelican(settings).run()`), as `pelican CONTENT
-o OUTPUT -s pelican.conf.py --fatal errors` does it, with a temporary cache folder of its own
(never the repository's `cache/`), so no build reads or evicts another's cache.

What one process keeps between builds is reset around each one, so no build leaks into the
next (tests/test_sitebuild.py checks each): Pelican's signals (blinker keeps every receiver a
plugin's `register()` connected, so a build without a plugin would still run it), Pelican's
log de-duplication (a warning said in one build would be swallowed in the next), the fatal
level, the root logger's handlers and level, the environment and the working folder.

Tests that are ABOUT the command line still start a process, and must: the console as an
author reads it and `make html`'s exit status (tests/authoring/test_console.py), `make check`,
`make newpost`, `make publish` and the uploads (tests/publishing/, the check_content runs), the
devserver and serve scripts, and the importer's command. So do builds whose test bounds the
process itself, with a time or memory limit (tests/robustness/test_sizes.py, test_yaml_bombs.py)
or faults injected into a running build (test_faults.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import blinker

# Imported before any plugin module: a plugin's logger must be Pelican's FatalLogger (it makes
# an error stop a `--fatal errors` build), and loggers take the class set when they are made.
import pelican.log
from pelican import Pelican
from pelican.plugins import signals
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@dataclasses.dataclass(frozen=True)
class Message:
    """One message the build logged, as the author's console shows it."""

    level: int
    levelname: str
    logger: str
    text: str


@dataclasses.dataclass
class SiteBuild:
    """What a build left: the output folder, its exit status, and what it said."""

    output: Path
    exit_code: int  # what `pelican ... --fatal errors` exits with: 0, or 1 when it stopped
    messages: list[Message]
    console: str  # what Pelican printed besides its log ("Done: Processed ...")
    cache: Path  # the CACHE_PATH it was given (a temporary one is gone once it is done)

    @property
    def log(self) -> str:
        """Every message, one "LEVEL text" line each (with any traceback), then the console."""
        lines = [f"{message.levelname:<8} {message.text}" for message in self.messages]
        return "\n".join([*lines, self.console])

    def texts(self, level=logging.WARNING) -> list[str]:
        """The text of every message at LEVEL or above."""
        return [message.text for message in self.messages if message.level >= level]


class _Recorder(logging.Handler):
    """Keeps every record as one JSON line in a file, also from the forked page writers."""

    # build_speed writes pages in forked processes; their messages reach the console in a
    # `pelican` run, so they must reach the test too: a child inherits this handler and its
    # file, and each record is one append (one write call), so lines never interleave.
    def __init__(self, path):
        super().__init__(level=logging.NOTSET)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def emit(self, record):
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            line = [record.levelno, record.levelname, record.name, text]
            os.write(self.fd, (json.dumps(line) + "\n").encode("utf-8"))
        except Exception:
            self.handleError(record)

    def close(self):
        with contextlib.suppress(OSError):
            os.close(self.fd)
        super().close()


def _signals():
    return [value for value in vars(signals).values() if isinstance(value, blinker.Signal)]


def _check_loggers():
    """Fail clearly if a plugin logger predates pelican.log: errors would not stop the build."""
    manager = logging.Logger.manager
    plain = sorted(
        name
        for name, logger in manager.loggerDict.items()
        if name.split(".")[0] in ("plugins", "pelican")
        and isinstance(logger, logging.Logger)
        and not isinstance(logger, pelican.log.FatalLogger)
    )
    if plain:
        raise AssertionError(
            f"loggers {plain} were made before pelican.log was imported, so an error they log "
            "would not stop a --fatal build; import tests.sitebuild (or pelican) first"
        )


@contextlib.contextmanager
def _isolated(env, recorder, fatal):
    """One build's process state: set up as `pelican` starts, put back afterwards."""
    limit = pelican.log.LimitFilter
    saved_limit = (limit._raised_messages, limit._group_count, limit._ignore)
    saved_fatal = pelican.log.FatalLogger.fatal_lvl
    root = logging.getLogger()
    saved_root = (root.handlers[:], root.level)
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    for signal in _signals():
        signal._clear_state()
    limit._raised_messages, limit._group_count, limit._ignore = set(), defaultdict(int), set()
    levels = {"errors": logging.ERROR, "warnings": logging.WARNING, "": logging.CRITICAL + 1}
    pelican.log.FatalLogger.fatal_lvl = levels[fatal]
    # `pelican` logs through one handler on the root logger, at its default level (WARNING).
    root.handlers[:] = [recorder]
    root.setLevel(logging.WARNING)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        root.handlers[:] = saved_root[0]
        root.setLevel(saved_root[1])
        pelican.log.FatalLogger.fatal_lvl = saved_fatal
        limit._raised_messages, limit._group_count, limit._ignore = saved_limit
        for signal in _signals():
            signal._clear_state()


def build(
    content,
    output,
    conf="pelican.conf.py",
    settings=None,
    env=None,
    cache=None,
    fatal="errors",
    check=True,
) -> SiteBuild:
    """Build CONTENT into OUTPUT as `pelican CONTENT -o OUTPUT -s CONF --fatal errors` does.

    SETTINGS override the file's (Python values, as `-e NAME=JSON` gives them); ENV replaces
    the environment for the build (a publish build reads SITEURL from it). The content cache
    goes to CACHE, else to a temporary folder removed afterwards, unless SETTINGS name a
    CACHE_PATH. With CHECK, a build that stops raises AssertionError with its log.
    """
    _check_loggers()
    content, output = Path(content).resolve(), Path(output).resolve()
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output), "DEBUG": False}
    overrides.update(settings or {})
    scratch = Path(tempfile.mkdtemp(prefix="sitebuild-"))
    if "CACHE_PATH" not in overrides:
        overrides["CACHE_PATH"] = str(cache if cache is not None else scratch / "cache")
    cache = Path(overrides["CACHE_PATH"])
    recorder = _Recorder(scratch / "log.jsonl")
    exit_code = 0
    try:
        with _isolated(env, recorder, fatal), pelican.log.console.capture() as printed:
            try:
                built = read_settings(str(ROOT / conf), override=overrides)
                Pelican(built).run()
            except Exception as error:  # what pelican's main() does with it
                logging.getLogger("pelican").critical(
                    "%s: %s", type(error).__name__, error, exc_info=True
                )
                exit_code = getattr(error, "exitcode", 1)
        recorder.close()
        lines = (scratch / "log.jsonl").read_text(encoding="utf-8").splitlines()
    finally:
        recorder.close()
        shutil.rmtree(scratch, ignore_errors=True)
    messages = [Message(*json.loads(line)) for line in lines]
    result = SiteBuild(output, exit_code, messages, printed.get(), cache)
    if check and exit_code != 0:
        raise AssertionError(f"build of {content} failed ({exit_code}):\n{result.log}")
    return result


def build_site(content, output, conf="pelican.conf.py", extra_settings=None, check=True, env=None):
    """Build CONTENT into OUTPUT as `make html` does; EXTRA_SETTINGS are JSON, as for `-e`."""
    settings = {
        name: json.loads(value) if isinstance(value, str) else value
        for name, value in (extra_settings or {}).items()
    }
    return build(content, output, conf=conf, settings=settings, env=env, check=check)


def run_pelican(content, output, conf="pelican.conf.py", extra_settings=None, env=None, cache=None):
    """Build with the `pelican` command as `make html` runs it; return the finished process.

    For tests about the process itself (its environment, its console), never for what a build
    writes. EXTRA_SETTINGS are JSON, one `-e` for all; CACHE (else a folder beside OUTPUT)
    keeps it out of the project's cache/.
    """
    command = [str(Path(sys.executable).with_name("pelican")), str(content), "-o", str(output)]
    command += ["-s", str(ROOT / conf), "--fatal", "errors"]
    command += ["--cache-path", str(cache if cache is not None else f"{output}.cache")]
    if extra_settings:
        command += ["-e", *(f"{name}={value}" for name, value in extra_settings.items())]
    env = {**(os.environ if env is None else env), "COLUMNS": "1000"}  # a line per message
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
