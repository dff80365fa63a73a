"""nbgrader's markup: reading notebooks and finding their graded cells and solution regions.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import pathlib
import re

from ..config.validate import check_number

BEGIN_SOLUTION = "### BEGIN SOLUTION"


END_SOLUTION = "### END SOLUTION"


BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"


END_HIDDEN_TESTS = "### END HIDDEN TESTS"


CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
"""What a solution region becomes in the student version (nbgrader's default stub)."""


TEXT_STUB = "YOUR ANSWER HERE"
"""What a Markdown solution cell becomes in the student version (nbgrader's default)."""


NOT_IMPLEMENTED_TEXT = "not implemented yet"
"""Printed by a check whose learner function is still the stub (see :mod:`gancourse.classroom.checks.core`)."""


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


class NotANotebookError(ValueError):
    """A file given as a notebook is not one (the message is one line naming the file)."""


def read_notebook(path: str | os.PathLike):
    """Read ``path`` as an nbformat v4 notebook.

    Raises:
        FileNotFoundError: no such file.
        NotANotebookError: the file is empty, not JSON, or JSON but no notebook; one line that says which.
    """
    import json

    import nbformat

    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook file {str(path)!r}")
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = "the file is empty" if not text.strip() else f"not JSON: {exc}"
        raise NotANotebookError(f"{path} is not a Jupyter notebook ({reason})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or "nbformat" not in data:
        raise NotANotebookError(f"{path} is not a Jupyter notebook (JSON without the 'nbformat' and 'cells' keys)")
    try:
        nb = nbformat.reads(text, as_version=4)
        if not all(isinstance(c, dict) and "cell_type" in c for c in nb.cells):
            raise ValueError("a cell without a cell_type")
    except Exception as exc:  # noqa: BLE001 - a schema or conversion error: one line whatever it was
        reason = (str(exc).strip() or type(exc).__name__).splitlines()[0][:150]
        raise NotANotebookError(f"{path} is not a valid Jupyter notebook ({reason})") from None
    return nb


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
            try:
                points = check_number(meta["points"], "metadata.nbgrader.points", minimum=0)
            except (TypeError, ValueError) as exc:
                raise MarkupError(f"{where}: {exc}") from None

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
