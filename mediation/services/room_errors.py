"""Why the room refused a frame or an action: a stable code for programs, a message for people.

The message is rendered in the reader's language when the error is sent, so services raise codes
with parameters, not translated text. Every code is listed in docs/room-protocol.md."""

from django.utils.translation import gettext_lazy as _

from mediation.services.errors import DomainError

ROOM_ERROR_MESSAGES = {
    "malformed_json": _("The frame is not valid JSON."),
    "not_an_object": _("A frame must be a JSON object with a “type”."),
    "frame_too_large": _("The frame is longer than %(limit)d characters."),
    "unknown_type": _("Unknown frame type “%(type)s”."),
    "invalid_field": _("Field “%(field)s”: %(problem)s"),
    "rate_limited": _(
        "Too many messages: up to %(burst)d at once, then %(rate)g a second. Try again in %(retry_after)s s."
    ),
    "room_closed": _("This mediation has ended; the room is read-only."),
    "room_adjourned": _("The mediation is adjourned; only the mediators can write now."),
    "muted": _("A mediator has muted you; you cannot send messages now."),
    "channel_not_allowed": _("You cannot write in the channel “%(channel)s”."),
    "caucus_not_open": _("The caucus with this party is not open."),
    "role_not_allowed": _("Your role in this room cannot do “%(action)s”."),
    "no_such_participant": _("There is no participant %(participant)s in this room."),
    "no_such_proposal": _("There is no open proposal %(proposal)s in this room."),
    "proposal_not_open": _("Proposal %(proposal)s is no longer open."),
    "already_accepted": _("You have already accepted proposal %(proposal)s."),
    "empty_terms": _("A proposal needs at least one term: a refund, a replacement, a repair, compensation or text."),
    "no_document": _("There is no agreement to sign yet."),
    "already_signed": _("You have already signed the mediation document."),
    "not_fully_signed": _("Both parties must sign the mediation document before it is recorded."),
    "not_waived_by_both": _("Both parties must agree to go without a mediation document."),
    "not_stored": _("The message could not be stored; send it again with the same client id."),
    "case_refused": _("The case cannot move: %(reason)s"),
    "server_error": _("This could not be done because of a fault on our side. Please try again in a moment."),
    "not_a_mediation": _(
        "This is a chat with an official, not a mediation: proposals and the mediation document have no place here."
    ),
    "participant_not_allowed": _(
        "Only an official of a bureau that handles, co-mediates or is above this case's bureau (or of the "
        "partner agency) can be seated in the room."
    ),
    "already_seated": _("%(name)s already has a seat in this room."),
    # The web chat with the triage bot (channels_app/bot_chat.py).
    "bot_unavailable": _(
        "The assistant is not answering right now. Your message was not processed; please send it again in a moment."
    ),
    "with_official": _(
        "You are talking with an official now: please write to them in that chat. The assistant answers again "
        "once the official hands you back."
    ),
}


class RoomActionRefused(DomainError):
    """A room frame or action that cannot be carried out. Nothing was stored."""

    MESSAGES = ROOM_ERROR_MESSAGES

    def __init__(self, code: str, **params):
        super().__init__(code, **params)
