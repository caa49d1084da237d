"""Each log's chain head moves once per INSERT statement, not once per entry.

A case list writes 25 read entries in one statement. Moving the head for each of
them left 25 versions of one row per page, which cannot be pruned while any
transaction holds an older snapshot (a backup, a long report); the head's lookup,
made for every entry, then walks them and slows down page by page. Now an entry
follows the newest entry written before it in the same statement, or the head for
the statement's first entry; a statement trigger then moves the head to the newest
entry of each log. The chain's hashes and the checks on them are unchanged: the
head still says where each log ends, so removing the newest entries is still
detected.
"""

from django.db import migrations

HEAD_PER_STATEMENT_SQL = r"""
CREATE OR REPLACE FUNCTION audit_chain_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    last_seq bigint;
    last_hash text;
BEGIN
    NEW.log := audit_log_of(NEW.action);
    -- One writer at a time extends a chain; held until the transaction ends.
    PERFORM pg_advisory_xact_lock(hashtext('audit_chain_' || NEW.log));
    SELECT h.last_seq, h.last_hash INTO head_seq, head_hash
      FROM audit_chainhead h WHERE h.log = NEW.log;
    -- Entries this statement wrote before this one are past the head (a row
    -- trigger's queries see the rows its statement has already inserted).
    SELECT e.chain_seq, e.chain_hash INTO last_seq, last_hash
      FROM audit_auditentry e
     WHERE e.log = NEW.log AND e.chain_seq > coalesce(head_seq, 0)
     ORDER BY e.chain_seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := head_seq;
        last_hash := head_hash;
    END IF;
    NEW.chain_seq := coalesce(last_seq, 0) + 1;
    NEW.chain_hash := encode(sha256(convert_to(
        coalesce(last_hash, '') || audit_row_text(NEW), 'UTF8')), 'hex');
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO audit_chainhead (log, last_seq, last_hash)
    SELECT DISTINCT ON (log) log, chain_seq, chain_hash
      FROM inserted ORDER BY log, chain_seq DESC
    ON CONFLICT (log) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash;
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_chain_head AFTER INSERT ON audit_auditentry
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head();
"""

# The trigger function as migration 0003 wrote it: the head moves with every entry.
HEAD_PER_ROW_SQL = r"""
DROP TRIGGER IF EXISTS audit_chain_head ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_chain_head();

CREATE OR REPLACE FUNCTION audit_chain_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head audit_chainhead;
BEGIN
    NEW.log := audit_log_of(NEW.action);
    PERFORM pg_advisory_xact_lock(hashtext('audit_chain_' || NEW.log));
    SELECT * INTO head FROM audit_chainhead WHERE log = NEW.log;
    NEW.chain_seq := coalesce(head.last_seq, 0) + 1;
    NEW.chain_hash := encode(sha256(convert_to(
        coalesce(head.last_hash, '') || audit_row_text(NEW), 'UTF8')), 'hex');
    INSERT INTO audit_chainhead (log, last_seq, last_hash)
         VALUES (NEW.log, NEW.chain_seq, NEW.chain_hash)
    ON CONFLICT (log) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash;
    RETURN NEW;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_history_guard")]

    operations = [migrations.RunSQL(HEAD_PER_STATEMENT_SQL, HEAD_PER_ROW_SQL)]
