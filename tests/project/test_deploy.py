"""The ways past one machine are valid: Binder's start configuration and the JupyterHub fragment.

Neither Binder nor a Kubernetes cluster is reachable from a test, so what can
be checked here is: repo2docker will read the top-level environment.yml (no
binder/ folder hides it) and then run a postBuild that is valid bash and
installs this package; the README's Binder link opens a notebook that exists
through Voila's URL path (a browser test serves that path with JupyterLab's
own server); the JupyterHub fragment is valid YAML whose servers run an image
built with this package and open a notebook the package ships.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from explorer.serve.notebook_files import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]
BINDER_LINK = re.compile(r"https://mybinder\.org/v2/gh/[^\s)`]+\?urlpath=voila/render/([^\s)`]+)")


def test_repo2docker_reads_the_top_level_files():
    for hidden in ("binder", ".binder"):
        assert not (ROOT / hidden).exists(), f"{hidden}/ would make repo2docker ignore environment.yml"
    assert (ROOT / "environment.yml").is_file()


def test_post_build_is_valid_bash_that_installs_the_package():
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK), "postBuild must be executable"
    text = post_build.read_text()
    assert text.startswith("#!/bin/bash\n")
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash to check the syntax with")
    check = subprocess.run([bash, "-n", str(post_build)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    commands = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert "set -euo pipefail" in commands
    # environment.yml brings the dependencies; pip must not fetch them again
    assert commands[-1] == "python -m pip install --no-deps --no-cache-dir ."


def test_readme_binder_link_opens_a_shipped_notebook_in_voila():
    links = BINDER_LINK.findall((ROOT / "README.md").read_text())
    assert links, "README.md has no Binder link with ?urlpath=voila/render/..."
    for path in links:
        assert (ROOT / path).is_file(), f"the Binder link opens {path}, which does not exist"
        assert path.startswith("notebooks/")


@pytest.fixture(scope="module")
def hub_config() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "jupyterhub" / "config.yaml").read_text())


def test_jupyterhub_servers_open_the_classroom_page(hub_config):
    singleuser = hub_config["singleuser"]
    command = singleuser["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[:2] == ["backprop-explorer", "notebooks"] and len(command) == 3
    folder = Path(command[2])
    assert folder.is_absolute()
    # Voila's URL path, relative to the server's root (the student's home)
    match = re.fullmatch(r"/voila/render/(.+)", singleuser["defaultUrl"])
    assert match, singleuser["defaultUrl"]
    opened = Path("/home/jovyan") / match.group(1)
    assert opened.parent == folder and opened.name in NOTEBOOKS.values()
    assert hub_config["cull"]["enabled"] is True


def test_jupyterhub_image_installs_this_package(hub_config):
    image = hub_config["singleuser"]["image"]
    assert image["name"].endswith("/backprop-explorer") and isinstance(image["tag"], str)
    dockerfile = (ROOT / "deploy" / "jupyterhub" / "Dockerfile").read_text()
    installs = [line for line in dockerfile.splitlines() if line.startswith("RUN pip install")]
    assert installs and "backprop_explorer-*.whl" in installs[0]
    assert re.search(r"^FROM quay\.io/jupyter/[\w-]+:[\w.-]+$", dockerfile, re.M)
