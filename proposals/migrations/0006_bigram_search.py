"""Two-letter words, the commonest Korean search ("버스", "공원"), hold no whole trigram, so the
trigram indexes of 0004 cannot serve `ILIKE '%버스%'`: at 100,000 proposals that search read every
proposal (626 ms against 60 ms at 1,000, bench/). Each proposal keeps the character pairs of its
text (spaces removed and lower-cased, as the search compares) in a stored generated column with a
GIN index; proposals/selectors/search.py asks it for a two-letter word's pair before the ILIKE that
decides. Stored rather than an expression index: computing a long body's pairs takes about a
millisecond, which a plan that tests them row by row (a small table's sequential scan) would pay
for every proposal. PostgreSQL only."""

from django.db import migrations

# The pairs of title and body run together: the pair across the seam matches nothing real, and the
# ILIKE that follows drops it.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION proposal_bigrams(title text, body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(t.s, i, 2)), '{}')
    FROM (SELECT lower(replace(coalesce(title, '') || coalesce(body, ''), ' ', '')) AS s) AS t,
         generate_series(1, length(t.s) - 1) AS i
$$
"""
# Not a model field: Django never writes it (PostgreSQL computes it on every INSERT and UPDATE)
# and never reads it but in search.py's test.
ADD_COLUMN = (
    "ALTER TABLE proposals_proposal ADD COLUMN search_pairs text[] "
    "GENERATED ALWAYS AS (proposal_bigrams(title, body)) STORED"
)
CREATE_INDEX = "CREATE INDEX IF NOT EXISTS proposal_search_pairs ON proposals_proposal USING gin (search_pairs)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(ADD_COLUMN)
    schema_editor.execute(CREATE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS proposal_search_pairs")
    schema_editor.execute("ALTER TABLE proposals_proposal DROP COLUMN IF EXISTS search_pairs")
    schema_editor.execute("DROP FUNCTION IF EXISTS proposal_bigrams(text, text)")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_public_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
