"""Rules for attachments: /api/v1/files/{id}… and /files/{id}… (whoever may see the owner
record), and the enterprise site photos (/api/v1/enterprises/{id}/photos).

"own" is a photo of the World's enterprise (in the officer's street, assigned to the
World's inspector); "foreign" one of the other street's enterprise. Admins do not see the
registry, so not its photos either (403, as for the enterprise itself)."""

from __future__ import annotations

from safety.files import store as files
from tests import factories as f
from tests import imagegen
from tests.permissions import LOGIN, OWN_FOREIGN, Req, Spec
from tests.permissions.registry import _assign_inspector, _target

READERS = {
    "admin": 403,
    **{r: {"own": 200, "foreign": 404} for r in ("officer", "inspector", "enterprise")},
}
OFFICER_UPLOADS = {
    "admin": 403,
    "officer": {"own": 201, "foreign": 404},
    "inspector": 403,
    "enterprise": 403,
}
_photos: dict[int, int] = {}


async def _photo(w, target) -> int:
    """A photo of the target enterprise (made once per enterprise)."""
    await _assign_inspector(w)
    ent = _target(w, target)
    if ent["id"] not in _photos:
        owner = w.officer if target == "own" else w.foreign_officer
        row = await files.save_bytes(
            imagegen.jpeg((64, 48)),
            filename="scene.jpg",
            owner_type="enterprise",
            owner_id=ent["id"],
            kind="scene",
            actor=f.actor(owner),
        )
        _photos[ent["id"]] = row.id
    return _photos[ent["id"]]


def _file(prefix: str, suffix: str = ""):
    async def build(w, target):
        return Req("GET", f"{prefix}/{await _photo(w, target)}{suffix}")

    return build


async def _upload(w, target):
    ent = _target(w, target)
    image = imagegen.jpeg((32, 24))
    return Req(
        "POST",
        f"/api/v1/enterprises/{ent['id']}/photos",
        files={"file": ("p.jpg", image, "image/jpeg")},
    )


async def _list(w, target):
    await _assign_inspector(w)
    return Req("GET", f"/api/v1/enterprises/{_target(w, target)['id']}/photos")


SPECS = {
    ("POST", "/api/v1/enterprises/{enterprise_id:int}/photos"): Spec(
        _upload, OFFICER_UPLOADS, OWN_FOREIGN
    ),
    ("GET", "/api/v1/enterprises/{enterprise_id:int}/photos"): Spec(_list, READERS, OWN_FOREIGN),
}
for _suffix in ("", "/display", "/thumbnail"):
    SPECS[("GET", f"/api/v1/files/{{file_id:int}}{_suffix}")] = Spec(
        _file("/api/v1/files", _suffix), READERS, OWN_FOREIGN
    )
    SPECS[("GET", f"/files/{{file_id:int}}{_suffix}")] = Spec(
        _file("/files", _suffix), READERS, OWN_FOREIGN, anonymous=LOGIN
    )
