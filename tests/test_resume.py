"""Interrupted training resumes to exactly the weights of an uninterrupted run (CPU).

The run is interrupted in the middle of an epoch (after a checkpoint at an
epoch end), a *new* GAN with different initial weights is built, restored
from the checkpoint, and trained to the end; every variable -- both networks,
both optimisers' moments and step counts, batch-norm statistics and the noise
generator's state -- must then equal the uninterrupted run's, bit for bit.
"""

import json

import keras
import numpy as np
import pytest

from gancourse.data import pipelines
from gancourse.nets import dcgan
from gancourse.train import checkpoints
from gancourse.train import gan_trainer as gan
from resume_helpers import Interrupt

EPOCHS, STEPS_PER_EPOCH, BATCH = 4, 5, 16


def _images():
    return np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")


def _make_gan(init_seed, jit_compile=False):
    keras.utils.set_random_seed(init_seed)
    g = dcgan.dcgan_generator(8, width=4)
    d = dcgan.dcgan_discriminator(width=4)
    model = gan.GAN(g, d, 8, seed=7)
    model.compile(*dcgan.dcgan_optimizers(), jit_compile=jit_compile)
    return model


def _fit(model, ckpt, extra=()):
    start = ckpt.restore(model)
    stream = pipelines.training_stream(_images(), batch_size=BATCH, seed=3, start_step=start.step)
    model.fit(stream, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, initial_epoch=start.epoch,
              callbacks=[ckpt, *extra], verbose=0)
    return start


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    reference = _make_gan(0)
    _fit(reference, checkpoints.GANCheckpoint(tmp_path_factory.mktemp("ref")))
    return checkpoints.training_state(reference)


@pytest.fixture(scope="module")
def uninterrupted_xla(tmp_path_factory):
    reference = _make_gan(0, jit_compile=True)
    _fit(reference, checkpoints.GANCheckpoint(tmp_path_factory.mktemp("ref_xla")))
    return checkpoints.training_state(reference)


@pytest.mark.parametrize("interrupt_at", [7, 13])
def test_resume_after_interruption_gives_identical_weights(tmp_path, interrupt_at, uninterrupted):
    _check_resume(tmp_path, interrupt_at, uninterrupted, jit_compile=False)


def test_resume_under_xla_gives_identical_weights(tmp_path, uninterrupted_xla):
    """The ``cpu`` profile compiles chapter 5's training step with XLA: resuming must stay exact there too."""
    _check_resume(tmp_path, 13, uninterrupted_xla, jit_compile=True)


def _check_resume(tmp_path, interrupt_at, expected, *, jit_compile):
    first = _make_gan(0, jit_compile)
    with pytest.raises(KeyboardInterrupt):
        _fit(first, checkpoints.GANCheckpoint(tmp_path / "run"), extra=[Interrupt(interrupt_at)])
    saved = json.loads((tmp_path / "run" / "latest.json").read_text())
    assert saved["step"] == (interrupt_at // STEPS_PER_EPOCH) * STEPS_PER_EPOCH

    resumed = _make_gan(1, jit_compile)  # other initial weights: everything must come from the checkpoint
    start = _fit(resumed, checkpoints.GANCheckpoint(tmp_path / "run"))
    assert start.epoch == interrupt_at // STEPS_PER_EPOCH and start.step == saved["step"]
    got = checkpoints.training_state(resumed)
    assert got.keys() == expected.keys()
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
    assert resumed.steps_done == EPOCHS * STEPS_PER_EPOCH


def test_two_seeded_runs_give_identical_losses(tmp_path):
    logs = []
    for run in range(2):
        model = _make_gan(0)
        hist = model.fit(pipelines.training_stream(_images(), batch_size=BATCH, seed=3),
                         epochs=2, steps_per_epoch=3, verbose=0)
        logs.append(hist.history)
    assert logs[0] == logs[1]


def test_restore_without_checkpoint_starts_at_zero(tmp_path):
    model = _make_gan(0)
    assert checkpoints.GANCheckpoint(tmp_path / "empty").restore(model) == checkpoints.ResumePoint(0, 0)


def test_restore_into_other_networks_says_how_to_start_afresh(tmp_path):
    model = _make_gan(0)
    ckpt = checkpoints.GANCheckpoint(tmp_path / "run")
    ckpt.set_model(model)
    ckpt.save(1)
    keras.utils.set_random_seed(0)
    other = gan.GAN(*dcgan.dcgan_networks(8, width=4, start_filters=16, start_convs=1, downsamplings=3), 8)
    other.compile(*dcgan.dcgan_optimizers())
    # Keras warns about each part of the saved networks it finds no match for before it gives up
    with pytest.warns(UserWarning, match="Skipping"), \
            pytest.raises(ValueError, match=r"does not fit this GAN \(it was made with other networks\).*delete"):
        checkpoints.GANCheckpoint(tmp_path / "run").restore(other)


def test_fit_refuses_to_overwrite_a_run_that_was_not_restored(tmp_path):
    model = _make_gan(0)
    ckpt = checkpoints.GANCheckpoint(tmp_path / "run")
    ckpt.set_model(model)
    ckpt.save(1)  # a checkpoint at step 0
    model.fit(pipelines.training_stream(_images(), batch_size=BATCH), epochs=1, steps_per_epoch=2, verbose=0)
    with pytest.raises(RuntimeError, match="call ckpt.restore"):
        model.fit(pipelines.training_stream(_images(), batch_size=BATCH), epochs=1, steps_per_epoch=1,
                  callbacks=[checkpoints.GANCheckpoint(tmp_path / "run")], verbose=0)


def test_checkpoints_are_written_atomically_and_pruned(tmp_path):
    model = _make_gan(0)
    ckpt = checkpoints.GANCheckpoint(tmp_path / "run", keep=2)
    _fit(model, ckpt)
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    # no temporary folders or files are left; only the `keep` newest checkpoints
    assert names == ["epoch-00003", "epoch-00004", "latest.json"]
    assert json.loads((tmp_path / "run" / "epoch-00004" / "state.json").read_text()) == {
        "epoch": 4, "step": EPOCHS * STEPS_PER_EPOCH}
