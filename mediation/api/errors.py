"""One error shape for the whole API: 4xx with field-level messages in the user's language.

Validation errors come back as {"field": ["message", ...], ...} (DRF's shape, also for errors the
services raise, nested for nested parts of a request); the services' refusals (DomainError) as
{"detail": "message", "code": "stable_code"} with 409; everything else as {"detail": "message"}.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mediation.services.errors import DomainError

# The HTTP status of each kind of refusal: all of them are conflicts with the state of things (a
# case's status, who is on duty), not malformed requests.
DOMAIN_ERROR_STATUS = status.HTTP_409_CONFLICT


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
    if isinstance(exc, DomainError):
        return Response({"detail": exc.render(), "code": exc.code}, status=DOMAIN_ERROR_STATUS)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound(_("Not found."))
    return drf_exception_handler(exc, context)
