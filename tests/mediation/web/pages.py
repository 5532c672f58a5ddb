"""Reading the pages as a browser does."""

from django.test import Client


def browser(user=None, language: str | None = None) -> Client:
    """A client sending `language` as its Accept-Language (none: the site's default, Chinese),
    logged in as `user` if given."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
    if user is not None:
        client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()
