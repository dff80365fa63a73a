"""Every chapter notebook follows the course skeleton and is committed clean.

(nbval executes the notebooks themselves; this file checks how they are stored.)
"""

import json
import pathlib
import re

import nbformat
import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    path = request.param
    return path, nbformat.read(path, as_version=4)


def test_there_is_a_start_notebook():
    assert NOTEBOOKS and NOTEBOOKS[0].stem == "00_start_here"


def test_valid_and_committed_without_outputs(notebook):
    path, nb = notebook
    nbformat.validate(nb)
    dirty = [c.get("id") for c in nb.cells
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: cells {dirty} keep outputs; run python tools/nbtools.py strip"
    assert "widgets" not in nb.metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_title_and_colab_badge(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert (f"colab.research.google.com/github/gancourse/gancourse/blob/main/notebooks/{path.name}"
            in first.source)


def test_guarded_install_cell_before_any_import(notebook):
    _, nb = notebook
    code = [c for c in nb.cells if c.cell_type == "code"]
    src = code[0].source
    assert '"google.colab" in sys.modules' in src and "%pip install" in src
    # the pip line is inside the guard, so the cell is a no-op outside Colab
    pip_line = next(line for line in src.splitlines() if "%pip" in line)
    assert pip_line.startswith((" ", "\t"))


def test_one_parameters_cell_from_the_profile(notebook):
    _, nb = notebook
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert "get_profile(" in params[0].source


def test_imports_come_from_gancourse_and_never_tf_keras(notebook):
    path, nb = notebook
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "tf.keras" not in text and "from tensorflow import keras" not in text, path.name
    assert "import gancourse" in text or "from gancourse" in text


def test_has_assertions(notebook):
    _, nb = notebook
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert len(re.findall(r"\bassert\b|assert_allclose|assert_array", text)) >= 3


def test_chinese_key_terms_present(notebook):
    _, nb = notebook
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert CJK.search(text), "key terms should also be given in Chinese"


def test_stable_cell_ids(notebook):
    _, nb = notebook
    ids = [c.get("id") for c in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids)


def test_stored_with_trailing_newline_and_sorted_keys(notebook):
    path, nb = notebook
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert json.loads(text)["nbformat"] == 4
