"""The systemd files of deploy/: every unit verifies (systemd-analyze, when installed), none
migrates on its own, and safety-admin runs commands as the unit runs the server."""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.deploy.stack import DEPLOY, SHIPPED_SAFETY, substitute


def _directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith(("#", ";")):
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_systemd_units_verify_and_none_migrates():
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed (Debian package systemd)")
    units = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
    assert DEPLOY / "safety.service" in units
    here = Path(sys.executable).parent / "safety"  # the shipped path does not exist here
    folder = Path(tempfile.mkdtemp(prefix="safety-units-"))
    for unit in units:
        text = unit.read_text(encoding="utf-8")
        if SHIPPED_SAFETY in text:
            text = substitute(text, {SHIPPED_SAFETY: str(here)}, unit.name)
        # upgrades are explicit (docs/ops/upgrade.md): no unit runs `safety migrate`
        assert not re.search(r"^Exec\w*=.*\bmigrate\b", text, re.M), f"{unit.name} migrates"
        (folder / unit.name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", *(str(folder / u.name) for u in units)],
        capture_output=True,
        text=True,
    )
    shutil.rmtree(folder)
    # systemd-analyze exits 0 on an unknown key or a bad value: its output is the verdict.
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result


def test_safety_admin_runs_commands_as_the_service_runs_the_server():
    script = (DEPLOY / "safety-admin").read_text(encoding="utf-8")
    assert subprocess.run(["sh", "-n", str(DEPLOY / "safety-admin")]).returncode == 0
    unit = _directives((DEPLOY / "safety.service").read_text(encoding="utf-8"))
    command = re.search(r"^exec (.*?)\"\$@\"", script, re.M | re.S)[1]
    argv = shlex.split(command.replace("\\\n", " "))
    properties = _directives("\n".join(v for k, v in itertools.pairwise(argv) if k == "-p"))
    assert argv[0] == "systemd-run" and argv[-1] == SHIPPED_SAFETY
    assert f"--uid={unit['User'][0]}" in argv and f"--gid={unit['Group'][0]}" in argv
    assert unit["ExecStart"][0].split()[0] == SHIPPED_SAFETY
    for key in ("WorkingDirectory", "Environment", "EnvironmentFile"):
        assert properties[key] == unit[key], key
    # the data directory it names is the one the unit may write
    assert unit["Environment"] == ["SAFETY_DATA_DIR=/var/lib/safety"]
    assert unit["ReadWritePaths"] == ["/var/lib/safety"]
