from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# What `number__icontains` compares: UPPER("number"::text) LIKE UPPER('%...%'),
# which a B-tree cannot answer. Not declared on the model: Django writes an
# operator class on an expression with parentheses PostgreSQL refuses.
INDEX_SQL = """
CREATE INDEX case_number_trgm_idx ON concerns_case
    USING gin ((upper(number::text)) gin_trgm_ops);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('concerns', '0008_grant_lookup_index'),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(INDEX_SQL, "DROP INDEX case_number_trgm_idx;"),
    ]
