"""Errors the services raise besides django.core.exceptions.ValidationError (bad input) and
PermissionDenied (the actor may not do this)."""


class TransitionNotAllowed(Exception):
    """The case's current status does not allow the action. Its message is user-facing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NobodyOnDuty(Exception):
    """No official is on duty to answer a consumer who asked for a person. Its message is user-facing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
