"""Check the chapters' widgets in a real browser: JupyterLab driven through Chromium.

Contributors only: neither the course nor requirements.txt needs it. Set-up, once (Debian/Ubuntu):

    sudo apt-get install -y chromium && pip install playwright

There is no ``playwright install``: the script drives the system ``chromium``. Then:

    python tools/browser_check.py                  # every chapter whose code uses ipywidgets
    python tools/browser_check.py 05_dcgan         # one chapter, by name or path
    python tools/browser_check.py --list           # which chapters the first form runs

The script copies the notebooks into a temporary folder (nothing under notebooks/ is written) and
starts JupyterLab on 127.0.0.1 with a free port, a random token and ``GANCOURSE_PROFILE=smoke``
(``--profile`` changes it; ``GANCOURSE_DATA`` passes through). For each notebook it runs all cells
in Chromium, waits for the run to finish and fails on any error output. It then works, with the
mouse or keyboard, every ipywidgets control that the learner sees (sliders, dropdowns, selects,
buttons, toggles, checkboxes, radio buttons, text and number boxes, play controls) and every
matplotlib animation player (``animate_grids``: next frame, play), and asserts that the linked
output changes. The linked output is the image and output areas of the same displayed widget,
or, failing that, of the cell's other widgets.
Before and after each move it compares the output's images (``src``), canvases and text.
A traceback in the kernel or in the server's log while a control is worked fails that control.

It prints one PASS/FAIL line per notebook and per control. Cells are numbered from 0, as nbformat
numbers them. It exits 0 when all pass, 1 on any failure, and 2 when it cannot start (no
chromium, no playwright, or a server that does not come up).
"""

# Why this file is longer than 300 lines: one self-contained contributor script (server, browser,
# one operation per kind of control); split into modules it would need a package under tools/.

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import metadata
from typing import NamedTuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# Code that displays ipywidgets: the library itself or the course's widget module.
WIDGET_CODE = re.compile(r"\bipywidgets\b|\bgancourse\.show\.widgets\b"
                         r"|\bfrom\s+gancourse\.show\s+import\s[^\n]*\bwidgets\b")


def code_of(path: pathlib.Path) -> str:
    """All code cells of a notebook, joined."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in cells if c["cell_type"] == "code")


def uses_widgets(path: pathlib.Path) -> bool:
    """Whether a notebook's code imports ipywidgets or ``gancourse.show.widgets``."""
    return bool(WIDGET_CODE.search(code_of(path)))


def select_notebooks(names: list[str]) -> list[pathlib.Path]:
    """The notebooks named (a chapter name like ``05_dcgan`` or a path), else every widget chapter."""
    if not names:
        return [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if uses_widgets(p)]
    chosen = []
    for name in names:
        path = pathlib.Path(name)
        if not path.exists():
            path = NOTEBOOKS / (name if name.endswith(".ipynb") else name + ".ipynb")
        if not path.is_file():
            raise SystemExit(f"no notebook {name!r} (looked for it as a path and in {NOTEBOOKS})")
        chosen.append(path.resolve())
    if len({p.name for p in chosen}) != len(chosen):
        raise SystemExit("two notebooks share a file name; check them in separate runs")
    return chosen


def contents(paths) -> dict:
    """A hash of each file: the notebooks checked must come out of the check unwritten."""
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


# --------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(profile: str, home: pathlib.Path) -> dict:
    """The server's (and so the kernels') environment: the course's test settings, a private config."""
    env = dict(os.environ)
    env["GANCOURSE_PROFILE"] = profile
    env.setdefault("GANCOURSE_OFFLINE", "1")       # as the test command: never a download
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.pop("MPLBACKEND", None)                    # a learner's kernel uses the inline backend
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")   # the contributor's own settings stay out
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    return env


def write_lab_settings(settings: pathlib.Path) -> None:
    """No news or update pop-ups over the notebook."""
    path = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


class LabServer:
    """JupyterLab on 127.0.0.1 serving ``work``, stopped (with its kernels) on exit."""

    def __init__(self, work: pathlib.Path, home: pathlib.Path, profile: str):
        self.port, self.token = free_port(), secrets.token_hex(24)
        self.log_path = home / "server.log"
        settings = home / "settings"
        write_lab_settings(settings)
        self.command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                        f"--port={self.port}", "--ServerApp.port_retries=0",
                        f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={work}",
                        "--ServerApp.terminals_enabled=False", "--LabApp.expose_app_in_browser=True",
                        f"--LabApp.user_settings_dir={settings}",
                        f"--LabApp.workspaces_dir={home / 'workspaces'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            self.command.append("--allow-root")    # containers and CI often run as root
        self.env = server_environment(profile, home)
        self.process = None

    def url(self, path: str, reset: bool = False) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?{'reset&' if reset else ''}token={self.token}"

    def log_text(self, start: int = 0) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(start)
            return log.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.command, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5):
                    return self
            except OSError:
                time.sleep(1)
        self.__exit__(None, None, None)
        print(self.log_text()[-3000:], file=sys.stderr)
        raise SystemExit(2)

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()               # the server shuts its kernels down
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None:
            try:                                   # its own session: whatever is left of the server and its kernels
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        self.log.close()


