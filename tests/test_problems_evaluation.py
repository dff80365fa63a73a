"""Chapter 8's commands in the smoke profile: one JSON line each, with the keys and bars the issue asks for."""

import json

import keras
import pytest

from gancourse import cli, config
from gancourse.data.datasets import load_mnist
from gancourse.evaluate.conditional import per_class_accuracy
from gancourse.train.health_cases import HEALTH_CASES


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, *argv):
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1, "one JSON line on standard output (progress goes to standard error)"
    return json.loads(lines[0])


def test_evaluate_health_prints_the_confusion_table(capsys):
    result = _json(capsys, "evaluate", "health", "--profile", "smoke")
    seeds = config.chapter_sizes("problems", "smoke").health_seeds
    assert result["name"] == "health" and result["seeds"] == list(range(seeds))
    assert set(result["confusion"]) == set(HEALTH_CASES.values())
    assert all(sum(row.values()) == seeds for row in result["confusion"].values())
    assert len(result["runs"]) == len(HEALTH_CASES) * seeds
    assert result["all_named_right"] == all(r["named"] == r["expected"] for r in result["runs"])
    # the Dirac-GAN keeps its own clock (600 steps, a check every 10) in every profile, so even smoke names it
    assert result["confusion"]["oscillating"] == {"oscillating": seeds}
    assert {"total_seconds", "cpu_seconds", "load_average"} <= set(result)


def test_evaluate_remedies_toy_prints_the_table_and_its_bar(capsys):
    result = _json(capsys, "evaluate", "remedies-toy", "--profile", "smoke", "--seed", "3")
    sizes = config.chapter_sizes("problems", "smoke")
    assert result["seeds"] == list(range(3, 3 + sizes.remedy_seeds)) and result["steps"] == sizes.remedy_steps
    assert list(result["methods"]) == ["none", "unrolled", "instance_noise"]
    assert result["bar_met"] == any(result["more_modes_than_plain"].values())
    for row in result["methods"].values():
        assert [r["seed"] for r in row["runs"]] == result["seeds"]
        assert {"modes", "modes_1pct", "high_quality", "train_seconds"} <= set(row)


def test_evaluate_cgan_mnist_trains_scores_per_digit_and_keeps_the_generator(capsys, tmp_path):
    out = tmp_path / "cgan.keras"
    result = _json(capsys, "evaluate", "cgan-mnist", "--profile", "smoke", "--out", str(out))
    assert result["steps"] == config.chapter_sizes("problems", "smoke").cgan_steps
    assert len(result["per_digit_accuracy"]) == 10 and result["samples_per_digit"] == result["n"] // 10
    assert result["min_digit_accuracy"] == min(result["per_digit_accuracy"])
    assert set(result["bars_met"]) == {"min_digit_accuracy", "classes_covered", "fd_ratio", "train_seconds"}
    assert {"fd", "fd_floor", "fd_ratio", "classes_covered", "train_seconds", "train_cpu_seconds"} <= set(result)
    generator = keras.saving.load_model(out, safe_mode=True, compile=False)
    assert [tuple(i.shape) for i in generator.inputs] == [(None, 64), (None,)]


def test_per_class_accuracy_reads_real_digits_and_catches_wrong_labels():
    mnist = load_mnist(profile="smoke", subset=False)
    images, labels = mnist.x_test[:500], mnist.y_test[:500]
    right = per_class_accuracy(images, labels)
    wrong = per_class_accuracy(images, (labels + 1) % 10)  # every digit asked for as the next one
    assert min(right) >= 0.95 and max(wrong) <= 0.05, (right, wrong)


@pytest.mark.parametrize("argv, message", [
    (("evaluate", "cgan-mnist", "--profile", "smoke", "--out", "generator.h5"), "must end in .keras"),
    (("pretrain", "cgan-mnist", "--profile", "smoke"), "must not replace the shipped"),
])
def test_bad_input_is_one_error_line(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and message in err


def test_a_negative_seed_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["evaluate", "health", "--profile", "smoke", "--seed", "-1"])
    assert stop.value.code == 2 and "--seed" in capsys.readouterr().err
