"""The enterprise's evidence photos and the grid worker's 随手拍 photos are taken with the
same camera button as the inspector's hazard form: a ``label.camera`` around a file input
that opens the back camera (``capture="environment"``), styled by the shared stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

from tests import factories as f
from tests.pages import as_user
from tests.rectification.test_rectification_api import _open_hazard

CAMERA = re.compile(
    r'<label class="camera">[^<]*<input id="f-photos" name="photos" type="file"'
    r' accept="image/[^"]*" capture="environment" multiple>\s*</label>'
)


async def test_the_enterprise_evidence_form_has_the_camera_button(client):
    w = await f.world()
    h = await _open_hazard(w)
    r = await client.get(f"/hazards/{h['id']}", headers=await as_user(w.enterprise_user))
    assert r.status_code == 200
    assert CAMERA.search(r.text), r.text[r.text.find("f-photos") - 300 :][:600]
    assert "拍照 / 选择照片" in r.text


async def test_the_grid_worker_report_form_has_the_camera_button(client):
    w = await f.world()
    r = await client.get("/patrol/new", headers=await as_user(w.grid_worker))
    assert r.status_code == 200
    assert CAMERA.search(r.text), r.text[r.text.find("f-photos") - 300 :][:600]


def test_the_camera_button_is_styled_by_the_shared_stylesheet():
    css = Path("safety/static/app.css").read_text(encoding="utf-8")
    assert "label.camera {" in css and "label.camera input[type=file]" in css
