/** The build's own id (vite.config.ts `define`): names the service worker's cache. */
declare const __BUILD_ID__: string;
