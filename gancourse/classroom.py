"""The classroom kit: student versions of the chapter notebooks and grading without nbgrader.

Exercises are written in the chapter notebooks with nbgrader's markup, so a
school that runs nbgrader can use the notebooks as its ``source`` versions
as they are; this module does the same two jobs with no nbgrader installed:

* ``python -m gancourse student --out DIR [--chapter N]`` writes the student
  versions: in every solution cell each ``### BEGIN SOLUTION`` ...
  ``### END SOLUTION`` region becomes ``# YOUR CODE HERE`` +
  ``raise NotImplementedError()`` (at the region's indentation), every
  ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region is removed,
  and everything else (cell ids, metadata, Markdown) is kept. The files are
  byte-identical from run to run.
* ``python -m gancourse grade SUBMISSION.ipynb`` puts the source notebook's
  test cells (hidden tests included) back into the submission, matched by
  ``grade_id``, executes it in the ``smoke`` profile without stopping at the
  first error, and prints points per exercise and the total.

Markup (nbgrader's ``schema_version`` 3): a solution cell has
``metadata.nbgrader = {"solution": true, "grade": false, "grade_id": ..., "locked": false, ...}``;
a test cell ``{"solution": false, "grade": true, "grade_id": ..., "points": N, "locked": true, ...}``.
The course adds one rule nbgrader lacks: a solution region sits inside a
function body (indented), so that the student version's stub raises only
when the learner's function is called (by its check), and the student
notebook still runs from top to bottom.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import pathlib
import re
import sys
from typing import Any

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "### END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
"""What a solution region becomes in the student version (nbgrader's default stub)."""
TEXT_STUB = "YOUR ANSWER HERE"
"""What a Markdown solution cell becomes in the student version (nbgrader's default)."""
NOT_IMPLEMENTED_TEXT = "not implemented yet"
"""Printed by a check whose learner function is still the stub (see :mod:`gancourse.checks.core`)."""

_GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_DELIMITERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS)


class MarkupError(ValueError):
    """A notebook's exercise markup is malformed (the message names the notebook and the cell)."""


@dataclasses.dataclass(frozen=True)
class GradedCell:
    """One cell carrying nbgrader metadata.

    Attributes:
        index: position in the notebook.
        cell_id: the cell's ``id``.
        grade_id: nbgrader's ``grade_id``.
        kind: ``"solution"`` (the learner writes here), ``"test"`` (autograded:
            points if it runs without error), ``"manual"`` (a graded answer a
            teacher reads: a solution cell with points), ``"task"`` or ``"readonly"``.
        points: points of a ``test``/``manual``/``task`` cell, else 0.
    """

    index: int
    cell_id: str
    grade_id: str
    kind: str
    points: float


# --------------------------------------------------------------------------- notebook I/O


def read_notebook(path: str | os.PathLike):
    """Read a notebook as nbformat v4."""
    import nbformat

    return nbformat.read(str(path), as_version=4)


