"""Filing once per draft: the filing form carries the key its browser gave the draft, and a draft kept
while offline and sent again when the connection returns (or sent twice at once) files its cases only
the first time. The key is recorded in the same transaction as the cases (FilingSubmission)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mediation.models import Case, CaseKind
from mediation.models.submissions import FilingSubmission


@dataclass(frozen=True)
class FiledOnce:
    """The cases a sending of the form filed, and whether they were filed by an earlier sending."""

    cases: list[Case]
    already_filed: bool


def _cases_of(submission: FilingSubmission) -> list[Case]:
    # The complaint first, as the filing services return a mixed submission's two cases.
    return [case for case in (submission.complaint, submission.report) if case is not None]


def _refused_unless_own(submission: FilingSubmission, user) -> None:
    if submission.user_id != user.pk:
        raise PermissionDenied(_("This form was sent from another account. Reload the form and fill it in again."))


def filing_submission_find(*, user, key: uuid.UUID) -> FiledOnce | None:
    """The cases filed under `key` by `user`, or None when nothing was filed under it yet. Another
    person's key is refused (PermissionDenied)."""
    submission = FilingSubmission.objects.select_related("complaint", "report").filter(key=key).first()
    if submission is None:
        return None
    _refused_unless_own(submission, user)
    return FiledOnce(cases=_cases_of(submission), already_filed=True)


def filing_submit_once(*, user, key: uuid.UUID | None, file: Callable[[], list[Case]]) -> FiledOnce:
    """Run `file` (one of the filing services, which raises ValidationError when it files nothing)
    unless `key` was already used: then nothing is filed and the first sending's cases are returned.

    The key's row is written first, in the transaction that files the cases: a second sending at the
    same moment waits on that row and, once the first commits, finds it (if the first is refused,
    its row is rolled back and the second files). Another person's key is refused. Without a key
    (a client that sends none), `file` simply files."""
    if key is None:
        return FiledOnce(cases=file(), already_filed=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FilingSubmission.objects.create(key=key, user=user)
        except IntegrityError:
            found = filing_submission_find(user=user, key=key)
            if found is None:  # the conflicting row is committed, so this does not happen
                raise
            return found
        cases = file()
        submission.complaint = next((case for case in cases if case.kind == CaseKind.COMPLAINT), None)
        submission.report = next((case for case in cases if case.kind == CaseKind.REPORT), None)
        submission.save(update_fields=["complaint", "report"])
    return FiledOnce(cases=cases, already_filed=False)
