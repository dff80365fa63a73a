"""GANCheckpoint when things go wrong: user files nearby, killed saves, damaged checkpoints.

* Clean-up deletes only what the callback wrote (its manifest or its mark),
  never a folder because of its name (``epoch-00000-my-notes/`` survives).
* A save killed part-way leaves a temporary folder; the next start removes
  it and resumes to exactly the weights of an uninterrupted run (a real
  SIGKILL in a subprocess, at three points inside the save).
* A damaged ``latest.json`` or checkpoint is named in a warning and skipped
  for the newest intact one; with none intact, a clear error names the
  folder and each damaged file, and nothing is deleted.
"""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from gancourse.data import pipelines
from gancourse.nets import dcgan
from gancourse.train import checkpoints
from gancourse.train import gan_trainer as gan

ROOT = pathlib.Path(__file__).resolve().parent.parent
Damaged = checkpoints.DamagedCheckpointError


def _make_gan(init_seed):
    keras.utils.set_random_seed(init_seed)
    model = gan.GAN(dcgan.dcgan_generator(8, width=4), dcgan.dcgan_discriminator(width=4), 8, seed=7)
    model.compile(*dcgan.dcgan_optimizers())
    return model




def _load_state(path):
    """A state saved by the child script (``/`` in keys is stored as ``|``: npz names are paths)."""
    with np.load(path) as z:
        return {k.replace("|", "/"): z[k] for k in z.files}


def _assert_same(got, expected):
    assert got.keys() == expected.keys()
    for key in expected:
        assert np.array_equal(got[key], expected[key]), key


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


