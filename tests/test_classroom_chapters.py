"""Every chapter notebook works as an assignment: valid markup, clean student version, zero for the stubs.

Parametrised over the chapter notebooks that exist, so a new chapter is
covered as soon as it lands in ``notebooks/``. Cost: the structure tests
read JSON only; ``test_student_version_runs_and_scores_zero`` executes each
chapter's student version ONCE, through the grader (hidden tests restored),
in the smoke profile: about one smoke run of the chapter plus a kernel start.

Why one execution is enough:

* the solution notebooks are executed by nbval (the README's test command)
  with their hidden tests inside; every hidden region asserts
  ``result_<id>.passed`` (checked below), so nbval passing means the
  solutions get full marks (the grader's own full-marks path is tested on
  the fixture in ``test_classroom.py``);
* under the grader, the visible part of each test cell runs exactly as in
  the learner's student notebook (hidden regions close their cells, checked
  below), so "no error outside the test cells, every check printed 'not
  implemented yet'" is "the student version runs end to end";
* and the same run shows that the stubs score 0.
"""

import ast
import importlib
import inspect
import pathlib
import re

import pytest

from gancourse.classroom import grader, markup
from gancourse.classroom import student as students
from gancourse.classroom.checks import core

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _has_exercises(path: pathlib.Path) -> bool:
    nb = markup.read_notebook(path)
    return any((c.metadata.get("nbgrader") or {}).get("grade") for c in nb.cells)


WITH_EXERCISES = [p for p in CHAPTERS if _has_exercises(p)]
WITHOUT_EXERCISES = [p for p in CHAPTERS if p not in WITH_EXERCISES]
ids = lambda paths: [p.stem for p in paths]  # noqa: E731


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader") or {}


def _strip_region_lines(source: str, begin: str, end: str) -> list[str]:
    out, inside = [], False
    for line in source.split("\n"):
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif not inside:
            out.append(line)
    return out


def _region_bodies(source: str, begin: str, end: str) -> list[list[str]]:
    bodies, current = [], None
    for line in source.split("\n"):
        if line.strip() == begin:
            current = []
        elif line.strip() == end:
            bodies.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return bodies


# --------------------------------------------------------------------------- structure (fast)


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_exercise_markup_is_valid(path):
    markup.exercises(markup.read_notebook(path), path.name)  # raises MarkupError with the cell


@pytest.mark.parametrize("path", WITHOUT_EXERCISES, ids=ids(WITHOUT_EXERCISES))
def test_chapter_without_exercises_is_its_own_student_version(path):
    student = students.make_student_notebook(markup.read_notebook(path))
    assert markup.notebook_text(student) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=ids(WITH_EXERCISES))
def test_student_version_has_no_answers_and_keeps_everything_else(path):
    source = markup.read_notebook(path)
    student = students.make_student_notebook(source, path.name)
    assert len(student.cells) == len(source.cells)
    for s, c in zip(source.cells, student.cells):
        assert (c.get("id"), c.cell_type, c.metadata) == (s.get("id"), s.cell_type, s.metadata)
        meta = _nbgrader(s)
        if not meta.get("solution") and not meta.get("grade"):
            assert c.source == s.source, f"{path.name}: cell {s.get('id')} changed"
            continue
        assert not any(d in c.source for d in (markup.BEGIN_SOLUTION, markup.END_SOLUTION,
                                               markup.BEGIN_HIDDEN_TESTS, markup.END_HIDDEN_TESTS))
        if meta.get("solution") and s.cell_type == "code":
            bodies = _region_bodies(s.source, markup.BEGIN_SOLUTION, markup.END_SOLUTION)
            for body in bodies:
                answer = "\n".join(line for line in body if line.strip())
                assert answer not in c.source, f"{path.name}: the answer of {meta['grade_id']} is still there"
            # the lines around the regions are untouched, and each region became the stub at its indentation
            kept = [line for line in c.source.split("\n") if line.strip() not in markup.CODE_STUB]
            assert kept == _strip_region_lines(s.source, markup.BEGIN_SOLUTION, markup.END_SOLUTION)
            begins = [line for line in s.source.split("\n") if line.strip() == markup.BEGIN_SOLUTION]
            stubs = [line for line in c.source.split("\n") if line.strip() == markup.CODE_STUB[1]]
            assert [b[: len(b) - len(b.lstrip())] for b in begins] == [t[: len(t) - len(t.lstrip())] for t in stubs]
        if meta.get("grade") and s.cell_type == "code":
            hidden = _region_bodies(s.source, markup.BEGIN_HIDDEN_TESTS, markup.END_HIDDEN_TESTS)
            assert c.source.rstrip() == "\n".join(_strip_region_lines(
                s.source, markup.BEGIN_HIDDEN_TESTS, markup.END_HIDDEN_TESTS)).rstrip()
            for body in hidden:
                assert not any(line.strip() and line in c.source.split("\n") for line in body
                               if line.strip().startswith("assert")), "a hidden assertion leaked"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=ids(WITH_EXERCISES))
