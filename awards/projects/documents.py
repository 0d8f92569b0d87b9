"""Files filed with a progress report (evidence) or an acceptance (final report, audit report): checked by their
bytes and size as application attachments are (`applications.filing.sniff_upload`), stored under a name of our
own, served only through a permission-checked view."""

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from applications.filing import ALLOWED_TYPES, sniff_upload
from awards.projects import permissions
from awards.projects.lifecycle import lock
from awards.projects.models import DocumentKind, ProgressReport, Project, ProjectDocument
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError


def _stored(*, project: Project, kind: str, upload: UploadedFile, by: User, report=None) -> ProjectDocument:
    mime = sniff_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = ProjectDocument(
        project=project,
        report=report,
        kind=kind,
        original_name=(upload.name or "upload")[-200:],
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    # The stored name is ours (hash + extension by content): no user-supplied path reaches the disk.
    document.file.save(f"{digest.hexdigest()[:32]}.{ALLOWED_TYPES[mime]}", upload, save=False)
    document.save()
    return document


@transaction.atomic
def evidence_add(*, report: ProgressReport, upload: UploadedFile, by: User) -> ProjectDocument:
    lock(report.project_id)
    report = ProgressReport.objects.select_related("project__organisation", "project__program").get(pk=report.pk)
    allowed, reason = permissions.can_file_report(by, report)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    return _stored(project=report.project, kind=DocumentKind.EVIDENCE, upload=upload, by=by, report=report)


ACCEPTANCE_KINDS = (DocumentKind.FINAL_REPORT, DocumentKind.AUDIT_REPORT)


@transaction.atomic
def acceptance_document_add(*, project: Project, kind: str, upload: UploadedFile, by: User) -> ProjectDocument:
    project = lock(project)
    if kind not in ACCEPTANCE_KINDS:
        raise PortalError(ErrorCode.INVALID, _("Choose the final report or the audit report."), field="kind")
    allowed, reason = permissions.can_prepare_acceptance(by, project)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    return _stored(project=project, kind=kind, upload=upload, by=by)


def draft_acceptance_documents(project: Project):
    """The acceptance documents uploaded and not yet filed with an application for acceptance."""
    return project.documents.filter(kind__in=ACCEPTANCE_KINDS, acceptance__isnull=True)
