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
