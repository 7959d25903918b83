"""Korean is spaced loosely ("야간 개관" and "야간개관" are the same words), so the search compares
the text with its spaces removed. On PostgreSQL that expression gets trigram indexes of its own;
the expression here must stay the one proposals/selectors/search.py writes (`replace(col, ' ', '')`).
The plain body index of 0003 has no reader left (the title one serves similar titles): dropped."""

from django.db import migrations

INDEXES = {
    "proposal_title_nospace_trgm": "title",
    "proposal_body_nospace_trgm": "body",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON proposals_proposal USING gin ((replace({column}, ' ', '')) gin_trgm_ops)"
        )
    schema_editor.execute("DROP INDEX IF EXISTS proposal_body_trgm")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS proposal_body_trgm ON proposals_proposal USING gin (body gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0003_trigram_search")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
