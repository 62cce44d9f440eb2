"""How many photos a hazard may hold (``SAFETY_MAX_PHOTOS_PER_HAZARD``, default 12).

Every path that adds a photo to a hazard checks it: an inspector's or a grid worker's
upload and an enterprise's after-photo (``photos.add_hazard_photo``: the API, the hazard
form, the walk), and a patrol report's photos, which become the hazard's before-photos at
triage (a report holds at most as many; a photo sent after the triage is copied to the
hazard only while it has room). A photo past the limit is a 409 naming ``file`` and
nothing is kept; the count is taken again in the insert's write transaction, so two
uploads at once cannot both take the last place.

What counts: the photos the hazard holds — before (问题) and scene (现场) photos, recheck
photos, and after-photos not yet claimed by an evidence submission (a submission takes
its after-photos with it, so each round of evidence has room). A printed recheck
document therefore shows at most twice the limit (docs/ops/limits.md).
"""

from __future__ import annotations

from safety.errors import Conflict
from safety.settings import get_settings
from safety.tables import Attachment


class PhotoLimitReached(Conflict):
    """The hazard (or the report that becomes one) holds the most photos allowed."""


def photo_limit() -> int:
    return get_settings().max_photos_per_hazard


async def photo_count(owner_type: str, owner_id: int) -> int:
    return (
        await Attachment.count()
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .run()
    )


async def has_room(owner_type: str, owner_id: int) -> bool:
    return await photo_count(owner_type, owner_id) < photo_limit()


async def require_room(owner_type: str, owner_id: int) -> None:
    """409 naming ``file`` when the hazard or report holds the most photos allowed."""
    if await has_room(owner_type, owner_id):
        return
    n = photo_limit()
    # English: the catalogue's templates (safety.error_messages), the number read back.
    if owner_type == "hazard":
        message = f"该隐患已有 {n} 张照片，已达上限"
    else:
        message = f"该上报已有 {n} 张照片，已达上限"
    raise PhotoLimitReached(message, [{"key": "file", "message": message}])
