"""Shared CLI plumbing: ``--json`` output, exit codes, and error reporting without tracebacks.

Exit codes scripts can rely on:

* 0 - success (for verify commands: the proof was accepted)
* 1 - a verification ran and rejected (the proof, key or transcript is not valid)
* 2 - bad input: a missing, malformed or out-of-range file/argument (message names it)
* 3 - an unexpected internal error (a bug; the message asks for a report)
"""
from __future__ import annotations

import functools
import json
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import click

from ..errors import ZkvctError

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

json_option = click.option("--json", "as_json", is_flag=True, help="Print one machine-readable JSON object on stdout.")


class Rejected(Exception):
    """Raised by a command whose check ran and said no; carries the result to print."""

    def __init__(self, result: dict[str, Any], message: str):
        super().__init__(message)
        self.result = result


def emit(result: dict[str, Any], as_json: bool, human: str | None = None) -> None:
    """Print a command's result: JSON for scripts, or the human line(s)."""
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=True))
    elif human is not None:
        click.echo(human)
    else:
        for key, value in result.items():
            click.echo(f"{key}: {value}")


def wants_json(argv: Sequence[str]) -> bool:
    """Whether a command line asks for ``--json`` (as an option: not as an operand after ``--``)."""
    argv = list(argv)
    return "--json" in (argv[: argv.index("--")] if "--" in argv else argv)


@contextmanager
def json_usage_errors(enabled: bool) -> Iterator[None]:
    """Also print click's own errors (an unknown option, a missing argument, a bad choice) as
    ``{"ok": false, "error", "usage"}`` on stdout when ``enabled``.

    Why: click reports them before any command body runs, so :func:`command_errors` never sees
    them, and a script that passed ``--json`` would get empty stdout with exit code 2. The error
    is re-raised, so click still prints its message on stderr and exits with its code (2).
    """
    try:
        yield
    except click.ClickException as exc:
        if enabled:
            result: dict[str, Any] = {"ok": False, "error": exc.format_message()}
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                result["usage"] = ctx.get_usage()
            click.echo(json.dumps(result, indent=2, sort_keys=True))
        raise


def command_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a click command body: user errors become one clear line and exit code 2.

    With ``--json`` the error is printed as ``{"ok": false, "error": ...}`` on stdout as well, so a
    script always gets parseable output.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return func(*args, **kwargs)
        except Rejected as rej:
            if as_json:
                click.echo(json.dumps({"ok": False, **rej.result}, indent=2, sort_keys=True))
            click.echo(f"REJECTED: {rej}", err=True)
            sys.exit(EXIT_REJECTED)
        except (ZkvctError, ValueError, OSError) as exc:
            message = str(exc) or exc.__class__.__name__
            if isinstance(exc, FileNotFoundError) and exc.filename:
                message = f"file not found: {exc.filename}"
            if as_json:
                click.echo(json.dumps({"ok": False, "error": message}, indent=2, sort_keys=True))
            click.echo(f"error: {message}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: still no traceback unless asked for
            if as_json:
                click.echo(json.dumps({"ok": False, "error": f"internal error: {exc!r}"}, indent=2))
            click.echo(f"internal error: {exc!r} (please report; rerun with ZKVCT_DEBUG=1 for a traceback)", err=True)
            import os

            if os.environ.get("ZKVCT_DEBUG"):
                raise
            sys.exit(EXIT_INTERNAL)

    return wrapper
