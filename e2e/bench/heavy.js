// The scripted half of the SDK-overhead bench page: everything here runs on timers, the
// same schedule for every variant (no SDK, Reprise, rrweb alone, Datadog), so the only
// difference between runs is the recorder. The driver (scripts/bench-sdk.mjs) adds real
// input through CDP: mouse moves, clicks and typing. ?rows=N shrinks the table (the corpus
// capture uses a small one); ?still=1 stops the timers (for tests of the page itself).
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var rowCount = Number(params.get('rows')) || 5000;
  var still = params.get('still') === '1';

  // mulberry32: a seeded generator, so every run builds the same table.
  var seed = 42;
  function rand() {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  var first = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'Edsger', 'Radia'];
  var last = ['Lovelace', 'Hopper', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];
  var cities = ['Lyon', 'Oslo', 'Kyoto', 'Lima', 'Perth', 'Quito', 'Tunis', 'Porto', 'Hanoi', 'Austin'];
  var columns = ['id', 'name', 'email', 'city', 'amount', 'date'];
  var data = [];
  for (var i = 0; i < rowCount; i++) {
    var f = first[(rand() * first.length) | 0], l = last[(rand() * last.length) | 0];
    data.push({
      id: i + 1,
      name: f + ' ' + l,
      email: (f + '.' + l + i).toLowerCase() + '@example.test',
      city: cities[(rand() * cities.length) | 0],
      amount: Math.round(rand() * 100000) / 100,
      date: new Date(1700000000000 + Math.floor(rand() * 3e10)).toISOString().slice(0, 10),
    });
  }

  var head = document.getElementById('head');
  var tbody = document.getElementById('rows');
  columns.forEach(function (c) {
    var th = document.createElement('th');
    th.textContent = c;
    th.dataset.col = c;
    head.appendChild(th);
  });
  var rowEls = data.map(function (d) {
    var tr = document.createElement('tr');
    columns.forEach(function (c) {
      var td = document.createElement('td');
      td.textContent = String(d[c]);
      tr.appendChild(td);
    });
    tr._d = d;
    return tr;
  });
  var frag = document.createDocumentFragment();
  rowEls.forEach(function (tr) { frag.appendChild(tr); });
  tbody.appendChild(frag);

  // Re-sorting moves every row: the recorder sees 5,000 removes and adds.
  var sortIndex = 0;
  function sortBy(col, desc) {
    rowEls.sort(function (a, b) {
      var x = a._d[col], y = b._d[col];
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
    });
    var frag = document.createDocumentFragment();
    rowEls.forEach(function (tr) { frag.appendChild(tr); });
    tbody.appendChild(frag);
    Array.prototype.forEach.call(head.children, function (th) {
      th.className = th.dataset.col === col ? 'sorted' : '';
    });
  }
  head.addEventListener('click', function (e) {
    var col = e.target && e.target.dataset && e.target.dataset.col;
    if (col) sortBy(col, false);
  });

  var clock = document.getElementById('clock');
  function tick() { clock.textContent = new Date().toISOString().slice(11, 23); }
  tick();

  var cart = document.getElementById('cart');
  var items = 0;
  document.getElementById('add').addEventListener('click', function () {
    var div = document.createElement('div');
    div.className = 'card';
    div.textContent = 'Item ' + (++items) + ' added at ' + clock.textContent;
    cart.insertBefore(div, cart.firstChild);
    while (cart.children.length > 20) cart.removeChild(cart.lastChild);
  });
  var status = document.getElementById('status');
  document.getElementById('form').addEventListener('submit', function (e) {
    e.preventDefault();
    status.textContent = 'Saved ' + document.getElementById('name').value.length + ' chars';
    if (items % 3 === 0) {
      // An error now and then, as a real page has: every SDK reports it.
      setTimeout(function () { throw new Error('bench: save failed for item ' + items); }, 0);
    }
  });

  // Single-page navigation: the SDKs see a new view each time.
  var routes = ['orders', 'customers', 'reports'];
  var routeIndex = 0;
  var panel = document.getElementById('panel');
  function go(route) {
    history.pushState({ route: route }, '', '/bench/heavy/' + route + location.search);
    document.getElementById('title').textContent = route[0].toUpperCase() + route.slice(1);
    panel.textContent = '';
    for (var i = 0; i < 40; i++) {
      var d = data[(rand() * data.length) | 0];
      var card = document.createElement('div');
      card.className = 'card';
      card.innerHTML = '<b></b> <span></span> <em></em>';
      card.children[0].textContent = d.name;
      card.children[1].textContent = d.city;
      card.children[2].textContent = d.amount.toFixed(2);
      panel.appendChild(card);
    }
    // A fetch per view, like a page loading its data (the driver's server answers it).
    fetch('/bench/data?route=' + route).then(function (r) { return r.text(); }).catch(function () {});
  }
  document.getElementById('nav').addEventListener('click', function (e) {
    var a = e.target.closest('a');
    if (!a) return;
    e.preventDefault();
    go(a.dataset.route);
  });

  var scrollY = 0, scrollStep = 120;
  var timers = [];
  function start() {
    timers.push(setInterval(tick, 100));
    timers.push(setInterval(function () {
      sortIndex = (sortIndex + 1) % columns.length;
      sortBy(columns[sortIndex], sortIndex % 2 === 1);
    }, 15000)); // heavy for a recorder (35,000 nodes move), yet leaves the main thread headroom
    timers.push(setInterval(function () {
      var max = Math.max(0, document.documentElement.scrollHeight - innerHeight);
      scrollY += scrollStep;
      if (scrollY > max || scrollY < 0) { scrollStep = -scrollStep; scrollY += 2 * scrollStep; }
      window.scrollTo(0, Math.min(max, Math.max(0, scrollY)));
    }, 200));
    timers.push(setInterval(function () {
      routeIndex = (routeIndex + 1) % routes.length;
      go(routes[routeIndex]);
    }, 10000));
  }
  window.__bench.stop = function () { timers.forEach(clearInterval); timers = []; };
  if (!still) start();
  window.__bench.ready = true;
})();
