"""Execute chapter notebooks headless (nbclient) into ``build/`` as .ipynb and .html."""

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
                 pathlib.Path(__file__).resolve().parent.parent):
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


def execute_notebook(path: pathlib.Path, out_dir: pathlib.Path, *, profile: str | None = None,
                     timeout: int = 1800) -> tuple[bool, str]:
    """Run every cell of ``path``; write the executed copy and its HTML to ``out_dir``.

    The copy and HTML are written even when a cell fails, so the error can be
    read there. Returns ``(ok, message)``.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    env_backup = os.environ.get("GANCOURSE_PROFILE")
    if profile:
        os.environ["GANCOURSE_PROFILE"] = profile  # the kernel inherits our environment
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    start = time.perf_counter()
    ok, message = True, ""
    try:
        client.execute()
    except CellExecutionError as exc:
        ok, message = False, str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
    except Exception as exc:  # kernel died, timeout
        ok, message = False, f"{type(exc).__name__}: {exc}"
    finally:
        if profile:
            if env_backup is None:
                os.environ.pop("GANCOURSE_PROFILE", None)
            else:
                os.environ["GANCOURSE_PROFILE"] = env_backup
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb_out = out_dir / path.name
    nbformat.write(nb, ipynb_out)
    body, _ = HTMLExporter().from_notebook_node(nb)
    ipynb_out.with_suffix(".html").write_text(body, encoding="utf-8")
    status = "ok" if ok else f"FAILED: {message}"
    return ok, f"{path.stem}: {status} in {seconds:.0f} s -> {ipynb_out} (+ .html)"
