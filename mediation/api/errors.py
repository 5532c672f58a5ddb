"""One error shape for the whole API: 4xx with field-level messages in the user's language.

Validation errors come back as {"field": ["message", ...], ...} (DRF's shape, also for errors the
services raise, nested for nested parts of a request); everything else as {"detail": "message"}.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mediation.services.errors import NobodyOnDuty, TransitionNotAllowed


def validation_detail(error: DjangoValidationError) -> dict:
    """Field messages as DRF gives them; a dotted field ("report.facts", from a service checking
    a nested part of the request) nests the same way DRF nests a nested serializer's errors."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    detail: dict = {}
    for path, messages in error.message_dict.items():
        *parents, field = path.split(".")
        node = detail
        for parent in parents:
            node = node.setdefault(parent, {})
        node[field] = messages
    return detail


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NobodyOnDuty):
        return Response({"detail": exc.message, "code": "nobody_on_duty"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound(_("Not found."))
    return drf_exception_handler(exc, context)
