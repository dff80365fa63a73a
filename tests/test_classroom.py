"""gancourse.classroom on the fixture notebook: markup validation, student versions, grading.

The fixture ``tests/fixtures/exercise_demo.ipynb`` has two exercises (2 and 3
points) that need no training, so the grading tests start a kernel but stay
fast (about 10 s each). The chapter notebooks are covered by
``test_classroom_chapters.py``.
"""

import copy
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

from gancourse import cli
from gancourse.classroom import exercise_table as tables
from gancourse.classroom import grader, markup
from gancourse.classroom import student as students
from gancourse.classroom.markup import MarkupError

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "exercise_demo.ipynb"
DELIMITERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@pytest.fixture
def demo():
    return markup.read_notebook(FIXTURE)


def cell_with(nb, grade_id):
    return next(c for c in nb.cells if (c.metadata.get("nbgrader") or {}).get("grade_id") == grade_id)


def solution_meta(grade_id="ex"):
    return {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                         "solution": True, "task": False}}


def grade_meta(grade_id="ex_test", points=1):
    return {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                         "schema_version": 3, "solution": False, "task": False}}


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for i, (source, metadata) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source, metadata=metadata)
        cell.id = f"c{i}"
        nb.cells.append(cell)
    return nb


GOOD_SOLUTION = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"
GOOD_TEST = "r = check(f)\n### BEGIN HIDDEN TESTS\nassert r.passed\n### END HIDDEN TESTS"


# --------------------------------------------------------------------------- markup


def test_exercises_lists_the_graded_cells(demo):
    cells = markup.exercises(demo)
    assert [(c.grade_id, c.kind, c.points) for c in cells] == [
        ("sigmoid", "solution", 0.0), ("sigmoid_test", "test", 2.0),
        ("kl", "solution", 0.0), ("kl_test", "test", 3.0)]
    assert [c.cell_id for c in cells] == [demo.cells[c.index].id for c in cells]
    assert markup.total_points(demo) == 5.0


def test_well_formed_minimal_notebook_passes():
    nb = notebook((GOOD_SOLUTION, solution_meta()), (GOOD_TEST, grade_meta()))
    assert [c.kind for c in markup.exercises(nb)] == ["solution", "test"]


@pytest.mark.parametrize("cells, message", [
    ([("def f():\n    ### BEGIN SOLUTION\n    return 1", solution_meta())], "never closed"),
    ([("def f():\n    return 1\n    ### END SOLUTION", solution_meta())], "without a '### BEGIN SOLUTION'"),
    ([("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION", solution_meta())],
     "can't nest"),
    ([("def f():\n    ## BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", solution_meta())],
     "should read exactly '### BEGIN SOLUTION'"),
    ([("def f():\n    ### BEGIN SOLUTION\n    return \"END SOLUTION\"\n    ### END SOLUTION", solution_meta())],
     "treats every line containing 'END SOLUTION'"),
    ([(GOOD_SOLUTION, {})], "no metadata.nbgrader"),
    ([(GOOD_TEST, {})], "hidden-tests region but no metadata.nbgrader"),
    ([("def f(x):\n    return x", solution_meta())], "has no '### BEGIN SOLUTION'"),
    ([("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", solution_meta())], "top level"),
    ([(GOOD_SOLUTION, solution_meta("a")), (GOOD_TEST, grade_meta("a"))], "used twice"),
    ([(GOOD_TEST, {"nbgrader": {"grade": True, "grade_id": "t", "solution": False}})], "no metadata.nbgrader.points"),
    ([(GOOD_TEST, grade_meta(points=-1))], "points must be a number >= 0"),
    ([(GOOD_TEST, grade_meta(grade_id="has space"))], "grade_id must be"),
    ([(GOOD_SOLUTION, {"nbgrader": {**solution_meta()["nbgrader"], "locked": True}})], "is locked"),
    ([(GOOD_SOLUTION, {"nbgrader": {**solution_meta()["nbgrader"], "solution": "yes"}})], "true or false"),
    ([(GOOD_SOLUTION, grade_meta())], "not a solution cell"),
    ([(GOOD_SOLUTION + "\n" + GOOD_TEST, solution_meta())], "not a test cell"),
    ([(GOOD_TEST, {"nbgrader": {"grade": False, "grade_id": "r", "locked": True, "solution": False}})],
     "not a test cell"),
])
def test_malformed_markup_is_named(cells, message):
    with pytest.raises(MarkupError, match=message) as info:
        markup.exercises(notebook(*cells), "demo.ipynb")
    assert "demo.ipynb: cell " in str(info.value)  # names the notebook and the cell


