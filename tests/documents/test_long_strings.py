"""Long unbroken Latin strings (a URL, a serial number) wrap inside the printed page
(issue 20, point 7): a 300-character string in a hazard's description, suggestion and legal
basis and in the enterprise's address (200 characters of it in the location, its column's
length); no word pdftotext finds lies past the page's text area, on the notice, the
inspection report, the recheck opinion and the campaign summary."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pytest

from inspections.tables import Hazard
from safety.tables import Enterprise
from tests import factories as f
from tests.documents import world
from tests.documents.test_documents import keep, pdftotext

LONG = "https://example.com/" + "A1b2C3d4E5" * 28  # 300 characters, no break opportunity


RIGHT_MARGIN_PT = 16 / 25.4 * 72  # print.css: @page margin-right 16mm


def words_past_the_edge(pdf: bytes) -> list[tuple[float, float, str]]:
    """(xMax, page width, word) of every word whose box ends past its page's text area
    (the width less the right margin; a point of slack for rounding)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        html = subprocess.run(
            ["pdftotext", "-bbox", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    out = []
    for page in re.finditer(r'<page width="([\d.]+)".*?</page>', html, re.S):
        width = float(page.group(1))
        for word in re.finditer(
            r'<word xMin="[\d.-]+" yMin="[\d.-]+" xMax="([\d.-]+)"[^>]*>([^<]*)', page.group(0)
        ):
            if float(word.group(1)) > width - RIGHT_MARGIN_PT + 1:
                out.append((float(word.group(1)), width, word.group(2)))
    return out


@pytest.fixture(scope="module")
async def docs(client):
    d = await world.build(client, hazards=2, photos_per_hazard=0, extra_description=LONG)
    ids = [h["id"] for h in d.hazards]
    await Hazard.update(
        {Hazard.location: LONG[:200], Hazard.suggestion: LONG, Hazard.legal_basis: LONG}
    ).where(Hazard.id.is_in(ids))
    await Enterprise.update({Enterprise.address: LONG}).where(Enterprise.id == d.enterprise["id"])
    return d


@pytest.mark.parametrize("document", ["notice", "report", "recheck", "campaign"])
async def test_a_300_character_string_stays_on_the_page(client, docs, document):
    url = {
        "notice": f"/api/v1/inspections/{docs.inspection_id}/notice.pdf",
        "report": f"/api/v1/inspections/{docs.inspection_id}/report.pdf",
        "recheck": f"/api/v1/hazards/{docs.verified_hazard}/recheck.pdf",
        "campaign": f"/api/v1/campaigns/{docs.visit.campaign['id']}/report.pdf",
    }[document]
    r = await client.get(url, headers=f.headers(docs.w.officer))
    assert r.status_code == 200, r.text
    keep(f"long-string-{document}.pdf", r.content)
    assert words_past_the_edge(r.content) == []
    if document != "campaign":  # the summary lists no hazard text
        assert pdftotext(r.content).count("A1b2C3d4E5") >= 28
