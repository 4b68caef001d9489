// The shop page: sign-in form, stock fetch, sortable catalog and the cart modal.
(function () {
  'use strict';
  var lumen = window.LumenGoods;

  // Sign in. Only the username is reported to Reprise (as the session's user);
  // the email, password and note stay in the page, and the SDK masks every input.
  var form = document.getElementById('signin-form');
  var status = document.getElementById('signin-status');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var username = document.getElementById('signin-username').value.trim();
    var password = document.getElementById('signin-password').value;
    if (!username || !password) {
      status.textContent = 'Enter a username and a password to sign in';
      status.className = 'status error';
      return;
    }
    var user = { id: username, name: username };
    sessionStorage.setItem('lumen.user', JSON.stringify(user));
    if (window.REPRISE) window.REPRISE.setUser(user);
    status.textContent = 'Welcome back! You are signed in.';
    status.className = 'status ok';
    lumen.showUser();
  });

  // Stock: a real fetch to the server, so the session has a resource to show.
  var stockButton = document.getElementById('load-stock');
  var stockStatus = document.getElementById('stock-status');
  var stockList = document.getElementById('stock-list');
  stockButton.addEventListener('click', function () {
    stockStatus.textContent = 'Checking stock…';
    fetch('/demo/api/items.json', { headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('stock request failed: HTTP ' + res.status);
        return res.json();
      })
      .then(function (data) {
        stockList.textContent = '';
        data.items.forEach(function (item) {
          var li = document.createElement('li');
          li.textContent = item.name + ': ' + item.stock + ' left';
          stockList.appendChild(li);
        });
        stockStatus.textContent = 'Stock from ' + data.warehouse + ': ' + data.items.length + ' products';
      })
      .catch(function (err) {
        stockStatus.textContent = 'Could not check stock';
        console.error(err);
      });
  });

  lumen.makeSortable(
    document.getElementById('catalog-table'),
    document.getElementById('catalog-status'),
    'Catalog'
  );

  // Cart modal: a plain element toggled with `hidden`, which every replayer
  // rebuilds faithfully (top-layer <dialog> state is not part of the DOM).
  var modal = document.getElementById('cart-modal');
  var openButton = document.getElementById('open-cart');
  var closeButton = document.getElementById('close-cart');
  function openCart() {
    modal.hidden = false;
    closeButton.focus();
  }
  function closeCart() {
    modal.hidden = true;
    openButton.focus();
  }
  openButton.addEventListener('click', openCart);
  closeButton.addEventListener('click', closeCart);
  modal.addEventListener('click', function (event) {
    if (event.target === modal) closeCart();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !modal.hidden) closeCart();
  });
})();

// Catalog filter: hides rows whose product name does not contain the query.
(function () {
  'use strict';
  var search = document.getElementById('catalog-search');
  var table = document.getElementById('catalog-table');
  var status = document.getElementById('catalog-filter-status');
  search.addEventListener('input', function () {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var match = row.cells[0].textContent.toLowerCase().indexOf(q) !== -1;
      row.hidden = !match;
      if (match) shown++;
    });
    status.textContent = q ? 'Showing ' + shown + ' of 5 products for "' + search.value.trim() + '"' : 'Showing all 5 products';
  });
})();