def test_markup_error_is_a_value_error_for_the_command_line():
    assert issubclass(MarkupError, ValueError)  # cli.main prints "error: ..." and exits 2


# --------------------------------------------------------------------------- student versions


def test_student_version_replaces_solutions_and_drops_hidden_tests(demo):
    original = copy.deepcopy(demo)
    student = students.make_student_notebook(demo)
    assert demo == original  # the source is not changed
    assert len(student.cells) == len(demo.cells)
    sigmoid = cell_with(student, "sigmoid").source
    assert sigmoid.splitlines() == [
        "def sigmoid(x):",
        '    """σ(x) = 1 / (1 + exp(-x)), element-wise (equation 1)."""',
        "    # YOUR CODE HERE",
        "    raise NotImplementedError()",
    ]
    test = cell_with(student, "sigmoid_test").source
    assert "check_function" in test and "assert result_sigmoid.passed" not in test
    assert test == cell_with(demo, "sigmoid_test").source.split("\n### BEGIN HIDDEN TESTS")[0]
    text = "\n".join(c.source for c in student.cells)
    assert not any(d in text for d in DELIMITERS)
    assert "np.log(p[support] / q[support])" not in text  # the solution's text is gone
    for before, after in zip(demo.cells, student.cells):
        assert (after.id, after.cell_type, after.metadata) == (before.id, before.cell_type, before.metadata)
        if not before.metadata.get("nbgrader"):
            assert after.source == before.source


def test_markdown_solution_cell_gets_the_text_stub():
    nb = notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("My answer: 42", metadata={"nbgrader": {
        "grade": True, "grade_id": "essay", "locked": False, "points": 2, "schema_version": 3,
        "solution": True, "task": False}}))
    student = students.make_student_notebook(nb)
    assert student.cells[0].source == markup.TEXT_STUB
    assert [(c.kind, c.points) for c in markup.exercises(nb)] == [("manual", 2.0)]


def test_student_region_keeps_deeper_indentation():
    nb = notebook(("class A:\n    def f(self):\n        ### BEGIN SOLUTION\n        return 1\n"
                   "        ### END SOLUTION\n    g = 2", solution_meta()))
    assert students.make_student_notebook(nb).cells[0].source == (
        "class A:\n    def f(self):\n        # YOUR CODE HERE\n        raise NotImplementedError()\n    g = 2")


def test_student_files_are_byte_identical_across_runs(tmp_path):
    a = students.write_student_versions(tmp_path / "a", FIXTURE)
    b = students.write_student_versions(tmp_path / "b", FIXTURE)
    assert a[0].name == FIXTURE.name and a[0].read_bytes() == b[0].read_bytes()
    nbformat.validate(nbformat.read(a[0], as_version=4))


def test_student_command_writes_every_chapter(tmp_path, capsys):
    assert cli.main(["student", "--out", str(tmp_path)]) == 0
    chapters = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in tmp_path.iterdir()) == chapters
    assert "student notebook" in capsys.readouterr().out


def test_student_command_one_chapter_and_unknown_chapter(tmp_path, capsys):
    assert cli.main(["student", "--out", str(tmp_path), "--chapter", "0"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["00_start_here.ipynb"]
    assert cli.main(["student", "--out", str(tmp_path), "--chapter", "99"]) == 2
    assert "no notebook '99'" in capsys.readouterr().err


# --------------------------------------------------------------------------- restoring tests and scoring


def test_restore_tests_overwrites_edits_and_puts_back_deleted_cells(demo):
    submission = students.make_student_notebook(demo)
    cell_with(submission, "sigmoid_test").source = "result_sigmoid = checks.CheckResult('x', 'passed')"
    kl_test_id = cell_with(submission, "kl_test").id
    submission.cells = [c for c in submission.cells if c.id != kl_test_id]
    restored, ids = grader.restore_tests(submission, demo)
    assert ids == ["kl_test"]
    assert cell_with(restored, "sigmoid_test").source == cell_with(demo, "sigmoid_test").source
    assert [c.id for c in restored.cells] == [c.id for c in demo.cells]  # back in its place


def _executed(source, outputs, count=1):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs, cell.execution_count = outputs, count
    return cell


def test_score_executed_reads_each_test_cell(demo):
    error = lambda ename, evalue: nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])  # noqa: E731
    printed = lambda text: nbformat.v4.new_output("stream", name="stdout", text=text)  # noqa: E731
    nb = copy.deepcopy(demo)
    cell_with(nb, "sigmoid_test").update(outputs=[error("CheckFailure", "✗ check_sigmoid: differs\n  more")],
                                         execution_count=5)
    cell_with(nb, "kl_test").update(outputs=[printed("… check_kl_divergence: not implemented yet\n"),
                                             error("AssertionError", "")], execution_count=9)
    nb.cells[1].update(outputs=[error("ValueError", "bad")], execution_count=1)
    rows, other = grader.score_executed(nb, demo)
    assert [(r.grade_id, r.earned, r.points, r.status, r.detail) for r in rows] == [
        ("sigmoid_test", 0.0, 2.0, "failed", "CheckFailure: ✗ check_sigmoid: differs"),
        ("kl_test", 0.0, 3.0, "not implemented", "")]
    assert other == [(1, nb.cells[1].id, "ValueError: bad")]
    for grade_id in ("sigmoid_test", "kl_test"):
        cell_with(nb, grade_id).update(outputs=[printed("✓ passed\n")])
    cell_with(nb, "kl_test").execution_count = None
    rows, _ = grader.score_executed(nb, demo)
    assert [(r.status, r.earned) for r in rows] == [("passed", 2.0), ("not run", 0.0)]


