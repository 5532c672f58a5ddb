/* The site as an app on a phone: registers the service worker (/sw.js, whose scope is the whole
   site) and tells it the page's language, for the offline page it shows when the site cannot be
   reached. Without service workers (or this script) the site works as before, online. */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  const workerUrl = script.dataset.serviceWorker;
  const language = document.documentElement.lang;

  function tellLanguage(worker) {
    if (worker) worker.postMessage({ type: "language", language: language });
  }

  navigator.serviceWorker
    .register(workerUrl, { scope: "/" })
    .then(function (registration) {
      tellLanguage(registration.active);
      return navigator.serviceWorker.ready;
    })
    .then((registration) => tellLanguage(registration.active))
    .catch(function () {
      /* No worker (a private window, or the browser refuses): the site still works online. */
    });
})();
