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
        # A NUL in a decoded query value comes from "%00" (or a raw NUL) in the query string: no
        # need to parse the query of every request to find it.
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return JsonResponse(
                {"detail": _("The address contains a NUL character (%00), which is not allowed.")}, status=400
            )
        return self.get_response(request)
