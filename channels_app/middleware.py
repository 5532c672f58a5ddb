"""Requests refused before any view sees them."""

from django.http import JsonResponse
from django.utils.translation import gettext as _


class RejectNulCharactersMiddleware:
    """A NUL character (%00) in the path or the query string can never be part of a valid
    request, and PostgreSQL refuses it in any text it is given: answer 400 here, with the API's
    error shape, instead of letting it reach a query (a server error). Request bodies are checked
    by the serializers (DRF refuses NUL in every text field)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or any("\x00" in value for value in request.GET.values()):
            return JsonResponse(
                {"detail": _("The address contains a NUL character (%00), which is not allowed.")}, status=400
            )
        return self.get_response(request)
