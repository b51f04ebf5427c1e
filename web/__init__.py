"""The mockloop web app: a Flask app factory over the simulator library."""
from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app. Settings come from MOCKLOOP_* environment variables, or from `test_config` in tests."""
    app = Flask(__name__)

    from web import config, errors, extensions, ratelimit, security

    from werkzeug.routing import IntegerConverter

    class IdConverter(IntegerConverter):
        """<int:...> in every route: ids above what the database stores (2**63 - 1) are simply not found."""

        def __init__(self, url_map, *args, **kwargs):
            kwargs.setdefault("max", 2**63 - 1)
            super().__init__(url_map, *args, **kwargs)

        def to_python(self, value):
            # Werkzeug would report a failed conversion as "no match", which becomes a 405 when the same path
            # has a rule for another method (DELETE /api/teams/<huge>/invitation); the route is right, the id is not.
            from werkzeug.exceptions import NotFound
            from werkzeug.routing import ValidationError

            try:
                return super().to_python(value)
            except ValidationError:
                raise NotFound() from None

    app.url_map.converters["int"] = IdConverter
    config.configure(app, test_config)
    extensions.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    ratelimit.init_app(app)  # after the host check: a refused host is not counted

    from web.api import bp as api_bp
    from web.auth import bp as auth_bp
    from web.health import bp as health_bp
    from web.history import bp as history_bp
    from web.home import bp as home_bp
    from web.loops import bp as loops_bp
    from web.peers import bp as peers_bp
    from web.scorecard import bp as scorecard_bp
    from web.teams import bp as teams_bp

    for bp in (health_bp, home_bp, auth_bp, loops_bp, scorecard_bp, history_bp, teams_bp, peers_bp, api_bp):
        app.register_blueprint(bp)
    extensions.csrf.exempt(api_bp)  # the API checks the CSRF header itself unless a bearer token is sent
    return app