def notebook_text(nb) -> str:
    """The notebook as stable JSON: outputs stripped, keys sorted, one-space indent, trailing newline.

    The same layout as ``tools/nbtools.write``, so a student version of a
    committed notebook looks like a committed notebook, and two runs give
    byte-identical files.
    """
    import nbformat

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    nbformat.validate(nb)
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write_notebook(nb, path: str | os.PathLike) -> pathlib.Path:
    """Write ``nb`` as :func:`notebook_text` (creating the folder); return the path."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebook_text(nb), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- markup


def _where(name: str, index: int, cell) -> str:
    return f"{name}: cell {index} (id {cell.get('id', '?')!r})"


def _nbgrader(cell) -> dict | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if meta else None


def _regions(source: str, begin: str, end: str, where: str) -> list[tuple[int, int]]:
    """``(begin_line, end_line)`` index pairs of the ``begin``/``end`` regions; errors for unmatched or nested ones."""
    regions, start = [], None
    for i, line in enumerate(source.split("\n")):
        text = line.strip()
        for delimiter in (begin, end):
            # nbgrader takes any line containing "BEGIN SOLUTION" etc. for a delimiter: so must we, exactly
            if delimiter.lstrip("# ") in text and text != delimiter:
                raise MarkupError(f"{where}: line {i + 1} {text!r} should read exactly {delimiter!r} "
                                  f"(nbgrader treats every line containing {delimiter.lstrip('# ')!r} as one)")
        if text == begin:
            if start is not None:
                raise MarkupError(f"{where}: {begin!r} on line {i + 1} inside the region opened on line "
                                  f"{start + 1} (regions can't nest; close it with {end!r} first)")
            start = i
        elif text == end:
            if start is None:
                raise MarkupError(f"{where}: {end!r} on line {i + 1} without a {begin!r} before it")
            regions.append((start, i))
            start = None
    if start is not None:
        raise MarkupError(f"{where}: {begin!r} on line {start + 1} is never closed by {end!r}")
    return regions


def exercises(nb, name: str = "notebook") -> list[GradedCell]:
    """Validate the exercise markup of ``nb`` and list its nbgrader cells in order.

    Raises:
        MarkupError: an unmatched or nested BEGIN/END line; a region in a cell
            without the matching nbgrader metadata; a solution cell without a
            region, or with one at the top level of the cell; metadata missing
            ``grade_id``/``points``, with non-boolean flags, or a ``grade_id``
            used twice.
    """
    cells, seen = [], {}
    for index, cell in enumerate(nb.cells):
        where = _where(name, index, cell)
        meta = _nbgrader(cell)
        source = cell.get("source", "")
        is_code = cell.get("cell_type") == "code"
        solution_regions = _regions(source, BEGIN_SOLUTION, END_SOLUTION, where)  # Markdown too, as nbgrader
        hidden_regions = _regions(source, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS, where) if is_code else []

        if meta is None:
            if solution_regions:
                raise MarkupError(f"{where} has a solution region but no metadata.nbgrader; mark it as a "
                                  f'solution cell: {{"solution": true, "grade": false, "grade_id": "...", '
                                  f'"locked": false, "schema_version": 3, "task": false}}')
            if hidden_regions:
                raise MarkupError(f"{where} has a hidden-tests region but no metadata.nbgrader; mark it as a "
                                  f'test cell: {{"solution": false, "grade": true, "grade_id": "...", '
                                  f'"points": N, "locked": true, "schema_version": 3, "task": false}}')
            continue
        if not isinstance(meta, dict):
            raise MarkupError(f"{where}: metadata.nbgrader must be a dict, got {type(meta).__name__}")
        for flag in ("solution", "grade", "locked", "task"):
            if flag in meta and not isinstance(meta[flag], bool):
                raise MarkupError(f"{where}: metadata.nbgrader.{flag} must be true or false, got {meta[flag]!r}")
        grade_id = meta.get("grade_id")
        if not isinstance(grade_id, str) or not _GRADE_ID.match(grade_id):
            raise MarkupError(f"{where}: metadata.nbgrader.grade_id must be a non-empty string of letters, "
                              f"digits, '_' or '-', got {grade_id!r}")
        if grade_id in seen:
            raise MarkupError(f"{where}: grade_id {grade_id!r} is used twice (also in cell {seen[grade_id]})")
        seen[grade_id] = index
        if meta.get("schema_version", 3) != 3:
            raise MarkupError(f"{where}: metadata.nbgrader.schema_version must be 3, got {meta['schema_version']!r}")

        solution, grade, task = bool(meta.get("solution")), bool(meta.get("grade")), bool(meta.get("task"))
        points = 0.0
        if grade or task:
            if "points" not in meta:
                raise MarkupError(f"{where}: graded cell {grade_id!r} has no metadata.nbgrader.points")
            raw = meta["points"]
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw < 0:
                raise MarkupError(f"{where}: metadata.nbgrader.points must be a number >= 0, got {raw!r}")
            points = float(raw)

        if solution:
            if meta.get("locked"):
                raise MarkupError(f"{where}: solution cell {grade_id!r} is locked; a learner must be able to edit it")
            if is_code:
                if not solution_regions:
                    raise MarkupError(f"{where}: solution cell {grade_id!r} has no {BEGIN_SOLUTION!r} ... "
                                      f"{END_SOLUTION!r} region")
                lines = source.split("\n")
                for begin, _ in solution_regions:
                    if not lines[begin].startswith((" ", "\t")):
                        raise MarkupError(
                            f"{where}: the solution region on line {begin + 1} is at the top level of the cell; "
                            f"put it inside a function body so the student version's `raise "
                            f"NotImplementedError()` runs only when the check calls the function")
            kind = "manual" if grade else "solution"
        elif solution_regions:
            raise MarkupError(f"{where}: {BEGIN_SOLUTION!r} in cell {grade_id!r}, which is not a solution cell "
                              f"(metadata.nbgrader.solution is false)")
        elif grade:
            kind = "test" if is_code else "manual"
        elif task:
            kind = "task"
        else:
            kind = "readonly"
        if hidden_regions and not (grade and not solution and is_code):
            raise MarkupError(f"{where}: {BEGIN_HIDDEN_TESTS!r} in cell {grade_id!r}, which is not a test cell "
                              f"(grade: true, solution: false)")
        cells.append(GradedCell(index, str(cell.get("id", "")), grade_id, kind, points))
    return cells


def total_points(nb) -> float:
    """Points of the autograded test cells of ``nb``."""
    return sum(c.points for c in exercises(nb) if c.kind == "test")


# --------------------------------------------------------------------------- student versions


def _replace_regions(source: str, begin: str, end: str, stub: tuple[str, ...], where: str) -> str:
    lines = source.split("\n")
    out, position = [], 0
    for start, stop in _regions(source, begin, end, where):
        out.extend(lines[position:start])
        indent = re.match(r"[ \t]*", lines[start]).group(0)
        out.extend(indent + s for s in stub)
        position = stop + 1
    out.extend(lines[position:])
    text = "\n".join(out)
    return text.rstrip() if not stub else text  # a removed trailing region leaves no blank tail


def make_student_notebook(nb, name: str = "notebook"):
    """The student version of ``nb`` (a new notebook; ``nb`` is not changed).

    Solution regions become :data:`CODE_STUB` at the same indentation,
    Markdown solution cells become :data:`TEXT_STUB` (their regions only, if they have any), hidden-test regions
    are removed; every other cell, all ids and all metadata stay as they are.

    Raises:
        MarkupError: see :func:`exercises`.
    """
    exercises(nb, name)  # validate first: a half-converted notebook is worse than none
    student = copy.deepcopy(nb)
    for index, cell in enumerate(student.cells):
        meta = _nbgrader(cell) or {}
        where = _where(name, index, cell)
        if meta.get("solution"):
            if cell.cell_type == "code":
                cell.source = _replace_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, CODE_STUB, where)
            elif _regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, where):
                cell.source = _replace_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, (TEXT_STUB,), where)
            else:  # a Markdown answer cell without regions is replaced whole, as nbgrader does
                cell.source = TEXT_STUB
        if meta.get("grade") and cell.cell_type == "code":
            cell.source = _replace_regions(cell.source, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS, (), where)
    return student


def chapter_notebooks(folder: str | os.PathLike | None = None) -> list[pathlib.Path]:
    """The chapter notebooks (``NN_name.ipynb``) in course order."""
    from . import runner

    return runner.list_notebooks(pathlib.Path(folder) if folder else None)


def write_student_versions(out_dir: str | os.PathLike, chapter: str | int | None = None, *,
                           notebooks: str | os.PathLike | None = None, verbose: bool = False) -> list[pathlib.Path]:
    """Write the student version of every chapter notebook (or of ``chapter`` only) into ``out_dir``.

    Args:
        out_dir: output folder (created); files keep their names.
        chapter: a chapter number, file stem or path; ``None`` for all chapters.
        notebooks: folder of the source notebooks (default: ``notebooks/`` of the checkout).
        verbose: print one line per notebook (exercise count and points).

    Returns:
        the paths written.
    """
    from . import runner

    folder = pathlib.Path(notebooks) if notebooks else None
    sources = (chapter_notebooks(folder) if chapter is None
               else [runner.resolve_notebook(str(chapter), folder)])
    if not sources:
        raise FileNotFoundError(f"no chapter notebooks in {folder or runner.notebooks_dir()}")
    written = []
    for source in sources:
        nb = read_notebook(source)
        student = make_student_notebook(nb, source.name)
        path = write_notebook(student, pathlib.Path(out_dir) / source.name)
        written.append(path)
        if verbose:
            graded = [c for c in exercises(nb, source.name) if c.kind == "test"]
            points = sum(c.points for c in graded)
            print(f"{path}: {len(graded)} graded test cell{'s' * (len(graded) != 1)}, {points:g} points")
    return written


# --------------------------------------------------------------------------- grading


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
    """

    submission: pathlib.Path
    source: pathlib.Path
    rows: list[GradeRow]
    other_errors: list[tuple[int, str, str]]
    restored: list[str]
    executed: Any = dataclasses.field(default=None, repr=False)

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
                "other_errors": [list(e) for e in self.other_errors], "restored": self.restored}

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
        return "\n".join(lines)


