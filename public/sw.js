// Offline support: after one visit, the app (and any backbone it fetched from
// this origin) loads without a network. Pages: network first, cache fallback,
// so a new version is picked up when online. Hashed assets and models: cache first.
const CACHE = 'poster-genres-v1';

// Cross-origin isolation (SharedArrayBuffer: multi-threaded WASM) needs these
// headers on the page and its workers. vite.config.ts sets them when serving;
// adding them here too makes any static host work from the second visit on.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function isolated(response) {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  if (ISOLATION_HEADERS['Cross-Origin-Embedder-Policy'] === response.headers.get('Cross-Origin-Embedder-Policy')) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const isPage = request.mode === 'navigate';
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      if (!isPage) {
        const hit = await cache.match(request);
        if (hit) return isolated(hit);
      }
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return isolated(response);
      } catch (error) {
        const hit = await cache.match(request);
        if (hit) return isolated(hit);
        throw error;
      }
    })(),
  );
});
