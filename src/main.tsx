import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Offline once loaded: the service worker keeps the app's files (never the user's posters).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    // Each build has its own version, so its own cache (public/sw.js deletes the old ones).
    navigator.serviceWorker.register(`/sw.js?v=${__BUILD_ID__}`).catch((error: unknown) => console.warn('offline support unavailable:', error));
  });
}