# --------------------------------------------------------------------------- in the page

# The notebook's panel, found by its path (not the current widget: a restored one could be current).
JS_FIND = """(path) => [...window.jupyterapp.shell.widgets('main')].find(w => w.context?.path === path
                                                                    && w.sessionContext)"""

JS_OPEN = """async (path) => {
  const panel = (""" + JS_FIND + """)(path);
  await panel.context.ready;
  await panel.sessionContext.ready;
  window.__gc = {panel, iopub: [], runDone: false};
  panel.sessionContext.session.kernel.iopubMessage.connect((_, msg) => {
    const type = msg.header.msg_type, c = msg.content;
    if (type === 'error') window.__gc.iopub.push(`${c.ename}: ${c.evalue}`);
    if (type === 'stream' && c.name === 'stderr' && c.text.includes('Traceback')) window.__gc.iopub.push(c.text);
  });
}"""

JS_RUN_ALL = """() => {
  const app = window.jupyterapp;
  app.shell.activateById(window.__gc.panel.id);
  app.commands.execute('notebook:run-all-cells').then(
    () => { window.__gc.runDone = true; }, (e) => { window.__gc.runDone = true; window.__gc.runError = String(e); });
}"""

JS_STATE = """() => {
  const panel = window.__gc.panel, cells = panel.content.model.cells;
  const state = {kernel: panel.sessionContext.session?.kernel?.status ?? 'none', code: 0,
                 unexecuted: [], errors: [], runDone: window.__gc.runDone, runError: window.__gc.runError,
                 iopub: window.__gc.iopub.length,
                 busyPrompts: [...panel.content.node.querySelectorAll('.jp-InputPrompt')]
                              .filter(p => p.textContent.includes('*')).length};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    state.code++;
    if (cell.executionCount === null) state.unexecuted.push(i);
    for (const o of cell.outputs.toJSON())
      if (o.output_type === 'error') state.errors.push({cell: i, text: `${o.ename}: ${o.evalue}`});
  }
  return state;
}"""

# Tags every control with data-gc-control and every displayed widget with data-gc-root.
JS_SCAN = """() => {
  const nb = window.__gc.panel.content;
  const cellOf = el => nb.widgets.findIndex(w => w.node.contains(el));
  const roots = [...nb.node.querySelectorAll('.jp-OutputArea-output')]
    .filter(o => o.querySelector('.jupyter-widgets') && !o.parentElement.closest('.jupyter-widgets'));
  const kinds = [['slider', '.widget-slider'], ['dropdown', '.widget-dropdown'],
                 ['select', '.widget-select:not(.widget-select-multiple)'], ['play', '.widget-play'],
                 ['toggle-buttons', '.widget-toggle-buttons'], ['radio', '.widget-radio-box'],
                 ['checkbox', '.widget-checkbox'], ['toggle', 'button.widget-toggle-button'],
                 ['text', '.widget-text, .widget-textarea'],
                 ['button', 'button.widget-button:not(.widget-toggle-button)']];
  const controls = [], broken = [];
  roots.forEach((root, r) => {
    root.setAttribute('data-gc-root', r);
    if (/Error displaying widget|Error rendering/.test(root.textContent))
      broken.push({cell: cellOf(root), text: root.textContent.slice(0, 200)});
    for (const [kind, selector] of kinds)
      for (const el of root.querySelectorAll(selector)) {
        if (kind === 'button' && el.closest('.widget-play, .widget-toggle-buttons')) continue;
        const label = el.querySelector(".widget-label")?.textContent
                      || (el.tagName === 'BUTTON' ? el.textContent || el.title : '') || '';
        el.setAttribute('data-gc-control', controls.length);
        controls.push({id: controls.length, kind, root: r, cell: cellOf(root), label: label.trim().slice(0, 40),
                       disabled: !!el.querySelector(':disabled, [disabled]') || el.disabled === true});
      }
  });
  [...nb.node.querySelectorAll('.animation')].forEach((anim, a) => {
    if (!anim.querySelector('img[id^="_anim_img"]')) return;
    anim.setAttribute('data-gc-anim', a);
    for (const kind of ['next frame', 'play']) {
      controls.push({id: controls.length, kind: 'animation ' + kind, anim: a, cell: cellOf(anim), label: '',
                     disabled: false});
    }
  });
  return {controls, broken, roots: roots.length};
}"""

