"""What the Hypothesis fuzz tests share: generated JSON and the database's state."""

from __future__ import annotations

from hypothesis import strategies as st
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each table: a refused request must leave every count as it was."""
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as connection:
        return {
            n: int(connection.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())
            for n in names
        }
