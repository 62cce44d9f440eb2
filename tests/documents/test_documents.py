"""The printed documents rendered from realistic data and read back: text with
pdftotext (names, descriptions, dates, the page footer, no replacement characters), the
QR code with zbarimg, rare characters as real glyphs, the download name, scope."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from safety.settings import get_settings
from tests import factories as f
from tests.documents import world

RARE = "𠮷堃昇喆"
KEEP = os.environ.get("SAFETY_KEEP_PDFS")  # a folder: keep each rendered PDF there to look at


def _tmp(pdf: bytes, suffix: str = ".pdf"):
    tmp = tempfile.NamedTemporaryFile(suffix=suffix)  # noqa: SIM115 - the caller closes it
    tmp.write(pdf)
    tmp.flush()
    return tmp


def pdftotext(pdf: bytes) -> str:
    with _tmp(pdf) as tmp:
        out = subprocess.run(
            ["pdftotext", "-raw", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return out


def flat(text: str) -> str:
    """pdftotext's layout spaces removed (CJK text has none of its own)."""
    return re.sub(r"\s+", "", text)


def keep(name: str, pdf: bytes) -> None:
    if KEEP:
        Path(KEEP).mkdir(parents=True, exist_ok=True)
        (Path(KEEP) / name).write_bytes(pdf)


def decode_qr(pdf: bytes) -> str:
    """The QR code on page 1, decoded from the rendered page image (zbarimg)."""
    with _tmp(pdf) as tmp, tempfile.TemporaryDirectory() as out:
        subprocess.run(["pdftoppm", "-png", "-r", "150", tmp.name, f"{out}/p"], check=True)
        png = sorted(Path(out).glob("p*.png"))[0]
        return subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True
        ).stdout.strip()


def embedded_jpegs(pdf: bytes) -> set[bytes]:
    """The JPEG streams of the PDF as they are in it (pdfimages -all)."""
    with _tmp(pdf) as tmp, tempfile.TemporaryDirectory() as out:
        subprocess.run(["pdfimages", "-all", tmp.name, f"{out}/i"], check=True)
        return {p.read_bytes() for p in Path(out).glob("i-*.jpg")}


def fonts_of(pdf: bytes) -> str:
    with _tmp(pdf) as tmp:
        return subprocess.run(
            ["pdffonts", tmp.name], capture_output=True, text=True, check=True
        ).stdout


async def test_the_inspection_report_reads_back(client):
    d = await world.build(client, hazards=3)
    r = await client.get(
        f"/api/v1/inspections/{d.inspection_id}/report.pdf", headers=f.headers(d.w.officer)
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    keep("report.pdf", r.content)
    text = flat(pdftotext(r.content))
    assert flat(d.enterprise["name"]) in text
    assert "安全生产检查报告" in text and "第1页/共" in text
    assert d.enterprise["uscc"] in text and "王志强" in text and "赵经理" in text
    for h in d.hazards:
        assert flat(h["description"]) in text
        assert str(h["deadline"]) in text
    assert "不符合项" in text and "重大隐患" in text
    assert "\ufffd" not in text
    # only our own embedded fonts: the pre-subset TrueType ones
    assert "SafetyCJK" in fonts_of(r.content) or "NotoSans" in fonts_of(r.content)
    # the download name: 企业名称-检查报告-日期.pdf, RFC 5987
    # the day of the visit in the configured zone (submitted just after midnight: that day)
    from inspections.tables import Inspection
    from safety.settings import local_today

    row = await (
        Inspection.select(Inspection.submitted_at)
        .where(Inspection.id == d.visit.inspection["id"])
        .first()
        .run()
    )
    day = (
        local_today(row["submitted_at"])
        if row["submitted_at"]
        else d.visit.inspection["scheduled_on"]
    )
    expected = f"{d.enterprise['name']}-检查报告-{day}.pdf"
    assert f"filename*=UTF-8''{quote(expected)}" in r.headers["content-disposition"]
    assert r.headers["content-disposition"].startswith("attachment;")


async def test_the_report_embeds_the_photos_print_copies_made_at_upload_as_they_are(client):
    from safety.files import store as files
    from safety.tables import Attachment

    d = await world.build(client, hazards=1, photos_per_hazard=2, verify=False)
    r = await client.get(
        f"/api/v1/inspections/{d.inspection_id}/report.pdf", headers=f.headers(d.w.officer)
    )
    assert r.status_code == 200, r.text
    rows = await Attachment.select(Attachment.sha256).where(
        Attachment.owner_type == "hazard", Attachment.owner_id == d.hazards[0]["id"]
    )
    assert len(rows) == 2
    embedded = embedded_jpegs(r.content)
    for row in rows:
        # the JPEG stored at upload is in the PDF byte for byte: no decoding, no re-encoding
        assert files.path_of(row["sha256"], "print").read_bytes() in embedded
        cache = get_settings().data_dir / "cache" / "print" / f"{row['sha256']}.print.jpg"
        assert not cache.exists()


async def test_a_refused_signature_is_printed_as_such(client):
    d = await world.build(client, hazards=1, photos_per_hazard=1, verify=False, refuse=True)
    r = await client.get(
        f"/api/v1/inspections/{d.inspection_id}/report.pdf", headers=f.headers(d.w.inspector)
    )
    assert r.status_code == 200, r.text
    text = flat(pdftotext(r.content))
    assert "拒签" in text and "负责人外出，拒绝签字" in text


async def test_the_notice_has_deadlines_five_musts_and_a_qr_code_to_its_hazards(client):
    d = await world.build(client, hazards=3, photos_per_hazard=0, verify=False)
    r = await client.get(
        f"/api/v1/inspections/{d.inspection_id}/notice.pdf",
        headers=f.headers(d.enterprise_user),
    )
    assert r.status_code == 200, r.text
    keep("notice.pdf", r.content)
    text = flat(pdftotext(r.content))
    assert "隐患整改通知书" in text and flat(d.enterprise["name"]) in text
    for h in d.hazards:
        assert flat(h["description"]) in text and str(h["deadline"]) in text
    assert "五落实" in text and "测试街道" in text and "盖章" in text
    assert "第1页/共1页" in text and "\ufffd" not in text
    # the QR code, decoded from the rendered page
    decoded = decode_qr(r.content)
    expected = f"{get_settings().base_url.rstrip('/')}/notices/{d.inspection_id}"
    assert decoded == expected
    # ...which opens, for the enterprise after login, this notice's hazards
    from tests.pages import as_user

    page = await client.get(f"/notices/{d.inspection_id}", headers=await as_user(d.enterprise_user))
    assert page.status_code == 200
    for h in d.hazards:
        assert f'href="/hazards/{h["id"]}"' in page.text
    anonymous = await client.get(f"/notices/{d.inspection_id}")
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]


