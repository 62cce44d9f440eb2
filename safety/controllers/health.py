"""GET /health: liveness and database reachability (no auth)."""

from litestar import get
from litestar.response import Response

from safety.db import ping


@get("/health", tags=["system"], summary="Health check", exclude_from_auth=True)
async def health() -> Response[dict[str, str]]:
    if await ping():
        return Response({"status": "ok", "database": "ok"}, status_code=200)
    return Response({"status": "error", "database": "error"}, status_code=503)


ROUTES = [health]
