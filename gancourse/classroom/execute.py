# Why this file is longer than 300 lines: the one executor keeps its time limits and the isolated
# kernel's environment (an allow-list, a temporary home and working folder) together.
"""Executing notebooks headless: the one executor that ``run`` and ``grade`` both use.

``run`` executes the course's own chapters next to their sources.
``grade`` executes learners' code, so it asks for ``isolated=True``: a fresh
temporary working folder, an allow-listed environment and time limits (see
:func:`execute_notebook` and :func:`kernel_environment`). That isolation is
not a sandbox; ``docs/teaching.md`` says what it covers and what it does not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pathlib
import re
import shutil
import site
import tempfile
import time

from ..config.profiles import PROFILE_ENV
from ..config.validate import check_number
from ..data.datasets import CACHE_ENV, cache_dir
from .markup import read_notebook

NOTEBOOKS_ENV = "GANCOURSE_NOTEBOOKS"

KERNEL_ENV_NAMES = (
    # the course: profile, data folder, download cache and switch
    PROFILE_ENV, "GANCOURSE_DATA", "GANCOURSE_OFFLINE", CACHE_ENV,
    # Keras, TensorFlow and the GPU (LD_LIBRARY_PATH: CUDA libraries outside the Python environment)
    "KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "TF_FORCE_GPU_ALLOW_GROWTH",
    "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH",
    # Python, its environment, plots, the locale
    "PATH", "PYTHONPATH", "PYTHONUSERBASE", "VIRTUAL_ENV", "CONDA_PREFIX", "MPLBACKEND", "LANG", "LANGUAGE", "TZ",
    # what Python needs to start on Windows
    "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT",
)
"""The variables an isolated kernel gets from the teacher's environment (plus every ``LC_*``); no others."""


def notebooks_dir() -> pathlib.Path:
    """The chapter folder: ``GANCOURSE_NOTEBOOKS``, else ``notebooks/`` of the checkout."""
    if os.environ.get(NOTEBOOKS_ENV):
        return pathlib.Path(os.environ[NOTEBOOKS_ENV])
    for base in (pathlib.Path.cwd(), *pathlib.Path.cwd().parents,
                 pathlib.Path(__file__).resolve().parents[2]):
        if (base / "notebooks").is_dir():
            return base / "notebooks"
    return pathlib.Path.cwd() / "notebooks"


