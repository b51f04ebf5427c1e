"""Shared pieces of the CLI: opening the library, and turning its errors into clean exits."""
from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import click


def fail(message: str, code: int = 1) -> None:
    click.echo(f"mockloop: {message}", err=True)
    sys.exit(code)


def clean_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Known failures (bad bank, unreachable database, unknown names) exit without a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from simulator.engine import InvalidTransition, ModeError, NotFound
        from simulator.storage import StorageError
        from simulator.validation import ValidationFailed

        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            fail(f"the bank has {len(exc.problems)} problem(s); run `mockloop validate`", 1)
        except StorageError as exc:
            fail(str(exc), 2)
        except (NotFound, LookupError, InvalidTransition, ModeError, ValueError) as exc:
            fail(str(exc.args[0]) if exc.args else str(exc), 1)

    return wrapper


def open_service(clock=None):
    """The engine over the configured database and the bundled bank."""
    from simulator.bank import default_bank
    from simulator.config import database_url
    from simulator.engine import LoopService
    from simulator.storage import open_database

    bank = default_bank()
    return LoopService(open_database(database_url()), bank, clock)
