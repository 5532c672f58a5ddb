"""The site installable on a phone and usable offline: the web app manifest, the service worker (served
from the root so that it controls every page), the offline page it shows when the site cannot be
reached, and the filing draft's question "was this draft filed?" asked by the form's draft script."""

import hashlib
import json
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mediation.services.submissions import filing_submission_find
from mediation.web.context import display_mode

# The colours of site.css: --accent (the header's red) and --bg.
THEME_COLOR = "#c8102e"
BACKGROUND_COLOR = "#f7f8fa"
# Made by scripts/make_app_icons.py.
APP_ICONS = [
    {"src": "app/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "app/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {"src": "app/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
]
APPLE_TOUCH_ICON = "app/apple-touch-icon.png"
# What the service worker keeps for offline use: the pages' own scripts, styles and icons. The
# analysis page's chart library (vendor/) is an official's and large; it is cached once used.
PRECACHED_STATIC_PREFIXES = ("web/", "app/")


@require_GET
def web_app_manifest(request):
    """The web app manifest, in the visitor's language."""
    manifest = {
        "id": "/",
        "name": _("12315 Consumer disputes"),
        "short_name": "12315",
        "description": _("File and follow consumer complaints and reports, and mediate them online."),
        "lang": translation.get_language(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{**icon, "src": static(icon["src"])} for icon in APP_ICONS],
    }
    response = HttpResponse(json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json")
    response["Vary"] = "Cookie, Accept-Language"
    return response


def offline_page_urls() -> dict[str, str]:
    """The offline page in each of the site's languages, as the service worker keeps them."""
    return {code: f"{reverse('web:app-offline')}?language={code}" for code, _name in settings.LANGUAGES}


def precached_static_urls() -> list[str]:
    """The static files the pages use, by the names the configured storage serves them under (the
    hashed names when a manifest storage is configured)."""
    paths = sorted(
        {
            path
            for finder in finders.get_finders()
            for path, _storage in finder.list(["*.map", "*.gz", "*.br"])
            if path.startswith(PRECACHED_STATIC_PREFIXES)
        }
    )
    return [staticfiles_storage.url(path.replace("\\", "/")) for path in paths]


def service_worker_version(static_urls: list[str]) -> str:
    """Changes whenever anything the worker keeps changes (a static file, the offline page in any
    language, the worker itself), so that a new deployment installs a new worker with a new cache."""
    digest = hashlib.sha256()
    digest.update(get_template("web/sw.js").template.source.encode())
    for url in static_urls:
        digest.update(url.encode())
        path = url.removeprefix(static(""))
        found = finders.find(path)
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    for code in offline_page_urls():
        with translation.override(code):
            digest.update(render_to_string("web/offline.html", {"language": code}).encode())
    return digest.hexdigest()[:16]


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, from the root so that its scope is the whole site."""
    static_urls = precached_static_urls()
    context = {
        "version": service_worker_version(static_urls),
        "precache_json": json.dumps(static_urls),
        "offline_json": json.dumps(offline_page_urls()),
        "default_language": settings.LANGUAGE_CODE,
        "static_prefix": static(""),
    }
    return render(request, "web/sw.js", context, content_type="application/javascript; charset=utf-8")


@require_GET
def offline_page(request):
    """What a page shows when the site cannot be reached: the hotline. It holds nothing of the
    visitor's (the worker keeps it for everybody); `?language=` picks the language the worker asks."""
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        # Rendered without the request: nothing of the visitor's, not even a CSRF token; only the
        # display mode they chose (the large-text mode), which the worker keeps as it was.
        return HttpResponse(render_to_string("web/offline.html", {"language": language, **display_mode(request)}))


@login_required
@require_GET
@cache_control(no_store=True)
def filing_submission(request, key: uuid.UUID):
    """Whether the signed-in person's draft with this key was filed, and where its first case is:
    the draft script asks it before sending a draft whose answer it never heard."""
    try:
        filed = filing_submission_find(user=request.user, key=key)
    except PermissionDenied:
        filed = None  # another person's key: as if unknown
    if filed is None:
        return JsonResponse({"filed": False}, status=404)
    return JsonResponse(
        {
            "filed": True,
            "cases": [case.number for case in filed.cases],
            "location": reverse("web:case", kwargs={"number": filed.cases[0].number}),
        }
    )