def test_each_exercise_is_stated_checked_and_asserted(path):
    nb = markup.read_notebook(path)
    graded = markup.exercises(nb, path.name)
    solutions = [g for g in graded if g.kind == "solution"]
    tests = [g for g in graded if g.kind == "test"]
    assert solutions and tests, f"{path.name}: exercises need a solution cell and a test cell"
    for sol in solutions:
        statement = next((c for c in reversed(nb.cells[: sol.index]) if c.cell_type == "markdown"), None)
        assert statement is not None and re.search(r"\bpoints?\b", statement.source), (
            f"{path.name}: the Markdown above solution {sol.grade_id} should state the exercise and its points")
        assert any(t.index > sol.index for t in tests), f"{path.name}: no test cell after {sol.grade_id}"
    for test in tests:
        source = nb.cells[test.index].source
        visible = "\n".join(_strip_region_lines(source, markup.BEGIN_HIDDEN_TESTS, markup.END_HIDDEN_TESTS))
        assigned = [n.targets[0].id for n in ast.walk(ast.parse(visible))
                    if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                    and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                    and re.match(r"check_\w+", getattr(n.value.func, "attr", getattr(n.value.func, "id", "")))]
        assert assigned, f"{path.name}: test {test.grade_id} should assign result_<id> = checks.check_<concept>(fn)"
        hidden = _region_bodies(source, markup.BEGIN_HIDDEN_TESTS, markup.END_HIDDEN_TESTS)
        assert hidden and any(f"assert {name}.passed" in line for body in hidden for line in body
                              for name in assigned), (
            f"{path.name}: test {test.grade_id}'s hidden tests should `assert {assigned[0]}.passed`")
        # nothing visible after the hidden tests: under the grader the visible part runs as in the student version
        last = [line for line in source.split("\n") if line.strip()][-1]
        assert last.strip() == markup.END_HIDDEN_TESTS, (
            f"{path.name}: test {test.grade_id} should end with its hidden tests")


# --------------------------------------------------------------------------- the chapter checks (fast)


def _chapter_checks():
    found = []
    import pkgutil

    import gancourse.classroom.checks as package

    chapter_modules = [f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)
                       if info.name not in ("core", "compare")]  # the machinery, not a chapter
    for module_name in chapter_modules:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for name, fn in vars(module).items():
            if name.startswith("check_") and inspect.isfunction(fn) and fn.__module__ == module_name:
                required = [p for p in inspect.signature(fn).parameters.values()
                            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
                if len(required) == 1:
                    found.append(fn)
    return found


CHECKS = _chapter_checks()


@pytest.mark.parametrize("check", CHECKS, ids=[f.__name__ for f in CHECKS])
def test_chapter_check_reports_a_stub_and_explains_a_wrong_answer(check, capsys):
    def stub(*args, **kwargs):
        # YOUR CODE HERE
        raise NotImplementedError()

    result = check(stub)
    assert result.status == "not_implemented"
    assert core.NOT_IMPLEMENTED_TEXT in capsys.readouterr().out

    def forgot_return(*args, **kwargs):
        pass

    with pytest.raises(core.CheckFailure) as info:
        check(forgot_return)
    message = str(info.value)
    assert check.__name__ in message and "expected" in message and "got" in message
    hint = message.split("Hint: ", 1)[-1] if "Hint: " in message else ""
    assert len(hint.strip()) > 20, f"{check.__name__}: a failure should end with a hint pointing at the chapter"


# --------------------------------------------------------------------------- execution (one run per chapter)


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=ids(WITH_EXERCISES))
def test_student_version_runs_and_scores_zero(path, tmp_path):
    student = students.write_student_versions(tmp_path, path)[0]
    report = grader.grade_notebook(student)  # source found in notebooks/ by file name
    assert report.source.resolve() == path.resolve()
    assert report.other_errors == [], (
        f"{path.name}: cells outside the tests failed in the student version (they must not depend on the "
        f"learner's answer, or use result_<id>.pick): {report.other_errors}")
    assert report.rows and all(r.status == "not implemented" and r.earned == 0 for r in report.rows), (
        report.format_table())
    for row in report.rows:
        cell = next(c for c in report.executed.cells if _nbgrader(c).get("grade_id") == row.grade_id)
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        assert core.NOT_IMPLEMENTED_TEXT in printed, f"{path.name}: {row.grade_id} did not report the stub"
