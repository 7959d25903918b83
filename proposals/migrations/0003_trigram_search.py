"""Korean full-text search over proposals: trigram indexes on PostgreSQL (pg_trgm splits Hangul
into trigrams like any other letters). SQLite has no such index; its search falls back to
substring matching (see proposals/selectors/search.py)."""

from django.db import migrations

INDEXES = {
    "proposal_title_trgm": "title",
    "proposal_body_trgm": "body",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON proposals_proposal USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_comments_debate_implementation_questions")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
