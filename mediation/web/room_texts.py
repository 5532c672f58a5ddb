"""The words the room page's script shows, from the gettext catalogues, handed to the page as JSON
(the script itself holds no user-facing text)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mediation.models import ProposalStatus, RoomRole

ROOM_TEXTS = {
    "connecting": _("Connecting…"),
    "offline": _("The connection was lost. Reconnecting…"),
    "sending": _("Sending…"),
    "notSent": _("Not sent yet; it will be sent again."),
    "closed": _("The mediation has ended. The record stays readable."),
    "adjourned": _("The mediation is adjourned: only the mediators may write until it resumes."),
    "youAreMuted": _("A mediator has muted you."),
    "caucusClosed": _("This private conversation is closed until a mediator opens it."),
    "readOnly": _("You follow this room without writing in it."),
    "online": _("online"),
    "you": _("you"),
    "olderMessages": _("Show earlier messages"),
    "channelMain": _("Everyone"),
    "channelMediators": _("Mediators only"),
    "channelCaucusConsumer": _("Private: consumer"),
    "channelCaucusMerchant": _("Private: business"),
    "channelCaucusOwn": _("Private with the mediators"),
    "proposal": _("Proposal no. {number}"),
    "counterTo": _("counter-proposal to no. {number}"),
    "refund": _("refund {amount}"),
    "compensation": _("compensation {amount}"),
    "replacement": _("replacement"),
    "repair": _("repair"),
    "performBy": _("to be performed by {date}"),
    "acceptedBy": _("accepted by: {parties}"),
    "nobodyYet": _("nobody yet"),
    # The same separator the server puts between settlement terms (render_terms).
    "termSeparator": _("; "),
    "listSeparator": pgettext_lazy("between the items of a short list", ", "),
    "consumer": RoomRole.CONSUMER.label,
    "merchant": RoomRole.MERCHANT.label,
    "accept": _("Accept"),
    "reject": _("Reject"),
    "counter": _("Counter-propose"),
    "youAccepted": _("You accepted these terms."),
    "noProposals": _("No proposal is open."),
    "documentDrafted": _("Both parties accepted proposal no. {number}. The mediation document is ready to sign."),
    "signedBy": _("Signed by: {parties}"),
    "documentConfirmed": _("The lead mediator recorded the agreement. The case is settled."),
    "openCaucus": _("Talk privately with {party}"),
    "closeCaucus": _("End the private talk with {party}"),
    "theConsumer": _("the consumer"),
    "theBusiness": _("the business"),
    "counterFor": _("Your counter-proposal to no. {number}"),
    "proposeTitle": _("Propose terms"),
    "released": _("The official ended this chat."),
    # Decisions that cannot be undone say what they do and wait for a second, explicit step.
    "confirmTitle": _("Please confirm: {action}"),
    "confirmYes": _("Yes: {action}"),
    "confirmNo": _("No, go back"),
    "signAction": _("sign the mediation document"),
    "signConsequence": _(
        "Your signature goes on the mediation document. Once both parties have signed and the mediator records "
        "it, the agreement binds you and the complaint ends as settled. A signature cannot be taken back."
    ),
    "acceptAction": _("accept proposal no. {number}"),
    "acceptConsequence": _(
        "You agree to these terms: {terms}. When the other party accepts them too, they become the mediation "
        "document to sign."
    ),
    "rejectAction": _("reject proposal no. {number}"),
    "rejectConsequence": _("The proposal is rejected and leaves the table; you may propose other terms."),
    "recordAction": _("record the agreement"),
    "recordConsequence": _(
        "The signed document is recorded: the complaint ends as settled, the room closes and performance by the "
        "agreed day is followed up."
    ),
    "terminateAction": _("terminate the mediation"),
    "terminateConsequence": _(
        "Mediation ends without an agreement on the ground chosen: {ground}. The room closes, both parties are "
        "told within 7 working days, and it cannot be resumed."
    ),
}
ROLE_LABELS = dict(RoomRole.choices)
PROPOSAL_STATUS_LABELS = dict(ProposalStatus.choices)


def room_texts() -> dict:
    """The script's words in the active language; the caucus buttons' first words, which the page
    shows before the script has connected, too."""
    texts = {key: str(text) for key, text in ROOM_TEXTS.items()}
    return {
        **texts,
        "openCaucusConsumer": texts["openCaucus"].replace("{party}", texts["theConsumer"]),
        "openCaucusMerchant": texts["openCaucus"].replace("{party}", texts["theBusiness"]),
        "roles": {role: str(label) for role, label in ROLE_LABELS.items()},
        "proposalStatus": {status: str(label) for status, label in PROPOSAL_STATUS_LABELS.items()},
    }


DESK_TEXTS = {
    "nobodyWaiting": _("Nobody is waiting."),
    "waitingSince": _("waiting since {time}"),
    "answering": _("answered by {names}"),
    "notAnswered": _("nobody has answered yet"),
    "join": _("Answer"),
    "titleWaiting": _("({count}) waiting"),
    "offline": _("The live list is reconnecting…"),
}


def desk_texts() -> dict:
    """The duty desk script's words in the active language."""
    return {key: str(text) for key, text in DESK_TEXTS.items()}
