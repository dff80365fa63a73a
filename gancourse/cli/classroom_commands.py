"""``python -m gancourse student``, ``grade`` and ``exercises``: the teacher's commands.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

from ..classroom.execute import list_notebooks
from ..classroom.exercise_table import exercise_table, update_exercise_table
from ..classroom.grader import grade_notebook
from ..classroom.student import write_student_versions


def _notebooks_folder(args: argparse.Namespace) -> None:
    """``--notebooks``, when given, must be a folder with chapter notebooks in it (else one line, exit 2)."""
    if args.notebooks is None:
        return
    folder = pathlib.Path(args.notebooks)
    if not folder.is_dir():
        raise FileNotFoundError(f"--notebooks {args.notebooks}: no such folder")
    if not list_notebooks(folder):
        raise FileNotFoundError(f"--notebooks {args.notebooks}: no chapter notebooks (NN_name.ipynb) in it")


def _cmd_student(args: argparse.Namespace) -> int:
    _notebooks_folder(args)
    written = write_student_versions(args.out, args.chapter, notebooks=args.notebooks, verbose=True)
    print(f"wrote {len(written)} student notebook{'s' * (len(written) != 1)} to {args.out}")
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    if args.source and len(args.submission) > 1:
        raise ValueError("--source applies to one submission; grade the others separately")
    from .. import config

    config.get_profile(args.profile)  # a clear error for an unknown name
    _notebooks_folder(args)
    failed = 0
    for i, submission in enumerate(args.submission):
        try:
            report = grade_notebook(submission, args.source, profile=args.profile, timeout=args.timeout,
                                    notebook_timeout=args.notebook_timeout or None, notebooks=args.notebooks,
                                    files=args.copy)
        except (ValueError, TypeError, FileNotFoundError) as exc:
            if len(args.submission) == 1:
                raise  # cli.main prints "error: ..." and exits 2
            print(f"error: {submission}: {exc}", file=sys.stderr, flush=True)  # grade the others, exit 2
            failed += 1
            continue
        if args.json:
            print(json.dumps(report.as_dict()), flush=True)
        else:
            print(("\n" if i else "") + report.format_table(), flush=True)
        if args.executed:
            out = pathlib.Path(args.executed)
            out = out / pathlib.Path(submission).name if len(args.submission) > 1 or out.is_dir() else out
            import nbformat

            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(report.executed, str(out))
    return 2 if failed else 0


def _cmd_exercises(args: argparse.Namespace) -> int:
    _notebooks_folder(args)
    if args.write:
        changed = update_exercise_table(args.write, args.notebooks)
        print(f"{args.write}: exercise table {'updated' if changed else 'already up to date'}")
    else:
        print(exercise_table(args.notebooks))
    return 0


def add_commands(subparsers) -> None:
    """Add ``student``, ``grade`` and ``exercises`` to ``python -m gancourse``."""
    p = subparsers.add_parser("exercises", help="list every chapter's exercises as a Markdown table")
    p.add_argument("--notebooks", help="folder of the source notebooks (default: ./notebooks)")
    p.add_argument("--write", metavar="DOC", help="update the table between the markers in DOC "
                                                  "(docs/teaching.md) instead of printing it")
    p.set_defaults(func=_cmd_exercises)

    p = subparsers.add_parser("student", help="write the student versions of the chapter notebooks")
    p.add_argument("--out", required=True, help="output folder, e.g. build/student")
    p.add_argument("--chapter", help="only this chapter (a number like 3, a file stem or a path)")
    p.add_argument("--notebooks", help="folder of the source notebooks (default: ./notebooks)")
    p.set_defaults(func=_cmd_student)

    p = subparsers.add_parser(
        "grade", help="grade submitted student notebooks (points per exercise)",
        description="Grade submitted notebooks. Each runs in a fresh kernel in a temporary working folder, with "
                    "an allow-listed environment and time limits. This runs the learners' code as your user: it is "
                    "no sandbox (see docs/teaching.md, 'Grading runs student code').")
    p.add_argument("submission", nargs="+", help="the submitted .ipynb file(s)")
    p.add_argument("--source", help="the solution notebook (default: the chapter of the same file name)")
    p.add_argument("--notebooks", help="folder of the source notebooks (default: ./notebooks)")
    p.add_argument("--profile", default="smoke", help="profile the submission runs in (default: smoke)")
    p.add_argument("--timeout", type=float, default=600,
                   help="seconds per cell before it is interrupted; the next cells still run (default 600)")
    p.add_argument("--notebook-timeout", type=float, default=1800,
                   help="seconds for the whole submission: the cells after it score 0, 'not run: notebook time "
                        "limit' (default 1800; 0: no limit)")
    p.add_argument("--copy", action="append", default=[], metavar="PATH",
                   help="a file or folder the notebook reads by a relative path, copied into its temporary "
                        "working folder (repeatable; the chapters need none)")
    p.add_argument("--json", action="store_true", help="print one JSON line per submission instead of a table")
    p.add_argument("--executed", help="also write the executed submission here (a file, or a folder)")
    p.set_defaults(func=_cmd_grade)
