"""The composition root: ``create_app()`` wires every package's routes, the templates,
the database pool and the one mapping of domain errors to HTTP."""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from inspections import routes as inspections_routes
from inspections.risk.rules import check_settings as check_risk_settings
from rectification import routes as rectification_routes
from rectification.records.queries import enterprise_records
from safety import logs
from safety.accounts import routes as accounts_routes
from safety.accounts.actor import authenticate_first, known_actor
from safety.admin import routes as admin_routes
from safety.bodies import SafeRequest
from safety.db import close_pool, open_pool
from safety.errorpages import domain_error_handler, internal_error_handler
from safety.errors import DomainError
from safety.files import api as files_api
from safety.notifications import api as notifications_api
from safety.openapi import document, operation_id
from safety.ops import health
from safety.registry import routes as registry_routes
from safety.registry.pages import RecordsReader
from safety.reports import pool as reports_pool
from safety.reports import print_warnings
from safety.security import add_security_headers, csrf_config
from safety.settings import get_settings
from safety.sheets import pool as parsepool
from safety.web import check_query_parameters

log = logging.getLogger("safety")

# Each room and package declares its routes once, as litestar Routers (docs/dev/routes.md);
# the permission-matrix test walks the resulting route table, so a new route without a
# rule fails it.
ROUTERS = [
    *health.ROUTERS,
    *accounts_routes.ROUTERS,
    *admin_routes.ROUTERS,
    *notifications_api.ROUTERS,
    *registry_routes.ROUTERS,
    *files_api.ROUTERS,
    *inspections_routes.ROUTERS,
    *rectification_routes.ROUTERS,
]

ROOT = Path(__file__).resolve().parent.parent
SWAGGER = "/static/vendor/swagger-ui"


def _records_reader() -> RecordsReader:
    # The registry's enterprise page shows the 检查记录 read one floor up (see
    # safety.registry.pages.RecordsReader).
    return enterprise_records


def register_template_globals(engine: JinjaTemplateEngine) -> None:
    """``t()``, ``lang()``, ``nav()``, ``current_actor()``, ``current_path()`` in every
    template (see safety/i18n.py and safety/pages.py)."""
    from safety import i18n, pages

    engine.register_template_callable("t", i18n.template_t)
    engine.register_template_callable("lang", i18n.template_lang)
    engine.register_template_callable("nav", pages.template_nav)
    engine.register_template_callable("current_actor", pages.current_actor)
    engine.register_template_callable("current_path", pages.template_current_path)
    engine.register_template_callable("unread_count", pages.template_unread)
    engine.engine.filters["localtime"] = pages.template_localtime
    engine.register_template_callable("print_warning", print_warnings.print_warning)


def create_app() -> Litestar:
    logs.configure()  # the one log format (safety.logs); refuses bad settings first
    settings = get_settings()
    check_risk_settings(
        settings.risk_lec_bands, settings.risk_ls_bands, settings.risk_inspect_months
    )
    routes: list = [*ROUTERS]
    routes.append(
        create_static_files_router(
            path="/static", directories=[ROOT / "safety" / "static"], include_in_schema=False
        )
    )
    app = Litestar(
        route_handlers=routes,
        template_config=TemplateConfig(
            directory=[
                ROOT / pkg / "templates"
                for pkg in (
                    "safety",
                    "safety/registry",
                    "inspections",
                    "inspections/checklists",
                    "rectification",
                    "inspections/risk",
                    "inspections/patrol",
                )
            ],
            engine=JinjaTemplateEngine,
            engine_callback=register_template_globals,
        ),
        state=State({"known_actor": known_actor}),
        dependencies={"enterprise_records": Provide(_records_reader, sync_to_thread=False)},
        exception_handlers={DomainError: domain_error_handler, Exception: internal_error_handler},
        logging_config=None,  # Litestar's own root handler would be a second format
        csrf_config=csrf_config(),
        # Every JSON body is size-, encoding- and depth-checked (safety.bodies), and only
        # after the caller is authenticated (the guard runs before parameters are parsed).
        request_class=SafeRequest,
        guards=[authenticate_first, check_query_parameters],
        # Litestar's own cap (10 MB by default) must not undercut the upload limit; the
        # slack is the multipart envelope. Bigger files get 413 from the services.
        request_max_body_size=get_settings().max_upload_bytes + 1024 * 1024,
        before_send=[add_security_headers],
        # the page language, for form errors made where no request is at hand, and the
        # characters of a write no PDF font has (a warning in the answer: print_warnings)
        before_request=print_warnings.note,
        after_request=print_warnings.attach,
        # parsepool: the worker processes that parse uploads.
        on_startup=[open_pool, parsepool.start, reports_pool.start],
        on_shutdown=[close_pool, parsepool.stop, reports_pool.stop],
        openapi_config=OpenAPIConfig(
            title="安全生产双重预防检查与整改跟踪系统 API",
            version="1.0.0",
            path="/schema",
            # Swagger UI from our own static files: no CDN, so it works on a closed network.
            render_plugins=[
                SwaggerRenderPlugin(
                    js_url=f"{SWAGGER}/swagger-ui-bundle.js",
                    css_url=f"{SWAGGER}/swagger-ui.css",
                    standalone_preset_js_url=f"{SWAGGER}/swagger-ui-standalone-preset.js",
                    favicon=f"<link rel='icon' href='{SWAGGER}/favicon-32x32.png'>",
                )
            ],
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")}
            ),
            security=[{"BearerToken": []}],
            operation_id_creator=operation_id,
        ),
    )
    document(app)  # error responses, public routes (safety.openapi)
    # Outermost, around Litestar's own error handling: every response (404s of unknown
    # paths, static files, streams) gets the request id and an access line.
    app.asgi_handler = logs.RequestContext(app.asgi_handler)
    return app
