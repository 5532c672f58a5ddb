"""What a person is told when their account is locked after too many wrong passwords (django-axes
calls this for the API, the pages and the admin alike)."""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


def locked_out_message() -> str:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return _(
        "Too many wrong passwords for this account. It is locked for %(minutes)d minutes; try again then, "
        "or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def locked_out_response(request, original_response=None, credentials=None):
    # The locale middleware has run for the pages; for the API, the request's Accept-Language or
    # language cookie decides, as for its other errors.
    with translation.override(translation.get_language_from_request(request)):
        message = locked_out_message()
        retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": message, "code": "locked_out"}, status=429, json_dumps_params={"ensure_ascii": False}
            )
        else:
            response = render(request, "web/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = retry_after
    return response
