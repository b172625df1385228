-- The audit log is append-only in the database itself, not only by convention in the code:
-- an UPDATE or DELETE of a line is refused (SQLite's dialect; migrations/postgres/ has the
-- same version for PostgreSQL).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
