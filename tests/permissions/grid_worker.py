"""What the grid worker (网格员) gets on routes whose rules were written before the role.
A rule that does not name ``grid_worker`` gets the base roles' common expectation when
they all share one (routes open to every signed-in user: /api/v1/me, notifications, the
profile), else 403 (a role never allowed); the routes below say otherwise.

A grid worker sees only the hazards that came from their own reports: the World's hazards
(found in inspections) are outside that scope, so hazard routes answer 404, as they do for
any outsider; on their own report's hazard the actions are refused with 403
(tests/patrol/test_grid_worker_scope.py)."""

from __future__ import annotations

NOT_THEIRS = {"own": 404, "foreign": 404}
HAZARD = "/api/v1/hazards/{hazard_id:int}"
HAZARD_PAGE = "/hazards/{hazard_id:int}"

GRID_WORKER: dict[tuple[str, str], int | dict[str, int]] = {
    # The enterprises of their grid (or community), read only: the World's enterprise
    # sits in grid1, the grid worker's grid.
    ("GET", "/api/v1/enterprises"): 200,
    ("GET", "/enterprises"): 200,
    ("GET", "/api/v1/enterprises/{enterprise_id:int}"): {"own": 200, "foreign": 404},
    ("GET", "/enterprises/{enterprise_id:int}"): {"own": 200, "foreign": 404},
    ("GET", "/api/v1/enterprises/{enterprise_id:int}/photos"): {"own": 200, "foreign": 404},
    # …and those enterprises' photos.
    **{
        ("GET", prefix + "/files/{file_id:int}" + variant): {"own": 200, "foreign": 404}
        for prefix in ("", "/api/v1")
        for variant in ("", "/display", "/thumbnail")
    },
    # The checklist library is for officers, inspectors and enterprises.
    ("GET", "/api/v1/checklists"): 403,
    ("GET", "/api/v1/checklists/{checklist_id:int}"): 403,
    # Scoped lists: the hazards of their own reports (and those hazards' extension requests).
    ("GET", "/api/v1/hazards"): 200,
    ("GET", "/hazards"): 200,
    ("GET", "/api/v1/extension-requests"): 200,
    ("GET", HAZARD): NOT_THEIRS,
    ("GET", HAZARD_PAGE): NOT_THEIRS,
    ("PUT", HAZARD + "/plan"): NOT_THEIRS,
    ("POST", HAZARD + "/submissions"): NOT_THEIRS,
    ("POST", HAZARD + "/verifications"): NOT_THEIRS,
    ("POST", HAZARD + "/extension-requests"): NOT_THEIRS,
    ("POST", HAZARD + "/photos"): NOT_THEIRS,
    ("POST", HAZARD_PAGE + "/verify"): NOT_THEIRS,
    # 复查意见书: whoever reads the hazard (the World's are not from their reports).
    ("GET", HAZARD + "/recheck.pdf"): NOT_THEIRS,
    ("GET", HAZARD_PAGE + "/recheck.pdf"): NOT_THEIRS,
}
