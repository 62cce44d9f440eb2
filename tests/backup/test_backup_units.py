"""deploy/safety-backup.service and .timer: systemd itself reads them (systemd-analyze
verify, with /opt/safety pointed at this checkout so the commands exist) and finds
nothing to say; the timer is the nightly one the docs describe."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest

from tests.safety.dbtools import ROOT

UNITS = ("safety-backup.service", "safety-backup.timer")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_reads_the_backup_units_without_a_complaint(tmp_path):
    for name in UNITS:
        text = (ROOT / "deploy" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("/opt/safety", str(ROOT)), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "--recursive-errors=no"]
        + [str(tmp_path / n) for n in UNITS],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), done


def test_the_timer_is_nightly_persistent_and_spread():
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read(ROOT / "deploy" / "safety-backup.timer", encoding="utf-8")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:30:00 Asia/Shanghai"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["RandomizedDelaySec"]
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.read(ROOT / "deploy" / "safety-backup.service", encoding="utf-8")
    s = service["Service"]
    assert s["ExecStart"].endswith("safety backup /var/backups/safety")
    assert (s["User"], s["EnvironmentFile"]) == ("safety", "/etc/safety/safety.env")
    assert "/var/lib/safety" in s["ReadWritePaths"]
