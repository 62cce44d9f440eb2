"""Rules for the printed documents: the inspection report and notice (officer, the
inspection's inspectors, its enterprise), the recheck opinion (the hazard's readers) and
the campaign summary (officer), each as API (bearer) and page twin (session), and the
page the notice's QR code opens. "own"/"foreign" as in ``tests.permissions.inspections``."""

from __future__ import annotations

from rectification import services as rectification
from rectification.schemas import VerificationIn
from tests import factories as f
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec
from tests.permissions.inspections import OWN_READERS, _hazard, _visit
from tests.rectification import evidence


def _inspection(tail: str, prefix: str = "/api/v1/inspections"):
    async def build(w, target):
        v = await _visit(w, target)
        return Req("GET", f"{prefix}/{v.inspection['id']}{tail}")

    return build


def _recheck(prefix: str):
    async def build(w, target):
        h = await _hazard(w, target)
        contact = w.enterprise_user if target == "own" else w.foreign_enterprise_user
        officer = w.officer if target == "own" else w.foreign_officer
        await evidence.submit(f.actor(contact), h["id"], "已清理", h["found_on"])
        await rectification.verify(
            f.actor(officer), h["id"], VerificationIn(result="pass", comment="复查合格")
        )
        return Req("GET", f"{prefix}/{h['id']}/recheck.pdf")

    return build


API = "/api/v1/inspections/{inspection_id:int}"
PAGE = "/inspections/{inspection_id:int}"
SPECS = {
    ("GET", API + "/report.pdf"): Spec(_inspection("/report.pdf"), OWN_READERS, OWN_FOREIGN),
    ("GET", API + "/notice.pdf"): Spec(_inspection("/notice.pdf"), OWN_READERS, OWN_FOREIGN),
    ("GET", PAGE + "/report.pdf"): Spec(
        _inspection("/report.pdf", "/inspections"), OWN_READERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", PAGE + "/notice.pdf"): Spec(
        _inspection("/notice.pdf", "/inspections"), OWN_READERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/notices/{inspection_id:int}"): Spec(
        _inspection("", "/notices"), OWN_READERS, OWN_FOREIGN, anonymous=LOGIN
    ),
    ("GET", "/api/v1/hazards/{hazard_id:int}/recheck.pdf"): Spec(
        _recheck("/api/v1/hazards"), OWN_READERS, OWN_FOREIGN
    ),
    ("GET", "/hazards/{hazard_id:int}/recheck.pdf"): Spec(
        _recheck("/hazards"), OWN_READERS, OWN_FOREIGN, anonymous=LOGIN
    ),
}


def _campaign(prefix: str):
    async def build(w, target):
        v = await _visit(w, target)
        return Req("GET", f"{prefix}/{v.campaign['id']}/report.pdf")

    return build


OFFICER_ON_OWN = {
    "admin": 403,
    "officer": {"own": 200, "foreign": 404},
    "inspector": 403,
    "enterprise": 403,
}
SPECS[("GET", "/api/v1/campaigns/{campaign_id:int}/report.pdf")] = Spec(
    _campaign("/api/v1/campaigns"), OFFICER_ON_OWN, OWN_FOREIGN
)
SPECS[("GET", "/campaigns/{campaign_id:int}/report.pdf")] = Spec(
    _campaign("/campaigns"), OFFICER_ON_OWN, OWN_FOREIGN, anonymous=LOGIN
)
