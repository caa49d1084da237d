"""Create the configured PostgreSQL database if it does not exist yet.

Run as `python -m infohus.db` by the Makefile before migrating, so a fresh
machine needs nothing but a reachable server.
"""

import os
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
    from infohus.settings import DATABASES  # reads .env and the environment

    d = DATABASES["default"]
    url = os.environ.get("DATABASE_URL") or (
        f"postgres://{d['USER']}@{d['HOST']}:{d['PORT']}/{d['NAME']}"
    )
    created = ensure_database(url)
    print(f"database {d['NAME']}: {'created' if created else 'exists'}", file=sys.stderr)
