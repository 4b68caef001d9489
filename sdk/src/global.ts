// Script-tag entry (IIFE bundle): sets window.REPRISE. The SDK remembers where it was loaded
// from, so `endpoint` defaults to the collector that served /sdk/reprise.js.
import { createReprise, type RepriseApi } from './boot/reprise';

declare global {
  interface Window {
    REPRISE?: RepriseApi;
  }
}

if (typeof window !== 'undefined' && !window.REPRISE) {
  const script = document.currentScript as HTMLScriptElement | null;
  window.REPRISE = createReprise({ scriptUrl: script?.src || undefined });
}
