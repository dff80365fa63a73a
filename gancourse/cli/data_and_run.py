"""``python -m gancourse data`` (the active profile, where each dataset was found, checksum status) and ``run``."""

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
from .common import active_profile


def missing_full_datasets(rows: list[dict]) -> list[str]:
    """The downloadable datasets with no verified full copy here (``GANCOURSE_DATA`` or the download cache).

    ``rows`` are :func:`~gancourse.data.describe_datasets`'s. A dataset with no
    download-cache row has no public copy and ships whole in ``data/mini``.
    """
    full = {r["dataset"] for r in rows if r["source"] != "mini" and r["status"].startswith("ok")}
    downloadable = [r["dataset"] for r in rows if r["source"] == "download cache"]
    return [name for name in downloadable if name not in full]


def _cmd_data(args: argparse.Namespace) -> int:
    profile, source = active_profile()  # an unknown GANCOURSE_PROFILE: one line, exit 2
    rows = describe_datasets()
    width = max(len(r["dataset"]) for r in rows)
    print(f"profile: {profile.name} ({source})")
    print(f"{DATA_ENV}={os.environ.get(DATA_ENV, '(unset)')}")
    print(f"shipped data: {shipped_data_dir()}")
    bad = 0
    for r in rows:
        print(f"{r['dataset']:<{width}}  {r['source']:<15} {r['status']:<22} {r['where']}")
        bad += r["status"].startswith("CHECKSUM")
    missing = missing_full_datasets(rows)
    if profile.mini_data:
        print(f"\nThe {profile.name} profile reads the subsets shipped in {shipped_data_dir() / 'mini'}.")
    elif missing:
        cache = next(r["where"] for r in rows if r["source"] == "download cache")
        print(f"\nThe {profile.name} profile reads the full datasets; not on this machine: {', '.join(missing)}.\n"
              f"They are downloaded into {cache} on first use, which needs the internet. Offline, put the\n"
              f"files in a folder and set {DATA_ENV} to it, or use GANCOURSE_PROFILE=smoke (the shipped subsets).")
    else:
        print(f"\nThe {profile.name} profile reads the full datasets: every one is here.")
    return 1 if bad else 0


def _cmd_run(args: argparse.Namespace) -> int:
    if args.profile is None:
        active_profile(detect=False)  # an unknown GANCOURSE_PROFILE fails here, not in the kernel
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
    p = sub.add_parser(
        "data", help="the active profile; where each dataset is, checksum status",
        description="Show the active profile (GANCOURSE_PROFILE, or detected from the hardware), every place the "
                    "course looks for each dataset (GANCOURSE_DATA, the download cache, the subsets shipped in "
                    "data/mini) with its SHA-256 status, and whether the profile has the data it reads. Exits 1 on "
                    "a checksum mismatch, 2 on an unknown GANCOURSE_PROFILE.")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser(
        "run", help="run chapter notebooks headless into build/ as .ipynb and .html",
        description="Run every cell of a chapter (or of all of them) in a fresh kernel and write the executed "
                    "notebook and its HTML into --out. Exits 1 if a cell fails, and prints that cell's error.")
    p.add_argument("notebook", help="a chapter (00_start_here, 3, path.ipynb) or 'all'")
    p.add_argument("--profile", choices=sorted(config.PROFILES),
                   help="profile for the kernel (default: GANCOURSE_PROFILE, else gpu with a GPU and cpu without)")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--notebooks", help="folder of chapter notebooks (default: ./notebooks)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per cell (default 1800)")
    p.add_argument("--notebook-timeout", type=float, default=None,
                   help="seconds for a whole notebook (default or 0: no limit)")
    p.set_defaults(func=_cmd_run)
