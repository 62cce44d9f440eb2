"""Every route of the registry room, for ``safety.app``: the enterprise API, its site
photos (importing ``photos`` also registers the photos' file-serving scope rule), and
the pages."""

from safety.registry import api, pages, photos

ROUTERS = [api.router, photos.router, pages.router]
