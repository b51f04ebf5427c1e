"""The JSON API under /api/: everything the pages do, for scripts (bearer tokens) and for the pages (session + CSRF header).

The blueprint and its request helpers are in blueprint.py; the route modules import them from there (not from this
package, which imports them) and register their routes on `bp`.
"""
from __future__ import annotations

from web.api.blueprint import PUBLIC, SAFE_METHODS, authenticate, body, bp, probe_answers, text_field  # noqa: F401
# The route modules register themselves on bp, in this order (the URL map's order).
from web.api import jobs, loops, peers, teams  # noqa: F401
from web.api import teams_calibration  # noqa: F401  (after teams: its second half, same helpers)
from web.api import meta  # noqa: F401  (the OpenAPI document and public reads)
