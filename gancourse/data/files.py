"""Files the course reads and writes: SHA-256 checks against ``data/SHA256SUMS``, atomic writes.

Every load hashes the file afresh: no cache keyed on modification time, size
or inode can tell a same-size rewrite whose mtime was put back. Hashing costs
1-2 ms per MB: 31-70 ms for all ten shipped files (36.5 MB) on dev-2core-epyc
(2 AMD EPYC cores; the range is the machine's load), 1-9 ms per file, well
below loading them (``load_model`` of the DCGAN generator: 220-380 ms).

A writer's temporary file is ``.NAME.tmp-PID`` next to its target. It is
removed when the write fails, and a leftover from a writer that was killed
is removed by the next write of the same file -- only when it is recognisably
the writer's own (see :func:`writer_is_gone`), never by its name alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pathlib
import re
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


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: str | os.PathLike, expected: tuple[str, ...], *, fix: str = "") -> str:
    """Check ``path`` against the accepted SHA-256 values; return its hash.

    The file is hashed on every call (see the module's notes for the cost),
    so a file changed behind the course's back is always caught here.

    Raises:
        DatasetNotFoundError: the file does not exist.
        ChecksumError: its hash is not in ``expected``. Nothing is deleted.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"data file not found: {path}")
    got = sha256_of(path)
    if expected and got not in expected:
        raise ChecksumError(
            f"checksum mismatch for {path} ({path.stat().st_size} bytes):\n"
            f"  expected SHA-256: {' or '.join(expected)}\n"
            f"  actual SHA-256:   {got}\n"
            "The file is corrupted, truncated or a different version. It has been "
            "left untouched. To fix it, replace it with a good copy"
            + (f" ({fix})" if fix else "")
            + ", or move it away yourself so the course can fetch it again."
        )
    return got


def temporary_path(path: str | os.PathLike) -> pathlib.Path:
    """This process's temporary file for writing ``path``: ``.NAME.tmp-PID`` in the same folder."""
    path = pathlib.Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def writer_is_gone(pid: int) -> bool:
    """True when process ``pid`` cannot be writing a temporary file now (it is this process or dead).

    A live process that is not this one may be writing into the same folder
    (another run), so its temporaries are left alone. Where liveness cannot
    be checked safely (not POSIX: ``os.kill`` would end the process), only
    this process's own leftovers count as gone.
    """
    if pid == os.getpid():
        return True
    if os.name != "posix" or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: alive, another user's
        return False
    return False


def remove_stale_temporaries(path: str | os.PathLike, is_own) -> list[pathlib.Path]:
    """Remove leftovers ``.NAME.tmp-PID`` of ``path`` from writers that are gone; return them.

    A leftover is removed only when ``is_own(leftover)`` recognises its
    content as the writer's (an empty file always counts: it holds nothing).
    """
    path = pathlib.Path(path)
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.tmp-(\d+)$")
    removed = []
    folder = path.parent
    if not folder.is_dir():
        return removed
    for leftover in folder.iterdir():
        match = pattern.match(leftover.name)
        if not match or not leftover.is_file() or leftover.is_symlink() or not writer_is_gone(int(match[1])):
            continue
        try:
            if leftover.stat().st_size == 0 or is_own(leftover):
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            continue
    return removed


_ZIP_EPOCH = b"\x00\x00\x21\x00"  # DOS time 00:00:00, date 1980-01-01: what write_deterministic_npz stamps


def _is_deterministic_npz_part(path: pathlib.Path) -> bool:
    """Does ``path`` start like a file :func:`write_deterministic_npz` writes (fixed zip stamp, ``.npy`` inside)?"""
    with open(path, "rb") as handle:
        head = handle.read(30 + 255)
    if len(head) < 30 or head[:4] != b"PK\x03\x04" or head[10:14] != _ZIP_EPOCH:
        return False
    name_length = int.from_bytes(head[26:28], "little")
    return head[30:30 + name_length].endswith(b".npy")


def fsync_path(path: str | os.PathLike) -> None:
    """Flush a file, or a folder's entries (POSIX), to disk: a rename after it never exposes half-written data.

    Does nothing where the system or file system refuses (folders on Windows, some network mounts).
    """
    path = pathlib.Path(path)
    if path.is_dir() and os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_replacement(path: str | os.PathLike, mode: str = "wb"):
    """Open a temporary file beside ``path`` for writing; on success, flush, fsync and rename it into place.

    A reader sees the old file or the new one, never half of one. If the
    ``with`` block raises, the temporary file (:func:`temporary_path`) is
    removed and ``path`` is left as it was.
    """
    path = pathlib.Path(path)
    tmp = temporary_path(path)
    try:
        with open(tmp, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_path(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def write_deterministic_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Write an ``.npz`` whose bytes depend only on the arrays (fixed zip timestamps), atomically.

    ``numpy.savez_compressed`` stamps the current time into the zip, so the
    shipped subsets would change hash on every rebuild. The file is written
    as ``.NAME.tmp-PID`` and renamed into place; the temporary file is
    removed when the write fails, and one left by a killed writer is removed
    by the next call for the same path.
    """
    path = pathlib.Path(path)
    remove_stale_temporaries(path, _is_deterministic_npz_part)
    with atomic_replacement(path, "wb") as raw:
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for key in sorted(arrays):
                info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w") as handle:
                    np.lib.format.write_array(handle, np.ascontiguousarray(arrays[key]), allow_pickle=False)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A reader sees the old file or the new one, never half of one; the
    temporary file (:func:`temporary_path`) is removed if the write fails.
    """
    with atomic_replacement(path, "w") as handle:
        handle.write(text)


def set_sha256_line(relpath: str, digest: str, sums_file: str | os.PathLike | None = None) -> None:
    """Set ``relpath``'s line in ``data/SHA256SUMS`` (atomically), keeping every other line."""
    sums_file = pathlib.Path(sums_file) if sums_file is not None else shipped_data_dir() / "SHA256SUMS"
    lines = sums_file.read_text(encoding="utf-8").splitlines() if sums_file.is_file() else []
    kept = [line for line in lines if line.split()[1:2] != [relpath]]
    kept.append(f"{digest}  {relpath}")
    atomic_write_text(sums_file, "\n".join(kept) + "\n")

