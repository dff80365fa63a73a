"""gancourse.config: profiles, profile selection, seeding."""

import dataclasses

import numpy as np
import pytest

from gancourse import config


def test_profiles_are_the_three_documented_ones():
    assert set(config.PROFILES) == {"smoke", "cpu", "gpu"}


# Profile lost batch_size, epochs, toy_steps and width (read by nothing; docs/architecture.md):
# each chapter's own sizes now live in config.SIZES.
@pytest.mark.parametrize(
    "name, train_size, eval_samples, mini",
    [
        ("smoke", 1024, 500, True),
        ("cpu", None, 5000, False),
        ("gpu", None, 10000, False),
    ],
)
def test_profile_sizes(name, train_size, eval_samples, mini):
    p = config.get_profile(name)
    assert (p.name, p.train_size, p.eval_samples, p.mini_data) == (name, train_size, eval_samples, mini)


def test_profiles_grow_from_smoke_to_gpu():
    s, c, g = (config.PROFILES[k] for k in ("smoke", "cpu", "gpu"))
    for field in ("eval_samples", "grid_size"):
        assert getattr(s, field) < getattr(c, field) <= getattr(g, field), field


def test_profile_subset_caps_only_when_set():
    assert config.PROFILES["smoke"].subset(60000) == 1024
    assert config.PROFILES["smoke"].subset(100) == 100
    assert config.PROFILES["smoke"].subset(10000, "test") == 512
    assert config.PROFILES["cpu"].subset(60000) == 60000
    with pytest.raises(ValueError, match="split"):
        config.PROFILES["cpu"].subset(10, "validation")


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.PROFILES["cpu"].eval_samples = 1


def test_environment_variable_picks_profile(monkeypatch):
    monkeypatch.setenv(config.PROFILE_ENV, "CPU")
    assert config.get_profile().name == "cpu"


def test_hardware_decides_when_unset(monkeypatch):
    monkeypatch.delenv(config.PROFILE_ENV, raising=False)
    monkeypatch.setattr(config.profiles, "gpu_available", lambda: True)
    assert config.get_profile().name == "gpu"
    monkeypatch.setattr(config.profiles, "gpu_available", lambda: False)
    assert config.get_profile().name == "cpu"


def test_unknown_profile_lists_valid_ones(monkeypatch):
    with pytest.raises(ValueError, match=r"unknown profile 'laptop'.*cpu, gpu, smoke"):
        config.get_profile("laptop")
    monkeypatch.setenv(config.PROFILE_ENV, "fast")
    with pytest.raises(ValueError, match=r"'fast' \(from environment variable GANCOURSE_PROFILE\)"):
        config.get_profile()


def test_profile_name_type_checked():
    with pytest.raises(TypeError, match="str, got int"):
        config.get_profile(3)


def test_seed_everything_makes_runs_identical():
    import keras

    config.seed_everything(123)
    a = (np.random.rand(3), keras.random.normal((3,)).numpy())
    config.seed_everything(123)
    b = (np.random.rand(3), keras.random.normal((3,)).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError),
                                      ("1", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, exc):
    with pytest.raises(exc, match="seed"):
        config.seed_everything(bad)


def test_backend_is_tensorflow():
    import keras

    assert keras.backend.backend() == "tensorflow"


def test_gpu_advice_mentions_colab_runtime_switch(monkeypatch):
    monkeypatch.setattr(config.environment, "gpu_available", lambda: False)
    monkeypatch.setattr(config.environment, "in_colab", lambda: True)
    assert "Change runtime type" in config.gpu_advice()
    monkeypatch.setattr(config.environment, "in_colab", lambda: False)
    assert "cpu" in config.gpu_advice()


def test_tensorflow_start_up_is_quiet():
    """No CUDA-stub, cuInit, oneDNN or absl lines reach stderr when the course imports TF."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND")}
    code = ("import gancourse; tf = gancourse.config.import_tensorflow(); import keras; "
            "print(keras.backend.backend(), float(tf.reduce_sum(tf.ones(3))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["tensorflow", "3.0"]
    for noise in ("cudart_stub", "cuInit", "oneDNN", "absl::InitializeLog"):
        assert noise not in out.stderr, out.stderr


def test_every_chapter_has_one_frozen_sizes_class_for_all_three_profiles():
    import dataclasses

    for chapter, by_profile in config.SIZES.items():
        assert set(by_profile) == set(config.PROFILES), chapter
        kinds = {type(sizes) for sizes in by_profile.values()}
        assert len(kinds) == 1 and dataclasses.is_dataclass(kinds.pop()), chapter
        sizes = config.chapter_sizes(chapter, "cpu")
        assert sizes is by_profile["cpu"]
        with pytest.raises(dataclasses.FrozenInstanceError):
            sizes.__setattr__(dataclasses.fields(sizes)[0].name, None)


def test_pretraining_recipes_reuse_the_chapter_sizes_classes():
    from gancourse.train.recipes import RECIPES

    assert type(RECIPES["first-gan-mnist"].sizes) is type(config.chapter_sizes("first_gan", "cpu"))
    assert type(RECIPES["dcgan-mnist"].sizes) is type(config.chapter_sizes("dcgan", "cpu"))
