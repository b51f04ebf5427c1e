"""Persistence: typed models, engines, migrations."""
from simulator.storage.db import StorageError, open_database, unit_of_work
from simulator.storage.models import Base, GradeRecord, Loop, Round, User

__all__ = ["Base", "GradeRecord", "Loop", "Round", "User", "StorageError", "open_database", "unit_of_work"]
