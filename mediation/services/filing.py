"""Filing on the web form with its evidence, and correcting a returned case with more evidence: each
in one transaction, so that a refused file leaves nothing filed or changed. The checks are those of
the services called (complaint_submit, report_submit, mixed_submit, case_correct, evidence_attach);
this module only puts them together and says which file was refused."""

import dataclasses
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mediation.models import Case, Consumer, EvidenceFile, IntakeChannel
from mediation.services.cases import case_correct, complaint_submit, evidence_attach, mixed_submit, report_submit
from mediation.services.transitions import case_transition


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file as the person sent it: the name they gave it and its bytes (read up to one byte over
    the limit, so that evidence_attach can refuse it with its message)."""

    name: str
    content: bytes


class _EvidenceBatch:
    """Evidence files attached within a transaction that may still roll back: a refused file's
    problem is kept under the form's field, named by the file's name, and the files already written
    to storage are removed again if the transaction does not commit."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}
        self.stored: list[str] = []

    def attach(self, *, case: Case, uploaded_by, uploads: Sequence[Upload], field: str) -> None:
        for upload in uploads:
            try:
                evidence = evidence_attach(case=case, uploaded_by=uploaded_by, name=upload.name, content=upload.content)
            except ValidationError as error:
                self.errors.setdefault(field, []).extend(
                    _("“%(name)s”: %(problem)s") % {"name": upload.name, "problem": problem}
                    for problem in error.messages
                )
            else:
                self.stored.append(evidence.file.name)

    def forget_stored(self) -> None:
        storage = EvidenceFile._meta.get_field("file").storage
        for name in self.stored:
            storage.delete(name)


def web_filing_submit(
    *,
    consumer: Consumer,
    complaint: dict | None,
    report: dict | None,
    evidence: Sequence[Upload] = (),
    report_evidence: Sequence[Upload] = (),
) -> list[Case]:
    """A consumer files on the web form: a complaint, a report, or both (two linked cases, as
    mixed_submit files them). `complaint` and `report` are the filing services' arguments less the
    person; `evidence` goes with the complaint (or with the report filed alone), `report_evidence`
    with the report of a mixed submission. Raises ValidationError with the services' field names
    (prefixed "complaint." and "report." for a mixed submission) and, for refused files,
    "evidence" or "report_evidence"; then nothing is filed."""
    if complaint is None and report is None:
        raise ValidationError({"kind": [_("Choose a complaint, a report, or both.")]})
    batch = _EvidenceBatch()
    try:
        with transaction.atomic():
            if complaint is not None and report is not None:
                complaint_case, report_case = mixed_submit(
                    complaint={**complaint, "consumer": consumer, "intake_channel": IntakeChannel.WEB},
                    report={**report, "reporter": consumer, "intake_channel": IntakeChannel.WEB},
                )
                cases = [complaint_case, report_case]
                batch.attach(case=complaint_case, uploaded_by=consumer.user, uploads=evidence, field="evidence")
                batch.attach(
                    case=report_case, uploaded_by=consumer.user, uploads=report_evidence, field="report_evidence"
                )
            elif complaint is not None:
                case = complaint_submit(consumer=consumer, intake_channel=IntakeChannel.WEB, **complaint)
                cases = [case]
                batch.attach(case=case, uploaded_by=consumer.user, uploads=evidence, field="evidence")
            else:
                case = report_submit(reporter=consumer, intake_channel=IntakeChannel.WEB, **report)
                cases = [case]
                batch.attach(case=case, uploaded_by=consumer.user, uploads=evidence, field="evidence")
            if batch.errors:
                raise ValidationError(batch.errors)
    except Exception:
        batch.forget_stored()
        raise
    return cases


def evidence_add(*, case: Case, uploaded_by, uploads: Sequence[Upload]) -> list[EvidenceFile]:
    """Several evidence files added to a case at once, all or none (evidence_attach's rules, each
    refusal under "evidence" and named by its file)."""
    if not uploads:
        raise ValidationError({"evidence": [_("Choose at least one file.")]})
    batch = _EvidenceBatch()
    try:
        with transaction.atomic():
            batch.attach(case=case, uploaded_by=uploaded_by, uploads=uploads, field="evidence")
            if batch.errors:
                raise ValidationError(batch.errors)
    except Exception:
        batch.forget_stored()
        raise
    return list(case.evidence.filter(file__in=batch.stored))


def returned_case_correct(
    *, case: Case, actor, changes: dict, evidence: Sequence[Upload] = (), resubmit: bool = False
) -> Case:
    """The owner of a case returned for correction (退回补正) corrects it (case_correct), adds evidence
    and, with `resubmit`, sends it back to the bureau (the "resubmit" move): all or nothing, every
    problem of the fields and of the files reported at once."""
    batch = _EvidenceBatch()
    try:
        with transaction.atomic():
            problems: dict[str, list[str]] = {}
            try:
                case = case_correct(case=case, actor=actor, changes=changes)
            except ValidationError as error:
                problems.update(error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages})
            batch.attach(case=case, uploaded_by=actor, uploads=evidence, field="evidence")
            problems.update(batch.errors)
            if problems:
                raise ValidationError(problems)
            if resubmit:
                case = case_transition(case=case, action="resubmit", actor=actor)
    except Exception:
        batch.forget_stored()
        raise
    return case