def test_find_source_by_name_and_by_chapter_number(tmp_path):
    (tmp_path / "03_gan_math.ipynb").write_text("{}")
    assert grader.find_source("x/03_gan_math.ipynb", tmp_path) == tmp_path / "03_gan_math.ipynb"
    assert grader.find_source("03_gan_math-li-wei.ipynb", tmp_path) == tmp_path / "03_gan_math.ipynb"
    with pytest.raises(FileNotFoundError, match="pass --source.*03_gan_math.ipynb"):
        grader.find_source("homework.ipynb", tmp_path)


def test_report_table_lists_points_and_total(demo):
    report = grader.GradeReport(pathlib.Path("s.ipynb"), FIXTURE, [
        grader.GradeRow("sigmoid_test", 2, 2, "passed"),
        grader.GradeRow("kl_test", 3, 0, "failed", "CheckFailure: differs")], [(6, "c6", "NameError: x")], [])
    table = report.format_table().splitlines()
    assert table[2].split() == ["sigmoid_test", "2", "/", "2", "passed"]
    assert table[3].split()[:5] == ["kl_test", "0", "/", "3", "failed:"]
    assert table[4].split() == ["total", "2", "/", "5"]
    assert "error outside the tests, cell 6 (c6): NameError: x" in table[5]
    assert report.as_dict()["earned"] == 2


# --------------------------------------------------------------------------- grading (starts a kernel)


def test_grade_command_gives_zero_to_the_stubs(tmp_path):
    student = students.write_student_versions(tmp_path, FIXTURE)[0]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "gancourse", "grade", str(student), "--source", str(FIXTURE)],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[2].split() == ["sigmoid_test", "0", "/", "2", "not", "implemented"]
    assert lines[3].split() == ["kl_test", "0", "/", "3", "not", "implemented"]
    assert lines[4].split() == ["total", "0", "/", "5"]
    assert len(lines) == 5  # no error outside the test cells: the student version runs end to end


def test_grade_gives_full_marks_to_the_solution():
    report = grader.grade_notebook(FIXTURE, FIXTURE)
    assert [(r.status, r.earned) for r in report.rows] == [("passed", 2.0), ("passed", 3.0)]
    assert (report.earned, report.possible, report.other_errors) == (5.0, 5.0, [])


def test_grade_restores_tests_and_explains_a_wrong_answer(tmp_path, demo):
    submission = students.make_student_notebook(demo)
    cell_with(submission, "sigmoid").source = "def sigmoid(x):\n    return 1.0 / (1.0 + np.exp(x))  # sign slip"
    cell_with(submission, "sigmoid_test").source = "result_sigmoid = checks.CheckResult('check_sigmoid', 'passed')"
    cell_with(submission, "kl").source = cell_with(demo, "kl").source  # right answer ...
    kl_test_id = cell_with(submission, "kl_test").id
    submission.cells = [c for c in submission.cells if c.id != kl_test_id]  # ... test cell deleted
    path = markup.write_notebook(submission, tmp_path / "exercise_demo.ipynb")

    report = grader.grade_notebook(path, FIXTURE)
    rows = {r.grade_id: r for r in report.rows}
    assert (rows["sigmoid_test"].status, rows["sigmoid_test"].earned) == ("failed", 0.0)
    assert rows["sigmoid_test"].detail.startswith("CheckFailure: ✗ check_sigmoid: your function's output differs")
    assert (rows["kl_test"].status, rows["kl_test"].earned) == ("passed", 3.0)
    assert report.restored == ["kl_test"] and report.earned == 2.0 + 3.0 - 2.0
    # the learner sees the whole explanation in the executed test cell
    error = next(o for o in cell_with(report.executed, "sigmoid_test").outputs if o.output_type == "error")
    assert "first difference at index (0, 0)" in error.evalue and "Hint: σ(x) = 1 / (1 + exp(-x))" in error.evalue
    # the cell after the exercise fell back to the reference, with a visible note
    pick_cell = next(c for c in report.executed.cells if "result_sigmoid.pick" in c.source)
    assert "using the reference implementation reference_sigmoid" in "".join(
        o.get("text", "") for o in pick_cell.outputs)
    assert report.other_errors == []


