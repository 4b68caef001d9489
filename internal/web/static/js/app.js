// Page behaviour shared by every Reprise page. Plain JS, no build step; the
// pages work without it (links and forms), it only adds conveniences.
(function () {
  'use strict';

  var toast = document.getElementById('toast');
  var toastTimer = 0;

  function showToast(text) {
    if (!toast) return;
    toast.textContent = text;
    toast.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.classList.remove('show'); }, 2000);
  }

  // navigator.clipboard needs a secure context (https or localhost); a
  // self-hosted instance on a LAN address is neither, so fall back to a
  // hidden textarea and execCommand.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }

  function legacyCopy(text) {
    return new Promise(function (resolve, reject) {
      var ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.style.position = 'fixed';
      ta.style.opacity = '0';
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      if (ok) { resolve(); } else { reject(new Error('copy refused')); }
    });
  }

  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest && ev.target.closest('[data-copy]');
    if (btn) {
      ev.preventDefault();
      var label = btn.getAttribute('data-copied') || 'Copied';
      copyText(btn.getAttribute('data-copy')).then(function () {
        btn.classList.add('copied');
        btn.setAttribute('data-state', 'copied');
        showToast(label);
        setTimeout(function () { btn.classList.remove('copied'); btn.removeAttribute('data-state'); }, 2000);
      }, function () {
        showToast('Copy failed: select the text and copy it by hand');
      });
      return;
    }
    // Close open menus and popovers when clicking elsewhere.
    document.querySelectorAll('details.menu[open], details.custom-range[open]').forEach(function (d) {
      if (!d.contains(ev.target)) d.removeAttribute('open');
    });
  });

  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Escape') return;
    document.querySelectorAll('details.menu[open], details.custom-range[open]').forEach(function (d) {
      d.removeAttribute('open');
    });
  });

  // Filter selects apply at once: there is nothing else to type.
  document.querySelectorAll('form.query select').forEach(function (sel) {
    sel.addEventListener('change', function () { sel.form.requestSubmit ? sel.form.requestSubmit() : sel.form.submit(); });
  });
})();