class _Record(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.states = {}

    def on_epoch_end(self, epoch, logs=None):
        self.states[epoch + 1] = checkpoints.training_state(self.model)


@pytest.fixture(scope="module")
def three_checkpoints(tmp_path_factory):
    """A folder with intact checkpoints at epochs 1, 2, 3 (keep=3) and the model's state at each."""
    directory = tmp_path_factory.mktemp("three") / "run"
    model, record = _make_gan(0), _Record()
    stream = pipelines.training_stream(np.zeros((32, 28, 28, 1), "float32"), batch_size=8, seed=3)
    model.fit(stream, epochs=3, steps_per_epoch=2, verbose=0,
              callbacks=[checkpoints.GANCheckpoint(directory, keep=3), record])
    return directory, record.states


@pytest.fixture
def run_dir(tmp_path, three_checkpoints):
    directory, _ = three_checkpoints
    shutil.copytree(directory, tmp_path / "run")
    return tmp_path / "run"


def _restore(directory, states, expected_epoch, warning=None):
    model = _make_gan(1)  # other initial weights: everything must come from the checkpoint
    ckpt = checkpoints.GANCheckpoint(directory, keep=3)
    if warning is None:
        point = ckpt.restore(model)
    else:
        with pytest.warns(RuntimeWarning, match=warning):
            point = ckpt.restore(model)
    assert point.epoch == expected_epoch and point.step == 2 * expected_epoch
    _assert_same(checkpoints.training_state(model), states[expected_epoch])
    return model, ckpt


# -- clean-up deletes only its own --------------------------------------------------------------------------


def test_pruning_never_deletes_folders_it_did_not_write(tmp_path):
    """The old clean-up deleted every `epoch-*` folder, notes included, with keep=1."""
    directory = tmp_path / "run"
    for name in ("epoch-00000-my-notes", "epoch-00000", "epoch-00001.bak"):
        (directory / name).mkdir(parents=True)
        (directory / name / "notes.txt").write_text("mine")
    ckpt = checkpoints.GANCheckpoint(directory, keep=1)
    ckpt.set_model(_make_gan(0))
    for epoch in (1, 2, 3):
        ckpt.save(epoch)
    assert sorted(p.name for p in directory.iterdir()) == [
        "epoch-00000", "epoch-00000-my-notes", "epoch-00001.bak", "epoch-00003", "latest.json"]
    for name in ("epoch-00000-my-notes", "epoch-00000", "epoch-00001.bak"):
        assert (directory / name / "notes.txt").read_text() == "mine"


def test_save_moves_a_foreign_folder_aside_instead_of_deleting_it(tmp_path):
    directory = tmp_path / "run"
    (directory / "epoch-00001").mkdir(parents=True)
    (directory / "epoch-00001" / "state.json").write_text("my own state file")
    ckpt = checkpoints.GANCheckpoint(directory)
    ckpt.set_model(_make_gan(0))
    with pytest.warns(RuntimeWarning, match=r"epoch-00001 was in the way .* moved it to .*deleting nothing"):
        ckpt.save(1)
    aside = [p for p in directory.iterdir() if p.name.startswith("epoch-00001.moved-aside-")]
    assert len(aside) == 1 and (aside[0] / "state.json").read_text() == "my own state file"
    assert checkpoints.GANCheckpoint(directory).latest().epoch == 1


def test_restore_removes_a_killed_writers_leftovers_and_nothing_else(run_dir, three_checkpoints):
    dead, live = _dead_pid(), os.getppid()
    own_full = run_dir / f".epoch-00004.tmp-{dead}"  # killed inside the h5 write
    own_full.mkdir()
    (own_full / "checkpoint.json").write_bytes(checkpoints._MARK)
    (own_full / "gan.weights.h5").write_bytes((run_dir / "epoch-00003" / "gan.weights.h5").read_bytes()[:999])
    own_mark_cut = run_dir / f".epoch-00005.tmp-{dead}"  # killed while writing the mark
    own_mark_cut.mkdir()
    (own_mark_cut / "checkpoint.json").write_bytes(checkpoints._MARK[:9])
    (run_dir / f".epoch-00006.tmp-{dead}").mkdir()  # killed right after mkdir
    (run_dir / f".latest.json.tmp-{dead}").write_bytes(b'{"writer": "gancourse.GAN')  # killed in latest.json
    foreign = run_dir / f".epoch-00007.tmp-{dead}"  # the pattern, but not the mark
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    draft = run_dir / f".latest.json.tmp-{_dead_pid()}"  # the pattern, someone else's text
    draft.write_text("my draft")
    running = run_dir / f".epoch-00008.tmp-{live}"  # another process may be writing it now
    running.mkdir()
    (running / "checkpoint.json").write_bytes(checkpoints._MARK)

    _restore(run_dir, three_checkpoints[1], 3)
    left = sorted(p.name for p in run_dir.iterdir() if p.name.startswith("."))
    assert left == sorted([foreign.name, running.name, draft.name])
    assert (foreign / "notes.txt").read_text() == "mine" and draft.read_text() == "my draft"


def test_delete_checkpoints_keeps_other_files(run_dir):
    (run_dir / "notes.txt").write_text("mine")
    checkpoints.GANCheckpoint(run_dir).delete_checkpoints()
    assert [p.name for p in run_dir.iterdir()] == ["notes.txt"]
    (run_dir / "notes.txt").unlink()
    ckpt = checkpoints.GANCheckpoint(run_dir)
    ckpt.set_model(_make_gan(0))
    ckpt.save(1)
    ckpt.delete_checkpoints()
    assert not run_dir.exists()  # emptied: the folder goes too


# -- damaged checkpoints --------------------------------------------------------------------------------------


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_truncated_latest_json_is_named_and_the_newest_intact_checkpoint_used(run_dir, three_checkpoints):
    """Was a bare JSONDecodeError naming no file."""
    _truncate(run_dir / "latest.json")
    _restore(run_dir, three_checkpoints[1], 3, warning=r"latest\.json is damaged .*not readable JSON")


def test_folder_without_weights_falls_back_to_the_previous_checkpoint(run_dir, three_checkpoints):
    """Was a raw h5py FileNotFoundError."""
    (run_dir / "epoch-00003" / "gan.weights.h5").unlink()
    _restore(run_dir, three_checkpoints[1], 2,
             warning=r"epoch-00003/gan\.weights\.h5 is missing(.|\n)*Resuming from .*epoch-00002")
    assert (run_dir / "epoch-00003" / "state.json").exists()  # the damaged one is left in place


def test_half_size_weights_fall_back_and_the_next_save_replaces_them(run_dir, three_checkpoints):
    """Was `OSError ... truncated file` with no path."""
    _truncate(run_dir / "epoch-00003" / "gan.weights.h5")
    model, ckpt = _restore(run_dir, three_checkpoints[1], 2,
                           warning=r"epoch-00003/gan\.weights\.h5 has \d+ bytes, but \d+ were written \(truncated\)")
    ckpt.set_model(model)
    ckpt.save(3)  # the damaged folder is the callback's own: replaced without a warning
    assert checkpoints.GANCheckpoint(run_dir).latest().path == str(run_dir / "epoch-00003")


def test_same_size_damage_is_caught_by_the_hash(run_dir, three_checkpoints):
    weights = run_dir / "epoch-00003" / "gan.weights.h5"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    _restore(run_dir, three_checkpoints[1], 2, warning=r"gan\.weights\.h5 was changed after it was written")


def test_nothing_intact_is_a_clear_error_and_nothing_is_deleted(run_dir):
    for epoch in (1, 2, 3):
        _truncate(run_dir / f"epoch-{epoch:05d}" / "gan.weights.h5")
    before = sorted(str(p.relative_to(run_dir)) for p in run_dir.rglob("*"))
    for call in (lambda c: c.restore(_make_gan(1)), lambda c: c.latest()):
        with pytest.raises(Damaged, match=r"no intact checkpoint is left in .*run(.|\n)*epoch-00001/gan\.weights"
                                          r"\.h5 has(.|\n)*Nothing was deleted\. To start afresh, move .*run"):
            call(checkpoints.GANCheckpoint(run_dir))
    assert sorted(str(p.relative_to(run_dir)) for p in run_dir.rglob("*")) == before


def test_damaged_latest_json_alone_says_how_to_start_afresh(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "latest.json").write_text('{"epoch": 3, "st')
    with pytest.raises(Damaged, match=r"latest\.json is damaged(.|\n)*To start afresh"):
        checkpoints.GANCheckpoint(tmp_path / "run").restore(_make_gan(0))


def test_checkpoints_without_manifest_still_restore_and_fall_back(run_dir, three_checkpoints):
    """Checkpoints written before manifests: read as before; a damaged one is named, not a raw OSError."""
    for folder in run_dir.glob("epoch-*"):
        (folder / "checkpoint.json").unlink()
    (run_dir / "latest.json").write_text(json.dumps({"epoch": 3, "step": 6, "folder": "epoch-00003"}))
    _restore(run_dir, three_checkpoints[1], 3)
    _truncate(run_dir / "epoch-00003" / "gan.weights.h5")
    _restore(run_dir, three_checkpoints[1], 2, warning=r"epoch-00003/gan\.weights\.h5 cannot be read")


# -- a real kill during a save, then a resume in a new process ------------------------------------------------

SCRIPT = textwrap.dedent('''
    import json, os, signal, sys
    import keras, numpy as np
    from gancourse.data import pipelines
    from gancourse.nets import dcgan
    from gancourse.train import checkpoints, gan_trainer as gan

    directory, out, init_seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    where, _, at = os.environ.get("GANCOURSE_TEST_KILL", "").partition(":")
    tmp_name = f".epoch-{int(at or 0):05d}.tmp-"

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    if where == "weights":  # inside the h5 write: half of the file is on disk
        real_save = gan.GAN.save_weights
        def save_weights(self, filepath, *args, **kwargs):
            real_save(self, filepath, *args, **kwargs)
            if tmp_name in str(filepath):
                os.truncate(filepath, os.path.getsize(filepath) // 2)
                die()
        gan.GAN.save_weights = save_weights
    elif where == "rename":  # the temporary folder is complete, not yet renamed into place
        real_replace = os.replace
        def replace(src, dst, *args, **kwargs):
            if os.path.basename(str(src)).startswith(tmp_name):
                die()
            return real_replace(src, dst, *args, **kwargs)
        os.replace = replace
    elif where == "latest":  # the folder is in place, latest.json not yet updated
        real_write = checkpoints.atomic_write_text
        def write(path, text):
            if os.path.basename(str(path)) == "latest.json" and json.loads(text)["epoch"] == int(at):
                die()
            return real_write(path, text)
        checkpoints.atomic_write_text = write

    keras.utils.set_random_seed(init_seed)
    model = gan.GAN(dcgan.dcgan_generator(8, width=4), dcgan.dcgan_discriminator(width=4), 8, seed=7)
    model.compile(*dcgan.dcgan_optimizers())
    ckpt = checkpoints.GANCheckpoint(directory, keep=2)
    start = ckpt.restore(model)
    x = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    stream = pipelines.training_stream(x, batch_size=16, seed=3, start_step=start.step)
    model.fit(stream, epochs=4, steps_per_epoch=3, initial_epoch=start.epoch, callbacks=[ckpt], verbose=0)
    state = checkpoints.training_state(model)
    np.savez(out, **{key.replace("/", "|"): value for key, value in state.items()})
    print("RESUMED_FROM", start.epoch, start.step)
''')


def _child(directory, out, init_seed, kill=""):
    env = {**os.environ, "GANCOURSE_TEST_KILL": kill, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, "-c", SCRIPT, str(directory), str(out), str(init_seed)],
                          check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def uninterrupted_state(tmp_path_factory):
    base = tmp_path_factory.mktemp("kill_ref")
    proc = _child(base / "run", base / "state.npz", 0)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return _load_state(base / "state.npz")


@pytest.mark.parametrize("where", ["weights", "rename", "latest"])
def test_sigkill_during_a_save_then_resume_gives_identical_weights(tmp_path, where, uninterrupted_state):
    run = tmp_path / "run"
    (run / "epoch-00000-my-notes").mkdir(parents=True)
    (run / "epoch-00000-my-notes" / "notes.txt").write_text("mine")
    killed = _child(run, tmp_path / "killed.npz", 0, kill=f"{where}:3")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert json.loads((run / "latest.json").read_text())["epoch"] == 2
    leftovers = [p.name for p in run.iterdir() if p.name.startswith(".epoch-00003.tmp-")]
    assert len(leftovers) == (0 if where == "latest" else 1)
    assert (run / "epoch-00003").exists() == (where == "latest")

    resumed = _child(run, tmp_path / "resumed.npz", 1)  # other initial weights: all must come from disk
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "RESUMED_FROM 2 6" in resumed.stdout
    assert sorted(p.name for p in run.iterdir()) == [
        "epoch-00000-my-notes", "epoch-00003", "epoch-00004", "latest.json"]  # leftovers gone, notes kept
    assert (run / "epoch-00000-my-notes" / "notes.txt").read_text() == "mine"
    _assert_same(_load_state(tmp_path / "resumed.npz"), uninterrupted_state)
