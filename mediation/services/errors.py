"""The refusals the services explain, besides django.core.exceptions.ValidationError (bad input,
field by field) and PermissionDenied (the actor may not do this).

Every refusal is a DomainError: a stable `code` for programs and a message for people, rendered in
the reader's language when it is sent (services raise codes with parameters, not translated
text). Each transport has one mapper: the API's exception handler (mediation/api/errors.py), the
WebSocket consumers' error frames (channels_app/frames.py, FrameHandler) and the pages' forms
(mediation/web/views.py, add_refusal)."""


class DomainError(Exception):
    """A refusal with a stable code. Subclasses name their codes' messages in MESSAGES; a message
    given when raising (already written for the reader) takes their place."""

    MESSAGES: dict = {}

    def __init__(self, code: str, message=None, **params):
        assert message is not None or code in self.MESSAGES, code
        super().__init__(code)
        self.code = code
        self._message = message
        self.params = params

    def render(self) -> str:
        """The message in the active language."""
        template = str(self._message if self._message is not None else self.MESSAGES[self.code])
        return template % self.params if self.params else template

    @property
    def message(self) -> str:
        return self.render()

    def __str__(self) -> str:
        return self.render()


class TransitionNotAllowed(DomainError):
    """The case's current status does not allow the action, or the action belongs elsewhere."""

    def __init__(self, message):
        super().__init__("transition_not_allowed", message)


class NobodyOnDuty(DomainError):
    """No official is on duty to answer a consumer who asked for a person."""

    def __init__(self, message):
        super().__init__("nobody_on_duty", message)
