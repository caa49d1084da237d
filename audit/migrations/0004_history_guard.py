from django.db import migrations

GUARD_SQL = r"""
-- Change-history rows (django-pghistory's event tables) are never changed. They are
-- deleted only when retention anonymises a case: concerns' forget function raises
-- the flag below for its own transaction. audit.apps installs the trigger on every
-- event table after each migrate.
CREATE OR REPLACE FUNCTION history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('infohus.forgetting', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'change history cannot be changed or deleted';
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_two_logs")]

    operations = [
        migrations.RunSQL(GUARD_SQL, "DROP FUNCTION IF EXISTS history_refuse_change() CASCADE;"),
    ]