async def test_the_recheck_opinion_after_a_verification(client):
    d = await world.build(client, hazards=2, photos_per_hazard=1)
    r = await client.get(
        f"/api/v1/hazards/{d.verified_hazard}/recheck.pdf", headers=f.headers(d.enterprise_user)
    )
    assert r.status_code == 200, r.text
    keep("recheck.pdf", r.content)
    text = flat(pdftotext(r.content))
    assert "隐患整改复查意见书" in text and flat(d.enterprise["name"]) in text
    assert "复查合格，同意销号" in text and "现场复查已整改到位" in text
    assert "整改前" in text and "整改后" in text and "已清理并加锁" in text
    assert "\ufffd" not in text
    # a hazard never verified has no opinion yet
    other = d.hazards[1]["id"]
    r = await client.get(f"/api/v1/hazards/{other}/recheck.pdf", headers=f.headers(d.w.officer))
    assert r.status_code == 409


async def test_rare_characters_in_a_name_are_real_glyphs(client):
    name = f"{RARE}五金商行{f.n()}"
    d = await world.build(client, name=name, hazards=1, photos_per_hazard=0, verify=False)
    r = await client.get(
        f"/api/v1/inspections/{d.inspection_id}/notice.pdf", headers=f.headers(d.w.officer)
    )
    assert r.status_code == 200, r.text
    keep("rare.pdf", r.content)
    text = pdftotext(r.content)
    assert name in text  # extracted through the fonts' ToUnicode maps
    # and drawn with glyphs, not .notdef boxes: each rare character's glyph in an
    # embedded font has an outline
    from tests.documents.glyphs import drawn_characters

    drawn = drawn_characters(r.content)
    for c in RARE:
        assert c in drawn, f"{c!r} has no outline in the PDF's fonts"


async def test_the_campaign_summary_has_the_figures_charts_and_lists(client):
    d = await world.build(client, hazards=3, photos_per_hazard=0, verify=True)
    cid = d.visit.campaign["id"]
    r = await client.get(f"/api/v1/campaigns/{cid}/report.pdf", headers=f.headers(d.w.officer))
    assert r.status_code == 200, r.text
    keep("campaign.pdf", r.content)
    text = flat(pdftotext(r.content))
    assert flat(d.visit.campaign["name"]) in text and "总结报告" in text
    # the figures: 1 planned, 1 inspected, 3 found (1 major), 1 closed → 33.3%
    assert "计划检查企业" in text and "100.0%" in text and "33.3%" in text
    assert "重大隐患清单（1项）" in text and flat(d.hazards[1]["description"]) in text
    assert "按批次" in text and "第一批次" in text
    assert "\ufffd" not in text
    # the charts are there, drawn from the same functions as the dashboard
    assert "检查完成率" in text and "整改率" in text
    # officers only
    r = await client.get(f"/api/v1/campaigns/{cid}/report.pdf", headers=f.headers(d.w.inspector))
    assert r.status_code == 403
