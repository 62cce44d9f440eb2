"""The pictures of the four homes in docs/img (docs/home.md), from a running demo server.

Not collected by pytest. Start a demo server first (``safety demo`` loads and serves on
port 8000), then:

    .venv/bin/python tests/browser/shoot_homes.py [BASE_URL] [OUT_DIR]

Writes ``home-<login>-<width>.png`` (full page, 375 and 1280 px wide, Chinese) for the
demo logins enterprise, officer, inspector and grid.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from safety.demo.load import DEMO_LOGINS
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

LOGINS = ("enterprise", "officer", "inspector", "grid")
WIDTHS = (375, 1280)
PASSWORDS = {username: password for _, username, password in DEMO_LOGINS}


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for username in LOGINS:
            for width in WIDTHS:
                context = browser.new_context(
                    locale="zh-CN", viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                page.goto(base + "/login")
                page.fill("#username", username)
                page.fill("#password", PASSWORDS[username])
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                page.goto(base + "/")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"home-{username}-{width}.png"), full_page=True)
                context.close()
        browser.close()


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    main(
        sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000",
        Path(sys.argv[2]) if len(sys.argv) > 2 else root / "docs" / "img",
    )
