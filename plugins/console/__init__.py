"""What the build prints: one clean line per problem, no tracebacks, no raw control characters.

Pelican logs a post its reader rejects as "Could not process PATH" and drops the reason;
with `--fatal errors` it then stops with a RuntimeError whose traceback fills the screen.
An author needs the reason (file, line, problem, fix) and nothing else. This plugin's log
filter, on every handler of the root logger, rewrites those records (and drops the lines
other plugins' checks say better).
"""

import logging
import sys

from plugins.author_errors import first_author_error, shown_path

STOPPED = (
    "The build stopped because of the problem above. Fix it and build again "
    "(`make check` lists every problem at once)."
)


def missing_field(content, field):
    """The message for a post that lacks a field Pelican requires (an article's date)."""
    path = shown_path(getattr(content, "source_path", content))
    example = "YYYY-MM-DD HH:MM" if field == "date" else "..."
    return (
        f"{path}, line 2: the post has no {field}. "
        f"Add a line '{field}: {example}' to the front matter."
    )


def environment_error(error):
    """One line for a build stopped by its surroundings (full disk, read-only output, missing
    theme template) rather than by a post; None for anything else."""
    import errno

    if isinstance(error, OSError) and error.errno in (
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
    ):
        where = error.filename or "the output folder"
        return (
            f"cannot write {where}: {error.strerror}. The site is incomplete; free some disk "
            "space or make the output folder writable (or choose another with OUTPUTDIR=...), "
            "then build again."
        )
    if type(error).__name__ == "TemplateNotFound":
        return (
            f"the theme has no template '{error.name}'. Restore it in the theme's templates "
            "folder (e.g. `git checkout theme/`) or set THEME to a complete theme."
        )
    return None


# Lines other code logs that these checks say better (with the line and the fix), so an
# author would read the same problem twice: themes_exclude naming no theme (an error here),
# an image without alt text (Pelican names only the file; an error here).
_SAID_BY_CHECKS = (
    "themes: %s: themes_exclude names '%s', which is not a theme",
    "Empty alt attribute for image %s in %s",
)
NO_THEME = " has no theme tags and no theme was detected"
# How many posts the themes message lists before it counts the rest. A first build after an
# import can have hundreds of untagged posts: a screen per post would bury every other
# warning (and laying out thousands of lines costs the build a third of a second);
# `make themes` lists them all, with the evidence.
LISTED_MOST = 10
MORE = "... and {count} more: `make themes` lists every post's themes with the evidence."
_MANY = " posts have no theme tags:"


def themes_message(message, most=LISTED_MOST):
    """The themes plugin's detection MESSAGE as the console shows it: without its posts that
    have no theme at all (the checks' 'no theme was found' warning names them with the fix),
    and at most MOST posts listed; None when nothing is left."""
    lines = message.split("\n")
    if len(lines) == 1:  # "themes: PATH has no theme tags and no theme was detected"
        return None if message.endswith(NO_THEME) else message
    header, *rest = lines
    if not (header.startswith("themes: ") and header.endswith(_MANY)):
        return message
    posts = [
        line for line in rest if " has no theme tags" in line and not line.startswith("themes:")
    ]
    kept = [line for line in posts if not line.endswith(NO_THEME)]
    notes = [line for line in rest if line not in posts]  # the advice, the earlier-build count
    if not kept:
        notes = [line for line in notes if line.startswith("themes: ")]  # drop the advice
        return "\n".join(notes) or None
    if len(kept) == 1:
        return "\n".join(
            [f"themes: {kept[0]} {notes[0]}" if notes else f"themes: {kept[0]}", *notes[1:]]
        )
    shown = kept if len(kept) <= most else [*kept[:most], MORE.format(count=len(kept) - most)]
    return "\n".join([f"themes: {len(kept)}{_MANY}", *shown, *notes])


class CleanContentErrors(logging.Filter):
    """Rewrite reader failures to their reason; drop the traceback of the final 'stopped' line."""

    def filter(self, record):
        if isinstance(record.msg, str) and record.msg.startswith(_SAID_BY_CHECKS):
            return False
        if (
            record.name == "plugins.themes"
            and not record.args
            and isinstance(record.msg, str)
            and record.msg.startswith("themes: ")
        ):
            record.msg = themes_message(record.msg)
            return record.msg is not None
        if record.msg == "Could not process %s":
            error = sys.exc_info()[1]  # logged from inside Pelican's `except` block
            if first_author_error(error) is not None:
                record.msg, record.args = "%s", (str(first_author_error(error)),)
            elif error is not None:
                record.msg = "Could not process %s: %s: %s"
                record.args = (*record.args, type(error).__name__, error)
        elif record.msg == "Skipping %s: could not find information about '%s'":
            content, field = record.args
            record.msg, record.args = "%s", (missing_field(content, field),)
        elif record.levelno >= logging.CRITICAL and record.exc_info:
            error = record.exc_info[1]
            if logging.getLogger().level <= logging.DEBUG:
                return True  # `make html DEBUG=1` keeps the full traceback for developers
            if isinstance(error, RuntimeError) and str(error) == "Warning or error encountered":
                record.msg, record.args = "%s", (STOPPED,)
            elif first_author_error(error) is not None:
                record.msg, record.args = "%s", (str(first_author_error(error)),)
            elif environment_error(error):
                record.msg, record.args = "%s", (environment_error(error),)
            else:
                return True
            record.exc_info, record.exc_text = None, None
        _printable(record)
        return True


def _printable(record):
    """Write control characters in RECORD's message as visible escapes: a title holding an
    escape sequence must not recolour, clear or hide the console lines after it."""
    from plugins.author_text import printable

    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        return
    shown = printable(message)
    if shown != message:
        record.msg, record.args = shown, ()


FILTER = CleanContentErrors()


def install(_sender=None):
    """Attach the filter to every handler of the root logger, once."""
    for handler in logging.getLogger().handlers:
        if FILTER not in handler.filters:
            handler.addFilter(FILTER)


# The clean one-line messages must be in place before any plugin's `initialized` handler can
# fail (themes checks its vocabulary there): Pelican imports every plugin, after setting up
# logging, before it sends `initialized`.
install()


def register():
    from pelican import signals

    # initialized: again for each build, as a process that builds more than once (the
    # devserver) may have set up its log handlers since this module was imported.
    signals.initialized.connect(install)