# What the learner sees change: images, canvases and output text, never the controls themselves.
JS_SIGNATURE = """(selector) => {
  const parts = [];
  for (const area of document.querySelectorAll(selector)) {
    for (const img of area.querySelectorAll('img')) if (!img.closest('[data-gc-control]')) parts.push('img ' + img.src);
    for (const canvas of area.querySelectorAll('canvas')) parts.push('canvas ' + canvas.toDataURL());
    for (const out of area.querySelectorAll('.widget-output')) parts.push("text " + out.textContent);
  }
  return parts;
}"""

JS_OUTPUT_TRACEBACKS = """(selector) => [...document.querySelectorAll(selector + ' .widget-output')]
  .map(o => o.textContent).filter(t => t.includes('Traceback'))"""


class Result(NamedTuple):
    ok: bool
    line: str


def wait_for_run(page, timeout: float) -> dict:
    """Wait until run-all has finished and the kernel is idle; the final state."""
    deadline, state = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        state = page.evaluate(JS_STATE)
        if state["runDone"] and state["kernel"] == "idle" and not state["busyPrompts"]:
            return state
        time.sleep(1.0)
    state["timed_out"] = True
    return state


def watched_area(page, control: dict) -> str:
    """The CSS selector of what the control must change: its own displayed widget's images and
    output areas, or, when that has none (a control displayed apart from its output), those of
    every widget its cell displays."""
    if "anim" in control:
        return f'[data-gc-anim="{control["anim"]}"]'
    own = f'[data-gc-root="{control["root"]}"]'
    if page.evaluate(JS_SIGNATURE, own):
        return own
    roots = page.evaluate(
        "(cell) => [...document.querySelectorAll('[data-gc-root]')].filter(r =>"
        " window.__gc.panel.content.widgets[cell].node.contains(r))"
        ".map(r => r.getAttribute('data-gc-root'))", control["cell"])
    return ", ".join(f'[data-gc-root="{r}"]' for r in roots)


def readout(locator) -> str:
    found = locator.locator(".widget-readout")
    return found.first.inner_text().strip() if found.count() else ""


def move_slider(page, control) -> str:
    """Drag the handle a quarter of the track away from where it is; arrow keys if the drag did nothing."""
    before = readout(control)
    track = control.locator(".noUi-target, .ui-slider").first.bounding_box()
    handle_locator = control.locator(".noUi-handle, .ui-slider-handle").first
    handle = handle_locator.bounding_box()
    hx, hy = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    if track["height"] > track["width"]:            # vertical: the top is the maximum
        frac = 1 - (hy - track["y"]) / track["height"]
        tx, ty = hx, track["y"] + track["height"] * (0.75 if frac > 0.5 else 0.25)
    else:
        frac = (hx - track["x"]) / track["width"]
        tx, ty = track["x"] + track["width"] * (0.25 if frac > 0.5 else 0.75), hy
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=10)
    page.mouse.up()
    if readout(control) == before:
        handle_locator.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft" if frac > 0.5 else "ArrowRight")
    return f"{before} -> {readout(control)}"


def choose_other_option(control) -> str:
    select = control.locator("select").first
    options = select.locator("option").all_inner_texts()
    current = select.evaluate("s => s.selectedIndex")
    if len(options) < 2:
        raise RuntimeError("only one option")
    target = (current + 1) % len(options)
    select.select_option(index=target)
    return f"{options[current]!r} -> {options[target]!r}"


def type_other_value(control) -> str:
    """A number one step up (a number box) or the text with a letter added, then Enter."""
    box = control.locator("input, textarea").first
    before = box.input_value()
    if box.get_attribute("type") == "number":
        step_text, top = box.get_attribute("step"), box.get_attribute("max")
        step = float(step_text) if step_text not in (None, "", "any") else 1.0
        value = float(before or 0)
        after = f"{value - step if top not in (None, '') and value + step > float(top) else value + step:g}"
    else:
        after = before + "a"
    box.fill(after)
    box.press("Enter")
    return f"{before!r} -> {after!r}"


