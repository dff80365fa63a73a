"""Files the course reads and writes: SHA-256 checks against ``data/SHA256SUMS``, atomic writes.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import zipfile

import numpy as np


class DatasetNotFoundError(FileNotFoundError):
    """No copy of a dataset was found in any of the places the course looks."""


class ChecksumError(ValueError):
    """A data file's SHA-256 is not one the course knows. The file is left untouched."""


def shipped_data_dir() -> pathlib.Path:
    """The ``data/`` folder the course ships (repository checkout or installed wheel)."""
    here = pathlib.Path(__file__).resolve().parent.parent  # the gancourse/ package folder
    for candidate in (here.parent / "data", here / "_shipped"):
        if (candidate / "mini").is_dir():
            return candidate
    return here.parent / "data"


def _read_sums(path: pathlib.Path) -> dict[str, str]:
    sums = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def shipped_sha256(relpath: str) -> tuple[str, ...]:
    """Accepted hashes of a file shipped under ``data/`` (from ``data/SHA256SUMS``)."""
    sums = _read_sums(shipped_data_dir() / "SHA256SUMS")
    if relpath not in sums:
        raise KeyError(f"{relpath} is not listed in {shipped_data_dir() / 'SHA256SUMS'}")
    return (sums[relpath],)


_VERIFIED: dict[tuple[str, int, int], str] = {}


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: str | os.PathLike, expected: tuple[str, ...], *, fix: str = "") -> str:
    """Check ``path`` against the accepted SHA-256 values; return its hash.

    Raises:
        DatasetNotFoundError: the file does not exist.
        ChecksumError: its hash is not in ``expected``. Nothing is deleted.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"data file not found: {path}")
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    got = _VERIFIED.get(key) or sha256_of(path)
    if expected and got not in expected:
        raise ChecksumError(
            f"checksum mismatch for {path} ({stat.st_size} bytes):\n"
            f"  expected SHA-256: {' or '.join(expected)}\n"
            f"  actual SHA-256:   {got}\n"
            "The file is corrupted, truncated or a different version. It has been "
            "left untouched. To fix it, replace it with a good copy"
            + (f" ({fix})" if fix else "")
            + ", or move it away yourself so the course can fetch it again."
        )
    _VERIFIED[key] = got
    return got


def write_deterministic_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Write an ``.npz`` whose bytes depend only on the arrays (fixed zip timestamps).

    ``numpy.savez_compressed`` stamps the current time into the zip, so the
    shipped subsets would change hash on every rebuild.
    """
    path = pathlib.Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(arrays[key]), allow_pickle=False)
    os.replace(tmp, path)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A reader sees the old file or the new one, never half of one; the
    temporary file is removed if the write fails.
    """
    path = pathlib.Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def set_sha256_line(relpath: str, digest: str, sums_file: str | os.PathLike | None = None) -> None:
    """Set ``relpath``'s line in ``data/SHA256SUMS`` (atomically), keeping every other line."""
    sums_file = pathlib.Path(sums_file) if sums_file is not None else shipped_data_dir() / "SHA256SUMS"
    lines = sums_file.read_text(encoding="utf-8").splitlines() if sums_file.is_file() else []
    kept = [line for line in lines if line.split()[1:2] != [relpath]]
    kept.append(f"{digest}  {relpath}")
    atomic_write_text(sums_file, "\n".join(kept) + "\n")

