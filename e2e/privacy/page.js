// Starts the SDK with the privacy level named in the URL, selector lists for the
// .selector-* elements, and the default sensitive query parameters (the page URL carries
// ?token=…, the link and the fetch below carry others).
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var level = params.get('level') || undefined;
  window.REPRISE.init({
    applicationId: params.get('app') || 'privacy',
    defaultPrivacyLevel: level,
    service: 'privacy-e2e',
    privacySelectors: { mask: ['.selector-mask'], hidden: ['.selector-hidden'] },
  });
  document.addEventListener('DOMContentLoaded', function () {
    // A resource whose URL carries a secret in a sensitive query parameter.
    fetch('data.json?api_key=ResKey2718&page=1').catch(function () {});
    document.getElementById('save').addEventListener('click', function () {
      // An error whose message holds what a user typed: the server's second pass redacts it.
      window.REPRISE.addError(new Error('save failed for card 4539 1488 0343 6467 of quokka.lindqvist@example.org, order 4539148803436468'));
    });
  });
})();
