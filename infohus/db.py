"""Create the configured PostgreSQL database if it does not exist yet.

Run as `python -m infohus.db` by the Makefile before migrating, so a fresh
machine needs nothing but a reachable server.
"""

import sys
from typing import Any

import dj_database_url
import psycopg
from psycopg import sql


def ensure_database(url: str) -> bool:
    """Create the database named in `url`; return True when it was created."""
    cfg = dj_database_url.parse(url)
    params: dict[str, Any] = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
        return True


if __name__ == "__main__":
    # Reads .env and the environment. The owner creates the database; the
    # application's role may not.
    from infohus.settings import DATABASE_OWNER_URL

    name = dj_database_url.parse(DATABASE_OWNER_URL)["NAME"]
    created = ensure_database(DATABASE_OWNER_URL)
    print(f"database {name}: {'created' if created else 'exists'}", file=sys.stderr)