def find_source(submission: str | os.PathLike, notebooks: str | os.PathLike | None = None) -> pathlib.Path:
    """The source notebook with the submission's file name in ``notebooks/``.

    A name with a suffix a student added (``01_generative_models-ana.ipynb``)
    is matched by its chapter number when exactly one chapter has it.

    Raises:
        FileNotFoundError: no chapter notebook matches; the message lists the chapters.
    """
    from . import runner

    folder = pathlib.Path(notebooks) if notebooks else runner.notebooks_dir()
    name = pathlib.Path(submission).name
    if (folder / name).is_file():
        return folder / name
    chapters = runner.list_notebooks(folder)
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


def score_executed(nb, source_nb) -> tuple[list[GradeRow], list[tuple[int, str, str]]]:
    """Score an executed notebook: the rows of the graded cells and the errors outside them."""
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
            rows.append(GradeRow(grade_id, info.points, 0.0, "not run", "the notebook stopped before this cell"))
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


def execute_notebook(nb, *, cwd: str | os.PathLike, profile: str = "smoke", timeout: int = 600):
    """Execute every cell of ``nb`` (in place) in a fresh kernel, continuing after errors.

    The kernel runs in ``cwd`` with ``GANCOURSE_PROFILE=profile``. A cell
    running longer than ``timeout`` seconds is interrupted (it gets a
    ``KeyboardInterrupt`` error) and the next cells still run; if the kernel
    dies, the cells after it stay unexecuted.
    """
    from nbclient import NotebookClient

    env = dict(os.environ, GANCOURSE_PROFILE=profile)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute(env=env, cwd=str(cwd))
    except Exception as exc:  # noqa: BLE001 - a dead kernel: score what ran
        print(f"warning: execution stopped: {type(exc).__name__}: {exc}", file=sys.stderr)
    return nb


