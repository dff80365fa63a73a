"""gancourse.train callbacks: sample grids, discriminator snapshots, checkpoints and the divergence stop."""

import keras
import numpy as np
import pytest

from gancourse.data import pipelines
from gancourse.nets import dcgan, latent, mlp
from gancourse.show.images import save_gif
from gancourse.train import checkpoints, divergence_stop, snapshots
from gancourse.train import gan_trainer as gan


def _small_gan(cls=gan.GAN):
    keras.utils.set_random_seed(0)
    model = cls(dcgan.dcgan_generator(8, width=4), dcgan.dcgan_discriminator(width=4), 8, seed=1)
    model.compile(*dcgan.dcgan_optimizers())
    return model


def _stream():
    x = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    return pipelines.training_stream(x, batch_size=8)


def test_sample_grid_records_fixed_noise_every_n_steps(tmp_path):
    model = _small_gan()
    noise = latent.latent_noise(4, 8, seed=0)
    grid = snapshots.SampleGrid(noise, every_steps=3, directory=tmp_path / "frames")
    before = model.generator(noise, training=False).numpy()
    model.fit(_stream(), epochs=2, steps_per_epoch=4, callbacks=[grid], verbose=0)
    assert grid.steps == [0, 3, 6, 8]  # start, every 3 steps, end
    assert len(grid.grids) == 4 and grid.grids[0].shape == (4, 28, 28, 1)
    np.testing.assert_allclose(grid.grids[0], before, rtol=1e-6)  # frame 0 = before training
    np.testing.assert_allclose(grid.grids[-1], model.generator(noise, training=False).numpy(), rtol=1e-5)
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [
        "step_000000.png", "step_000003.png", "step_000006.png", "step_000008.png"]
    gif = save_gif(grid.grids, tmp_path / "progress.gif")
    import imageio.v3 as iio
    assert iio.imread(gif, index=None).shape[0] == 4


def test_discriminator_outputs_are_probabilities():
    model = _small_gan()
    real = np.random.default_rng(1).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
    snap = snapshots.DiscriminatorOutputs(real, latent.latent_noise(5, 8), every_steps=2)
    model.fit(_stream(), epochs=1, steps_per_epoch=4, callbacks=[snap], verbose=0)
    assert snap.steps == [0, 2, 4]
    assert [len(r) for r in snap.real] == [6, 6, 6] and [len(f) for f in snap.fake] == [5, 5, 5]
    assert all(np.all((a >= 0) & (a <= 1)) for a in snap.real + snap.fake)


class _NaNGAN(gan.GAN):
    def generator_loss_fn(self, fake_logits):
        loss = super().generator_loss_fn(fake_logits)
        step = keras.ops.cast(self.g_optimizer.iterations, "float32")
        # the logged loss becomes NaN from the third step on (its gradient stays finite)
        return loss + keras.ops.where(step >= 2, np.nan, 0.0)


def test_divergence_stop_halts_on_nan_and_says_why(capsys):
    model = _NaNGAN(dcgan.dcgan_generator(8, width=4), dcgan.dcgan_discriminator(width=4), 8)
    model.compile(*dcgan.dcgan_optimizers())
    stop = divergence_stop.DivergenceStop()
    model.fit(_stream(), epochs=3, steps_per_epoch=4, callbacks=[stop], verbose=0)
    assert stop.stopped_step == 3 and model.steps_done == 3  # stopped right after the bad step
    assert "g_loss became nan at step 3" in stop.reason and "last finite value" in stop.reason
    assert "DivergenceStop: training stopped" in capsys.readouterr().out


def test_divergence_stop_can_raise():
    model = _NaNGAN(dcgan.dcgan_generator(8, width=4), dcgan.dcgan_discriminator(width=4), 8)
    model.compile(*dcgan.dcgan_optimizers())
    with pytest.raises(divergence_stop.TrainingDiverged, match="g_loss became nan"):
        model.fit(_stream(), epochs=1, steps_per_epoch=4,
                  callbacks=[divergence_stop.DivergenceStop(raise_error=True)], verbose=0)


def test_diagnose_rules():
    stop = divergence_stop.DivergenceStop(patience=10, max_loss=50)
    assert stop.diagnose({"d_loss": 1.3, "g_loss": 0.7, "d_real": 0.6, "d_fake": 0.4}, 1) is None
    assert "exceeds 50" in stop.diagnose({"d_loss": 1.0, "g_loss": 60.0}, 2)
    assert "d_loss became inf" in stop.diagnose({"d_loss": float("inf")}, 3)
    won = {"d_loss": 0.01, "g_loss": 6.0, "d_real": 0.999, "d_fake": 0.001}
    assert stop.diagnose(won, 100) is None  # starts counting
    assert stop.diagnose(won, 105) is None
    assert "won outright since step 100" in stop.diagnose(won, 110)
    assert stop.diagnose({"d_real": 0.9, "d_fake": 0.1}, 111) is None  # resets


def test_callbacks_reject_bad_input(tmp_path):
    with pytest.raises(ValueError, match="every_steps must be >= 1, got 0"):
        snapshots.SampleGrid(np.zeros((2, 3)), every_steps=0)
    with pytest.raises(ValueError, match="noise must have shape"):
        snapshots.SampleGrid(np.zeros(3))
    with pytest.raises(ValueError, match="keep must be >= 1, got 0"):
        checkpoints.GANCheckpoint(tmp_path, keep=0)
    with pytest.raises(TypeError, match="directory must be a str"):
        checkpoints.GANCheckpoint(3)
    with pytest.raises(ValueError, match=r"d_margin must be a number >= 0.0 and < 0.5, got 0.7"):
        divergence_stop.DivergenceStop(d_margin=0.7)
    with pytest.raises(RuntimeError, match="compile the GAN"):
        checkpoints.GANCheckpoint(tmp_path).restore(
            gan.GAN(mlp.mlp_generator(4), mlp.mlp_discriminator(), 4))
