"""The shipped deploy/ files, run for real: the systemd unit's ExecStart, the env file and
the nginx site (ports and paths substituted, nothing else), with a self-signed certificate.

Not a test module; tests/deploy/test_https_proxy.py uses it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from tests.safety.dbtools import ROOT, free_port

DEPLOY = ROOT / "deploy"
SHIPPED_SAFETY = "/opt/safety/.venv/bin/safety"
TRUSTED_NETWORK = "127.0.0.4/31"  # 127.0.0.4 and 127.0.0.5: believed like nginx

SEED = """
import asyncio
from safety.accounts.service import NewUser, create_user
from safety.actors import SYSTEM
from safety.demo.load import DEMO_LOGINS
from safety.orgs import OrgUnitIn, create_org_unit

async def main():
    unit = await create_org_unit(SYSTEM, OrgUnitIn(name="部署测试街道", kind="street"))
    _, username, password = next(login for login in DEMO_LOGINS if login[1] == "officer")
    await create_user(SYSTEM, NewUser(username=username, password=password, role="officer",
                                      display_name="街道安全监管员", org_unit_id=unit["id"]))

asyncio.run(main())
"""


def tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        raise RuntimeError(f"{name} not found: run bash .ci/setup (installs Debian {name})")
    return path


def substitute(text: str, replacements: dict[str, str], what: str) -> str:
    """Each original must be in the shipped file: a change there fails here, loudly."""
    for old, new in replacements.items():
        assert old in text, f"{what} no longer contains {old!r}: update tests/deploy/stack.py"
        text = text.replace(old, new)
    return text


def env_file(values: dict[str, str]) -> dict[str, str]:
    """deploy/safety.env.example as systemd reads it (KEY=VALUE lines, # comments), with
    ``values`` put in place of the shipped ones."""
    env = {}
    for line in (DEPLOY / "safety.env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    missing = set(values) - set(env)
    assert not missing, f"safety.env.example does not set {missing}"
    return {**env, **values}


def exec_start(port: int) -> list[str]:
    """The unit's ExecStart, run from this checkout's venv on ``port``."""
    unit = (DEPLOY / "safety.service").read_text(encoding="utf-8")
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[0] == SHIPPED_SAFETY and "--port" in argv, argv
    argv[argv.index("--port") + 1] = str(port)
    return [sys.executable, "-m", "safety.cli", *argv[1:]]


@dataclass
class Stack:
    https: str  # https://127.0.0.1:<port>
    http: str  # the plain-HTTP listener of nginx
    app: str  # safety serve, directly
    https_port: int
    url: str  # the database
    logs: Path  # nginx's access log

    async def query(self, sql: str) -> list[tuple]:
        if self.url.startswith("postgres"):
            conn = await asyncpg.connect(self.url)
            try:
                return [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()
        with contextlib.closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as db:
            return db.execute(sql).fetchall()


def _wait(check, what: str, proc: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited {proc.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError, httpx.HTTPError):
            if check():
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer in {seconds} s:\n{log.read_text()}")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    """Stop the process group this fixture started (the server and its workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def nginx_config(folder: Path, https_port: int, http_port: int, app_port: int) -> Path:
    cert, key = certificate(folder)
    site = substitute(
        (DEPLOY / "nginx" / "safety.conf").read_text(encoding="utf-8"),
        {
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
            "/etc/ssl/safety/fullchain.pem": str(cert),
            "/etc/ssl/safety/privkey.pem": str(key),
            "/var/log/nginx/": f"{folder}/",
        },
        "deploy/nginx/safety.conf",
    )
    (folder / "safety.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"""worker_processes 1;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp}
    include {folder}/safety.conf;
}}
""",
        encoding="utf-8",
    )
    return main


@contextlib.contextmanager
def running(folder: Path, url: str) -> Iterator[Stack]:
    """Seeded database at ``url``, ``safety serve`` as the unit runs it with the env file,
    nginx in front: yields the Stack; stops both afterwards."""
    folder.chmod(0o755)  # nginx's workers (an unprivileged user under root) use temp dirs here
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        **env_file(
            {
                "SAFETY_DATA_DIR": str(folder / "data"),
                "DATABASE_URL": url,
                "SAFETY_BASE_URL": f"https://127.0.0.1:{https_port}",
                # the shipped 127.0.0.1 (nginx) and a network, to see the setting at work
                "SAFETY_TRUSTED_PROXIES": f"127.0.0.1,{TRUSTED_NETWORK}",
                # the officer logs in with a password alone (two-factor: its own tests)
                "SAFETY_TOTP_REQUIRED_ROLES": "",
            }
        ),
    }
    env.pop("SAFETY_TEST_DATABASE_URL", None)
    for args in (["-m", "safety.cli", "migrate"], ["-c", SEED]):
        done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()

    server_log = folder / "server.log"
    with open(server_log, "wb") as log:
        server = subprocess.Popen(
            exec_start(app_port), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    app = f"http://127.0.0.1:{app_port}"
    nginx = None
    try:
        _wait(lambda: httpx.get(app + "/health").status_code == 200, "safety", server, server_log)
        conf = nginx_config(folder, https_port, http_port, app_port)
        nginx_bin, err = tool("nginx"), str(folder / "startup.log")
        test = subprocess.run([nginx_bin, "-t", "-c", str(conf), "-e", err], capture_output=True)
        assert test.returncode == 0, test.stderr.decode()
        with open(folder / "nginx.out", "wb") as out:
            nginx = subprocess.Popen(
                [nginx_bin, "-c", str(conf), "-e", err,
                 "-g", f"daemon off; pid {folder / 'nginx.pid'};"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

        def nginx_up() -> bool:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            return True

        _wait(nginx_up, "nginx", nginx, folder / "nginx.out")
        yield Stack(
            https=f"https://127.0.0.1:{https_port}",
            http=f"http://127.0.0.1:{http_port}",
            app=app,
            https_port=https_port,
            url=url,
            logs=folder / "safety.access.log",
        )
    finally:
        if nginx is not None:
            _stop(nginx)
        _stop(server)
