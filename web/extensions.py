"""Things the views share, attached to the app in `init_app`, never built at import time."""
from __future__ import annotations

from flask import Flask, current_app


def init_app(app: Flask) -> None:
    app.extensions["mockloop"] = {}


def bank():
    """The question bank (bundled, validated once per process)."""
    state = current_app.extensions["mockloop"]
    if "bank" not in state:
        from simulator.bank import default_bank

        state["bank"] = current_app.config.get("BANK") or default_bank()
    return state["bank"]


def service():
    """The loop engine over the app's database."""
    state = current_app.extensions["mockloop"]
    if "service" not in state:
        from simulator.config import database_url
        from simulator.engine import LoopService
        from simulator.storage import open_database

        url = current_app.config.get("DATABASE_URL") or database_url()
        state["service"] = LoopService(open_database(url), bank(), current_app.config.get("CLOCK"))
    return state["service"]
