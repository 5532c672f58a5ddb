"""The served product: admin, API schema and docs (with no CDN), health check, and the channel layer."""

import asyncio
import re

import pytest
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_admin_login_page_is_served():
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


@pytest.mark.django_db
def test_openapi_schema_lists_every_endpoint():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/registry/entities/",
        "/api/complaints/",
        "/api/reports/",
        "/api/mixed-submissions/",
        "/api/cases/{number}/",
        "/api/cases/{number}/actions/{action}/",
        "/api/authorities/{authority_id}/queue/",
        "/api/public/cases/{number}/",
    ):
        assert path in paths


@pytest.mark.django_db
def test_api_docs_load_their_assets_from_this_server():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    external = re.findall(rb'(?:src|href)="(https?://[^"]+)"', response.content)
    assert external == []


@pytest.mark.django_db
def test_health_check():
    assert Client().get("/healthz").json() == {"status": "ok"}


@pytest.mark.skipif(not settings.REDIS_URL, reason="runs against the Redis channel layer")
async def test_redis_channel_layer_survives_an_idle_socket():
    """redis-py 8 closes a connection after 5 s of silence unless the layer is configured for it
    (shared/channels-redis.md): receive after 6 s of nothing must still work. The layer is made
    afresh from the settings: the process's own may hold a receive of an earlier test's event loop."""
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    assert type(layer).__name__ == "RedisChannelLayer"
    channel = await layer.new_channel()
    await layer.group_add("idle-check", channel)
    waiting = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(6)
    await layer.group_send("idle-check", {"type": "ping", "n": 1})
    assert (await asyncio.wait_for(waiting, 5))["n"] == 1
    await layer.group_discard("idle-check", channel)
    await layer.flush()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/registry/entities/?q=%00abc",
        "/api/registry/entities/?q=ab&limit=1%00",
        "/api/cases/TS2026%0001/",
        "/api/public/cases/%00/",
    ],
)
def test_a_nul_character_in_the_address_is_a_clear_400_not_a_server_error(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
