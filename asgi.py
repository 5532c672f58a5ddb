"""The one ASGI entry point, served by daphne: HTTP through Django, WebSockets through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

# Django must be set up before anything imports models (consumers, auth middleware).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from channels_app.arrivals import arrival_auth_stack  # noqa: E402
from channels_app.body_limit import RequestBodyLimit  # noqa: E402
from channels_app.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(arrival_auth_stack(URLRouter(websocket_urlpatterns))),
    }
)

# The channel layer's backend module (channels_redis and its Redis client) is imported while the
# server starts, not by the first socket: after a restart every client reconnects at once, and the
# first of them would otherwise wait for those imports. The layer itself is still made on first
# use, as Channels expects: made here, at import, the duty desk's live line missed announcements
# when the room tests ran beside it (tests/e2e/test_duty_desk_in_browser.py).
import importlib  # noqa: E402

from django.conf import settings  # noqa: E402

importlib.import_module(settings.CHANNEL_LAYERS["default"]["BACKEND"].rpartition(".")[0])
