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

EPILOG = """first steps:
  python -m gancourse data                 the active profile, and where each dataset is
  python -m gancourse run 00_start_here    check this machine; the executed copy goes to build/

The profile (GANCOURSE_PROFILE=smoke|cpu|gpu; default: gpu with a GPU, else cpu) sizes
every chapter. cpu and gpu train on the full datasets: downloaded on first use, or read
from the folder in GANCOURSE_DATA. smoke uses the small subsets shipped in data/mini."""

COMMAND_MODULES = (data_and_run, evaluations, pretraining, benchmarks, classroom_commands)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps each command's help on its name's line.

    argparse measures the command names one indent short of where it prints
    them, so the longest ("exercises") would get its help on a line of its own.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=20)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        try:  # argparse's private names; if a later Python renames them, only the layout changes
            if isinstance(action, argparse._SubParsersAction):
                longest = max((len(self._format_action_invocation(a)) for a in action._get_subactions()), default=0)
                self._action_max_length = max(self._action_max_length,
                                              longest + self._current_indent + self._indent_increment)
        except AttributeError:
            pass


def build_parser() -> argparse.ArgumentParser:
    """The parser of every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m gancourse", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=_HelpFormatter)
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
