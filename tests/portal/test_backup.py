"""Issue 7: backups are only as good as a restore. `make backup` dumps a database with files in it,
`make restore` brings it back into an empty database, and the copy holds the same rows, the same
audit trail (still append-only) and the same letter PDFs."""

import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from applications.models import AuditEvent
from awards.models import Award, Letter
from tests.awards.test_letters import confirmed_award
from tests.journeys import approved_directly
from tests.paths import ROOT

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = [
    "portal_organisation",
    "portal_user",
    "applications_application",
    "applications_applicationversion",
    "applications_auditevent",
    "reviews_decision",
    "awards_award",
    "awards_letter",
]


def make(*args: str) -> str:
    result = subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def counts(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}  # noqa: S608


def test_a_backup_restores_into_an_empty_database_with_everything_in_it(
    filing_call, alice, eager_celery, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    award = confirmed_award(filing_call, alice)
    approved_directly(filing_call, alice, rd_spending="2000000", product_key="SECOND")
    letter = Letter.objects.get(decision=award.decision)
    assert letter.pdf and Award.objects.count() == 1

    db = connection.settings_dict
    source = f"host={db['HOST']} user={db['USER']} dbname={db['NAME']}"
    copy_name = f"restore_{uuid.uuid4().hex[:8]}"
    backup_dir = tmp_path / "backups"
    dump, media = make(
        "backup", f"DB_NAME={db['NAME']}", f"BACKUP_DIR={backup_dir}", f"MEDIA_DIR={tmp_path / 'media'}"
    ).split()
    restored_media = tmp_path / "restored-media"
    try:
        make("restore", f"DB_NAME={copy_name}", f"BACKUP={dump}", f"MEDIA={media}", f"MEDIA_DIR={restored_media}")
        copy = f"host={db['HOST']} user={db['USER']} dbname={copy_name}"
        assert counts(copy) == counts(source)
        assert counts(copy)["applications_auditevent"] == AuditEvent.objects.count() > 0
        with psycopg.connect(copy) as restored:
            amount = restored.execute("SELECT amount FROM awards_award WHERE id = %s", [award.pk]).fetchone()[0]
            assert amount == award.amount
            # The trail stays append-only in the copy: the trigger came back with the tables.
            with pytest.raises(psycopg.Error, match="append-only"):
                restored.execute("UPDATE applications_auditevent SET reason = 'rewritten'")
        assert (restored_media / letter.pdf.name).read_bytes() == letter.pdf.read()
    finally:
        subprocess.run(["dropdb", "-h", db["HOST"], "-U", db["USER"], "--if-exists", copy_name], check=False)  # noqa: S603, S607
