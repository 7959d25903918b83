"""What the map pages need from the settings: the tile server (MAP_TILE_URL, an XYZ template
such as https://tiles.example.org/{z}/{x}/{y}.png) and its attribution. Without a tile server the
map draws the district boundaries alone.

The Content-Security-Policy allows images from this site only; a page that shows tiles adds
the tile server's origin to its img-src (nothing else: the tiles are plain <image> elements).
"""

from urllib.parse import urlsplit

from django.conf import settings


def map_settings() -> dict:
    return {
        "tile_url": getattr(settings, "MAP_TILE_URL", "") or "",
        "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", "") or "",
    }


def tile_origin(tile_url: str) -> str:
    """The CSP source of a tile template: its scheme and host ("{s}." subdomains as a wildcard)."""
    parts = urlsplit(tile_url or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}.", "*.")
    if "{" in host or "}" in host:
        return ""
    return f"{parts.scheme}://{host}"


def allow_map_tiles(response):
    origin = tile_origin(map_settings()["tile_url"])
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response
