"""Grading runs untrusted code: the working folder, the environment and the time limits that contain it.

Every submission is built from the fixture ``tests/fixtures/exercise_demo.ipynb``
(two exercises, 2 + 3 points) as in ``test_classroom.py``: its student
version, the answers put back, and one cell a hostile or careless learner
added. Each grading test starts one kernel (about 10 to 20 s on two cores).
"""

import json
import os
import pathlib
import subprocess
import sys
import time

import nbformat
import pytest

from gancourse import cli
from gancourse.classroom import execute, grader, markup
from gancourse.classroom import student as students
from gancourse.data.datasets import cache_dir

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "exercise_demo.ipynb"
SECRET = "GANCOURSE_TEST_TEACHER_SECRET"


def cell_with(nb, grade_id):
    return next(c for c in nb.cells if (c.metadata.get("nbgrader") or {}).get("grade_id") == grade_id)


def submission(folder, *extra, sigmoid=None, name="exercise_demo.ipynb", first=False):
    """The fixture's student version with both answers filled in, and ``extra`` cells added after the first code cell.

    ``sigmoid`` replaces the learner's sigmoid cell; ``first`` puts the extra cells before every other
    cell. Returns ``(path, index of the first extra cell)``.
    """
    demo = markup.read_notebook(FIXTURE)
    nb = students.make_student_notebook(demo)
    for grade_id in ("sigmoid", "kl"):
        cell_with(nb, grade_id).source = cell_with(demo, grade_id).source
    if sigmoid:
        cell_with(nb, "sigmoid").source = sigmoid
    at = 0 if first else next(i for i, c in enumerate(nb.cells) if c.cell_type == "code") + 1
    for k, source in enumerate(extra):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"extra-{k}"
        nb.cells.insert(at + k, cell)
    return markup.write_notebook(nb, pathlib.Path(folder) / name), at


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def tree(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in pathlib.Path(folder).rglob("*"))


# --------------------------------------------------------------------------- the working folder


def test_submission_writes_land_in_a_temporary_folder_that_is_removed(tmp_path, monkeypatch):
    course, subs, teacher_cwd, teacher_home = (tmp_path / d for d in ("course", "subs", "cwd", "home"))
    for folder in (course, subs, teacher_cwd, teacher_home):
        folder.mkdir()
    source = course / FIXTURE.name
    source.write_bytes(FIXTURE.read_bytes())
    path, at = submission(subs, (
        "import os, pathlib, tempfile\n"
        "pathlib.Path('planted.txt').write_text('next to the sources?')\n"
        "pathlib.Path(os.environ['HOME'], 'planted_home.txt').write_text('in the home folder?')\n"
        "pathlib.Path(tempfile.gettempdir(), 'planted_tmp.txt').write_text('in the temporary folder?')\n"
        "print('CWD', os.getcwd())\nprint('HOME', os.environ['HOME'])\nprint('TMP', tempfile.gettempdir())"))
    monkeypatch.chdir(teacher_cwd)
    monkeypatch.setenv("HOME", str(teacher_home))
    before = {folder: tree(folder) for folder in (course, subs, teacher_cwd)}

    report = grader.grade_notebook(path, source, timeout=120)

    assert (report.earned, report.possible, report.other_errors, report.stopped) == (5.0, 5.0, [], "")
    seen = dict(line.split(" ", 1) for line in printed(report.executed.cells[at]).splitlines())
    work, home, tmp = (pathlib.Path(seen[k]) for k in ("CWD", "HOME", "TMP"))
    for folder in (course, subs, teacher_cwd):  # nothing written next to the sources, the submission, the grader
        assert tree(folder) == before[folder], folder
        assert not work.is_relative_to(folder.resolve())
    assert not list(teacher_home.rglob("planted*")), "the kernel's HOME was the teacher's"
    assert home != teacher_home and home.parent == work.parent == tmp.parent  # one temporary folder ...
    assert not work.parent.exists()  # ... removed after grading, with what the submission wrote there


def test_files_a_notebook_reads_are_copied_into_the_working_folder(tmp_path):
    (tmp_path / "table.csv").write_text("1,2,3\n")
    path, at = submission(tmp_path, "print(open('table.csv').read().strip())")
    report = grader.grade_notebook(path, FIXTURE, files=[tmp_path / "table.csv"])
    assert printed(report.executed.cells[at]).strip() == "1,2,3" and report.other_errors == []
    assert (tmp_path / "table.csv").read_text() == "1,2,3\n"


# --------------------------------------------------------------------------- the environment


