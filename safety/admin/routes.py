"""Every route of the admin room, for ``safety.app``: the JSON API and the pages."""

from safety.admin import api, pages

ROUTERS = [
    api.users,
    api.org_units,
    api.agencies,
    api.audit_events,
    pages.user_pages,
    pages.org_unit_pages,
    pages.agency_pages,
    pages.audit_pages,
]
