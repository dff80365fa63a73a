"""The course in a real browser: ``tools/browser_check.py`` (JupyterLab driven through Chromium).

The tests marked ``browser`` start JupyterLab and Chromium and take minutes, so the default test
command skips them. Run them after ``sudo apt-get install -y chromium && pip install playwright``:

    GANCOURSE_BROWSER=1 python -m pytest -q tests/test_browser.py -m browser

The first two work the script on two small notebooks made here: one whose controls all work, one
with a control that redraws nothing, a callback that raises and a cell that fails. They check
that the script passes what works and fails what does not. The third runs every chapter that
displays a widget. The notebook detection tests need no browser and always run.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "browser_check.py"
BROWSER_TESTS_ON = os.environ.get("GANCOURSE_BROWSER") == "1"


def browser(test):
    """Mark ``test`` with the ``browser`` marker and skip it unless GANCOURSE_BROWSER=1."""
    skip = pytest.mark.skipif(not BROWSER_TESTS_ON, reason="a real browser: set GANCOURSE_BROWSER=1 to run")
    return pytest.mark.browser(skip(test))


def load_script():
    spec = importlib.util.spec_from_file_location("browser_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook(path: pathlib.Path, *cells: str, markdown: str = "") -> pathlib.Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    nb.cells = ([nbformat.v4.new_markdown_cell(markdown)] if markdown else []) + [
        nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("code", [
    "import ipywidgets as widgets",
    "from ipywidgets import interact",
    "from gancourse.show import curves, widgets",
    "from gancourse.show.widgets import LatentWalk",
    "gancourse.show.widgets.latent_walk(G, z0, z1)",
])
def test_widget_code_is_detected(tmp_path, code):
    assert load_script().uses_widgets(notebook(tmp_path / "a.ipynb", code))


@pytest.mark.parametrize("code, markdown", [
    ("from gancourse.show.images import animate_grids", ""),   # an animation, not an ipywidgets control
    ("mywidgets = 3", ""),
    ("x = 1", "Move the slider (ipywidgets) below."),             # Markdown does not count
])
def test_other_code_is_not_detected(tmp_path, code, markdown):
    assert not load_script().uses_widgets(notebook(tmp_path / "a.ipynb", code, markdown=markdown))


def test_chapter_5_is_among_the_widget_chapters():
    names = [p.name for p in load_script().select_notebooks([])]
    assert "05_dcgan.ipynb" in names and "04_first_gan.ipynb" not in names


GOOD = [
    """import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from gancourse.show.images import animate_grids""",
    """slider = widgets.FloatSlider(min=0.0, max=1.0, step=0.05, description="t", continuous_update=False)
out = widgets.Output()
def draw(change=None):
    with out:
        out.clear_output(wait=True)
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.imshow(np.full((4, 4), slider.value), vmin=0, vmax=1)
        display(fig)
        plt.close(fig)
slider.observe(draw, names="value")
draw()
widgets.VBox([slider, out])""",
    """widgets.interact(lambda letter: print("chose", letter), letter=["a", "b", "c"])""",
    """button, said = widgets.Button(description="again"), widgets.Output()
def on_click(_):
    with said:
        print("clicked")
button.on_click(on_click)
widgets.VBox([button, said])""",
    """play, frame = widgets.Play(min=0, max=5, interval=300), widgets.IntSlider(min=0, max=5, description="frame")
widgets.jslink((play, "value"), (frame, "value"))
widgets.VBox([widgets.HBox([play, frame]), widgets.interactive_output(lambda i: print("frame", i), {"i": frame})])""",
    """animate_grids([np.full((2, 4, 4, 1), v) for v in (-1.0, 0.0, 1.0)], titles=["a", "b", "c"])""",
    """widgets.interact(lambda n: print("n =", n), n=widgets.BoundedIntText(value=3, max=3, description="n"))""",
]

BAD = [
    "import ipywidgets as widgets",
    """dead, dead_out = widgets.IntSlider(description="dead"), widgets.Output()
with dead_out:
    print("drawn once, never again")
widgets.VBox([dead, dead_out])""",
    """boom, boom_out = widgets.Dropdown(options=["x", "y"], description="boom"), widgets.Output()
def explode(change):
    raise RuntimeError("the callback broke")
boom.observe(explode, names="value")
with boom_out:
    print("drawn once")
widgets.VBox([boom, boom_out])""",
    'raise ValueError("a cell that fails")',
]


def run_script(*args, timeout):
    done = subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], check=False, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    good, bad = notebook(folder / "widgets_good.ipynb", *GOOD), notebook(folder / "widgets_bad.ipynb", *BAD)
    return run_script(good, bad, "--widget-timeout", 30, timeout=900)


def result_line(output: str, prefix: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith((f"PASS {prefix}", f"FAIL {prefix}"))]
    assert len(lines) == 1, f"expected one line for {prefix!r}:\n{output}"
    return lines[0]


@pytest.mark.parametrize("prefix", [
    "widgets_good:", "widgets_good cell 1 slider", "widgets_good cell 2 dropdown", "widgets_good cell 3 button",
    "widgets_good cell 4 slider", "widgets_good cell 4 play", "widgets_good cell 5 animation next frame",
    "widgets_good cell 5 animation play", "widgets_good cell 6 text"])
@browser
def test_each_kind_of_working_control_passes(fixture_run, prefix):
    assert result_line(fixture_run[1], prefix).startswith("PASS")


@pytest.mark.parametrize("prefix, reason", [
    ("widgets_bad:", "cell 3: ValueError: a cell that fails"),
    ("widgets_bad cell 1 slider", "output unchanged"),
    ("widgets_bad cell 2 dropdown", "RuntimeError: the callback broke"),
])
@browser
def test_each_failure_is_reported(fixture_run, prefix, reason):
    line = result_line(fixture_run[1], prefix)
    assert line.startswith("FAIL") and reason in line, line
    assert fixture_run[0] == 1, fixture_run[1]


@browser
def test_every_widget_chapter_works_in_the_browser():
    returncode, output = run_script(timeout=3600)
    assert returncode == 0 and "FAIL" not in output, output
    for path in load_script().select_notebooks([]):
        assert result_line(output, f"{path.stem}:").startswith("PASS"), output
        assert f"PASS {path.stem} cell" in output, f"{path.stem}: no control was worked\n{output}"
