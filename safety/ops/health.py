"""GET /health: liveness, database reachability and writable storage (no auth).

200 ``{"status": "ok", "database": "ok"}``; else 503 with ``Retry-After`` and the reason
(``safety.outages``): ``{"status": "error", "database": "ok"|"error", "reason":
"database_unreachable"|"storage_full"|"read_only", "detail", "detail_en"}``."""

from litestar import Request, Router, get
from litestar.response import Response

from safety import i18n, outages


@get("/", summary="Health check", exclude_from_auth=True)
async def health(request: Request) -> Response[dict[str, str]]:
    kind, database_ok = await outages.current()
    outages.OUTAGE_LOG.over(still=kind)
    if kind is None:
        return Response({"status": "ok", "database": "ok"}, status_code=200)
    outages.OUTAGE_LOG.refused(kind, None)
    text = outages.message(kind)
    body = {
        "status": "error",
        "database": "ok" if database_ok else "error",
        "reason": kind,
        "detail": i18n.localise(text, i18n.request_lang(request)),
        "detail_en": i18n.english(text),
    }
    return Response(body, status_code=503, headers={"Retry-After": outages.retry_after()})


# Open to everybody (a load balancer's probe has no credentials).
router = Router(path="/health", tags=["system"], route_handlers=[health])
ROUTERS = [router]
