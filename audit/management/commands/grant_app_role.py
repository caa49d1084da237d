"""Give the application's database role exactly the rights it needs.

Run as the schema owner after every migrate (`make run` does): new tables need their
grants. The role named in DATABASE_URL may read and write the application's tables,
but only SELECT and INSERT on the audit trail and the change history, and only SELECT
on the audit chain heads and purge records. Purging and forgetting go through
functions that run with the owner's rights and check their own limits."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from psycopg import sql

from audit.history import history_models

APPEND_ONLY = ["audit_auditentry"]
# The statistics' fact store is written by owner triggers on the case tables only.
READ_ONLY = ["audit_chainhead", "audit_readlogpurge", "django_migrations", "reporting_statfact"]
OWNER_FUNCTIONS = ["audit_purge_read_log(interval)", "concerns_forget_case(bigint)"]


class Command(BaseCommand):
    help = "Create or update the application's database role (DATABASE_URL) and its rights."

    def handle(self, *args: Any, **options: Any) -> None:
        role = settings.APP_DATABASE.get("USER") or ""
        owner = connection.settings_dict.get("USER") or ""
        if not role or role == owner:
            self.stdout.write(
                f"The application connects as the schema owner ({owner or 'default'}); "
                "set DATABASE_URL to another role to separate them."
            )
            return
        password = settings.APP_DATABASE.get("PASSWORD") or ""
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in self.statements(role, password, cursor):
                cursor.execute(statement.as_string(connection.connection))
        self.stdout.write(f"Database role {role}: rights granted.")

    def statements(self, role: str, password: str, cursor: Any) -> list[sql.Composable]:
        ident = sql.Identifier(role)
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        create = sql.SQL(
            "ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS LOGIN"
            if exists
            else "CREATE ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS LOGIN"
        ).format(ident)
        if password:
            create = sql.SQL("{} PASSWORD {}").format(create, sql.Literal(password))

        def tables(names: list[str]) -> sql.Composable:
            return sql.SQL(", ").join(sql.Identifier(name) for name in names)

        append_only = APPEND_ONLY + [m._meta.db_table for m in history_models()]
        return [
            create,
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), ident
            ),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(ident),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident),
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                tables(append_only), ident
            ),
            sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                tables(READ_ONLY), ident
            ),
            *(
                sql.SQL(
                    "REVOKE ALL ON FUNCTION {} FROM PUBLIC; GRANT EXECUTE ON FUNCTION {} TO {}"
                ).format(sql.SQL(function), sql.SQL(function), ident)
                for function in OWNER_FUNCTIONS
            ),
        ]
