"""Student versions: solutions replaced by stubs, hidden tests removed.
"""

from __future__ import annotations

import copy
import os
import pathlib
import re

from .execute import list_notebooks, notebooks_dir, resolve_notebook
from .markup import (
    BEGIN_HIDDEN_TESTS,
    BEGIN_SOLUTION,
    CODE_STUB,
    END_HIDDEN_TESTS,
    END_SOLUTION,
    TEXT_STUB,
    _nbgrader,
    _regions,
    _where,
    exercises,
    read_notebook,
    write_notebook,
)


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
    return list_notebooks(pathlib.Path(folder) if folder else None)


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

    Raises:
        FileNotFoundError: no chapter notebooks there, or no such chapter.
        NotANotebookError: a source file is not a notebook.
        MarkupError: a source's markup is malformed.
    """
    folder = pathlib.Path(notebooks) if notebooks else None
    sources = (chapter_notebooks(folder) if chapter is None
               else [resolve_notebook(str(chapter), folder)])
    if not sources:
        raise FileNotFoundError(f"no chapter notebooks in {folder or notebooks_dir()}")
    written = []
    for source in sources:
        nb = read_notebook(source)  # one clear line for a file that is not a notebook
        student = make_student_notebook(nb, source.name)
        path = write_notebook(student, pathlib.Path(out_dir) / source.name)
        written.append(path)
        if verbose:
            graded = [c for c in exercises(nb, source.name) if c.kind == "test"]
            points = sum(c.points for c in graded)
            print(f"{path}: {len(graded)} graded test cell{'s' * (len(graded) != 1)}, {points:g} points")
    return written