def operate(page, control: dict) -> str:
    """Work one control the way a learner would; returns what was done, for the report."""
    kind = control["kind"]
    if "anim" in control:
        anim = page.locator(f'[data-gc-anim="{control["anim"]}"]')
        anim.scroll_into_view_if_needed()
        if kind == "animation next frame":
            anim.locator('button[title="Next frame"]').click()
            return "next frame"
        anim.locator('button[title="Play"]').click()
        return "play"
    element = page.locator(f'[data-gc-control="{control["id"]}"]')
    element.scroll_into_view_if_needed()
    if kind == "slider":
        return move_slider(page, element)
    if kind in ("dropdown", "select"):
        return choose_other_option(element)
    if kind == "play":
        element.locator("button").first.click()
        return "play"
    if kind == "toggle-buttons":
        element.locator("button:not(.mod-active)").first.click()
        return "another choice"
    if kind == "radio":
        element.locator("input[type=radio]:not(:checked)").first.click()
        return "another choice"
    if kind == "checkbox":
        element.locator("input[type=checkbox]").first.click()
        return "toggled"
    if kind == "text":
        return type_other_value(element)
    element.click()
    return "clicked"


def stop_playing(page, control: dict) -> None:
    if control["kind"] == "animation play":
        page.locator(f'[data-gc-anim="{control["anim"]}"] button[title="Pause"]').click()
    elif control["kind"] == "play":
        page.locator(f'[data-gc-control="{control["id"]}"] button').nth(1).click()   # pause


def digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def check_control(page, server, control: dict, timeout: float, shots) -> Result:
    label = f'cell {control["cell"]} {control["kind"]}' + (f' "{control["label"]}"' if control["label"] else "")
    if control["disabled"]:
        return Result(True, f"{label}: disabled, not worked (SKIP)")
    selector = watched_area(page, control)
    before = page.evaluate(JS_SIGNATURE, selector) if selector else []
    if not before:
        return Result(False, f"{label}: no image or output area to watch")
    state = page.evaluate(JS_STATE)
    iopub_before, errors_before, log_before = state["iopub"], state["errors"], server.log_size()
    area = page.locator(selector).first
    area.scroll_into_view_if_needed()          # cells out of view are not painted (content-visibility)
    if shots:
        page.wait_for_timeout(500)
        area.screenshot(path=str(shots / f"{control['id']:02d}-before.png"))
    start = time.monotonic()
    try:
        action = operate(page, control)
    except Exception as error:                                   # noqa: BLE001 -- reported as a FAIL
        return Result(False, f"{label}: could not work the control: {str(error).splitlines()[0]}")
    playing = control["kind"] in ("play", "animation play")     # never settles: the first change will do
    after, changed_at = before, None
    while time.monotonic() - start < timeout:
        time.sleep(0.5)
        now = page.evaluate(JS_SIGNATURE, selector)
        idle = page.evaluate(JS_STATE)["kernel"] == "idle"
        if now and digest(now) != digest(before):
            changed_at = changed_at or time.monotonic()
            if playing or (idle and digest(now) == digest(after)):   # the same twice, kernel idle: settled
                break
        after = now
    stop_playing(page, control)
    elapsed = (changed_at or time.monotonic()) - start
    if shots:
        area.screenshot(path=str(shots / f"{control['id']:02d}-after.png"))
    tracebacks = page.evaluate("(n) => window.__gc.iopub.slice(n)", iopub_before)
    tracebacks += [e["text"] for e in page.evaluate(JS_STATE)["errors"] if e not in errors_before]
    tracebacks += page.evaluate(JS_OUTPUT_TRACEBACKS, selector)
    log = server.log_text(log_before)
    if "Traceback" in log:
        tracebacks.append(log[log.index("Traceback"):][:400])
    wait_until_idle(page, timeout)
    if tracebacks:
        text = tracebacks[0].strip().splitlines()
        return Result(False, f"{label} ({action}): error while the output updated: {text[-1] if text else ''}")
    if changed_at is None:
        return Result(False, f"{label} ({action}): output unchanged after {timeout:.0f} s")
    return Result(True, f"{label} ({action}): output changed in {elapsed:.1f} s")


