"""gancourse.data.files under failure: temporaries are cleaned up, and a changed file is always caught.

* ``write_deterministic_npz`` leaves no temporary file when it fails, and the
  next write removes the leftover of a writer that was killed -- but only a
  leftover that is recognisably its own, and never one of a running process.
* ``verify_file`` hashes on every call: a file rewritten with the same size
  and its old modification time put back still fails the checksum.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from gancourse.data import files


def _dead_pid():
    """The id of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_failed_npz_write_leaves_no_temporary_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "obj.npz"
    files.write_deterministic_npz(target, x=np.arange(3))
    before = target.read_bytes()
    with pytest.raises(ValueError, match="pickle"):  # object arrays are refused (allow_pickle=False)
        files.write_deterministic_npz(target, x=np.arange(3), y=np.array([{}, None], dtype=object))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["obj.npz"]  # no obj.npz.tmp, no .obj.npz.tmp-PID
    assert target.read_bytes() == before


def test_next_npz_write_removes_a_killed_writers_leftover_only(tmp_path):
    target = tmp_path / "obj.npz"
    dead = _dead_pid()
    # a killed writer's partial zip: what write_deterministic_npz starts a file with, cut short
    files.write_deterministic_npz(tmp_path / "whole.npz", x=np.arange(1000))
    partial = tmp_path / f".obj.npz.tmp-{dead}"
    partial.write_bytes((tmp_path / "whole.npz").read_bytes()[:100])
    empty = tmp_path / f".obj.npz.tmp-{dead + 100000}"  # empty: holds nothing, removable whatever wrote it
    empty.touch()
    foreign = tmp_path / f".obj.npz.tmp-{_dead_pid()}"  # same name pattern, someone else's bytes
    foreign.write_bytes(b"my own notes, not a zip")
    running = tmp_path / f".obj.npz.tmp-{os.getppid()}"  # a live process may be writing it now
    running.write_bytes(partial.read_bytes())
    other_target = tmp_path / f".other.npz.tmp-{dead}"  # another file's temporary
    other_target.write_bytes(partial.read_bytes())

    files.write_deterministic_npz(target, x=np.arange(3))
    assert not partial.exists() and not empty.exists()
    assert foreign.read_bytes() == b"my own notes, not a zip"
    assert running.exists() and other_target.exists()
    with np.load(target) as z:
        assert np.array_equal(z["x"], np.arange(3))


def test_atomic_write_text_failure_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "latest.json"
    files.atomic_write_text(target, "old\n")
    with pytest.raises(UnicodeEncodeError):
        files.atomic_write_text(target, "half written \ud800")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json"]
    assert target.read_text() == "old\n"


def test_writer_is_gone():
    assert files.writer_is_gone(os.getpid())  # this process writes synchronously: its leftovers are stale
    assert files.writer_is_gone(_dead_pid())
    assert not files.writer_is_gone(os.getppid())


def test_file_rewritten_with_restored_mtime_fails_the_checksum(tmp_path):
    """The old mtime-keyed cache returned the first hash here, and the load then failed with a zlib error."""
    path = tmp_path / "mnist_mini.npz"
    files.write_deterministic_npz(path, x=np.arange(100, dtype=np.uint8))
    good = files.sha256_of(path)
    assert files.verify_file(path, (good,)) == good  # verified once (the old code cached it here)
    stat = os.stat(path)
    data = bytearray(path.read_bytes())
    data[-40] ^= 0xFF  # same size, different bytes
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and its old modification time put back
    assert os.stat(path).st_size == stat.st_size and os.stat(path).st_mtime_ns == stat.st_mtime_ns
    with pytest.raises(files.ChecksumError, match=r"checksum mismatch for .*mnist_mini\.npz"):
        files.verify_file(path, (good,))


def test_verify_file_hashes_on_every_call(monkeypatch):
    """Every load of a shipped file is checked against SHA256SUMS afresh, never from a cache."""
    calls = []
    real = files.sha256_of
    monkeypatch.setattr(files, "sha256_of", lambda path: calls.append(path) or real(path))
    rel = "mini/mnist_mini.npz"
    expected = files.shipped_sha256(rel)
    for _ in range(3):
        assert files.verify_file(files.shipped_data_dir() / rel, expected) == expected[0]
    assert len(calls) == 3
