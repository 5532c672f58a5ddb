"""Consumer warnings (消费预警和风险提示, Order 121 Art. 38): a bureau drafts one, often from an early
warning, publishes it, and may withdraw it. Every step is on its audited history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    CaseCategory,
    ConsumerWarning,
    ConsumerWarningEvent,
    ConsumerWarningStatus,
    EarlyWarning,
    Region,
)
from mediation.selectors.analysis import bureau_of_official

TITLE_LIMIT, BODY_LIMIT, REASON_LIMIT = 120, 5000, 1000


def _bureau_of(actor):
    bureau = bureau_of_official(actor)
    if bureau is None:
        raise PermissionDenied(_("Only the officials of a market-regulation bureau publish consumer warnings."))
    return bureau


def _checked(*, authority, title: str, body: str, category: str, region: Region | None) -> dict:
    errors: dict[str, list[str]] = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        errors["title"] = [_("Give the warning a title.")]
    elif len(title) > TITLE_LIMIT:
        errors["title"] = [_("The title may be at most %(count)d characters long.") % {"count": TITLE_LIMIT}]
    if not body:
        errors["body"] = [_("Write what consumers should know.")]
    elif len(body) > BODY_LIMIT:
        errors["body"] = [_("The text may be at most %(count)d characters long.") % {"count": BODY_LIMIT}]
    if category and category not in CaseCategory.values:
        errors["category"] = [_("Not a category of goods or services: %(value)s.") % {"value": category}]
    region = region or authority.region
    if authority.region.code not in {ancestor.code for ancestor in region.ancestors_and_self()}:
        errors["region"] = [_("%(region)s is outside your area.") % {"region": region.name}]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "body": body, "category": category or "", "region": region}


@transaction.atomic
def consumer_warning_draft(
    *,
    actor,
    title: str,
    body: str,
    category: str = "",
    region: Region | None = None,
    early_warning: EarlyWarning | None = None,
) -> ConsumerWarning:
    """Draft a warning for the region (the bureau's own by default, or one inside its area)."""
    authority = _bureau_of(actor)
    fields = _checked(authority=authority, title=title, body=body, category=category, region=region)
    warning = ConsumerWarning.objects.create(
        authority=authority, drafted_by=actor, early_warning=early_warning, **fields
    )
    ConsumerWarningEvent.objects.create(consumer_warning=warning, actor=actor, action="drafted")
    return warning


def _locked_own(warning: ConsumerWarning, actor) -> ConsumerWarning:
    authority = _bureau_of(actor)
    warning = ConsumerWarning.objects.select_for_update().select_related("region").get(pk=warning.pk)
    if warning.authority_id != authority.pk:
        raise PermissionDenied(_("Only the officials of the bureau that drafted a warning can change it."))
    return warning


@transaction.atomic
def consumer_warning_edit(
    *, warning: ConsumerWarning, actor, title: str, body: str, category: str = "", region: Region | None = None
) -> ConsumerWarning:
    warning = _locked_own(warning, actor)
    if warning.status != ConsumerWarningStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft can be edited; withdraw and draft again.")]})
    fields = _checked(authority=warning.authority, title=title, body=body, category=category, region=region)
    for name, value in fields.items():
        setattr(warning, name, value)
    warning.save()
    ConsumerWarningEvent.objects.create(consumer_warning=warning, actor=actor, action="edited")
    return warning


@transaction.atomic
def consumer_warning_publish(*, warning: ConsumerWarning, actor) -> ConsumerWarning:
    warning = _locked_own(warning, actor)
    if warning.status != ConsumerWarningStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft can be published.")]})
    warning.status, warning.published_at = ConsumerWarningStatus.PUBLISHED, timezone.now()
    warning.save(update_fields=["status", "published_at"])
    ConsumerWarningEvent.objects.create(consumer_warning=warning, actor=actor, action="published")
    return warning


@transaction.atomic
def consumer_warning_withdraw(*, warning: ConsumerWarning, actor, reason: str) -> ConsumerWarning:
    warning = _locked_own(warning, actor)
    reason = (reason or "").strip()
    if warning.status != ConsumerWarningStatus.PUBLISHED:
        raise ValidationError({"status": [_("Only a published warning can be withdrawn.")]})
    if not reason:
        raise ValidationError({"reason": [_("Say why the warning is withdrawn.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError(
            {"reason": [_("The reason may be at most %(count)d characters long.") % {"count": REASON_LIMIT}]}
        )
    warning.status, warning.withdrawn_at, warning.withdrawal_reason = (
        ConsumerWarningStatus.WITHDRAWN,
        timezone.now(),
        reason,
    )
    warning.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
    ConsumerWarningEvent.objects.create(consumer_warning=warning, actor=actor, action="withdrawn", note=reason)
    return warning


def consumer_warnings_published(*, region: Region | None = None, limit: int = 20):
    """The published warnings, newest first; for a region, those of it and of the regions above it."""
    warnings = ConsumerWarning.objects.filter(status=ConsumerWarningStatus.PUBLISHED).select_related(
        "region", "authority"
    )
    if region is not None:
        warnings = warnings.filter(region__in=[r.code for r in region.ancestors_and_self()])
    return warnings.order_by("-published_at", "-id")[:limit]
