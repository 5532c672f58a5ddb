"""PostgreSQL-only parts of the schema that Django's model layer cannot express:

- a GIN index on the registry's search terms, behind fragment search over millions of entities,
  with statistics fine enough for the planner to tell a rare term from a common one;
- pattern indexes on the name and the credit code, for exact and prefix search;
- a trigger that makes the case audit trail append-only for every client, not only Django.

On the embedded SQLite default these are skipped: search falls back to scanning and the model
layer alone guards the audit trail.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE INDEX IF NOT EXISTS marketentity_search_terms_gin "
    "ON mediation_marketentity USING gin (string_to_array(search_terms, ' '))",
    # Per-term statistics for the whole vocabulary: with the default target, a rare term is costed
    # like a common one and the planner walks the shortest-name index through a million rows
    # looking for it. With exact term frequencies it picks the GIN bitmap for rare terms and the
    # ordered scan for common ones.
    "ALTER INDEX marketentity_search_terms_gin ALTER COLUMN 1 SET STATISTICS 10000",
    "CREATE INDEX IF NOT EXISTS marketentity_name_pattern ON mediation_marketentity (name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS marketentity_uscc_pattern ON mediation_marketentity (uscc varchar_pattern_ops)",
    """
    CREATE OR REPLACE FUNCTION mediation_caseevent_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'case events are append-only (% refused)', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS caseevent_append_only ON mediation_caseevent",
    "CREATE TRIGGER caseevent_append_only BEFORE UPDATE OR DELETE ON mediation_caseevent "
    "FOR EACH ROW EXECUTE FUNCTION mediation_caseevent_append_only()",
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS caseevent_append_only ON mediation_caseevent",
    "DROP FUNCTION IF EXISTS mediation_caseevent_append_only()",
    "DROP INDEX IF EXISTS marketentity_uscc_pattern",
    "DROP INDEX IF EXISTS marketentity_name_pattern",
    "DROP INDEX IF EXISTS marketentity_search_terms_gin",
]


def _run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial")]

    operations = [
        migrations.RunPython(_run_on_postgresql(POSTGRESQL_FORWARD), _run_on_postgresql(POSTGRESQL_BACKWARD)),
    ]