def grade_notebook(submission_path: str | os.PathLike, source_path: str | os.PathLike | None = None, *,
                   profile: str = "smoke", timeout: int = 600, notebooks: str | os.PathLike | None = None,
                   cwd: str | os.PathLike | None = None) -> GradeReport:
    """Grade a submitted student notebook.

    Restores the source's test cells (hidden tests included) into the
    submission by ``grade_id``, executes it (see :func:`execute_notebook`) and
    scores each test cell: its points if it ran without error, else 0 with
    the error line ("not implemented" when the check reported the stub).

    Args:
        submission_path: the learner's notebook.
        source_path: the solution notebook; default: the chapter notebook of the
            same file name in ``notebooks/`` (see :func:`find_source`).
        profile: the profile the kernel runs in (default ``smoke``).
        timeout: seconds per cell before it is interrupted.
        notebooks: folder of the chapter notebooks (default: ``notebooks/`` of the checkout).
        cwd: the kernel's working folder (default: the source notebook's folder, as under nbval).

    Raises:
        FileNotFoundError: submission or source not found.
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
    execute_notebook(nb, cwd=cwd or source_path.parent.resolve(), profile=profile, timeout=timeout)
    rows, other_errors = score_executed(nb, source_nb)
    return GradeReport(submission_path, source_path, rows, other_errors, restored, nb)


# --------------------------------------------------------------------------- the exercise table


TABLE_BEGIN = "<!-- exercises:begin (generated by `python -m gancourse exercises --write docs/teaching.md`) -->"
TABLE_END = "<!-- exercises:end -->"


def _statement(nb, index: int) -> str:
    """The exercise's heading in the Markdown cell nearest above cell ``index``.

    The last heading (or bold line) there that names an exercise, else its last heading, else its last line.
    """
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "markdown":
            lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
            headings = [line for line in lines if line.startswith("#")]
            named = [line for line in lines if "exercise" in line.lower() and line.startswith(("#", "**"))]
            heading = (named or headings or lines or [""])[-1].replace("**", "")
            text = heading.lstrip("#").strip().replace("|", "\\|")
            return text if len(text) <= 120 else text[:117] + "..."
    return ""


def exercise_rows(notebooks: str | os.PathLike | None = None) -> list[dict]:
    """One row per exercise (solution cell) of every chapter: chapter, grade_id, points, checks, statement.

    The points are those of the test cells between this solution cell and the
    next one; the checks are the ``checks.check_*`` functions those cells call.
    """
    rows = []
    for path in chapter_notebooks(notebooks):
        nb = read_notebook(path)
        graded = exercises(nb, path.name)
        solutions = [g for g in graded if g.kind in ("solution", "manual")]
        for k, sol in enumerate(solutions):
            stop = solutions[k + 1].index if k + 1 < len(solutions) else len(nb.cells)
            tests = [g for g in graded if g.kind == "test" and sol.index < g.index < stop]
            called = []
            for t in tests:
                for name in re.findall(r"\b(check_\w+)\(", nb.cells[t.index].source):
                    if name not in called:
                        called.append(name)
            rows.append({"chapter": path.stem, "grade_id": sol.grade_id,
                         "points": sum(t.points for t in tests) + (sol.points if sol.kind == "manual" else 0),
                         "tests": [t.grade_id for t in tests], "checks": called,
                         "statement": _statement(nb, sol.index)})
    return rows


def exercise_table(notebooks: str | os.PathLike | None = None) -> str:
    """The exercises of all chapters as a Markdown table (what the teacher's guide shows)."""
    lines = ["| chapter | exercise (grade_id) | points | checked by | what it assesses (the exercise's heading) |",
             "|---|---|---|---|---|"]
    rows = exercise_rows(notebooks)
    for r in rows:
        checks = ", ".join(f"`{c}`" for c in r["checks"]) or "-"
        lines.append(f"| `{r['chapter']}` | `{r['grade_id']}` | {r['points']:g} | {checks} | {r['statement']} |")
    if not rows:
        lines.append("| (no chapter has exercises yet) | | | | |")
    return "\n".join(lines)


def update_exercise_table(doc: str | os.PathLike, notebooks: str | os.PathLike | None = None) -> bool:
    """Replace the table between :data:`TABLE_BEGIN` and :data:`TABLE_END` in ``doc``; True if it changed.

    Raises:
        ValueError: ``doc`` lacks the two marker lines.
    """
    doc = pathlib.Path(doc)
    text = doc.read_text(encoding="utf-8")
    if TABLE_BEGIN not in text or TABLE_END not in text:
        raise ValueError(f"{doc} needs the marker lines {TABLE_BEGIN!r} and {TABLE_END!r}")
    head, rest = text.split(TABLE_BEGIN, 1)
    _, tail = rest.split(TABLE_END, 1)
    new = f"{head}{TABLE_BEGIN}\n{exercise_table(notebooks)}\n{TABLE_END}{tail}"
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


# --------------------------------------------------------------------------- command line


def _cmd_student(args: argparse.Namespace) -> int:
    written = write_student_versions(args.out, args.chapter, notebooks=args.notebooks, verbose=True)
    print(f"wrote {len(written)} student notebook{'s' * (len(written) != 1)} to {args.out}")
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    if args.source and len(args.submission) > 1:
        raise ValueError("--source applies to one submission; grade the others separately")
    from . import config

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
