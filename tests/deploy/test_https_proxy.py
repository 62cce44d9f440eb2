"""The app behind the Debian nginx with the shipped deploy/ files (docs/ops/deploy.md):
HTTPS only, Secure cookies, the client address and scheme taken from the proxy alone, a
login in a real Chromium through it."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import ssl
import tempfile
import uuid
from pathlib import Path

import httpx
import pytest

from safety.demo.load import DEMO_LOGINS
from safety.settings import Settings
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.deploy.stack import DEPLOY, Stack, running
from tests.safety.dbtools import fresh_database

OFFICER = next(login for login in DEMO_LOGINS if login[1] == "officer")
NOT_HTTPS = "data-not-https"


@pytest.fixture(scope="module")
async def stack() -> Stack:
    # Not pytest's tmp_path: its parents are private to this user, and nginx's workers (an
    # unprivileged user when the test runs as root) write request bodies in this folder.
    folder = Path(tempfile.mkdtemp(prefix="safety-https-"))
    async with fresh_database() as url:
        with running(folder, url) as s:
            yield s
    shutil.rmtree(folder, ignore_errors=True)


def client(source: str = "127.0.0.1", **kwargs) -> httpx.AsyncClient:
    """A client whose connections leave from ``source`` (any 127/8 address is this host)."""
    transport = httpx.AsyncHTTPTransport(local_address=source, verify=False)
    return httpx.AsyncClient(transport=transport, timeout=30, **kwargs)


async def login_ip(stack: Stack, base: str, source: str, headers: dict[str, str]) -> str:
    """The address the app records for a login try sent from ``source`` to ``base``."""
    username = f"probe{uuid.uuid4().hex[:10]}"
    async with client(source) as http:
        answer = await http.post(
            base + "/api/v1/auth/token",
            json={"username": username, "password": "Wrong@Passw0rd"},
            headers=headers,
        )
    assert answer.status_code == 401, answer.text
    rows = await stack.query(f"SELECT ip FROM login_attempt WHERE username = '{username}'")
    assert len(rows) == 1, rows
    return rows[0][0]


async def test_the_demo_officer_logs_in_through_nginx_with_secure_cookies(stack):
    from playwright.async_api import async_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run .ci/setup (installs Debian chromium)")
    _, username, password = OFFICER
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(ignore_https_errors=True, locale="zh-CN")
        page = await context.new_page()
        await page.goto(stack.https + "/")
        assert page.url.startswith(stack.https + "/login"), page.url
        assert await page.locator(f"[{NOT_HTTPS}]").count() == 0
        await page.fill("#username", username)
        await page.fill("#password", password)
        await page.click("button[type=submit]")
        await page.wait_for_load_state("networkidle")
        assert page.url == stack.https + "/", page.url
        assert "欢迎" in await page.inner_text("main")
        cookies = {c["name"]: c for c in await context.cookies()}
        await browser.close()
    assert cookies["safety_session"]["secure"] and cookies["safety_session"]["httpOnly"]
    assert cookies["csrftoken"]["secure"]
    sessions = await stack.query(
        'SELECT s.ip FROM user_session s JOIN app_user u ON u.id = s."user" '
        f"WHERE u.username = '{username}'"
    )
    assert sessions == [("127.0.0.1",)]


async def test_plain_http_is_redirected_to_https(stack):
    async with client() as http:
        answer = await http.get(stack.http + "/hazards?status=open")
    assert answer.status_code == 301
    assert answer.headers["location"] == "https://127.0.0.1/hazards?status=open"


async def test_hsts_is_sent_once_and_the_app_sees_https(stack):
    async with client() as http:
        through = await http.get(stack.https + "/login")
        direct = await http.get(stack.app + "/login")
    assert through.headers.get_list("strict-transport-security") == ["max-age=31536000"]
    # X-Forwarded-Proto from nginx: the app knows the browser came over HTTPS ...
    assert NOT_HTTPS not in through.text
    # ... and reached over plain HTTP, with Secure cookies on, it says what is wrong.
    assert NOT_HTTPS in direct.text


async def test_the_client_address_comes_from_the_trusted_proxy_alone(stack):
    forged = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    # Through nginx from 127.0.0.3: nginx replaces the forged header with the real peer.
    assert await login_ip(stack, stack.https, "127.0.0.3", forged) == "127.0.0.3"
    # Straight to the app from a peer that is not SAFETY_TRUSTED_PROXIES: headers ignored.
    assert await login_ip(stack, stack.app, "127.0.0.2", forged) == "127.0.0.2"
    async with client("127.0.0.2") as http:
        page = await http.get(stack.app + "/login", headers=forged)
    assert NOT_HTTPS in page.text  # the forged X-Forwarded-Proto did not make it https
    # From a trusted address the header is believed: nginx's, and SAFETY_TRUSTED_PROXIES's
    # network (uvicorn's own default would not trust 127.0.0.5: the setting is in effect).
    assert await login_ip(stack, stack.app, "127.0.0.1", forged) == "203.0.113.7"
    assert await login_ip(stack, stack.app, "127.0.0.5", forged) == "203.0.113.7"
    async with client("127.0.0.5") as http:
        page = await http.get(stack.app + "/login", headers=forged)
    assert NOT_HTTPS not in page.text


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
async def test_only_tls_1_2_and_later_are_offered(stack):
    def handshake(version: ssl.TLSVersion) -> str:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client offer old versions
        context.minimum_version = context.maximum_version = version
        with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
            with context.wrap_socket(raw) as tls:
                return tls.version()

    assert handshake(ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    assert handshake(ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
    for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        with pytest.raises(ssl.SSLError) as refused:
            handshake(old)
        # refused by the server (its alert), not by this client's own settings
        assert "ALERT_PROTOCOL_VERSION" in str(refused.value) or "UNSUPPORTED_PROTOCOL" in str(
            refused.value
        ), refused.value


async def test_the_upload_cap_matches_the_app_and_the_request_id_is_logged(stack):
    conf = (DEPLOY / "nginx" / "safety.conf").read_text(encoding="utf-8")
    cap_mib = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    # safety/app.py: request_max_body_size = max_upload_bytes + 1 MiB
    shipped = int(
        re.search(r"SAFETY_MAX_UPLOAD_BYTES=(\d+)", (DEPLOY / "safety.env.example").read_text())[1]
    )
    assert (
        cap_mib * 2**20
        == shipped + 2**20
        == Settings.model_fields["max_upload_bytes"].default + 2**20
    )
    async with client() as http:
        fits = await http.post(
            stack.https + "/api/v1/nowhere", content=b"x" * (cap_mib * 2**20 - 4096)
        )
        over = await http.post(
            stack.https + "/api/v1/nowhere", content=b"x" * (cap_mib * 2**20 + 1)
        )
        rid = f"deploy-{uuid.uuid4().hex}"
        await http.get(stack.https + "/health", headers={"X-Request-ID": rid})
        await http.get(stack.https + "/health?own")
    assert fits.headers["content-type"].startswith("application/json"), fits.text  # the app's
    assert over.status_code == 413 and "nginx" in over.text  # nginx's own refusal
    # nginx writes a request's access line after answering it: wait for both lines
    own = re.compile(r'"GET /health\?own HTTP/[\d.]+" 200 .* rid=[0-9a-f]{32} ')
    for _ in range(100):
        log = stack.logs.read_text()
        if f"rid={rid} " in log and own.search(log):
            break
        await asyncio.sleep(0.05)
    assert f"rid={rid} " in log
    assert own.search(log), log
