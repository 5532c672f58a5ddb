"""The mediation service's REST API, as the action server uses it: searching the registry and filing
cases on a consumer's behalf with the bot's service token (see mediation/services/accounts.py).

MEDIATION_API_URL is where the service answers (http://127.0.0.1:8000 by default) and
MEDIATION_API_TOKEN the token of the bot's service account (`manage.py bot_token` prints it)."""

import os
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


class MediationApi:
    def __init__(self, base_url: str | None = None, token: str | None = None):
        self.base_url = (base_url or os.environ.get("MEDIATION_API_URL") or "http://127.0.0.1:8000").rstrip("/")
        self.token = token if token is not None else os.environ.get("MEDIATION_API_TOKEN", "")

    def _headers(self) -> dict[str, str]:
        headers = {"Accept-Language": "zh-hans", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        return headers

    async def _call(self, method: str, path: str, **kwargs) -> tuple[int, Any]:
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT, headers=self._headers()) as session:
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

    async def consumer_cases(self, consumer: int) -> list[dict[str, Any]]:
        """The consumer's own cases, newest first, as they see them."""
        status, body = await self._call("GET", "/api/cases/", params={"consumer": str(consumer)})
        if status != 200:
            raise MediationUnavailable(f"case list answered {status}")
        return body

    async def consumer_case(self, number: str, consumer: int) -> dict[str, Any] | None:
        """One of the consumer's cases as they see it; None when they have no case of that number."""
        status, body = await self._call("GET", f"/api/cases/{number}/", params={"consumer": str(consumer)})
        if status == 404:
            return None
        if status != 200:
            raise MediationUnavailable(f"case answered {status}")
        return body

    async def file(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a filing; the created case (or cases), FilingRefused or MediationUnavailable."""
        status, body = await self._call("POST", path, json=payload)
        if status == 201:
            return body
        if status in (400, 403, 404) and isinstance(body, dict):
            raise FilingRefused(body)
        raise MediationUnavailable(f"filing answered {status}")

    async def ask_for_official(self, consumer: int, summary: list[dict[str, str]]) -> dict[str, Any]:
        """转人工: open (or get the already open) live chat of the consumer with the officials on
        duty; NobodyOnDuty when no one is."""
        status, body = await self._call("POST", "/api/help-requests/", json={"consumer": consumer, "summary": summary})
        if status in (200, 201):
            return body
        if status == 409 and isinstance(body, dict) and body.get("code") == "nobody_on_duty":
            raise NobodyOnDuty(body.get("detail", ""))
        raise MediationUnavailable(f"request for an official answered {status}")
