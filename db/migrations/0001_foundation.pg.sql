-- PostgreSQL: the application role may not change or remove audit records.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;
-- Search folds names to lower case and compares prefixes as byte ranges, as
-- SQLite does: the name columns sort bytewise whatever the database locale.
ALTER TABLE patient ALTER COLUMN family_lc TYPE TEXT COLLATE "C";
ALTER TABLE patient ALTER COLUMN given_lc TYPE TEXT COLLATE "C";
ALTER TABLE org ALTER COLUMN name_lc TYPE TEXT COLLATE "C";
