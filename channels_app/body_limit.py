"""Request bodies are limited before they are read. Django under ASGI receives the whole body into
a temporary file before any view runs, so a view's own size check comes after a 40 MB upload has
already been taken in. This middleware answers 413 as soon as the announced length, or the bytes
received so far, pass the limit of the address: the evidence upload may carry one file of
EVIDENCE_MAX_BYTES, the pages' forms with evidence a case's EVIDENCE_MAX_CASE_BYTES, every other
request REQUEST_MAX_BYTES."""

import json
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from channels_app.consumers import connection_language

# One file of at most EVIDENCE_MAX_BYTES: an evidence upload, or the document of a business's claim.
EVIDENCE_UPLOAD = re.compile(r"^/(api/cases/[^/]+/evidence|business/claim)/$")
# The pages' forms that carry evidence (filing, adding to a case, correcting a returned case) may
# bring several files at once: at most what a case may hold in all.
EVIDENCE_FORMS = re.compile(r"^/(file|cases/[^/]+/(evidence|correct))/$")
# Room for the multipart boundaries and headers around the file.
MULTIPART_OVERHEAD = 64 * 1024


def body_limit(path: str) -> int:
    if EVIDENCE_UPLOAD.match(path):
        return settings.EVIDENCE_MAX_BYTES + MULTIPART_OVERHEAD
    if EVIDENCE_FORMS.match(path):
        return settings.EVIDENCE_MAX_CASE_BYTES + MULTIPART_OVERHEAD
    return settings.REQUEST_MAX_BYTES


class RequestBodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = body_limit(scope["path"])
        headers = dict(scope.get("headers") or [])
        announced = headers.get(b"content-length", b"").decode("latin-1")
        if announced.isascii() and announced.isdigit() and int(announced) > limit:
            return await _too_large(scope, send, limit)
        received = 0
        refused = False
        started = False

        async def limited_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # The application sees the client go away and answers nothing; this
                    # middleware answers instead.
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracked_send)
        if refused and not started:
            await _too_large(scope, send, limit)


async def _too_large(scope, send, limit: int) -> None:
    # Django has not seen the request yet: the language is chosen as for a WebSocket.
    with translation.override(connection_language(scope, None)):
        detail = _("The request is too large: at most %(limit)d MB.") % {"limit": max(1, limit // 2**20)}
    body = json.dumps({"detail": detail, "code": "too_large"}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
