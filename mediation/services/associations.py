"""Consumer associations (消费者协会) as a third kind of handler, beside the bureaus and the partner
agencies (docs/legal-rules.md, "Consumer associations (CRPL Art. 37, 39)").

- A consumer may send a complaint (投诉), never a report (举报), to the consumer association of the
  county or of the city instead of the bureau (CRPL Art. 39(2); Art. 37(5): 受理消费者的投诉，并对投诉
  事项进行调查、调解). The county is the one whose bureau the complaint would go to
  (services.jurisdiction), the city its prefecture.
- The association accepts, returns or does not accept the complaint, tells the business and mediates
  it in the same room with the same tools as a bureau; the periods of Order 121 apply by analogy
  (the product's reading: no published rule of the China Consumers' Association was found).
- It has no administrative powers: it handles no report, opens no case, decides and imposes no
  penalty, does not forward, take over or dispute jurisdiction, and does not entrust its mediation
  on (those are a market-regulation department's, Order 121 Art. 13, 19, 33, 41; penalty procedure).
  A clue of a violation it finds goes to the competent bureau as a report of its own.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import Authority, AuthorityKind, Case, CaseKind, Region, RegionLevel
from mediation.services.errors import TransitionNotAllowed


class Handler(models.TextChoices):
    """Who a consumer sends a complaint to."""

    BUREAU = "bureau", gettext_lazy("The market-regulation bureau (it may also act against violations)")
    COUNTY_ASSOCIATION = "county_association", gettext_lazy("The consumer association of the county or district")
    CITY_ASSOCIATION = "city_association", gettext_lazy("The consumer association of the city")


ASSOCIATION_HANDLERS = frozenset({Handler.COUNTY_ASSOCIATION, Handler.CITY_ASSOCIATION})

# The moves of the life cycle that only a market-regulation department takes: an association's staff
# never take them, whatever case they are on (docs/legal-rules.md, table association-moves).
BUREAU_ONLY_MOVES = frozenset(
    {
        # Forwarding, taking over and disputing jurisdiction (Order 121 Art. 13, 33, 34, 41).
        "forward",
        "take_over",
        "dispute_jurisdiction",
        # Entrusting a complaint's mediation to a mediation body (Order 121 Art. 19).
        "entrust_mediation",
        "record_entrustment_consent",
        # A report's handling: verification, opening a case, the decision (penalty procedure Art. 18-20,
        # 60, 64; Order 121 Art. 35).
        "start_verification",
        "extend_verification",
        "merge",
        "open_case",
        "not_open_case",
        "extend_decision",
        "decide",
    }
)


def is_association(authority: Authority | None) -> bool:
    return authority is not None and authority.kind == AuthorityKind.CONSUMER_ASSOCIATION


def is_association_staff(user) -> bool:
    official = getattr(user, "official", None) if user is not None and user.is_authenticated else None
    return official is not None and is_association(official.authority)


def handler_checked(handler: str) -> str:
    if handler not in Handler.values:
        choices = ", ".join(Handler.values)
        raise ValidationError({"handler": [_("Choose who handles the complaint: %(choices)s.") % {"choices": choices}]})
    return handler


def report_handler_check(handler: str) -> None:
    """A report goes to a bureau: an association has no power to act on a violation."""
    if handler_checked(handler) in ASSOCIATION_HANDLERS:
        raise ValidationError(
            {
                "handler": [
                    _(
                        "A consumer association takes complaints only: it has no power to investigate or "
                        "punish a violation. Send the report to the market-regulation bureau (the 12315 route), "
                        "which is competent for the place of the conduct."
                    )
                ]
            }
        )


def association_of(region: Region, level: str) -> Authority | None:
    """The consumer association of `region` at `level` (county or prefecture), if it has one."""
    for place in region.ancestors_and_self():
        if place.level == level:
            return Authority.objects.filter(kind=AuthorityKind.CONSUMER_ASSOCIATION, region=place).first()
    return None


def association_for_complaint(*, bureau: Authority, handler: str) -> Authority:
    """The association of the county, or of the city, whose bureau the complaint would go to.
    Raises ValidationError under "handler" when there is none."""
    level = RegionLevel.COUNTY if handler == Handler.COUNTY_ASSOCIATION else RegionLevel.PREFECTURE
    association = association_of(bureau.region, level) if bureau.region is not None else None
    if association is None:
        if handler == Handler.COUNTY_ASSOCIATION:
            message = _(
                "No county consumer association is listed for %(place)s: choose the city's association or the bureau."
            )
        else:
            message = _("No city consumer association is listed for %(place)s: choose the bureau.")
        raise ValidationError({"handler": [message % {"place": bureau.region.name if bureau.region else "—"}]})
    return association


def association_refusal(*, case: Case, action: str, actor) -> Exception | None:
    """Why `action` is not for a consumer association, or None: its staff take no move of a
    market-regulation department, a report is never an association's, and a complaint an
    association handles is mediated by it, not entrusted on."""
    if is_association_staff(actor) and action in BUREAU_ONLY_MOVES:
        return PermissionDenied(
            _(
                "A consumer association has no administrative powers: “%(action)s” is for the market-regulation "
                "bureau. The association accepts, mediates and closes complaints."
            )
            % {"action": _action_label(action)}
        )
    if is_association(case.handling_authority):
        if case.kind == CaseKind.REPORT:
            return PermissionDenied(
                _("A consumer association handles no reports; the report belongs with the market-regulation bureau.")
            )
        if action in ("consent_to_entrustment", "record_entrustment_consent", "entrust_mediation"):
            return TransitionNotAllowed(
                _("%(association)s mediates this complaint itself; it is not entrusted to another body.")
                % {"association": case.handling_authority.name}
            )
    return None


def _action_label(action: str) -> str:
    from mediation.services.transitions import ACTION_LABELS

    return str(ACTION_LABELS.get(action, action))


def entrustable_bodies(case: Case):
    """The bodies a bureau may entrust a complaint's mediation to (Order 121 Art. 19): the mediation
    organisations an administrator entered, and the consumer associations of the handling bureau's
    region and the regions above it (one per prefecture and county: listing all would be thousands)."""
    region = case.handling_authority.region
    chain = [place.code for place in region.ancestors_and_self()] if region is not None else []
    return Authority.objects.filter(
        Q(kind=AuthorityKind.MEDIATION_ORGANISATION) | Q(kind=AuthorityKind.CONSUMER_ASSOCIATION, region__in=chain)
    ).order_by("region_id", "name")
