"""Authoring helpers for the chapter notebooks (contributors only, not the course).

    python tools/nbtools.py strip notebooks/*.ipynb   # drop outputs before committing
    python tools/nbtools.py check notebooks/*.ipynb   # exit 1 if any cell keeps outputs

In a script: ``nb = new_notebook("03_gan_math", [md("# ..."), code("...")])``
then ``write(nb, "notebooks/03_gan_math.ipynb")``. Cell ids are derived from the
notebook name and position, so regenerating a notebook gives the same ids.
"""

from __future__ import annotations

import pathlib
import sys

import nbformat

REPO = "gancourse/gancourse"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def md(source: str, **metadata) -> nbformat.NotebookNode:
    """A Markdown cell (leading/trailing blank lines removed)."""
    return nbformat.v4.new_markdown_cell(source.strip("\n"), metadata=metadata)


def code(source: str, *, tags: tuple[str, ...] = (), **metadata) -> nbformat.NotebookNode:
    """A code cell; ``tags`` go to ``metadata.tags`` (e.g. ``("parameters",)``)."""
    if tags:
        metadata = {**metadata, "tags": list(tags)}
    return nbformat.v4.new_code_cell(source.strip("\n"), metadata=metadata)


def colab_badge(name: str) -> str:
    """Markdown for an Open-in-Colab badge pointing at ``notebooks/<name>.ipynb``."""
    url = f"https://colab.research.google.com/github/{REPO}/blob/main/notebooks/{name}.ipynb"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


INSTALL_CELL = '''# Colab only: install the course package (a no-op everywhere else).
import sys

if "google.colab" in sys.modules:
    %pip install -q "gancourse @ git+https://github.com/gancourse/gancourse"'''


def new_notebook(name: str, cells: list) -> nbformat.NotebookNode:
    """A notebook with stable cell ids ``<name>-NN`` and clean metadata."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python"}}
    for i, cell in enumerate(cells):
        cell["id"] = f"{name.replace('_', '-')}-{i:02d}"
    nb.cells = cells
    return nb


def write(nb: nbformat.NotebookNode, path: str | pathlib.Path) -> None:
    """Validate, strip outputs and write ``nb`` in the course's stable JSON layout.

    The layout is :func:`gancourse.classroom.markup.notebook_text`'s, so committed
    notebooks and generated student versions are written the same way.
    """
    from gancourse.classroom.markup import notebook_text

    pathlib.Path(path).write_text(notebook_text(nb), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("strip", "check"):
        print(__doc__)
        return 2
    dirty = 0
    for p in argv[1:]:
        nb = nbformat.read(p, as_version=4)
        n = sum(1 for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count))
        if argv[0] == "strip":
            write(nb, p)
        elif n:
            print(f"{p}: {n} code cells keep outputs")
            dirty += 1
    return 1 if dirty else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