def wait_until_idle(page, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and page.evaluate(JS_STATE)["kernel"] != "idle":
        time.sleep(0.5)


def check_notebook(browser, server, name: str, args) -> list[Result]:
    """Open one notebook, run it all, then work each control: the notebook's line, then one per control."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    results = []
    try:
        page.goto(server.url(f"lab/tree/{name}", reset=True))   # reset: no notebook of an earlier page
        page.wait_for_function(f"() => window.jupyterapp && ({JS_FIND})({name!r})", timeout=180_000)
        page.evaluate(JS_OPEN, name)
        wait_until_idle(page, 180)
        start = time.monotonic()
        page.evaluate(JS_RUN_ALL)
        state = wait_for_run(page, args.timeout)
        seconds = time.monotonic() - start
        problems = [f"cell {e['cell']}: {e['text']}" for e in state["errors"]]
        if state.get("timed_out"):
            problems.append(f"not finished after {args.timeout:.0f} s")
        elif state["unexecuted"] and not state["errors"]:
            problems.append(f"cells {state['unexecuted']} did not run")
        if state.get("runError"):
            problems.append(f"run-all failed: {state['runError']}")
        scan = page.evaluate(JS_SCAN)
        problems += [f"cell {b['cell']}: widget not displayed: {b['text']!r}" for b in scan["broken"]]
        if uses_widgets(args.sources[name]) and not scan["roots"]:
            problems.append("its code uses ipywidgets but no widget is displayed")
        ran = state["code"] - len(state["unexecuted"])
        summary = (f"{name.removesuffix('.ipynb')}: ran {ran} of {state['code']} code cells in {seconds:.0f} s, "
                   f"{scan['roots']} widgets and {len(scan['controls'])} controls displayed")
        results.append(Result(not problems, summary + ("; " + "; ".join(problems) if problems else
                                                       ", no error output")))
        if not state.get("timed_out"):                           # after an error too: what did run
            shots = None
            if args.screenshots:
                shots = pathlib.Path(args.screenshots) / name.removesuffix(".ipynb")
                shots.mkdir(parents=True, exist_ok=True)
            for control in sorted(scan["controls"], key=lambda c: (c["cell"], c["id"])):
                result = check_control(page, server, control, args.widget_timeout, shots)
                results.append(Result(result.ok, f"{name.removesuffix('.ipynb')} {result.line}"))
        page.evaluate("() => window.__gc.panel.sessionContext.shutdown()")
    except Exception as error:                                   # noqa: BLE001 -- reported as a FAIL
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        results.append(Result(False, f"{name.removesuffix('.ipynb')}: the browser check broke: {first_line}"))
    finally:
        page.close()
    return results


def find_chromium(given: str | None) -> str:
    path = given or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        print("no chromium: sudo apt-get install -y chromium (or pass --chromium PATH)", file=sys.stderr)
        raise SystemExit(2)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="chapter names or paths (default: every widget chapter)")
    parser.add_argument("--list", action="store_true", help="print the notebooks the check would open, and exit")
    parser.add_argument("--chromium", help="the Chromium executable (default: chromium on PATH)")
    parser.add_argument("--profile", default="smoke", choices=("smoke", "cpu", "gpu"))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for one notebook's run")
    parser.add_argument("--widget-timeout", type=float, default=120, help="seconds for an output to change")
    parser.add_argument("--screenshots", help="save each watched area before and after, under this folder")
    parser.add_argument("--keep", action="store_true", help="keep the working copy and the server log")
    args = parser.parse_args(argv)
    notebooks = select_notebooks(args.notebooks)
    if args.list or not notebooks:
        print("\n".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in notebooks)
              or "no notebook uses ipywidgets")
        return 0
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("no playwright: pip install playwright (no `playwright install` needed)", file=sys.stderr)
        return 2
    chromium = find_chromium(args.chromium)
    home = pathlib.Path(tempfile.mkdtemp(prefix="gancourse-browser-"))
    work = home / "work"
    work.mkdir()
    args.sources = {}
    for path in notebooks:
        shutil.copy2(path, work / path.name)
        args.sources[path.name] = path
    untouched = contents(notebooks)
    results, start = [], time.monotonic()
    try:
        with LabServer(work, home, args.profile) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True)
            print(f"browser check: Chromium {browser.version}, JupyterLab {metadata.version('jupyterlab')}, "
                  f"ipywidgets {metadata.version('ipywidgets')}, profile {args.profile}", flush=True)
            for path in notebooks:
                for result in check_notebook(browser, server, path.name, args):
                    print(("PASS " if result.ok else "FAIL ") + result.line, flush=True)
                    results.append(result)
            browser.close()
    finally:
        if args.keep:
            print(f"working copy and server log kept in {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    for path, digest_before in untouched.items():
        if not path.exists() or contents([path])[path] != digest_before:
            results.append(Result(False, f"{path} changed during the check (written by it, or edited meanwhile)"))
            print("FAIL " + results[-1].line)
    failed = sum(not r.ok for r in results)
    print(f"browser check: {len(results) - failed} passed, {failed} failed in {time.monotonic() - start:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
