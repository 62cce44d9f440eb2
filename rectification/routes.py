"""Every route of the rectification package, as the routers that declare them: each topic
module declares its routes once in a ``litestar.Router`` (path prefix, tags, the actor
dependency; pages ``include_in_schema=False``), and ``safety.app`` mounts ``ROUTERS``."""

from __future__ import annotations

from rectification import api, form_pages, pages, queue_pages
from rectification.documents import api as documents
from rectification.figures import api as figures
from rectification.figures import dashboard_pages
from rectification.home import pages as home
from rectification.ledger import web as ledger
from rectification.records import pages as records

ROUTERS = [
    # the JSON API (/api/v1)
    *api.ROUTERS,
    ledger.api_router,
    documents.api_router,
    figures.router,
    # the pages
    home.router,
    pages.router,
    form_pages.router,
    queue_pages.router,
    ledger.page_router,
    documents.page_router,
    dashboard_pages.router,
    records.router,
]
