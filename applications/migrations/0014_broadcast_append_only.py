"""An announcement to a call's applicants is append-only in the database itself, like the audit log and an
application's messages: what was said to the applicants stays said. Only the count of people reached is written
after the row, once, in the transaction that sends it (applications/broadcasts.broadcast_send)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION broadcast_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.call_id = OLD.call_id AND NEW.author_id = OLD.author_id
        AND NEW.subject = OLD.subject AND NEW.body = OLD.body AND NEW.created_at = OLD.created_at
        AND OLD.recipient_count = 0 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'announcements to applicants are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER broadcast_append_only
    BEFORE UPDATE OR DELETE ON applications_broadcast
    FOR EACH ROW EXECUTE FUNCTION broadcast_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS broadcast_append_only ON applications_broadcast;
DROP FUNCTION IF EXISTS broadcast_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("applications", "0013_call_alerts")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
