"""``python -m gancourse``: the course's command line.

Every command lives in a module of this package, its handler next to its
parser: :mod:`.data_and_run` (``data``, ``run``), :mod:`.evaluations`
(``evaluate``), :mod:`.pretraining` (``pretrain``), :mod:`.benchmarks`
(``bench``) and :mod:`.classroom_commands` (``student``, ``grade``,
``exercises``). Each module has an ``add_commands(subparsers)`` function.
"""

from __future__ import annotations

import argparse
import sys

from . import benchmarks, classroom_commands, data_and_run, evaluations, pretraining

DESCRIPTION = """The gancourse command line: check the data, run chapters headless, evaluate and
rebuild the shipped models, time the trainer, and build and grade student notebooks.

Run `python -m gancourse COMMAND --help` for the options of a command."""

COMMAND_MODULES = (data_and_run, evaluations, pretraining, benchmarks, classroom_commands)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="python -m gancourse", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; errors a user can fix print one line and exit 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
