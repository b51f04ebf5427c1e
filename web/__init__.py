"""The mockloop web app: a Flask app factory over the simulator library."""
from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY="dev-only-change-me",
        DATABASE_URL=None,  # None: simulator.config.database_url()
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
    )
    if test_config is None:
        app.config.from_prefixed_env("MOCKLOOP")
    else:
        app.config.update(test_config)

    from web import extensions

    extensions.init_app(app)

    from web.home import bp as home_bp

    app.register_blueprint(home_bp)
    return app
