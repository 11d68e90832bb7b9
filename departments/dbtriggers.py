"""Database triggers for invariants that span tables.

SQL check constraints cannot look at other rows, yet "a step's lane belongs to
the step's map" must hold even for rows written past the forms. Each rule is one
SQL expression, true when a row is bad; this module turns it into BEFORE INSERT
and BEFORE UPDATE triggers for SQLite and PostgreSQL. A violation raises an
IntegrityError in Django, like any other constraint.

SQLite remakes a whole table for many schema changes (adding a constraint,
altering a column), and a remake fails while a trigger names that table. A later
migration that changes a table a rule mentions must therefore drop the rules
first and install them again at its end:

    forwards, backwards = install(RULES)
    operations = [RunPython(backwards, forwards), ..., RunPython(forwards, backwards)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RowRule:
    """A named rule: `bad` is an SQL expression over NEW that is true for a bad row."""

    name: str
    table: str
    bad: str
    message: str


def create_sql(rule: RowRule, vendor: str) -> list[str]:
    """Statements that install the rule's triggers on `vendor` ('sqlite' or 'postgresql')."""
    # Messages go into SQL string literals: double any quote.
    message = rule.message.replace("'", "''")
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {rule.name}_{event.lower()} BEFORE {event} ON {rule.table} "
            f"FOR EACH ROW WHEN {rule.bad} "
            f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {message}'); END"
            for event in ("INSERT", "UPDATE")
        ]
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {rule.name}_fn() RETURNS trigger AS $$ BEGIN "
            f"IF {rule.bad} THEN RAISE EXCEPTION 'check constraint failed: {message}' "
            f"USING ERRCODE = '23514'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {rule.name} BEFORE INSERT OR UPDATE ON {rule.table} "
            f"FOR EACH ROW EXECUTE FUNCTION {rule.name}_fn()",
        ]
    raise NotImplementedError(f"no triggers for database vendor {vendor!r}")


def drop_sql(rule: RowRule, vendor: str) -> list[str]:
    """Statements that remove the rule's triggers."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {rule.name}_{e}" for e in ("insert", "update")]
    return [
        f"DROP TRIGGER IF EXISTS {rule.name} ON {rule.table}",
        f"DROP FUNCTION IF EXISTS {rule.name}_fn()",
    ]


def install(rules: list[RowRule]) -> tuple[Any, Any]:
    """A (forwards, backwards) pair for migrations.RunPython."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        for rule in rules:
            for sql in create_sql(rule, schema_editor.connection.vendor):
                schema_editor.execute(sql)

    def backwards(apps: Any, schema_editor: Any) -> None:
        for rule in rules:
            for sql in drop_sql(rule, schema_editor.connection.vendor):
                schema_editor.execute(sql)

    return forwards, backwards


#: Name of the trigger that keeps an owner in every workspace.
KEEPS_AN_OWNER = "cw_workspace_keeps_an_owner"


def keeps_an_owner_sql(vendor: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements of the rule "a workspace keeps at least one owner".

    On PostgreSQL a constraint trigger checked at commit: it first locks the
    workspace row, so two owners demoting each other at once are checked one
    after the other and the second sees the first's change; a workspace deleted
    in the same transaction (which takes its memberships along) is let go. SQLite
    (one writer at a time) refuses demoting the last owner; removing memberships
    is left to the views there, because SQLite cannot tell a removal from the
    cascade of a workspace being deleted.
    """
    name = KEEPS_AN_OWNER
    message = "check constraint failed: a workspace keeps at least one owner"
    others = (
        "SELECT 1 FROM departments_membership m WHERE m.workspace_id = OLD.workspace_id"
        " AND m.role = 'owner'"
    )
    if vendor == "postgresql":
        return (
            [
                f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$ BEGIN "
                "PERFORM 1 FROM departments_workspace WHERE id = OLD.workspace_id FOR UPDATE; "
                f"IF FOUND AND NOT EXISTS ({others}) THEN "
                f"RAISE EXCEPTION '{message}' USING ERRCODE = '23514'; END IF; "
                "RETURN NULL; END; $$ LANGUAGE plpgsql",
                f"CREATE CONSTRAINT TRIGGER {name} AFTER UPDATE OR DELETE "
                "ON departments_membership DEFERRABLE INITIALLY DEFERRED "
                "FOR EACH ROW WHEN (OLD.role = 'owner') "
                f"EXECUTE FUNCTION {name}_fn()",
            ],
            [
                f"DROP TRIGGER IF EXISTS {name} ON departments_membership",
                f"DROP FUNCTION IF EXISTS {name}_fn()",
            ],
        )
    if vendor == "sqlite":
        return (
            [
                f"CREATE TRIGGER {name} BEFORE UPDATE OF role, workspace_id ON "
                "departments_membership FOR EACH ROW WHEN OLD.role = 'owner' AND "
                f"(NEW.role <> 'owner' OR NEW.workspace_id <> OLD.workspace_id) AND NOT EXISTS "
                f"({others} AND m.id <> OLD.id) BEGIN SELECT RAISE(ABORT, '{message}'); END"
            ],
            [f"DROP TRIGGER IF EXISTS {name}"],
        )
    raise NotImplementedError(f"no triggers for database vendor {vendor!r}")
