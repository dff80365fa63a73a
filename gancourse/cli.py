"""``python -m gancourse``: the course's command line.

Sub-commands:
  data                       list datasets, where each was found, checksum status
  run NOTEBOOK|all           execute notebooks headless into build/ (.ipynb + .html)

Each sub-command is a ``_cmd_*`` function registered in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from . import config


def _cmd_data(args: argparse.Namespace) -> int:
    from . import data

    rows = data.describe_datasets()
    width = max(len(r["dataset"]) for r in rows)
    print(f"GANCOURSE_DATA={__import__('os').environ.get(data.DATA_ENV, '(unset)')}")
    print(f"shipped data: {data.shipped_data_dir()}")
    bad = 0
    for r in rows:
        print(f"{r['dataset']:<{width}}  {r['source']:<15} {r['status']:<22} {r['where']}")
        bad += r["status"].startswith("CHECKSUM")
    return 1 if bad else 0


def _cmd_run(args: argparse.Namespace) -> int:
    from . import runner

    if args.profile:
        config.get_profile(args.profile)  # validate early, with the list of names
    folder = pathlib.Path(args.notebooks) if args.notebooks else None
    targets = runner.list_notebooks(folder) if args.notebook == "all" else [
        runner.resolve_notebook(args.notebook, folder)]
    if not targets:
        print(f"no notebooks found in {folder or runner.notebooks_dir()}", file=sys.stderr)
        return 2
    failures = 0
    for nb in targets:
        ok, message = runner.execute_notebook(nb, pathlib.Path(args.out), profile=args.profile,
                                              timeout=args.timeout)
        print(message, flush=True)
        failures += not ok
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gancourse", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="list datasets, where each was found, checksum status")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("run", help="execute notebooks headless into build/ as .ipynb and .html")
    p.add_argument("notebook", help="a chapter (00_start_here, 3, path.ipynb) or 'all'")
    p.add_argument("--profile", choices=sorted(config.PROFILES), help="profile for the kernel")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--notebooks", help="folder of chapter notebooks (default: ./notebooks)")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    p.set_defaults(func=_cmd_run)
    return parser


COMMANDS = ("data", "run")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
