"""What the exact-resume tests share (imported by the resume, WGAN, remedies, conditional and super-resolution tests)."""

import keras


class Interrupt(keras.callbacks.Callback):
    """Stops ``fit()`` with a KeyboardInterrupt once the GAN has done ``at_step`` generator steps."""

    def __init__(self, at_step):
        super().__init__()
        self.at_step = at_step

    def on_train_batch_end(self, batch, logs=None):
        if self.model.steps_done >= self.at_step:
            raise KeyboardInterrupt("simulated interruption")


def assert_resumes_exactly(build, fit_from_checkpoint, tmp_path, *, at_step: int = 5, total_steps: int = 9):
    """Train one model straight through and another interrupted at ``at_step`` then resumed: same state.

    ``build(init_seed)`` returns a compiled model; the resumed one is built with
    other initial weights (``init_seed=1``), so everything must come from the
    checkpoint. ``fit_from_checkpoint(model, checkpoint, extra=())`` restores
    and fits to ``total_steps``. Returns the reference's training state.
    """
    import numpy as np

    from gancourse.train import checkpoints

    reference = build(0)
    fit_from_checkpoint(reference, checkpoints.GANCheckpoint(tmp_path / "ref"))
    first = build(0)
    try:
        fit_from_checkpoint(first, checkpoints.GANCheckpoint(tmp_path / "run"), extra=[Interrupt(at_step)])
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError(f"the run was not interrupted at step {at_step}")
    resumed = build(1)
    fit_from_checkpoint(resumed, checkpoints.GANCheckpoint(tmp_path / "run"))
    expected, got = checkpoints.training_state(reference), checkpoints.training_state(resumed)
    assert got.keys() == expected.keys() and resumed.steps_done == total_steps
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
    return expected
