"""Evidence files: who adds them, who reads which, and serving one to someone who may see its case
(the caller has checked that)."""

from django.db import models
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from mediation.models import Case, EvidenceFile
from mediation.selectors.cases import Relation, case_relations


def evidence_response(evidence: EvidenceFile) -> FileResponse:
    """The evidence file as an attachment (`attachment_response`)."""
    return attachment_response(evidence.file, content_type=evidence.content_type, filename=evidence.original_name)


def attachment_response(stored, *, content_type: str, filename: str) -> FileResponse:
    """A stored upload (a FieldFile) as an attachment of the type read from its bytes at upload. The
    browser neither guesses another type (nosniff) nor runs anything in it (a sandbox with no
    sources), even when someone opens it in a tab."""
    try:
        opened = stored.open("rb")
    except FileNotFoundError:
        # The record outlived its file (a storage restored without it): gone, not a server error.
        raise Http404 from None
    response = FileResponse(opened, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# Who adds evidence to a case: the person who filed it, and for a complaint the business once it
# has been told of it (case_relations gives no business relation to a report, nor before it is
# told). Officials and partner agencies read evidence; they do not add it (docs/security.md).
EVIDENCE_ADDING_RELATIONS = frozenset({Relation.OWN, Relation.BUSINESS})


def may_add_evidence(user, case: Case) -> bool:
    """Whether `user` may add evidence to `case` (its status aside: evidence_attach checks that)."""
    return bool(case_relations(user, case) & EVIDENCE_ADDING_RELATIONS)


class Uploader(models.TextChoices):
    """Who added an evidence file, as a role: a consumer's name never reaches the business."""

    CONSUMER = "consumer", _("consumer")
    BUSINESS = "business", _("business")
    OFFICIAL = "official", _("official")


def _uploader(evidence: EvidenceFile, case: Case) -> Uploader | None:
    user = evidence.uploaded_by
    if user is None:
        return None
    if case.consumer_id is not None and case.consumer.user_id == user.pk:
        return Uploader.CONSUMER
    staff = getattr(user, "merchant_staff", None)
    if staff is not None and staff.entity_id == case.entity_id:
        return Uploader.BUSINESS
    if getattr(user, "official", None) is not None:
        return Uploader.OFFICIAL
    return Uploader.CONSUMER


def evidence_seen_by(*, user, case: Case) -> list[dict]:
    """The evidence files of `case` for someone who may see the case (the caller has checked that,
    with case_for_viewer: a business never sees a report, nor its evidence), oldest first, each with
    its uploader's role and the page address that serves it."""
    files = case.evidence.select_related("uploaded_by__merchant_staff", "uploaded_by__official").order_by(
        "uploaded_at", "pk"
    )
    return [
        {
            "id": evidence.pk,
            "name": evidence.original_name,
            "content_type": evidence.content_type,
            "size": evidence.size,
            "uploaded_at": evidence.uploaded_at,
            "uploader": _uploader(evidence, case),
            "url": reverse("web:evidence-file", kwargs={"number": case.number, "evidence_id": evidence.pk}),
        }
        for evidence in files
    ]
