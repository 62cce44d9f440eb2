"""HTTP hardening shared by every route: security headers, CSRF for pages, cookie flags.

- Content-Security-Policy without inline scripts or styles, frames refused
  (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), ``nosniff``, a strict
  referrer policy, ``Cache-Control: no-store`` on everything that is not a static asset
  (static assets: ``no-cache``, revalidated by ETag), HSTS when the deployment runs behind
  HTTPS (``secure_cookies``). They are added by a ``before_send`` hook, which sees every
  response the app sends: routed ones, static files, and the 404/405 Litestar's router
  answers before any route (or route middleware) is reached.
- CSRF (Litestar's double-submit cookie) on every unsafe page request; ``/api/*`` is
  exempt because it accepts bearer tokens only, never cookies (see ``safety.web``).
"""

from __future__ import annotations

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from safety.settings import get_settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The OpenAPI UI (/schema) is Litestar's Swagger page: our vendored assets (static/vendor)
# and an inline bootstrap script, hence 'unsafe-inline' on /schema only.
SCHEMA_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"


def csrf_config() -> CSRFConfig:
    s = get_settings()
    return CSRFConfig(
        secret=s.secret_key.get_secret_value(),
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_secure=bool(s.secure_cookies),  # the settings fill it in from base_url
        cookie_httponly=True,  # the token travels in a hidden form field, not via JS
        cookie_samesite="lax",
        exclude=["^/api/", "^/health$"],
    )


def security_headers(path: str, secure: bool) -> list[tuple[str, str]]:
    headers = [
        ("content-security-policy", SCHEMA_CSP if path.startswith("/schema") else CSP),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("permissions-policy", "geolocation=(self), camera=(self), microphone=()"),
        ("cache-control", "no-cache" if path.startswith("/static/") else "no-store"),
    ]
    if secure:
        headers.append(("strict-transport-security", "max-age=31536000"))
    return headers


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: the headers above on every HTTP response (errors included).
    A header the handler set itself (e.g. a download's Cache-Control) is kept."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in security_headers(scope["path"], bool(get_settings().secure_cookies)):
        if name not in headers:
            headers[name] = value
