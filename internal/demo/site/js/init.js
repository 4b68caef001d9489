// Starts Reprise's SDK on every demo page. It lives in a file, not an inline
// script, because the demo is served with `script-src 'self'`.
(function () {
  'use strict';
  if (!window.REPRISE) {
    console.warn('Lumen Goods: /sdk/reprise.js did not load; nothing is recorded.');
    return;
  }
  window.REPRISE.init({
    applicationId: 'demo',
    endpoint: location.origin,
    service: 'demo-shop',
    env: 'demo',
    version: '1.0.0',
    sessionReplaySampleRate: 100,
  });
  // The signed-in user is kept for the browser tab so every page reports it.
  var user = null;
  try {
    user = JSON.parse(sessionStorage.getItem('lumen.user') || 'null');
  } catch (e) {
    user = null;
  }
  if (user && user.id) window.REPRISE.setUser(user);
})();
