"""The mediation service's REST API, as the action server uses it: searching the registry and filing
cases on a consumer's behalf with the bot's service token (see mediation/services/accounts.py).

Acting for a person also needs the grant the web chat sent with their message (metadata "grant",
mediation/services/chat_grants.py): the service acts for the consumer it names and no one else.

MEDIATION_API_URL is where the service answers (http://127.0.0.1:8000 by default) and
MEDIATION_API_TOKEN the token of the bot's service account (`manage.py bot_token` prints it)."""

import os
from dataclasses import dataclass
from typing import Any

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=10)


class MediationUnavailable(Exception):
    """The service could not be reached or failed; nothing was filed."""


class NobodyOnDuty(Exception):
    """No official is on duty to answer a request for a person."""


class FilingRefused(Exception):
    """The service refused the filing; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class ChatPerson:
    """The signed-in consumer writing to the bot now, and the grant their web chat issued."""

    consumer: int
    grant: str


def chat_person(tracker) -> ChatPerson | None:
    """Who is chatting, from the latest message's metadata; None for someone not signed in as a
    consumer (or a channel that sends no grant)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    consumer, grant = metadata.get("consumer"), metadata.get("grant")
    if not consumer or not grant:
        return None
    return ChatPerson(consumer=int(consumer), grant=str(grant))


class MediationApi:
    def __init__(self, base_url: str | None = None, token: str | None = None):
        self.base_url = (base_url or os.environ.get("MEDIATION_API_URL") or "http://127.0.0.1:8000").rstrip("/")
        self.token = token if token is not None else os.environ.get("MEDIATION_API_TOKEN", "")

    def _headers(self) -> dict[str, str]:
        headers = {"Accept-Language": "zh-hans", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        return headers

    async def _call(self, method: str, path: str, person: ChatPerson | None = None, **kwargs) -> tuple[int, Any]:
        headers = self._headers() | ({"X-Chat-Grant": person.grant} if person else {})
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT, headers=headers) as session:
                async with session.request(method, f"{self.base_url}{path}", **kwargs) as response:
                    body = await response.json(content_type=None)
                    return response.status, body
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise MediationUnavailable(str(error)) from error

    async def search_entities(self, query: str, *, limit: int = 5, near: str = "") -> list[dict[str, Any]]:
        """Registry entries matching a fragment of a name or a credit code, best first; with `near`
        (a place as the person wrote it), that city's businesses first."""
        params = {"q": query, "limit": str(limit), **({"near": near[:100]} if near else {})}
        status, body = await self._call("GET", "/api/registry/entities/", params=params)
        if status == 400:
            return []
        if status != 200:
            raise MediationUnavailable(f"registry search answered {status}")
        return body

    async def consumer_warnings(self, *, region: str = "") -> list[dict[str, Any]]:
        """The consumer warnings the bureaus have published, newest first; with a region code, those
        of that region and of the regions above it."""
        params = {"region": region} if region else {}
        status, body = await self._call("GET", "/api/public/consumer-warnings/", params=params)
        if status != 200:
            raise MediationUnavailable(f"consumer warnings answered {status}")
        return body

    async def consumer_cases(self, person: ChatPerson) -> list[dict[str, Any]]:
        """The consumer's own cases, newest first, as they see them."""
        status, body = await self._call("GET", "/api/cases/", person, params={"consumer": str(person.consumer)})
        if status != 200:
            raise MediationUnavailable(f"case list answered {status}")
        return body

    async def consumer_case(self, number: str, person: ChatPerson) -> dict[str, Any] | None:
        """One of the consumer's cases as they see it; None when they have no case of that number."""
        params = {"consumer": str(person.consumer)}
        status, body = await self._call("GET", f"/api/cases/{number}/", person, params=params)
        if status == 404:
            return None
        if status != 200:
            raise MediationUnavailable(f"case answered {status}")
        return body

    async def file(self, path: str, payload: dict[str, Any], person: ChatPerson) -> dict[str, Any]:
        """POST a filing for `person`; the created case (or cases), FilingRefused or MediationUnavailable."""
        status, body = await self._call("POST", path, person, json=payload)
        if status == 201:
            return body
        if status in (400, 403, 404) and isinstance(body, dict):
            raise FilingRefused(body)
        raise MediationUnavailable(f"filing answered {status}")

    async def ask_for_official(self, person: ChatPerson, summary: list[dict[str, str]]) -> dict[str, Any]:
        """转人工: open (or get the already open) live chat of the consumer with the officials on
        duty; NobodyOnDuty when no one is."""
        body = {"consumer": person.consumer, "summary": summary}
        status, body = await self._call("POST", "/api/help-requests/", person, json=body)
        if status in (200, 201):
            return body
        if status == 409 and isinstance(body, dict) and body.get("code") == "nobody_on_duty":
            raise NobodyOnDuty(body.get("detail", ""))
        raise MediationUnavailable(f"request for an official answered {status}")
