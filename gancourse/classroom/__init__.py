"""The classroom kit: exercise checks, student versions, the grader, notebook execution.

* :mod:`.checks`: the functions a graded cell calls, which say what was expected and what came.
* :mod:`.markup`: nbgrader's markup, graded cells. :mod:`.student`: student versions.
* :mod:`.grader`: scoring submissions. :mod:`.execute`: running notebooks headless.
* :mod:`.exercise_table`: the exercise table of ``docs/teaching.md``.
"""