# --------------------------------------------------------------------------- the exercise table


def test_exercise_table_rows_come_from_the_notebooks(tmp_path):
    (tmp_path / "01_demo.ipynb").write_bytes(FIXTURE.read_bytes())
    rows = tables.exercise_rows(tmp_path)
    assert [(r["chapter"], r["grade_id"], r["points"], r["tests"]) for r in rows] == [
        ("01_demo", "sigmoid", 2.0, ["sigmoid_test"]), ("01_demo", "kl", 3.0, ["kl_test"])]
    assert rows[0]["checks"] == ["check_function"]
    assert rows[1]["statement"] == "Exercise 2 (3 points): KL divergence of two discrete distributions"
    table = tables.exercise_table(tmp_path).splitlines()
    assert table[2] == ("| `01_demo` | `sigmoid` | 2 | `check_function` | "
                        "Exercise 1 (2 points): the logistic sigmoid |")


def test_update_exercise_table_rewrites_only_between_the_markers(tmp_path, capsys):
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "01_demo.ipynb").write_bytes(FIXTURE.read_bytes())
    doc = tmp_path / "guide.md"
    doc.write_text(f"intro\n{tables.TABLE_BEGIN}\nold\n{tables.TABLE_END}\noutro\n")
    assert cli.main(["exercises", "--notebooks", str(tmp_path / "nbs"), "--write", str(doc)]) == 0
    text = doc.read_text()
    assert text.startswith("intro\n") and text.endswith(f"{tables.TABLE_END}\noutro\n") and "old" not in text
    assert "`sigmoid`" in text and not tables.update_exercise_table(doc, tmp_path / "nbs")
    doc.write_text("no markers")
    with pytest.raises(ValueError, match="marker"):
        tables.update_exercise_table(doc, tmp_path / "nbs")


def test_teachers_guide_lists_every_exercise():
    guide = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    table = guide.split(tables.TABLE_BEGIN)[1].split(tables.TABLE_END)[0]
    missing = [f"{r['chapter']}:{r['grade_id']}" for r in tables.exercise_rows(ROOT / "notebooks")
               if f"| `{r['chapter']}` | `{r['grade_id']}` |" not in table]
    assert not missing, (f"docs/teaching.md lacks exercises {missing}; run "
                         f"`python -m gancourse exercises --write docs/teaching.md`")


@pytest.mark.parametrize("first_cell, row_status, other", [
    ("import time\ntime.sleep(60)", "passed",                                    # interrupted, the rest runs
     [(0, "c0", "TimeLimit: this cell ran past the per-cell time limit (3 s) and was interrupted")]),
    ("import os\nos._exit(1)", "not run", []),                                    # the kernel died
])
def test_grader_survives_a_hanging_cell_and_a_dead_kernel(tmp_path, first_cell, row_status, other):
    nb = notebook((first_cell, {}), (GOOD_SOLUTION, solution_meta("f")),
                  ("assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 2\n### END HIDDEN TESTS",
                   grade_meta("f_test")))
    path = markup.write_notebook(nb, tmp_path / "t.ipynb")
    report = grader.grade_notebook(path, path, timeout=3)
    assert [r.status for r in report.rows] == [row_status]
    assert report.other_errors == other


def test_grader_and_checks_agree_on_the_stub_text():
    from gancourse.classroom.checks import core

    assert markup.NOT_IMPLEMENTED_TEXT == core.NOT_IMPLEMENTED_TEXT


def test_markdown_answer_regions_become_the_text_stub_and_stray_delimiters_are_errors():
    nb = notebook()
    meta = {"nbgrader": {"grade": True, "grade_id": "essay", "locked": False, "points": 1, "schema_version": 3,
                         "solution": True, "task": False}}
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "Why is JSD flat?\n### BEGIN SOLUTION\nDisjoint supports.\n### END SOLUTION", metadata=meta))
    assert students.make_student_notebook(nb).cells[0].source == "Why is JSD flat?\n" + markup.TEXT_STUB
    nb.cells[0].metadata = {}
    with pytest.raises(MarkupError, match="no metadata.nbgrader"):
        markup.exercises(nb)
