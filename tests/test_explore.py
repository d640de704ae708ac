"""The researcher's first minute, in a project copy and headless Chromium.

``make lab``: JupyterLab at the address it prints shows the explorer as a notebook (the venv's
own JupyterLab settings make a text notebook open as one). ``make explore``: the explorer as a web
page without code (Voilà) on 127.0.0.1, at the port it prints; the page shows the controls and the
chart, no code, requests nothing outside the server, redraws when a control moves, speaks one
language; Ctrl-C stops the server and its kernel. Waits are bounded (a page or a line to appear);
no time is asserted. The user's home is not written: JupyterLab's settings, workspaces and
runtime files go to the test's temporary folder.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from analysis import paths
from tests.test_explorer_language import foreign_words
from tests.test_faults import processes_of, wait_for
from tests.test_report_language import VISIBLE_TEXT
from tools.project_copy import copy_project

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

EXPLORER = "notebooks/40_explore_scenarios.py"
#: how long a server may take to print its address and a page to show its content (bounded waits, not asserted times)
START_S, PAGE_MS = 300, 180_000


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy with the explorer's inputs built; Jupyter's per-user folders in a temporary one; a browser
    opener that opens nothing; and gettext's LANGUAGE in the environment (the explorer must ignore it)."""
    root = tmp_path_factory.mktemp("explore")
    copy = copy_project(root / "project")
    home = root / "jupyter"
    copy.env.update({"BROWSER": "true", "LANGUAGE": "en_US:en", "JUPYTER_CONFIG_DIR": str(home / "config"),
                     "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
                     "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "IPYTHONDIR": str(home / "ipython")})
    built = copy.make("data/processed/observations.csv")
    assert built.returncode == 0, built.stdout + built.stderr
    return copy


@pytest.fixture()
def servers(project):
    """Servers a test started: any still running when it ends (a failed test) is killed, with what it started."""
    started = []
    yield started
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
    for pid in processes_of(project):
        os.kill(pid, signal.SIGKILL)


def serve(project, servers, log: Path, *args: str, address: str) -> tuple:
    """``make <args>`` in its own process group; its process and the first match of ``address`` in its output."""
    proc = project.popen_make(*args, log=log)
    servers.append(proc)
    found = {}

    def printed() -> bool:
        found["m"] = re.search(address, log.read_text(encoding="utf-8", errors="replace"))
        return bool(found["m"])

    wait_for(printed, proc, log, timeout=START_S, what=f"make {' '.join(args)} to print its address")
    return proc, found["m"]


def stop(project, proc, sig: int, log: Path) -> str:
    """Send ``sig`` to make's process group (as Ctrl-C does in a terminal) and wait: every process
    started for the copy, the kernel (in a session of its own) included, must be gone."""
    assert processes_of(project), "no server process to stop"
    os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        still = subprocess.run(["ps", "-o", "pid,stat,args", "-g", str(proc.pid)], capture_output=True, text=True).stdout
        raise AssertionError(f"make did not stop after {signal.Signals(sig).name}:\n{still}\n"
                             f"{log.read_text(encoding='utf-8', errors='replace')[-3000:]}") from None
    deadline = time.monotonic() + 60
    while processes_of(project) and time.monotonic() < deadline:
        time.sleep(0.2)
    out = log.read_text(encoding="utf-8", errors="replace")
    assert processes_of(project) == [], f"left running after {signal.Signals(sig).name}; the output:\n{out[-3000:]}"
    return out


def open_app(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    requests, sockets = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url)
    page.wait_for_selector("img.widget-image", timeout=PAGE_MS)
    page.wait_for_function("() => { const i = document.querySelector('img.widget-image');"
                           " return i.complete && i.naturalWidth > 0 }", timeout=PAGE_MS)
    return page, requests, sockets


def shown_texts(page) -> list[str]:
    """The page's visible texts outside ``code``/``pre``, and the values and placeholders of its inputs."""
    nodes = page.evaluate(VISIBLE_TEXT, "code, pre")
    inputs = page.eval_on_selector_all("input[type=text], textarea", "els => els.flatMap(e => [e.value, e.placeholder])")
    return [n["text"] for n in nodes if not n["exempt"]] + [t for t in inputs if t]


def summary(page) -> str:
    return page.evaluate("() => [...document.querySelectorAll('.widget-html-content p')].map(p => p.innerText)"
                         ".find(t => t.startsWith('最新实际值') || t.startsWith('latest actual')) || ''")


def test_make_explore_serves_the_explorer_without_code_offline_and_stops_on_ctrl_c(project, servers, browser, tmp_path):
    log = tmp_path / "explore.log"
    proc, m = serve(project, servers, log, "explore", address=r"▶ scenario explorer \(zh\): (http://127\.0\.0\.1:(\d+)/)")
    url, port = m.group(1), int(m.group(2))
    page, requests, sockets = open_app(browser, url)

    # the controls, the chart and the summary; no code anywhere on the page
    assert page.locator(".widget-dropdown select").count() == 2 and page.locator(".widget-slider").count() == 4
    assert page.locator(".widget-toggle-buttons").count() >= 3 and page.locator("button", has_text="另存为情景").count() == 1
    assert page.locator(".jp-InputArea, .jp-InputPrompt, .jp-CodeMirrorEditor, .cm-editor").count() == 0
    html = page.content()
    assert "ExplorerApp" not in html and "import" not in page.inner_text("body")
    assert page.title() == "增长情景探索器" and page.evaluate("document.documentElement.lang") == "zh"
    assert summary(page).startswith("最新实际值 2023 年 291.51 亿元；达标需年均增长 9.6%")

    # one language: the report's check on every visible text (file names and code aside)
    assert foreign_words(shown_texts(page), "zh") == []

    # moving a control redraws the chart and the summary (from the kernel: the real numbers)
    chart = page.get_attribute("img.widget-image", "src")
    page.locator(".widget-dropdown select").first.select_option(label="三产增加值")
    page.wait_for_function("src => document.querySelector('img.widget-image').src !== src", arg=chart, timeout=PAGE_MS)
    page.wait_for_function("() => document.body.innerText.includes('最新实际值 2023 年 704.11 亿元')", timeout=PAGE_MS)
    assert foreign_words(shown_texts(page), "zh") == []

    # nothing was fetched from outside the server: every request and the kernel's socket go to it
    local = (f"http://127.0.0.1:{port}/", f"blob:http://127.0.0.1:{port}/", "data:")
    assert requests and [u for u in requests if not u.startswith(local)] == []
    assert sockets and all(u.startswith(f"ws://127.0.0.1:{port}/") for u in sockets)
    page.close()

    # Ctrl-C: the server shuts its kernel down and stops; the port is free again
    out = stop(project, proc, signal.SIGINT, log)
    assert "✔ scenario explorer stopped" in out
    assert "Could not find a kernel named" not in out  # Voilà ran the notebook's own kernel, the project's
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_make_explore_language_en_is_wholly_english(project, servers, browser, tmp_path):
    log = tmp_path / "explore_en.log"
    proc, m = serve(project, servers, log, "explore", "LANGUAGE=en", address=r"▶ scenario explorer \(en\): (http://127\.0\.0\.1:\d+/)")
    page, *_ = open_app(browser, m.group(1))
    assert page.title() == "Growth scenario explorer" and page.evaluate("document.documentElement.lang") == "en"
    assert summary(page).startswith("latest actual CNY 29.151 billion in 2023; required growth 9.6% a year")
    assert page.locator("button", has_text="Save as scenario").count() == 1
    assert foreign_words(shown_texts(page), "en") == []
    page.close()
    stop(project, proc, signal.SIGTERM, log)


@pytest.mark.parametrize("value", ["fr", "$(shell touch pwned)"])
def test_make_explore_refuses_another_language_and_runs_nothing_given_as_one(project, value):
    result = project.make("explore", f"LANGUAGE={value}")
    assert result.returncode != 0
    assert f"LANGUAGE={value!r}: the explorer's languages are zh, en" in result.stdout + result.stderr
    assert not project.path("pwned").exists()


def test_make_lab_opens_jupyterlab_on_the_explorer_as_a_notebook(project, servers, browser, tmp_path):
    log = tmp_path / "lab.log"
    proc, m = serve(project, servers, log, "lab", address=rf"(http://127\.0\.0\.1:(\d+)/lab/tree/{re.escape(EXPLORER)}\?token=(\w+))")
    url, port, token = m.group(1), int(m.group(2)), m.group(3)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    notebook = "#jp-main-dock-panel .jp-NotebookPanel"
    page.wait_for_selector(f"{notebook} .jp-RenderedMarkdown:has-text('Run All Cells')", timeout=PAGE_MS)
    current = page.inner_text("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    assert current == Path(EXPLORER).name
    assert page.locator("#jp-main-dock-panel .jp-FileEditor").count() == 0  # a notebook, not the text editor
    first = page.inner_text(f"{notebook} .jp-Cell >> nth=0")  # the first cell says what to do next
    assert "Run → Run All Cells" in first and "运行全部单元格" in first
    assert page.inner_text(f"{notebook} .jp-KernelName") == "Python (changji-services)"
    # the venv's settings (tools/jupyterlab_overrides.json) are what makes it so, and JupyterLab fetches no news
    viewers = page.request.get(f"http://127.0.0.1:{port}/lab/api/settings/@jupyterlab/docmanager-extension:plugin?token={token}")
    assert json.loads(viewers.text())["schema"]["properties"]["defaultViewers"]["default"] == {"python": "Jupytext Notebook"}
    assert [u for u in requests if not u.startswith(f"http://127.0.0.1:{port}/") and not u.startswith("data:")] == []
    # one click, Run → Run All Cells, and the explorer is there, in the project's kernel
    page.click("#jp-menu-panel >> text=Run")
    page.click("li.lm-Menu-item:has-text('Run All Cells')")
    page.wait_for_selector(f"{notebook} .jp-OutputArea img.widget-image", timeout=PAGE_MS)
    assert page.locator(f"{notebook} .jp-OutputArea .widget-dropdown select").count() == 2
    assert page.locator(f"{notebook} .jp-OutputArea-output:has-text('最新实际值 2023 年 291.51 亿元')").count() >= 1

    # saved (as JupyterLab's autosave would), the text notebook is byte for byte what it was
    page.keyboard.press("Control+s")
    page.wait_for_selector("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current:not(.jp-mod-dirty)", timeout=PAGE_MS)
    assert project.path(EXPLORER).read_bytes() == (paths.ROOT / EXPLORER).read_bytes()

    # stopped once the kernel is idle (a server stopped while a kernel is still importing can hang
    # in its shutdown: Jupyter's, not the project's)
    def kernel_started() -> bool:
        kernels = json.loads(page.request.get(f"http://127.0.0.1:{port}/api/kernels?token={token}").text())
        return [k["name"] for k in kernels] == ["changji-services"] and kernels[0]["execution_state"] == "idle"

    wait_for(kernel_started, proc, log, timeout=START_S, what="the notebook's kernel to start")
    page.close()
    stop(project, proc, signal.SIGTERM, log)
