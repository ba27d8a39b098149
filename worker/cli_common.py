"""What every `rasd` command shares: the consoles, the exit codes, one-line errors, input parsing.

Exit codes: 0 success, 1 the operation failed (EXIT_ERROR), 2 the command line was wrong
(EXIT_USAGE: a bad option value, a refused URL, a missing file), as Click does for its own checks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from worker.errors import RasdError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

console = Console()
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line, whatever the terminal width


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def parse_time(value: str | None, option: str) -> datetime | None:
    """An ISO date or time from the command line (naive = UTC), or a usage error naming the option."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option}: not an ISO date or time: {value!r} (e.g. 2026-11-19 or 2026-11-19T08:00Z)", EXIT_USAGE)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def read_text_input(path: str) -> str:
    """A text file (or stdin for ``-``) as str: UTF-8, else windows-1256 and the other encodings
    Arabic newsrooms use (detected as for feeds); a missing file or one cut mid-character is a
    one-line error, never mojibake."""
    import sys

    from worker.feeds.parse import decode_body

    if path == "-":
        raw = sys.stdin.buffer.read()
        name = "standard input"
    else:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            fail(f"no such file: {path}", EXIT_USAGE)
        except IsADirectoryError:
            fail(f"{path} is a directory, not a text file", EXIT_USAGE)
        except OSError as exc:
            fail(f"cannot read {path}: {exc.strerror or exc}")
        name = path
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(raw):
            fail(f"{name} ends in the middle of a UTF-8 character (cut short?); nothing was extracted")
    text, _encoding = decode_body(raw, {})
    return text


def error_line(exc: RasdError) -> None:
    """For ``main``: a Rasd error that reached the top (e.g. invalid settings) as one line."""
    err.print(f"[red]error:[/red] {escape(exc.reason)}", highlight=False)
