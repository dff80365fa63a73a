"""``python -m gancourse data`` (where each dataset was found, checksum status) and ``run`` (chapters headless)."""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

from .. import config
from ..classroom.execute import (
    list_notebooks,
    notebooks_dir,
    resolve_notebook,
    run_notebook,
)
from ..data import DATA_ENV, describe_datasets, shipped_data_dir


def _cmd_data(args: argparse.Namespace) -> int:
    rows = describe_datasets()
    width = max(len(r["dataset"]) for r in rows)
    print(f"GANCOURSE_DATA={os.environ.get(DATA_ENV, '(unset)')}")
    print(f"shipped data: {shipped_data_dir()}")
    bad = 0
    for r in rows:
        print(f"{r['dataset']:<{width}}  {r['source']:<15} {r['status']:<22} {r['where']}")
        bad += r["status"].startswith("CHECKSUM")
    return 1 if bad else 0


def _cmd_run(args: argparse.Namespace) -> int:
    folder = pathlib.Path(args.notebooks) if args.notebooks else None
    targets = list_notebooks(folder) if args.notebook == "all" else [resolve_notebook(args.notebook, folder)]
    if not targets:
        print(f"no notebooks found in {folder or notebooks_dir()}", file=sys.stderr)
        return 2
    failures = 0
    for nb in targets:
        ok, message = run_notebook(nb, pathlib.Path(args.out), profile=args.profile, timeout=args.timeout,
                                   notebook_timeout=args.notebook_timeout or None)
        print(message, flush=True)
        failures += not ok
    return 1 if failures else 0


def add_commands(sub) -> None:
    """Add ``data`` and ``run`` to the command line's sub-parsers."""
    p = sub.add_parser("data", help="list datasets, where each was found, checksum status")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("run", help="execute notebooks headless into build/ as .ipynb and .html")
    p.add_argument("notebook", help="a chapter (00_start_here, 3, path.ipynb) or 'all'")
    p.add_argument("--profile", choices=sorted(config.PROFILES), help="profile for the kernel")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--notebooks", help="folder of chapter notebooks (default: ./notebooks)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per cell (default 1800)")
    p.add_argument("--notebook-timeout", type=float, default=None,
                   help="seconds for a whole notebook (default or 0: no limit)")
    p.set_defaults(func=_cmd_run)
