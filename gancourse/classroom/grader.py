"""Grading a submitted notebook: restore the hidden tests, execute it in isolation, score every graded cell.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import pathlib
import re
from typing import Any

from .execute import execute_notebook, list_notebooks, notebooks_dir
from .markup import NOT_IMPLEMENTED_TEXT, _nbgrader, exercises, read_notebook


@dataclasses.dataclass
class GradeRow:
    """One autograded test cell of a submission: ``status`` is passed / failed / not implemented / not run / manual."""

    grade_id: str
    points: float
    earned: float
    status: str
    detail: str = ""


@dataclasses.dataclass
class GradeReport:
    """The result of :func:`grade_notebook`.

    Attributes:
        submission: the graded file.
        source: the source notebook the tests came from.
        rows: one per graded cell, in notebook order.
        other_errors: ``(cell_index, cell_id, error line)`` of errors in cells that are not test cells.
        restored: grade_ids of test cells the submission had deleted (put back from the source).
        executed: the executed notebook (with outputs).
        stopped: one line when execution stopped before the end (which cell, and why: a time limit,
            a dead kernel); empty when every cell ran.
    """

    submission: pathlib.Path
    source: pathlib.Path
    rows: list[GradeRow]
    other_errors: list[tuple[int, str, str]]
    restored: list[str]
    executed: Any = dataclasses.field(default=None, repr=False)
    stopped: str = ""

    @property
    def earned(self) -> float:
        return sum(r.earned for r in self.rows)

    @property
    def possible(self) -> float:
        return sum(r.points for r in self.rows if r.status != "manual")

    def as_dict(self) -> dict:
        """A JSON-ready summary (no notebook)."""
        return {"submission": str(self.submission), "source": str(self.source),
                "earned": self.earned, "possible": self.possible,
                "rows": [dataclasses.asdict(r) for r in self.rows],
                "other_errors": [list(e) for e in self.other_errors], "restored": self.restored,
                "stopped": self.stopped}

    def format_table(self) -> str:
        """The score table as text: one line per exercise, then the total."""
        width = max([len("exercise")] + [len(r.grade_id) for r in self.rows])
        lines = [f"{self.submission.name} (tests from {self.source})",
                 f"{'exercise':<{width}}  {'points':>11}  status"]
        for r in self.rows:
            score = f"{'-' if r.status == 'manual' else f'{r.earned:g}'} / {r.points:g}"
            status = r.status + (f": {r.detail}" if r.detail else "")
            lines.append(f"{r.grade_id:<{width}}  {score:>11}  {status}")
        lines.append(f"{'total':<{width}}  {f'{self.earned:g} / {self.possible:g}':>11}")
        if self.restored:
            lines.append(f"restored from the source (missing in the submission): {', '.join(self.restored)}")
        for index, cell_id, error in self.other_errors:
            lines.append(f"error outside the tests, cell {index} ({cell_id}): {error}")
        if self.stopped:
            lines.append(f"execution stopped: {self.stopped}")
        return "\n".join(lines)


def find_source(submission: str | os.PathLike, notebooks: str | os.PathLike | None = None) -> pathlib.Path:
    """The source notebook with the submission's file name in ``notebooks/``.

    A name with a suffix a student added (``01_generative_models-ana.ipynb``)
    is matched by its chapter number when exactly one chapter has it.

    Raises:
        FileNotFoundError: no chapter notebook matches; the message lists the chapters.
    """
    folder = pathlib.Path(notebooks) if notebooks else notebooks_dir()
    name = pathlib.Path(submission).name
    if (folder / name).is_file():
        return folder / name
    chapters = list_notebooks(folder)
    number = re.match(r"^(\d\d)_", name)
    matches = [p for p in chapters if number and p.name.startswith(number.group(0))]
    if len(matches) == 1:
        return matches[0]
    raise FileNotFoundError(f"no source notebook named {name!r} in {folder}; pass --source. Chapters: "
                            + (", ".join(p.name for p in chapters) or "(none)"))


def restore_tests(submission_nb, source_nb, name: str = "submission") -> tuple[Any, list[str]]:
    """The submission with every source test cell put back (hidden tests included), matched by ``grade_id``.

    A test cell the learner edited is overwritten by the source's; one they
    deleted is inserted after the cell that precedes it in the source (found
    by id or grade_id), else at the end. Returns ``(notebook, restored_ids)``
    where ``restored_ids`` lists the deleted ones.
    """
    nb = copy.deepcopy(submission_nb)
    source_tests = {c.grade_id: c for c in exercises(source_nb, "source") if c.kind == "test"}
    positions = {}
    for i, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
            positions.setdefault(meta["grade_id"], i)
    restored = []
    for grade_id, graded in source_tests.items():
        fresh = copy.deepcopy(source_nb.cells[graded.index])
        fresh.outputs, fresh.execution_count = [], None
        if grade_id in positions:
            nb.cells[positions[grade_id]] = fresh
            continue
        restored.append(grade_id)
        anchor = None
        for previous in reversed(source_nb.cells[: graded.index]):
            prev_meta = _nbgrader(previous) or {}
            for i, cell in enumerate(nb.cells):
                if (cell.get("id") and cell.get("id") == previous.get("id")) or (
                        prev_meta.get("grade_id") and (_nbgrader(cell) or {}).get("grade_id") == prev_meta["grade_id"]):
                    anchor = i
                    break
            if anchor is not None:
                break
        at = len(nb.cells) if anchor is None else anchor + 1
        if any(c.get("id") == fresh.get("id") for c in nb.cells):
            fresh["id"] = f"{fresh.get('id', 'restored')}-restored"
        nb.cells.insert(at, fresh)
        positions = {(_nbgrader(c) or {}).get("grade_id"): i for i, c in enumerate(nb.cells) if _nbgrader(c)}
    return nb, restored


def _error_line(outputs) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            ename, evalue = out.get("ename", "Error"), str(out.get("evalue", "")).strip()
            first = evalue.splitlines()[0] if evalue else ""
            return f"{ename}: {first}" if first else ename
    return None


def _printed(outputs) -> str:
    return "".join(out.get("text", "") for out in outputs if out.get("output_type") == "stream")


def score_executed(nb, source_nb, not_run: str = "the notebook stopped before this cell"
                   ) -> tuple[list[GradeRow], list[tuple[int, str, str]]]:
    """Score an executed notebook: the rows of the graded cells and the errors outside them.

    ``not_run`` is the detail of a test cell that never ran (why execution stopped).
    """
    graded = {c.grade_id: c for c in exercises(source_nb, "source")}
    rows, other_errors, test_indices = [], [], set()
    by_id = {}
    for i, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if isinstance(meta, dict) and meta.get("grade_id") in graded:
            by_id[meta["grade_id"]] = i
    for grade_id, info in graded.items():
        if info.kind not in ("test", "manual"):
            continue
        if info.kind == "manual":
            rows.append(GradeRow(grade_id, info.points, 0.0, "manual", "graded by the teacher"))
            continue
        i = by_id.get(grade_id)
        test_indices.add(i)
        cell = nb.cells[i] if i is not None else None
        if cell is None or cell.get("execution_count") is None:
            rows.append(GradeRow(grade_id, info.points, 0.0, "not run", not_run))
            continue
        error = _error_line(cell.get("outputs", []))
        if error is None:
            rows.append(GradeRow(grade_id, info.points, info.points, "passed"))
        elif NOT_IMPLEMENTED_TEXT in _printed(cell.get("outputs", [])) or error.startswith("NotImplementedError"):
            rows.append(GradeRow(grade_id, info.points, 0.0, "not implemented"))
        else:
            rows.append(GradeRow(grade_id, info.points, 0.0, "failed", error))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or i in test_indices:
            continue
        error = _error_line(cell.get("outputs", []))
        if error:
            other_errors.append((i, str(cell.get("id", "")), error))
    return rows, other_errors


def _not_run_detail(run, nb) -> str:
    """Why the cells after an early stop did not run, for their rows."""
    cell = f"cell {run.stopped_at} ({nb.cells[run.stopped_at].get('id', '?')})" if run.stopped_at is not None else ""
    return {"notebook time limit": "notebook time limit",
            "ignored interrupt": f"the kernel was stopped: {cell} ignored the interrupt at the per-cell time limit",
            "kernel died": f"the kernel died in {cell}"}.get(run.stop_reason, "the notebook stopped before this cell")


def grade_notebook(submission_path: str | os.PathLike, source_path: str | os.PathLike | None = None, *,
                   profile: str = "smoke", timeout: float = 600, notebook_timeout: float | None = 1800,
                   notebooks: str | os.PathLike | None = None, files=()) -> GradeReport:
    """Grade a submitted student notebook.

    Restores the source's test cells (hidden tests included) into the
    submission by ``grade_id``, executes it and scores each test cell: its
    points if it ran without error, else 0 with the error line ("not
    implemented" when the check reported the stub).

    The submission is untrusted code, so it runs isolated (see
    :func:`~gancourse.classroom.execute.execute_notebook` with ``isolated=True``):
    in a fresh temporary working folder, never next to the sources, with only
    an allow-list of the environment, ``HOME`` in that folder, and time limits.
    A cell past ``timeout`` is interrupted and the next cells still run; once
    the whole run passes ``notebook_timeout``, the running cell is stopped and
    the test cells after it score 0, "not run: notebook time limit".

    Args:
        submission_path: the learner's notebook.
        source_path: the solution notebook; default: the chapter notebook of the
            same file name in ``notebooks/`` (see :func:`find_source`).
        profile: the profile the kernel runs in (default ``smoke``).
        timeout: seconds per cell before it is interrupted.
        notebook_timeout: seconds for all cells together (``None``: no limit).
        notebooks: folder of the chapter notebooks (default: ``notebooks/`` of the checkout).
        files: files or folders the notebook reads by a relative path, copied into its working
            folder (the chapters need none: their data comes from the package).

    Raises:
        FileNotFoundError: submission or source not found.
        NotANotebookError: submission or source is not a notebook (a ``ValueError``).
        MarkupError: the source's markup is malformed.
    """
    submission_path = pathlib.Path(submission_path)
    if not submission_path.is_file():
        raise FileNotFoundError(f"no submission {str(submission_path)!r}")
    source_path = pathlib.Path(source_path) if source_path else find_source(submission_path, notebooks)
    if not source_path.is_file():
        raise FileNotFoundError(f"no source notebook {str(source_path)!r}")
    source_nb = read_notebook(source_path)
    exercises(source_nb, source_path.name)
    nb, restored = restore_tests(read_notebook(submission_path), source_nb, submission_path.name)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    run = execute_notebook(nb, isolated=True, files=files, profile=profile, timeout=timeout,
                           notebook_timeout=notebook_timeout, allow_errors=True)
    rows, other_errors = score_executed(nb, source_nb, _not_run_detail(run, nb))
    stopped = ""
    if run.stopped_at is not None:
        stopped = f"cell {run.stopped_at} ({nb.cells[run.stopped_at].get('id', '?')}): {run.message}"
    elif not run.ok:
        stopped = run.message
    return GradeReport(submission_path, source_path, rows, other_errors, restored, nb, stopped)
