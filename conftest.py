"""Test-session setup shared by the unit tests and the nbval notebook run.

The README's test command is plain ``python -m pytest``; this file makes it run
every notebook in the ``smoke`` profile without the user setting anything.
Notebook kernels inherit this process's environment, so it is set here, at
import time, before nbval starts any kernel.
"""

import os

os.environ["GANCOURSE_PROFILE"] = "smoke"
# A step cap set in a developer's shell would make unrelated step-count assertions fail; tests that
# need it (tests/test_gpu_profile.py) set it themselves.
os.environ.pop("GANCOURSE_MAX_STEPS", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")  # unit tests; kernels use the inline backend
# Never try a download during tests: CI and learners' offline machines can't.
os.environ.setdefault("GANCOURSE_OFFLINE", "1")
