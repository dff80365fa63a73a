"""Executing notebooks headless: the one executor that ``run`` and ``grade`` both use.
"""

from __future__ import annotations

import os
import pathlib
import time

NOTEBOOKS_ENV = "GANCOURSE_NOTEBOOKS"


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


def execute_notebook(nb, *, cwd: str | os.PathLike, profile: str | None = None, timeout: int = 1800,
                     allow_errors: bool = False, env: dict | None = None) -> tuple[bool, str]:
    """Execute every cell of ``nb`` (in place) in a fresh kernel: the course's one notebook executor.

    The kernel runs in ``cwd`` with ``GANCOURSE_PROFILE=profile`` (when given)
    added to ``env`` (default: this process's environment). With
    ``allow_errors`` (grading) a failing cell does not stop the run, and a
    cell running longer than ``timeout`` seconds is interrupted (it gets a
    ``KeyboardInterrupt`` error) while the next cells still run; without it
    (``run``) the first error stops execution. Returns ``(ok, message)``:
    ``message`` names the error that stopped the run, if any.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    kernel_env = dict(os.environ if env is None else env)
    if profile:
        kernel_env["GANCOURSE_PROFILE"] = profile
    kernel_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            interrupt_on_timeout=allow_errors, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute(env=kernel_env, cwd=str(cwd))
    except CellExecutionError as exc:
        text = str(exc).strip()
        return False, text.splitlines()[-1] if text else repr(exc)
    except Exception as exc:  # noqa: BLE001 - the kernel died or timed out: report what ran
        return False, f"{type(exc).__name__}: {exc}"
    return True, ""


def run_notebook(path: pathlib.Path, out_dir: pathlib.Path, *, profile: str | None = None,
                 timeout: int = 1800) -> tuple[bool, str]:
    """Run every cell of ``path``; write the executed copy and its HTML to ``out_dir``.

    The copy and HTML are written even when a cell fails, so the error can be
    read there. Returns ``(ok, message)``.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    ok, message = execute_notebook(nb, cwd=path.parent.resolve(), profile=profile, timeout=timeout)
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb_out = out_dir / path.name
    nbformat.write(nb, ipynb_out)
    body, _ = HTMLExporter().from_notebook_node(nb)
    ipynb_out.with_suffix(".html").write_text(body, encoding="utf-8")
    status = "ok" if ok else f"FAILED: {message}"
    return ok, f"{path.stem}: {status} in {seconds:.0f} s -> {ipynb_out} (+ .html)"
