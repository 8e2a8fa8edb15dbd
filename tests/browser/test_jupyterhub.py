"""JupyterHub for real, on this machine, with the settings of deploy/jupyterhub/config.yaml.

A hub on 127.0.0.1 (``jupyterhub`` from PyPI, ``configurable-http-proxy`` from
npm in test-tools/) with a local-process spawner (each student's server a
process of this machine, in a home of its own in a temporary folder) and a
dummy authenticator (any name, one shared password) runs the settings the
cluster runs: the servers' start command (``singleuser.lifecycleHooks.postStart``,
here a pre-spawn hook, ``/home/jovyan`` being the student's home), their
default URL (``singleuser.defaultUrl``) and the idle culler with the
fragment's timeout (``cull.timeout``), a hub service running
``jupyterhub-idle-culler`` as Zero to JupyterHub runs it.  Only the spawner
differs from the cluster's (KubeSpawner).

Three students log in, each in a browser context of their own: each lands on
the classroom page at their own server's address, the notebooks copied into
their home; one steps forward and the others' panels do not move, so each has
a kernel of their own.  The hub's servers use Voila's default template, which
takes Font Awesome and MathJax from CDNs: those requests are aborted, and the
only ones allowed to try (the formula is read as text).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from explorer.serve import app
from explorer.serve.notebook_files import NOTEBOOKS

from . import helpers

CONFIG = helpers.REPO / "deploy" / "jupyterhub" / "config.yaml"
PROXY = helpers.REPO / "test-tools" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "classroom"
STUDENTS = ("ada", "grace", "alan")
#: Where Voila's default template (the hub's servers use it) takes Font Awesome and MathJax from.
VOILA_CDNS = {"cdn.jsdelivr.net", "cdnjs.cloudflare.com"}
HUB_CONFIG = """\
import subprocess

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.db_url = "sqlite:///{work}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{work}/cookie_secret"
c.JupyterHub.pid_file = "{work}/hub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{work}/home/{{username}}"
c.Spawner.args = ["--allow-root"]  # CI runs as root
c.Spawner.start_timeout = c.Spawner.http_timeout = 180
# config.yaml: singleuser.defaultUrl
c.Spawner.default_url = {default_url!r}
# config.yaml: singleuser.lifecycleHooks.postStart, in the student's home
POST_START = {post_start!r}


def copy_notebooks(spawner):
    home = "{work}/home/" + spawner.user.name
    subprocess.run([a.replace("/home/jovyan", home) for a in POST_START], check=True)


c.Spawner.pre_spawn_hook = copy_notebooks
# config.yaml: cull.timeout, the culler as Zero to JupyterHub runs it
c.JupyterHub.services = [
    {{"name": "idle-culler", "command": [{python!r}, "-m", "jupyterhub_idle_culler", "--timeout={timeout}"]}}
]
c.JupyterHub.load_roles = [
    {{
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }}
]
"""


@pytest.fixture(scope="module")
def hub(browser_workdir):
    """``(base URL, work folder, hub log)`` of a running hub with config.yaml's settings."""
    if not PROXY.exists():
        reason = f"{PROXY} missing: npm ci --prefix test-tools (python3 tasks.py does it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    settings = yaml.safe_load(CONFIG.read_text())
    assert settings["cull"]["enabled"]
    work = browser_workdir / "jupyterhub"
    work.mkdir()
    post_start = settings["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    bin_dir = Path(sys.executable).parent
    post_start = [str(bin_dir / post_start[0]), *post_start[1:]]  # this environment's command
    port = app.free_port()
    config = HUB_CONFIG.format(
        port=port,
        hub_port=app.free_port(),
        api_port=app.free_port(),
        proxy=str(PROXY),
        work=work,
        password=PASSWORD,
        default_url=settings["singleuser"]["defaultUrl"],
        post_start=post_start,
        python=sys.executable,
        timeout=settings["cull"]["timeout"],
    )
    (work / "jupyterhub_config.py").write_text(config)
    env = helpers.throwaway_env(work)
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])  # jupyterhub-singleuser
    log = work / "hub.log"
    command = [sys.executable, "-m", "jupyterhub", "-f", str(work / "jupyterhub_config.py")]
    base = f"http://127.0.0.1:{port}/"
    with helpers.running(command, env, base + "hub/api", log, "JupyterHub"):
        yield base, work, log


def log_in(page, base: str, name: str) -> float:
    """Log ``name`` in; return seconds until the classroom page's panel is visible."""
    started = time.monotonic()
    page.goto(base + "hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.locator(".bp-panel").first.wait_for(state="visible", timeout=180_000)
    return time.monotonic() - started


def test_three_students_each_get_their_own_classroom_page(hub, browser):
    base, work, log = hub
    default_url = yaml.safe_load(CONFIG.read_text())["singleuser"]["defaultUrl"]
    pages, external, errors = {}, [], []
    try:
        for name in STUDENTS:
            _, page = helpers.new_page(browser, external, errors)
            seconds = log_in(page, base, name)
            assert page.url == f"{base}user/{name}{default_url}", page.url
            copied = sorted(p.name for p in (work / "home" / name / "backprop-explorer").glob("*.ipynb"))
            assert copied == sorted(NOTEBOOKS.values())
            pages[name] = page
            helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(helpers.ARTIFACTS / f"jupyterhub-{name}.png"))
            print(f"{name}: classroom page in {seconds:.1f} s")

        # the first steps forward; the others' panels stay where they were
        first, *others = STUDENTS
        panel = pages[first].locator(".bp-panel").first
        panel.get_by_role("button", name="Next step", exact=True).click()
        expect(panel.locator(".bp-equation")).to_contain_text("0.3775")
        for name in others:
            expect(pages[name].locator(".bp-panel .bp-equation").first).to_contain_text("Press Next step")
    finally:
        for page in pages.values():
            page.context.close()
    # only Voila's default template's CDN assets tried to leave (and were aborted)
    assert all(url.split("/")[2] in VOILA_CDNS for url in external), external
    assert errors == []
    # the culler is at work with config.yaml's timeout, as the hub's service
    text = log.read_text(errors="replace")
    assert "Starting managed service idle-culler" in text, helpers.log_tail(log)
