/* The site's service worker (served by mediation.web.app_views.service_worker, which fills in the
   version and the lists below). On install it keeps the static files the pages use and the offline
   page in each language; it serves static files from that cache first; it sends pages to the network
   and, when the network fails, answers with the offline page in the language last seen. Pages
   themselves (personal data) and anything but GET are never kept. A new deployment changes the
   version: the new worker fills a new cache and removes the old ones once it takes over. */
"use strict";

const VERSION = "{{ version }}";
const CACHE = "12315-static-" + VERSION;
// The page language, kept across the worker's restarts (app.js tells it on every page).
const SETTINGS_CACHE = "12315-settings";
const LANGUAGE_KEY = "/__app_language__";
const STATIC_PREFIX = "{{ static_prefix }}";
const PRECACHE = {{ precache_json|safe }};
const OFFLINE = {{ offline_json|safe }};
const DEFAULT_LANGUAGE = "{{ default_language }}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.concat(Object.values(OFFLINE))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("12315-static-") && name !== CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type === "language" && Object.prototype.hasOwnProperty.call(OFFLINE, data.language)) {
    event.waitUntil(
      caches.open(SETTINGS_CACHE).then((cache) => cache.put(LANGUAGE_KEY, new Response(data.language)))
    );
  }
});

function pageLanguage() {
  return caches
    .open(SETTINGS_CACHE)
    .then((cache) => cache.match(LANGUAGE_KEY))
    .then((response) => (response ? response.text() : DEFAULT_LANGUAGE))
    .then((language) => (Object.prototype.hasOwnProperty.call(OFFLINE, language) ? language : DEFAULT_LANGUAGE))
    .catch(() => DEFAULT_LANGUAGE);
}

function offlinePage() {
  return pageLanguage()
    .then((language) => caches.open(CACHE).then((cache) => cache.match(OFFLINE[language])))
    .then(
      (response) =>
        response ||
        new Response("12315", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } })
    );
}

function staticFirst(request) {
  return caches.open(CACHE).then((cache) =>
    cache.match(request).then(
      (kept) =>
        kept ||
        fetch(request).then(function (response) {
          if (response.ok && response.type === "basic") cache.put(request, response.clone());
          return response;
        })
    )
  );
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return; // a form's POST goes to the network, never kept
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFirst(request));
  } else if (request.mode === "navigate") {
    // Pages hold personal data: always from the network, never kept.
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
