/* Service worker of one registered survey device (zi.surveys.views.offline.offline_sw). Written here, no library.
   Keeps the device's page and its assets so the form opens without a network; the page is network-first (a fresh
   form when online), and when the server answers with an error (device revoked, campaign closed) the cached page
   is shown so the answers queued on the device can still be exported. Answers themselves live in IndexedDB
   (offline.js), never in this cache. */
const CONFIG = {{ config|safe }};
const CACHE = CONFIG.cache + "-" + CONFIG.version;
const PREFIX = CONFIG.cache + "-";
const PAGE = CONFIG.page;
const ASSETS = CONFIG.assets;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
            return response;
          }
          return caches.match(PAGE).then((cached) => cached || response);
        })
        .catch(() => caches.match(PAGE).then((cached) => cached || Response.error()))
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