def list_notebooks(folder: pathlib.Path | None = None) -> list[pathlib.Path]:
    """Chapter notebooks in course order (file names start with their number)."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def resolve_notebook(name: str, folder: pathlib.Path | None = None) -> pathlib.Path:
    """A notebook from a path, a file stem (``00_start_here``) or a chapter number (``0``, ``03``).

    Raises:
        FileNotFoundError: no match; the message lists the chapters there are.
    """
    p = pathlib.Path(name)
    if p.suffix == ".ipynb" and p.is_file():
        return p
    chapters = list_notebooks(folder)
    for nb in chapters:
        if name in (nb.stem, nb.name) or (name.isdigit() and int(name) == int(nb.stem[:2])):
            return nb
    raise FileNotFoundError(
        f"no notebook {name!r} in {folder or notebooks_dir()}; chapters: "
        + ", ".join(nb.stem for nb in chapters)
    )






def kernel_environment(home: str | os.PathLike, tmp: str | os.PathLike | None = None, *,
                       base: dict | None = None) -> dict[str, str]:
    """The environment of an isolated kernel: the allow-list :data:`KERNEL_ENV_NAMES` of ``base``, and no more.

    ``HOME`` (and ``USERPROFILE``) point at ``home``; ``TMPDIR``/``TEMP``/``TMP``
    at ``tmp`` (default ``home``). So that the kernel still imports what the
    teacher installed and finds what was downloaded, it also gets the
    folder holding this ``gancourse`` on ``PYTHONPATH`` (for a checkout not
    installed), ``PYTHONUSERBASE`` (``pip install --user`` packages live under
    the real home) and ``GANCOURSE_CACHE`` (the real home's cache), unless
    ``base`` sets them. Jupyter's kernel discovery runs in the grader's own
    process, so the kernel needs no ``JUPYTER_*`` variable.
    """
    base = dict(os.environ if base is None else base)
    env = {k: v for k, v in base.items() if k in KERNEL_ENV_NAMES or k.startswith("LC_")}
    home, tmp = str(home), str(tmp or home)
    env.update(HOME=home, USERPROFILE=home, TMPDIR=tmp, TEMP=tmp, TMP=tmp)
    package_root = str(pathlib.Path(__file__).resolve().parents[2])
    site_dirs = {str(pathlib.Path(p).resolve()) for p in [*site.getsitepackages(), site.getusersitepackages()]}
    if package_root not in site_dirs and package_root not in env.get("PYTHONPATH", "").split(os.pathsep):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONUSERBASE", site.getuserbase())
    env.setdefault(CACHE_ENV, str(cache_dir().parent))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


@dataclasses.dataclass
class Execution:
    """What :func:`execute_notebook` did.

    Attributes:
        ok: every cell ran, and (unless errors were allowed) none failed.
        message: what stopped the run (in cell ``stopped_at``) or went wrong, empty when ``ok``: one line,
            or a failing cell's whole exception message (``Name: text``, every line, without colours).
        stopped_at: index of the cell where execution stopped early (an error
            without ``allow_errors``, a time limit, a dead kernel), else ``None``.
        stop_reason: ``"error"``, ``"notebook time limit"``, ``"ignored interrupt"``,
            ``"cell time limit"`` (without ``allow_errors``) or ``"kernel died"``; empty if it ran to the end.
        time_limits: ``{cell index: what happened}`` for each cell that hit a time limit.
        seconds: wall time of the execution, kernel start included.
    """

    ok: bool
    message: str = ""
    stopped_at: int | None = None
    stop_reason: str = ""
    time_limits: dict = dataclasses.field(default_factory=dict)
    seconds: float = 0.0


class _TimeLimit(Exception):
    """Raised inside the client to stop the notebook at a time limit."""


def _kernel_transport(folder: pathlib.Path | None) -> dict:
    """The kernel manager's transport: IPC sockets in ``folder`` (POSIX), else jupyter_client's TCP default.

    Over TCP a recent ipykernel warns on every start that it "is running over
    TCP without encryption": its ports listen on 127.0.0.1 only, but any local
    user can connect to them (the messages are signed, not encrypted). Unix
    sockets in a private temporary folder (mode 0700) reach no other user, and
    the kernel starts as fast and without the warning. The socket path is
    absolute because the kernel runs in another working folder than this
    process. On Windows, where ZeroMQ's IPC transport is not dependable, it
    stays TCP (``folder`` is ``None`` there).
    """
    if folder is None:
        return {}
    return {"transport": "ipc", "ip": str(folder / "k"), "connection_file": str(folder / "connection.json")}


def _limited_client(nb, *, cell_limit, notebook_limit, allow_errors, resources, ipc_folder=None):
    """An nbclient ``NotebookClient`` that enforces both limits and records which cell hit which.

    ``ipc_folder``: a private folder for the kernel's IPC sockets (see :func:`_kernel_transport`).
    """
    from nbclient import NotebookClient
    from nbclient.util import ensure_async

    class LimitedClient(NotebookClient):
        index = deadline = budget = stopped_at = None  # index: the cell running (None before the first)
        budget_is_notebook, stop_reason, stop_text = False, "", ""

        def create_kernel_manager(self):
            self.km = self.kernel_manager_class(kernel_name=self.kernel_name, config=self.config,
                                                **_kernel_transport(ipc_folder))
            return self.km

        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            self.index = cell_index
            if cell.cell_type == "code" and cell.source.strip() and notebook_limit:
                self.deadline = self.deadline or time.monotonic() + notebook_limit  # starts with the first cell
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    self.stop("notebook time limit", f"the notebook time limit ({notebook_limit:g} s) was reached "
                              "before this cell; it and the cells after it were not run", mark=False)
                self.budget_is_notebook = cell_limit is None or remaining <= cell_limit
                self.budget = remaining if self.budget_is_notebook else cell_limit
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

        def stop(self, reason, text, *, mark=True):
            if mark:
                self.time_limits[self.index] = text
            self.stopped_at, self.stop_reason, self.stop_text = self.index, reason, text
            self.shutdown_kernel = "immediate"
            raise _TimeLimit

        async def _async_handle_timeout(self, timeout, cell=None):
            if cell is None:  # the kernel_info request at start-up: keep waiting, as nbclient does
                return
            if self.budget_is_notebook or (self.deadline is not None and time.monotonic() >= self.deadline):
                self.stop("notebook time limit", f"the notebook ran past its time limit ({notebook_limit:g} s) "
                          "in this cell; it was stopped and the cells after it were not run")
            if self.index in self.time_limits:  # interrupted at the cell limit, and still running as long again
                self.stop("ignored interrupt", f"this cell ran past the per-cell time limit ({cell_limit:g} s) and "
                          "ignored the interrupt; the kernel was stopped and the cells after it were not run")
            if not self.allow_errors:
                self.stop("cell time limit", f"this cell ran past the per-cell time limit ({cell_limit:g} s)")
            self.time_limits[self.index] = (f"this cell ran past the per-cell time limit ({cell_limit:g} s) "
                                            "and was interrupted")
            await ensure_async(self.km.interrupt_kernel())  # then nbclient waits for the reply again

    client = LimitedClient(nb, kernel_name="python3", allow_errors=allow_errors, resources=resources,
                           timeout=cell_limit, timeout_func=lambda cell: client.budget)
    client.budget, client.time_limits = cell_limit, {}
    return client


def _mark_time_limits(nb, time_limits: dict) -> None:
    """Give each cell that hit a limit a ``TimeLimit`` error saying which, as its first error (for the grader).

    It replaces the cell's ``KeyboardInterrupt`` (the interrupt at the limit).
    """
    import nbformat

    for index, text in time_limits.items():
        outputs = [o for o in nb.cells[index].get("outputs", [])
                   if not (o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt")]
        at = next((i for i, o in enumerate(outputs) if o.get("output_type") == "error"), len(outputs))
        outputs.insert(at, nbformat.v4.new_output("error", ename="TimeLimit", evalue=text,
                                                  traceback=[f"TimeLimit: {text}"]))
        nb.cells[index].outputs = outputs


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
"""An ANSI escape sequence (the colours of IPython's tracebacks)."""


def error_message(exc) -> str:
    """The whole message of the exception a cell raised, from nbclient's ``CellExecutionError``, without colours.

    ``str(exc)`` is the cell, its printed output and the coloured traceback;
    the exception's own name and message (``ename``, ``evalue``) are what a
    reader needs, every line of it (a missing dataset says where to put it).
    """
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    if ename and ename != "<Error>":
        text = f"{ename}: {evalue}" if evalue else ename
    else:  # no exception reply: the last line of the traceback text
        lines = str(exc).strip().splitlines()
        text = lines[-1] if lines else repr(exc)
    return ANSI_ESCAPE.sub("", text).strip()


def execute_notebook(nb, *, cwd: str | os.PathLike | None = None, profile: str | None = None,
                     timeout: float | None = 1800, allow_errors: bool = False, env: dict | None = None,
                     notebook_timeout: float | None = None, isolated: bool = False,
                     files=()) -> Execution:
    """Execute every cell of ``nb`` (in place) in a fresh kernel: the course's one notebook executor.

    Args:
        cwd: the kernel's working folder. Must be ``None`` with ``isolated``.
        profile: ``GANCOURSE_PROFILE`` for the kernel.
        timeout: the per-cell time limit in seconds (``None``: none). Without
            ``allow_errors`` (``run``) a cell past it stops the run; with it
            (grading) the cell is interrupted and the next cells still run, and
            a cell that ignores the interrupt for as long again stops the run.
        allow_errors: a failing cell does not stop the run (grading).
        env: the environment the kernel starts from (default: this process's).
        notebook_timeout: the limit in seconds on all cells together (``None``:
            none); the cell running when it passes is stopped, and the cells
            after it are not run.
        isolated: run the kernel in a fresh temporary working folder, removed
            afterwards, with only the allow-listed part of ``env`` and ``HOME``
            and ``TMPDIR`` in that folder (see :func:`kernel_environment`).
        files: files or folders copied into that working folder first.

    Each cell that hits a limit gets a ``TimeLimit`` error output that says
    which limit. Returns an :class:`Execution`.
    """
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    timeout = None if timeout is None else check_number(timeout, "timeout", minimum=0, exclusive_minimum=True)
    if notebook_timeout is not None:
        notebook_timeout = check_number(notebook_timeout, "notebook_timeout", minimum=0, exclusive_minimum=True)
    if isolated == (cwd is not None):
        raise ValueError("execute_notebook needs cwd, or isolated=True (which makes its own working folder)")
    if files and not isolated:
        raise ValueError("files are copied into the isolated working folder: pass isolated=True")
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if isolated:
            root = pathlib.Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="gancourse-kernel-", ignore_cleanup_errors=True)))
            cwd, home = root / "work", root / "home"
            for folder in (cwd, home, root / "tmp"):
                folder.mkdir()
            for item in map(pathlib.Path, files):
                if not item.exists():
                    raise FileNotFoundError(f"no file {str(item)!r} to copy into the notebook's working folder")
                copy = shutil.copytree if item.is_dir() else shutil.copy2
                copy(item, cwd / item.name)
            kernel_env = kernel_environment(home, root / "tmp", base=env)
        else:
            kernel_env = dict(os.environ if env is None else env)
            kernel_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        if profile:
            kernel_env[PROFILE_ENV] = profile
        ipc_folder = None if os.name == "nt" else pathlib.Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="gancourse-ipc-", ignore_cleanup_errors=True)))
        client = _limited_client(nb, cell_limit=timeout, notebook_limit=notebook_timeout, allow_errors=allow_errors,
                                 resources={"metadata": {"path": str(cwd)}}, ipc_folder=ipc_folder)
        result = Execution(ok=True)
        try:
            client.execute(env=kernel_env, cwd=str(cwd))
        except _TimeLimit:
            pass
        except CellExecutionError as exc:
            result = Execution(False, error_message(exc), client.index, "error")
        except DeadKernelError as exc:
            result = Execution(False, f"the kernel died ({exc})", client.index, "kernel died")
        except Exception as exc:  # noqa: BLE001 - the kernel failed to start, or nbclient failed: report what ran
            result = Execution(False, f"{type(exc).__name__}: {exc}", client.index, "error")
    _mark_time_limits(nb, client.time_limits)
    result.time_limits = dict(client.time_limits)
    if client.stopped_at is not None:
        result.ok, result.stopped_at, result.stop_reason = False, client.stopped_at, client.stop_reason
        result.message = client.stop_text
    result.seconds = time.perf_counter() - start
    return result


