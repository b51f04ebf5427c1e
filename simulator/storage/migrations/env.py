"""Alembic environment: the engine is handed in by simulator.storage.db."""
from alembic import context

from simulator.storage.models import Base
import simulator.teams.models  # noqa: F401  (team tables on the same Base)
import simulator.peers.models  # noqa: F401  (peer-review tables on the same Base)

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
