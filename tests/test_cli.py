"""python -m gancourse: data and run."""

import json
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

from gancourse import cli
from gancourse.classroom import execute

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _cli(*args, env=None, cwd=ROOT, timeout=600):
    return subprocess.run([sys.executable, "-m", "gancourse", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_data_lists_every_dataset_from_mini():
    env = {k: v for k, v in os.environ.items() if k != "GANCOURSE_DATA"}
    out = _cli("data", env=env)
    assert out.returncode == 0, out.stderr
    lines = [l for l in out.stdout.splitlines() if " mini " in l]
    assert {l.split()[0] for l in lines} == {"mnist", "fashion_mnist", "faces"}
    assert all("ok (sha256 verified)" in l for l in lines)


@pytest.mark.skipif(not os.environ.get("GANCOURSE_DATA"), reason="needs GANCOURSE_DATA")
def test_data_finds_full_sets_in_gancourse_data():
    out = _cli("data")
    rows = [l for l in out.stdout.splitlines() if "GANCOURSE_DATA " in l]
    assert len(rows) == 3 and all("ok (sha256 verified)" in r for r in rows), out.stdout


def test_data_exits_non_zero_on_a_bad_checksum(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"broken")
    out = _cli("data", env={**os.environ, "GANCOURSE_DATA": str(tmp_path)})
    assert out.returncode == 1 and "CHECKSUM MISMATCH" in out.stdout
    assert (tmp_path / "mnist.npz").read_bytes() == b"broken"


def test_resolve_notebook_by_stem_number_and_path():
    assert execute.resolve_notebook("00_start_here").name == "00_start_here.ipynb"
    assert execute.resolve_notebook("0").name == "00_start_here.ipynb"
    path = ROOT / "notebooks" / "00_start_here.ipynb"
    assert execute.resolve_notebook(str(path)) == path
    with pytest.raises(FileNotFoundError, match="chapters: 00_start_here"):
        execute.resolve_notebook("99_nothing")


def test_run_writes_executed_copy_and_html(tmp_path):
    out = _cli("run", "00_start_here", "--profile", "smoke", "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    executed = nbformat.read(tmp_path / "00_start_here.ipynb", as_version=4)
    assert any(c.get("outputs") for c in executed.cells if c.cell_type == "code")
    assert (tmp_path / "00_start_here.html").read_text().lstrip().startswith("<!DOCTYPE html>")


def test_run_exits_non_zero_when_a_cell_fails(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('boom')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    out = _cli("run", str(path), "--out", str(tmp_path / "build"))
    assert out.returncode == 1
    assert "FAILED" in out.stdout and "boom" in out.stdout
    assert (tmp_path / "build" / "broken.html").is_file()  # written even on failure


def test_unknown_profile_and_unknown_names_are_errors():
    out = _cli("run", "00_start_here", "--profile", "laptop")
    assert out.returncode == 2 and "invalid choice" in out.stderr
    out = _cli("evaluate", "no-such-model")
    assert out.returncode == 2 and "invalid choice: 'no-such-model'" in out.stderr


def test_registries_point_at_real_functions():
    from gancourse.cli.benchmarks import BENCHMARKS
    from gancourse.cli.evaluations import EVALUATIONS
    from gancourse.cli.pretraining import PRETRAINERS

    # the registries now hold the handlers themselves (no more "module:function" strings)
    for registry in (EVALUATIONS, PRETRAINERS, BENCHMARKS):
        for name, handler in registry.items():
            assert callable(handler), name
    for module in cli.COMMAND_MODULES:  # was cli.EXTENSIONS: every command module adds its commands
        assert callable(module.add_commands)
