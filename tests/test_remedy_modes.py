"""Chapter 8's remedies table (gancourse.evaluate.remedy_modes) on the toy lab's networks and scores."""

import numpy as np
import pytest

from gancourse import config
from gancourse.evaluate import remedy_modes
from gancourse.evaluate.toy_modes import toy_networks
from gancourse.train.instance_noise import InstanceNoiseGAN
from gancourse.train.unrolled import UnrolledGAN


def test_train_remedy_runs_exactly_the_steps_asked_on_the_lab_networks():
    sizes = config.chapter_sizes("wgan", "smoke")
    unrolled, _ = remedy_modes.train_remedy("unrolled", sizes, seed=1, steps=10)
    assert isinstance(unrolled, UnrolledGAN) and unrolled.unroll_steps == 10 and unrolled.steps_done == 10
    gan, seconds = remedy_modes.train_remedy("instance_noise", sizes, seed=1, steps=30)
    assert isinstance(gan, InstanceNoiseGAN) and gan.steps_done == 30 and seconds > 0
    assert gan.anneal_steps == 30 and gan.noise_std == 0.2  # the noise reaches 0 at the run's last step
    # the same networks as the chapter-7 lab's for that seed, before training
    generator, _ = toy_networks(sizes, 1)
    fresh, _ = remedy_modes.train_remedy("none", sizes, seed=1, steps=1)
    assert [w.shape for w in fresh.generator.get_weights()] == [w.shape for w in generator.get_weights()]


def test_remedy_runs_are_seeded():
    sizes = config.chapter_sizes("wgan", "smoke")
    # instance noise draws its noise from the model's seed generator too: all of it must repeat
    first, _ = remedy_modes.train_remedy("instance_noise", sizes, seed=2, steps=20)
    second, _ = remedy_modes.train_remedy("instance_noise", sizes, seed=2, steps=20)
    np.testing.assert_array_equal(first.sample(50, seed=0), second.sample(50, seed=0))


def test_table_keys_and_the_comparison_with_the_plain_gan(monkeypatch):
    # canned scores: the plain GAN finds 5 then 6 modes (mean 5.5), unrolled 8 and 7 (7.5), noise 5 and 6 (5.5)
    modes = {("none", 0): 5, ("none", 1): 6, ("unrolled", 0): 8, ("unrolled", 1): 7, ("instance_noise", 0): 5,
             ("instance_noise", 1): 6}
    current = {}

    def fake_train(method, sizes, seed, *, steps, data):
        current["key"] = (method, seed)
        return object(), 1.5

    def fake_score(gan, data, n, seed):
        return {"modes": modes[current["key"]], "modes_1pct": 1, "high_quality": 0.5, "n_modes": 8}

    monkeypatch.setattr(remedy_modes, "train_remedy", fake_train)
    monkeypatch.setattr(remedy_modes, "score_toy", fake_score)
    table = remedy_modes.remedy_mode_table(seeds=[0, 1], steps=40, profile="smoke")
    assert table["data"] == "ring" and table["steps"] == 40 and table["seeds"] == [0, 1]
    assert list(table["methods"]) == ["none", "unrolled", "instance_noise"]
    assert table["methods"]["unrolled"]["modes"] == {"mean": 7.5, "std": 0.5, "min": 7.0, "max": 8.0}
    assert table["methods"]["none"]["train_seconds"] == 3.0
    # a tie with the plain GAN is not "more modes"
    assert table["more_modes_than_plain"] == {"unrolled": True, "instance_noise": False}
    assert table["options"]["instance_noise"] == {"noise_std": 0.2, "anneal_steps": 40}


def test_table_defaults_come_from_the_profile(monkeypatch):
    seen = []
    monkeypatch.setattr(remedy_modes, "train_remedy",
                        lambda method, sizes, seed, *, steps, data: seen.append((method, seed, steps)) or (None, 0.0))
    monkeypatch.setattr(remedy_modes, "score_toy",
                        lambda *a, **k: {"modes": 1, "modes_1pct": 0, "high_quality": 0.0, "n_modes": 8})
    sizes = config.chapter_sizes("problems", "smoke")
    remedy_modes.remedy_mode_table(methods=("none",), profile="smoke")
    assert seen == [("none", s, sizes.remedy_steps) for s in range(sizes.remedy_seeds)]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"methods": "unrolled"}, TypeError, "methods"),
    ({"methods": ("none", "dropout")}, ValueError, "methods entry"),
    ({"methods": ()}, ValueError, "methods"),
    ({"data": "moons"}, ValueError, "data"),
    ({"steps": 0}, ValueError, "steps"),
    ({"seeds": []}, ValueError, "seeds"),
    ({"seeds": [-1]}, ValueError, "seed"),
])
def test_bad_input_is_refused_by_name(kwargs, error, match):
    with pytest.raises(error, match=match):
        remedy_modes.remedy_mode_table(profile="smoke", **kwargs)
