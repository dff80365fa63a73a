"""A newcomer's first run: no data, no network, the default profile, and what the command line says.

The end-to-end test runs ``python -m gancourse run 00_start_here`` as a new
user would on a fresh offline machine (the ``cpu`` profile, an empty download
cache, no ``GANCOURSE_DATA``): one kernel, about 10 to 20 s on two cores.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import types
import warnings

import nbformat
import pytest

from gancourse import cli, data
from gancourse.classroom import execute

ROOT = pathlib.Path(__file__).resolve().parent.parent
ANSI = "\x1b["


def offline_newcomer_env(tmp_path) -> dict:
    """A new user's environment: no profile chosen, no GANCOURSE_DATA, an empty cache, offline.

    The profile is ``cpu``: what a machine without a GPU detects (set here so that a GPU runner tests it too).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("GANCOURSE_DATA", "GANCOURSE_PROFILE")}
    env.update(GANCOURSE_PROFILE="cpu", GANCOURSE_OFFLINE="1", GANCOURSE_CACHE=str(tmp_path / "cache"))
    return env


# --------------------------------------------------------------------------- run 00_start_here offline


def test_offline_first_run_says_what_to_do_and_prints_the_whole_error_once(tmp_path, monkeypatch):
    env = offline_newcomer_env(tmp_path)
    monkeypatch.delenv("GANCOURSE_DATA", raising=False)
    for key in ("GANCOURSE_PROFILE", "GANCOURSE_OFFLINE", "GANCOURSE_CACHE"):
        monkeypatch.setenv(key, env[key])
    with pytest.raises(data.DatasetNotFoundError) as missing:  # what loading MNIST says, in this environment
        data.locate_dataset("mnist")
    before = sorted(p.name for p in (ROOT / "notebooks").iterdir())

    out = subprocess.run([sys.executable, "-m", "gancourse", "run", "00_start_here", "--out", str(tmp_path / "build")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    assert out.returncode == 1, out.stdout + out.stderr
    printed = out.stdout + out.stderr
    assert ANSI not in printed
    assert "without encryption" not in printed and "IPKernelApp" not in printed  # the IPC transport
    first = out.stdout.splitlines()[0]
    assert re.match(r"00_start_here: FAILED: cell \d+: DatasetNotFoundError: MNIST", first), first
    for line in str(missing.value).splitlines():  # the whole message, once
        assert out.stdout.count(line.strip()) == 1, (line, out.stdout)
    assert "GANCOURSE_DATA" in out.stdout and "GANCOURSE_PROFILE=smoke" in out.stdout
    assert out.stdout.rstrip().endswith("00_start_here.ipynb (+ .html)")

    executed = nbformat.read(tmp_path / "build" / "00_start_here.ipynb", as_version=4)
    check = next(c for c in executed.cells if c.cell_type == "code" and "missing = " in c.source)
    said = "".join(o.get("text", "") for o in check.outputs)
    assert "not on this machine yet: mnist, fashion_mnist" in said, said
    assert "GANCOURSE_DATA" in said and "GANCOURSE_PROFILE=smoke" in said
    assert not any(o.get("output_type") == "error" for o in check.outputs)  # it advises; loading fails
    assert sorted(p.name for p in (ROOT / "notebooks").iterdir()) == before  # no sockets left next to the notebooks


def test_error_message_is_the_whole_exception_without_colours():
    from nbclient.exceptions import CellExecutionError

    traceback = f"{ANSI}0;31m---------{ANSI}0m\nTraceback\n{ANSI}0;31mValueError{ANSI}0m: first line"
    exc = CellExecutionError(traceback, "ValueError", f"first line\n  second {ANSI}1mline{ANSI}0m")
    assert execute.error_message(exc) == "ValueError: first line\n  second line"
    assert execute.error_message(CellExecutionError(traceback, "<Error>", "")) == "ValueError: first line"


def test_run_message_keeps_one_line_errors_on_one_line(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("raise KeyError('only line')")]
    nbformat.write(nb, tmp_path / "one.ipynb")
    assert cli.main(["run", str(tmp_path / "one.ipynb"), "--out", str(tmp_path / "build")]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("one: FAILED: cell 0: KeyError: 'only line' in ")


# --------------------------------------------------------------------------- the profile


def test_data_shows_the_profile_and_where_it_came_from(monkeypatch, capsys):
    monkeypatch.setenv("GANCOURSE_PROFILE", "smoke")
    assert cli.main(["data"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "profile: smoke (from GANCOURSE_PROFILE=smoke)"
    assert "reads the subsets shipped in" in out

    monkeypatch.delenv("GANCOURSE_PROFILE")
    cli.main(["data"])
    first = capsys.readouterr().out.splitlines()[0]
    assert re.fullmatch(r"profile: (cpu|gpu) \(GANCOURSE_PROFILE is unset and TensorFlow sees (a|no) GPU; "
                        r"choose with GANCOURSE_PROFILE=cpu\|gpu\|smoke\)", first), first


def test_data_says_what_the_cpu_profile_lacks_offline(tmp_path, monkeypatch, capsys):
    env = offline_newcomer_env(tmp_path)
    monkeypatch.delenv("GANCOURSE_DATA", raising=False)
    for key in ("GANCOURSE_PROFILE", "GANCOURSE_OFFLINE", "GANCOURSE_CACHE"):
        monkeypatch.setenv(key, env[key])
    assert cli.main(["data"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "profile: cpu (from GANCOURSE_PROFILE=cpu)"
    assert "not on this machine: mnist, fashion_mnist." in out
    assert "set GANCOURSE_DATA to it" in out and "GANCOURSE_PROFILE=smoke" in out


@pytest.mark.parametrize("command", [["data"], ["run", "00_start_here"]])
def test_an_unknown_profile_variable_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, command):
    monkeypatch.setenv("GANCOURSE_PROFILE", "laptop")
    assert cli.main([*command, *(["--out", str(tmp_path / "build")] if command[0] == "run" else [])]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and not (tmp_path / "build").exists()  # run starts no kernel
    assert captured.err == ("error: unknown profile 'laptop' (from environment variable GANCOURSE_PROFILE); "
                            "expected one of: cpu, gpu, smoke\n")


# --------------------------------------------------------------------------- help and README


def test_help_lists_every_command_with_its_help_on_its_line(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    parser = cli.build_parser()
    text = parser.format_help()
    commands = parser._subparsers._group_actions[0]
    assert len(commands.choices) == 8
    helps = {a.dest: a.help for a in commands._get_subactions()}
    for name in commands.choices:
        assert helps[name], name
        assert re.search(rf"^    {name} +{re.escape(helps[name][:20])}", text, re.M), (name, text)
    assert "python -m gancourse run 00_start_here" in text and "GANCOURSE_DATA" in text


def test_readme_quick_start_says_the_cpu_profile_needs_the_full_datasets():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "`cpu` profile" in quick and "downloaded on first use" in quick
    assert "GANCOURSE_DATA" in quick and "GANCOURSE_PROFILE=smoke" in quick


# --------------------------------------------------------------------------- the chapter 5 plot


def test_plot_history_labels_its_axis_and_limits_it():
    import matplotlib.pyplot as plt

    from gancourse.show import curves

    fig, (left, right) = plt.subplots(1, 2)
    curves.plot_history({"d_loss": [0.7, 0.6], "g_loss": [0.8, 1.0]}, ax=left, ylabel="cross-entropy (nats)")
    curves.plot_history({"d_accuracy": [0.5, 0.7]}, ax=right, ylabel="share right", ylim=(0, 1))
    assert left.get_ylabel() == "cross-entropy (nats)" and right.get_ylabel() == "share right"
    assert right.get_ylim() == (0.0, 1.0)
    with pytest.raises(ValueError, match="ylim must be"):
        curves.plot_history({"a": [1.0]}, ax=left, ylim=(1, 0))
    with pytest.raises(TypeError, match="ylabel must be a str"):
        curves.plot_history({"a": [1.0]}, ax=left, ylabel=3)
    plt.close(fig)


def test_no_chapter_plots_losses_and_accuracy_on_one_axis():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            for keys in re.findall(r"plot_history\(\s*\w+\s*,\s*\[([^\]]*)\]", source):
                assert not ("loss" in keys and "accuracy" in keys), (path.name, keys)


# --------------------------------------------------------------------------- warnings


def test_steps_of_a_plain_keras_model_are_read_without_numpys_copy_warning():
    import keras

    from gancourse.train import snapshots

    model = types.SimpleNamespace(optimizer=keras.optimizers.Adam())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert snapshots._steps_done(model) == 0
