"""``python -m gancourse student``, ``grade`` and ``exercises``: the teacher's commands.
"""

from __future__ import annotations

import argparse
import json
import pathlib

from ..classroom.exercise_table import exercise_table, update_exercise_table
from ..classroom.grader import grade_notebook
from ..classroom.student import write_student_versions


def _cmd_student(args: argparse.Namespace) -> int:
    written = write_student_versions(args.out, args.chapter, notebooks=args.notebooks, verbose=True)
    print(f"wrote {len(written)} student notebook{'s' * (len(written) != 1)} to {args.out}")
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    if args.source and len(args.submission) > 1:
        raise ValueError("--source applies to one submission; grade the others separately")
    from .. import config

    config.get_profile(args.profile)  # a clear error for an unknown name
    for i, submission in enumerate(args.submission):
        report = grade_notebook(submission, args.source, profile=args.profile, timeout=args.timeout,
                                notebooks=args.notebooks)
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
    return 0


def _cmd_exercises(args: argparse.Namespace) -> int:
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

    p = subparsers.add_parser("grade", help="grade submitted student notebooks (points per exercise)")
    p.add_argument("submission", nargs="+", help="the submitted .ipynb file(s)")
    p.add_argument("--source", help="the solution notebook (default: the chapter of the same file name)")
    p.add_argument("--notebooks", help="folder of the source notebooks (default: ./notebooks)")
    p.add_argument("--profile", default="smoke", help="profile the submission runs in (default: smoke)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell before it is interrupted (default 600)")
    p.add_argument("--json", action="store_true", help="print one JSON line per submission instead of a table")
    p.add_argument("--executed", help="also write the executed submission here (a file, or a folder)")
    p.set_defaults(func=_cmd_grade)