def test_kernel_environment_is_an_allow_list():
    teacher = {"PATH": "/usr/bin", "HOME": "/home/teacher", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
               "GANCOURSE_DATA": "/data", "CUDA_VISIBLE_DEVICES": "0", "KERAS_BACKEND": "tensorflow",
               SECRET: "hunter2", "AWS_SECRET_ACCESS_KEY": "x", "GITHUB_TOKEN": "y", "SSH_AUTH_SOCK": "/tmp/a",
               "PYTHONSTARTUP": "/home/teacher/evil.py", "JUPYTER_CONFIG_DIR": "/home/teacher/.jupyter"}
    env = execute.kernel_environment("/tmp/g/home", "/tmp/g/tmp", base=teacher)
    for name in ("PATH", "LANG", "LC_ALL", "GANCOURSE_DATA", "CUDA_VISIBLE_DEVICES", "KERAS_BACKEND"):
        assert env[name] == teacher[name]
    for name in (SECRET, "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "SSH_AUTH_SOCK", "PYTHONSTARTUP",
                 "JUPYTER_CONFIG_DIR"):
        assert name not in env
    assert (env["HOME"], env["TMPDIR"]) == ("/tmp/g/home", "/tmp/g/tmp")
    extra = set(env) - set(execute.KERNEL_ENV_NAMES) - {k for k in env if k.startswith("LC_")}
    assert extra <= {"HOME", "USERPROFILE", "TMPDIR", "TEMP", "TMP"}
    assert env["GANCOURSE_CACHE"] == str(cache_dir().parent)  # what was downloaded is still found
    assert env["PYTHONUSERBASE"]  # packages installed with pip --user under the real home stay importable
    # the kernel imports this gancourse even from a checkout that is not installed (it runs outside it)
    assert str(ROOT) in env["PYTHONPATH"].split(os.pathsep)
    env = execute.kernel_environment("/tmp/g/home", base={**teacher, "PYTHONPATH": "/opt/extra"})
    assert env["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "/opt/extra"]


def test_grade_command_hides_the_teachers_environment(tmp_path):
    """A submission that prints the environment sees no secret; the kernel still starts and imports gancourse.

    Graded with the command, in a teacher's environment with an empty HOME and
    a secret, next to a second submission that is not a notebook.
    """
    teacher_home, chapters = tmp_path / "home", tmp_path / "notebooks"
    teacher_home.mkdir()  # empty: kernel discovery must not depend on the teacher's ~/.local
    chapters.mkdir()
    (chapters / "01_demo.ipynb").write_bytes(FIXTURE.read_bytes())
    path, at = submission(tmp_path, (
        "import os, json\n"
        f"print(json.dumps({{'secret': os.environ.get({SECRET!r}), 'names': sorted(os.environ),\n"
        "                   'profile': os.environ.get('GANCOURSE_PROFILE'), 'data': os.environ.get('GANCOURSE_DATA'),\n"
        "                   'home': os.environ['HOME']}))"), name="01_demo-ana.ipynb")
    bob = tmp_path / "01_demo-bob.ipynb"
    bob.write_text("{}")
    env = {"PATH": os.environ["PATH"], "HOME": str(teacher_home), "PYTHONPATH": str(ROOT),
           "GANCOURSE_DATA": str(tmp_path / "data"), SECRET: "hunter2", "LANG": "C.UTF-8"}
    out = subprocess.run([sys.executable, "-m", "gancourse", "grade", str(path), str(bob), "--notebooks", str(chapters),
                          "--json", "--executed", str(tmp_path / "graded")],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300, check=False)
    assert out.returncode == 2, out.stderr  # bob's file is not a notebook: one line, and ana's is still graded
    assert [line for line in out.stderr.splitlines() if line.startswith("error")] == [
        f"error: {bob}: {bob} is not a Jupyter notebook (JSON without the 'nbformat' and 'cells' keys)"]
    assert "hunter2" not in out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert (report["earned"], report["possible"], report["other_errors"]) == (5.0, 5.0, [])
    executed = nbformat.read(tmp_path / "graded" / "01_demo-ana.ipynb", as_version=4)
    seen = json.loads(printed(executed.cells[at]))
    assert seen["secret"] is None and SECRET not in seen["names"]
    assert (seen["profile"], seen["data"]) == ("smoke", str(tmp_path / "data"))
    assert seen["home"] != str(teacher_home)
    assert set(seen["names"]) - set(execute.KERNEL_ENV_NAMES) - {"HOME", "USERPROFILE", "TMPDIR", "TEMP", "TMP"} <= {
        # set by the kernel itself (ipykernel, jupyter_client), not passed on from the teacher
        "JPY_PARENT_PID", "JPY_SESSION_NAME", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "PAGER", "GIT_PAGER",
        "TERM", "PYDEVD_USE_FRAME_EVAL", "GRPC_VERBOSITY", "PYTHONEXECUTABLE"}


# --------------------------------------------------------------------------- time limits


def test_endless_loop_in_a_learners_function_is_interrupted_and_reported(tmp_path):
    loop = "def sigmoid(x):\n    while True:\n        pass"
    path, _ = submission(tmp_path, sigmoid=loop)
    start = time.monotonic()
    report = grader.grade_notebook(path, FIXTURE, timeout=3)
    assert time.monotonic() - start < 60
    rows = {r.grade_id: r for r in report.rows}
    assert (rows["sigmoid_test"].status, rows["sigmoid_test"].earned) == ("failed", 0.0)
    assert rows["sigmoid_test"].detail == (
        "TimeLimit: this cell ran past the per-cell time limit (3 s) and was interrupted")
    assert (rows["kl_test"].status, rows["kl_test"].earned) == ("passed", 3.0)  # the next cells still ran
    assert report.stopped == ""
    line = next(l for l in report.format_table().splitlines() if l.startswith("sigmoid_test"))
    assert line.split()[:6] == ["sigmoid_test", "0", "/", "2", "failed:", "TimeLimit:"]


def test_a_loop_that_ignores_the_interrupt_stops_the_kernel(tmp_path):
    stubborn = ("import time\nwhile True:\n    try:\n        time.sleep(0.5)\n"
                "    except KeyboardInterrupt:\n        pass")
    path, at = submission(tmp_path, stubborn)
    start = time.monotonic()
    report = grader.grade_notebook(path, FIXTURE, timeout=3)
    assert time.monotonic() - start < 60  # interrupt after 3 s, stop 3 s later
    detail = f"the kernel was stopped: cell {at} (extra-0) ignored the interrupt at the per-cell time limit"
    assert [(r.status, r.detail) for r in report.rows] == [("not run", detail)] * 2
    assert report.stopped.startswith(f"cell {at} (extra-0): this cell ran past the per-cell time limit (3 s) and "
                                     "ignored the interrupt")
    assert f"execution stopped: cell {at} (extra-0)" in report.format_table()


def test_notebook_time_limit_scores_the_rest_not_run(tmp_path):
    path, at = submission(tmp_path, "import time\ntime.sleep(120)", first=True)  # the limit starts with it
    start = time.monotonic()
    report = grader.grade_notebook(path, FIXTURE, timeout=60, notebook_timeout=4)
    assert time.monotonic() - start < 60
    assert [(r.status, r.detail, r.earned) for r in report.rows] == [("not run", "notebook time limit", 0.0)] * 2
    limit = ("the notebook ran past its time limit (4 s) in this cell; it was stopped and the cells after it "
             "were not run")
    assert report.stopped == f"cell {at} (extra-0): {limit}"
    assert report.other_errors == [(at, "extra-0", f"TimeLimit: {limit}")]
    line = next(l for l in report.format_table().splitlines() if l.startswith("sigmoid_test"))
    assert line.split() == ["sigmoid_test", "0", "/", "2", "not", "run:", "notebook", "time", "limit"]
    assert report.as_dict()["stopped"] == report.stopped


def test_run_stops_at_the_first_cell_past_its_limit_and_names_it(tmp_path, capsys):
    """``run`` shares the executor: a cell past ``--timeout`` fails the run, named with the limit."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("import time\ntime.sleep(60)"),
                nbformat.v4.new_code_cell("print('after')")]
    nbformat.write(nb, tmp_path / "slow.ipynb")
    start = time.monotonic()
    assert cli.main(["run", str(tmp_path / "slow.ipynb"), "--out", str(tmp_path / "build"), "--timeout", "2"]) == 1
    assert time.monotonic() - start < 45
    assert "slow: FAILED: cell 1: this cell ran past the per-cell time limit (2 s)" in capsys.readouterr().out
    executed = nbformat.read(tmp_path / "build" / "slow.ipynb", as_version=4)
    assert executed.cells[2].execution_count is None  # the run stopped there


# --------------------------------------------------------------------------- files that are not notebooks


@pytest.mark.parametrize("text", ["{}", "", "[1, 2]", "not json", '{"nbformat": 4, "cells": "no"}'])
@pytest.mark.parametrize("command", ["grade", "run"])
def test_a_file_that_is_not_a_notebook_is_one_line_and_exit_2(tmp_path, capsys, command, text):
    path = tmp_path / "01_demo.ipynb"
    path.write_text(text)
    extra = ["--source", str(FIXTURE)] if command == "grade" else ["--out", str(tmp_path / "build")]
    assert cli.main([command, str(path), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {path} is not a Jupyter notebook (")
    assert "Traceback" not in err


def test_a_source_that_is_not_a_notebook_is_named(tmp_path, capsys):
    (tmp_path / "source.ipynb").write_text("{}")
    path, _ = submission(tmp_path)
    assert cli.main(["grade", str(path), "--source", str(tmp_path / "source.ipynb")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'source.ipynb'} is not a Jupyter notebook " \
                                      "(JSON without the 'nbformat' and 'cells' keys)\n"


@pytest.mark.parametrize("command", [["exercises"], ["student", "--out", "OUT"], ["grade", "x.ipynb"]])
def test_notebooks_folder_that_does_not_exist_is_an_error(tmp_path, capsys, command):
    command = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    assert cli.main([*command, "--notebooks", str(tmp_path / "nonexistent")]) == 2
    assert capsys.readouterr().err == f"error: --notebooks {tmp_path / 'nonexistent'}: no such folder\n"
    assert cli.main([*command, "--notebooks", str(tmp_path)]) == 2  # a folder without chapters
    assert "no chapter notebooks (NN_name.ipynb)" in capsys.readouterr().err
