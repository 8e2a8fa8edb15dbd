"""``notebooks DIR`` copies the shipped notebooks out, and never overwrites; the app's options."""

from __future__ import annotations

import json

import pytest

from explorer.serve import app
from explorer.serve.notebook_files import NOTEBOOK_DIR, NOTEBOOKS, copy_notebooks, notebook_path


def test_the_package_holds_every_notebook():
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(NOTEBOOKS.values())
    for key in NOTEBOOKS:
        assert json.loads(notebook_path(key).read_text())["cells"]


def test_copies_into_a_new_folder(cli, tmp_path):
    target = tmp_path / "for the class" / "nested"
    code, out, err = cli("notebooks", str(target))
    assert (code, err) == (0, "")
    for name in NOTEBOOKS.values():
        assert (target / name).read_bytes() == (NOTEBOOK_DIR / name).read_bytes()
        assert f"wrote {target / name}" in out


def test_an_edited_copy_is_kept(cli, tmp_path):
    edited = tmp_path / NOTEBOOKS["01"]
    edited.write_text("my edits")
    code, out, err = cli("notebooks", str(tmp_path))
    assert (code, err) == (0, "")
    assert edited.read_text() == "my edits"
    assert f"kept {edited}" in out
    assert (tmp_path / NOTEBOOKS["02"]).is_file()
    assert copy_notebooks(tmp_path) == ([], sorted(tmp_path.glob("*.ipynb")))  # again: nothing to do


def test_a_file_in_the_way_is_one_line(cli, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("not a folder")
    code, out, err = cli("notebooks", str(target))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "argument DIR" in err and "not a directory" in err
    assert target.read_text() == "not a folder"


def test_missing_dir_is_one_line(cli):
    code, out, err = cli("notebooks")
    assert code == 2 and err.count("\n") == 1 and "DIR" in err


@pytest.mark.parametrize(
    "args, field",
    [
        (["--students", "-1"], "--students"),
        (["--students", "many"], "--students"),
        (["--students", "501"], "--students"),
        (["--idle-timeout", "5"], "--idle-timeout"),
        (["--idle-timeout", "1e9"], "--idle-timeout"),
        (["--port", "0"], "--port"),
    ],
)
def test_app_options_out_of_range_are_one_line(cli, args, field):
    code, out, err = cli("app", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"argument {field}" in err and "whole number" in err


def test_the_pool_is_sized_by_students():
    command = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=30, idle_timeout=600)
    assert "--preheat_kernel=True" in command and "--pool_size=30" in command
    assert "--MappingKernelManager.cull_idle_timeout=600" in command
    assert "--MappingKernelManager.cull_interval=60" in command
    without = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=0, idle_timeout=30)
    assert not any(arg.startswith(("--preheat_kernel", "--pool_size")) for arg in without)
    assert "--MappingKernelManager.cull_interval=10" in without


def test_kernels_use_unix_sockets_and_keep_late_outputs():
    """No TCP port race when a class's kernels start at once; a cell's late outputs are waited for."""
    command = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=30)
    assert "--KernelManager.transport=ipc" in command
    [timeout] = [a for a in command if a.startswith("--VoilaExecutor.iopub_timeout=")]
    assert int(timeout.split("=", 1)[1]) >= 60  # nbclient's 4 s dropped the panel under load


def test_kernels_waiting_in_the_pool_are_marked_active():
    import asyncio
    from datetime import datetime, timedelta, timezone
    from types import SimpleNamespace

    from explorer.serve.classroom_kernels import mark_active, pooled_kernel_ids

    async def started(kernel_id):
        return {"kernel_id": kernel_id}

    async def failed():
        raise RuntimeError("the kernel did not start")

    async def pools():
        done = [asyncio.ensure_future(started("a")), asyncio.ensure_future(failed())]
        await asyncio.wait(done)
        waiting = asyncio.ensure_future(asyncio.sleep(10))  # still starting: no id yet
        result = pooled_kernel_ids({"01_step_by_step.ipynb": done + [waiting]})
        waiting.cancel()
        return result

    assert asyncio.run(pools()) == ["a"]
    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    kernels = {k: SimpleNamespace(last_activity=long_ago) for k in ("a", "b")}
    now = long_ago + timedelta(days=1)
    mark_active(kernels, ["a", "gone"], now)
    assert kernels["a"].last_activity == now and kernels["b"].last_activity == long_ago


def test_the_app_uses_the_pool_aware_kernel_manager():
    from explorer.serve.classroom_kernels import ClassroomKernelManager

    command = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=2)
    [option] = [a for a in command if "multi_kernel_manager_class" in a]
    module, name = option.split("=", 1)[1].rsplit(".", 1)
    assert (module, name) == (ClassroomKernelManager.__module__, ClassroomKernelManager.__name__)


def test_a_kernel_idles_from_when_its_page_connects(monkeypatch):
    """Pooled kernels stay fresh; a kernel handed out stays fresh until its page connects,
    or for CONNECT_GRACE_S if the page never does."""
    import asyncio
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from explorer.serve import classroom_kernels
    from explorer.serve.classroom_kernels import ClassroomKernelManager

    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    clock = iter(datetime(2024, 1, 1, 0, 0, n, tzinfo=timezone.utc) for n in range(60))
    monkeypatch.setattr(classroom_kernels, "utcnow", lambda: next(clock))
    monkeypatch.setattr(classroom_kernels, "CONNECT_GRACE_S", 2)
    manager = ClassroomKernelManager()
    names = ("pooled", "slow", "abandoned", "vanished")
    manager._kernels = {k: SimpleNamespace(last_activity=long_ago) for k in names}
    manager._kernel_connections = {"pooled": 0, "slow": 0, "abandoned": 0, "vanished": 1}
    seen = []

    async def cull_kernel_if_idle(kernel_id):
        activity = manager._kernels[kernel_id].last_activity
        seen.append((kernel_id, None if activity == long_ago else activity.second))

    manager.cull_kernel_if_idle = cull_kernel_if_idle

    async def passes():
        pooled = asyncio.get_running_loop().create_future()
        pooled.set_result({"kernel_id": "pooled"})
        manager._pools = {"01_step_by_step.ipynb": [pooled]}
        await manager.cull_kernels()  # t = 0: 'vanished' has a page; 'slow' and 'abandoned' wait
        manager._kernel_connections.update(slow=1, vanished=0)
        await manager.cull_kernels()  # t = 1: 'slow' connected; 'vanished' lost its page
        await manager.cull_kernels()  # t = 2: 'abandoned' handed out 2 s ago: the grace is over

    asyncio.run(passes())
    by_pass = [seen[i : i + 4] for i in range(0, 12, 4)]
    assert by_pass == [
        [("pooled", 0), ("slow", 0), ("abandoned", 0), ("vanished", None)],
        [("pooled", 1), ("slow", 0), ("abandoned", 1), ("vanished", None)],
        [("pooled", 2), ("slow", 0), ("abandoned", 1), ("vanished", None)],
    ]
