"""Serving an evidence file to someone who may see its case (the caller has checked that)."""

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from mediation.models import EvidenceFile


def evidence_response(evidence: EvidenceFile) -> FileResponse:
    """The file as an attachment of the type read from its bytes at upload. The browser neither
    guesses another type (nosniff) nor runs anything in it (a sandbox with no sources), even
    when someone opens it in a tab."""
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError:
        # The record outlived its file (a storage restored without it): gone, not a server error.
        raise Http404 from None
    response = FileResponse(stored, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
