"""The live rooms: the mediation room of a complaint, and the chat of a consumer who asked the triage
bot for a person (转人工) with the officials on duty. Who takes part, and everything said and done.

The room's record lives here, in the database; the WebSocket layer only notifies. Every event gets a
gap-free sequence number per room, taken from `MediationRoom.last_seq` while the room row is locked.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mediation.models.cases import AppendOnlyModel, Case


class RoomStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADJOURNED = "adjourned", _("Adjourned")
    CLOSED = "closed", _("Closed")


class RoomKind(models.TextChoices):
    MEDIATION = "mediation", _("Mediation")
    # A consumer's live chat with the officials on duty, opened when they ask the bot for a person.
    ASSISTANCE = "assistance", _("Help from an official")


class RoomRole(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    MERCHANT = "merchant", _("Business")
    LEAD_MEDIATOR = "lead_mediator", _("Lead mediator")
    CO_MEDIATOR = "co_mediator", _("Co-mediator")
    OBSERVER = "observer", _("Observer")
    INTERPRETER = "interpreter", _("Interpreter")
    # An official answering a consumer in an assistance room; no mediator's tools there.
    DUTY_OFFICIAL = "duty_official", _("Official on duty")


MEDIATOR_ROLES = frozenset({RoomRole.LEAD_MEDIATOR, RoomRole.CO_MEDIATOR})
PARTY_ROLES = frozenset({RoomRole.CONSUMER, RoomRole.MERCHANT})


class RoomChannel(models.TextChoices):
    """Who may see an event. A caucus (单独沟通) is the mediators with one party."""

    MAIN = "main", _("Everyone")
    MEDIATORS = "mediators", _("Mediators only")
    CAUCUS_CONSUMER = "caucus:consumer", _("Caucus with the consumer")
    CAUCUS_MERCHANT = "caucus:merchant", _("Caucus with the business")


CAUCUS_CHANNEL_OF_PARTY = {
    RoomRole.CONSUMER: RoomChannel.CAUCUS_CONSUMER,
    RoomRole.MERCHANT: RoomChannel.CAUCUS_MERCHANT,
}


def channels_visible_to(role: str) -> frozenset[str]:
    """The room channels a participant in `role` reads."""
    if role in MEDIATOR_ROLES:
        return frozenset(RoomChannel.values)
    if role in PARTY_ROLES:
        return frozenset({RoomChannel.MAIN, CAUCUS_CHANNEL_OF_PARTY[role]})
    return frozenset({RoomChannel.MAIN})


class MediationRoom(models.Model):
    """One room per complaint in mediation (在线调解室), or a consumer's live chat with the officials
    on duty (an assistance room, which belongs to a HelpRequest and has no case)."""

    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices, default=RoomKind.MEDIATION)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="room"
    )
    status = models.CharField(_("status"), max_length=16, choices=RoomStatus.choices, default=RoomStatus.OPEN)
    # The sequence number of the newest event; the next event takes last_seq + 1 under the row lock.
    last_seq = models.PositiveBigIntegerField(default=0)
    # The parties ("consumer", "merchant") the mediators are currently in caucus with.
    open_caucuses = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mediation room")
        verbose_name_plural = _("mediation rooms")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=RoomKind.MEDIATION, case__isnull=False)
                | Q(kind=RoomKind.ASSISTANCE, case__isnull=True),
                name="mediation_room_has_case_assistance_room_none",
            )
        ]

    def __str__(self) -> str:
        return f"room of {self.case_id}" if self.kind == RoomKind.MEDIATION else f"assistance room {self.pk}"


class RoomParticipant(models.Model):
    """Someone assigned to a room. Only assigned users may connect."""

    room = models.ForeignKey(MediationRoom, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="room_seats")
    role = models.CharField(_("role"), max_length=16, choices=RoomRole.choices)
    # What the others see: a consumer is shown only by a masked name (张*).
    display_name = models.CharField(_("name shown"), max_length=120)
    muted = models.BooleanField(_("muted"), default=False)
    last_read_seq = models.PositiveBigIntegerField(default=0)
    first_joined_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room participant")
        verbose_name_plural = _("room participants")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="one_seat_per_user_and_room")]

    def __str__(self) -> str:
        return f"{self.role} {self.user_id} in {self.room_id}"

    @property
    def is_mediator(self) -> bool:
        return self.role in MEDIATOR_ROLES

    @property
    def is_party(self) -> bool:
        return self.role in PARTY_ROLES


class RoomEventKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    SYSTEM = "system", _("System event")
    PROPOSAL = "proposal", _("Proposal event")


class RoomEvent(AppendOnlyModel):
    """One thing said or done in a room, in order. Append-only, like the case audit trail.

    Messages keep their text as written. System and proposal events keep structured data
    (`payload`) and are rendered in each reader's own language when delivered."""

    room = models.ForeignKey(MediationRoom, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveBigIntegerField()
    channel = models.CharField(max_length=16, choices=RoomChannel.choices, default=RoomChannel.MAIN)
    kind = models.CharField(max_length=16, choices=RoomEventKind.choices)
    author = models.ForeignKey(
        RoomParticipant, null=True, blank=True, on_delete=models.PROTECT, related_name="authored_events"
    )
    # The sender's own id for a message, so that a resent message is stored once.
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)
    text = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room event")
        verbose_name_plural = _("room events")
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="one_event_per_room_seq"),
            models.UniqueConstraint(
                fields=["room", "author", "client_msg_id"],
                condition=Q(client_msg_id__isnull=False),
                name="one_message_per_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq} {self.kind}"

    change_refused = _("Room events cannot be changed.")
    delete_refused = _("Room events cannot be deleted.")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted by both parties")
    REJECTED = "rejected", _("Rejected")
    COUNTERED = "countered", _("Countered")
    WITHDRAWN = "withdrawn", _("Superseded")


class SettlementProposal(models.Model):
    """A settlement proposal with structured terms. Both parties accepting the same proposal is an
    agreement, which the service writes into a mediation document."""

    room = models.ForeignKey(MediationRoom, on_delete=models.PROTECT, related_name="proposals")
    number = models.PositiveIntegerField()  # 1, 2, ... within the room
    proposed_by = models.ForeignKey(RoomParticipant, on_delete=models.PROTECT, related_name="+")
    counter_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    replacement = models.BooleanField(default=False)
    repair = models.BooleanField(default=False)
    compensation_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    free_text = models.TextField(blank=True)
    perform_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    consumer_accepted_at = models.DateTimeField(null=True, blank=True)
    merchant_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["room", "number"]
        constraints = [models.UniqueConstraint(fields=["room", "number"], name="one_proposal_per_room_number")]

    def __str__(self) -> str:
        return f"proposal {self.number} in {self.room_id}"


class WithoutDocument(models.TextChoices):
    PERFORMED_AT_ONCE = "performed_at_once", _("The agreement was performed at once")
    PARTIES_AGREE = "parties_agree", _("Both parties agreed not to make a mediation document")


class MediationDocument(models.Model):
    """调解书: the mediation document drafted from the case and the accepted terms, signed by both
    parties and confirmed by the lead mediator. Its content is frozen when drafted."""

    room = models.OneToOneField(MediationRoom, on_delete=models.PROTECT, related_name="document")
    proposal = models.OneToOneField(SettlementProposal, on_delete=models.PROTECT, related_name="document")
    # What the document says, captured when drafted: case facts, parties, terms.
    content = models.JSONField()
    drafted_at = models.DateTimeField(auto_now_add=True)
    consumer_signed_at = models.DateTimeField(null=True, blank=True)
    merchant_signed_at = models.DateTimeField(null=True, blank=True)
    merchant_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Order 121 Art. 24: no document is made when the agreement is performed at once or both
    # parties agree to go without one; a mediation record (调解记录) is kept instead.
    consumer_waived_at = models.DateTimeField(null=True, blank=True)
    merchant_waived_at = models.DateTimeField(null=True, blank=True)
    without_document = models.CharField(max_length=20, choices=WithoutDocument.choices, blank=True)

    class Meta:
        verbose_name = _("mediation document")
        verbose_name_plural = _("mediation documents")

    def __str__(self) -> str:
        return f"mediation document of {self.room_id}"

    @property
    def fully_signed(self) -> bool:
        return self.consumer_signed_at is not None and self.merchant_signed_at is not None


class HelpRequest(models.Model):
    """转人工: a consumer asked the triage bot for a person. The officials on duty at the consumer's
    home bureau answer in the request's assistance room; the bot stays quiet until one of them
    releases the consumer back to it."""

    consumer = models.ForeignKey(
        "mediation.Consumer", verbose_name=_("consumer"), on_delete=models.PROTECT, related_name="help_requests"
    )
    authority = models.ForeignKey(
        "mediation.Authority", verbose_name=_("authority"), on_delete=models.PROTECT, related_name="help_requests"
    )
    room = models.OneToOneField(MediationRoom, on_delete=models.PROTECT, related_name="help_request")
    # What the bot had gathered when the consumer asked (track, work-order answers, last message),
    # so that the official does not ask again.
    summary = models.JSONField(_("what the bot gathered"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the bridge told the bot to answer again after the release.
    bot_resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for an official")
        verbose_name_plural = _("requests for an official")
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["consumer"], condition=Q(released_at__isnull=True), name="one_open_help_request_per_consumer"
            )
        ]

    def __str__(self) -> str:
        return f"help request {self.pk} of consumer {self.consumer_id}"

    @property
    def is_open(self) -> bool:
        return self.released_at is None

    @property
    def room_url(self) -> str:
        """The chat's WebSocket address (channels_app/routing.py)."""
        return f"/ws/help/{self.pk}/"