def run_notebook(path: pathlib.Path, out_dir: pathlib.Path, *, profile: str | None = None,
                 timeout: float | None = 1800, notebook_timeout: float | None = None) -> tuple[bool, str]:
    """Run every cell of ``path`` in its folder; write the executed copy and its HTML to ``out_dir``.

    The copy and HTML are written even when a cell fails, so the error can be
    read there. Returns ``(ok, message)``.

    Raises:
        NotANotebookError: ``path`` is not a notebook.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = read_notebook(path)
    run = execute_notebook(nb, cwd=path.parent.resolve(), profile=profile, timeout=timeout,
                           notebook_timeout=notebook_timeout)
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb_out = out_dir / path.name
    nbformat.write(nb, ipynb_out)
    body, _ = HTMLExporter().from_notebook_node(nb)
    ipynb_out.with_suffix(".html").write_text(body, encoding="utf-8")
    written = f"in {run.seconds:.0f} s -> {ipynb_out} (+ .html)"
    if run.ok:
        return True, f"{path.stem}: ok {written}"
    where = f"cell {run.stopped_at}: " if run.stopped_at is not None else ""
    first, *rest = run.message.splitlines() or [""]
    if not rest:
        return False, f"{path.stem}: FAILED: {where}{first} {written}"
    return False, "\n    ".join([f"{path.stem}: FAILED: {where}{first}", *rest, written])
