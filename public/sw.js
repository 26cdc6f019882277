// Offline support: after one visit, the app (and any backbone it fetched from this origin) loads
// without a network. Each build registers this worker with its own version (`?v=`), so a new build
// gets a cache of its own and the old ones are deleted when it activates.
// - Pages and /models/: network first, the cached copy when offline (a model served anew is used anew).
// - Hashed assets (/assets/): cache first; their names change when their content does.
// Caching is best effort: a full disk never turns a good response into a failure.
const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const PREFIX = 'poster-genres-';
const CACHE = `${PREFIX}${VERSION}`;

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

async function keep(request, response) {
  try {
    const cache = await caches.open(CACHE);
    await cache.put(request, response);
  } catch {
    // Quota exceeded, or caching refused: the app still gets its response, it only will not load offline.
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The example posters (about 200 MB) are a convenience of the dev and preview servers: never cached.
  if (url.pathname.startsWith('/examples/')) return;
  const cacheFirst = url.pathname.startsWith('/assets/');
  event.respondWith(
    (async () => {
      if (cacheFirst) {
        const hit = await caches.match(request);
        if (hit) return hit;
      }
      try {
        const response = await fetch(request);
        if (response.ok) await keep(request, response.clone());
        return response;
      } catch (error) {
        const hit = await caches.match(request);
        if (hit) return hit;
        throw error;
      }
    })(),
  );
});
