// Behaviour shared by the demo pages: sortable tables and the "signed in as" badge.
(function () {
  'use strict';

  function currentUser() {
    try {
      return JSON.parse(sessionStorage.getItem('lumen.user') || 'null');
    } catch (e) {
      return null;
    }
  }

  function showUser() {
    var badge = document.getElementById('signed-in-as');
    var user = currentUser();
    if (badge) badge.textContent = user ? 'Signed in as ' + user.name : 'Not signed in';
  }

  function cellValue(row, index, type) {
    var cell = row.cells[index];
    var raw = cell.getAttribute('data-value') || cell.textContent.trim();
    return type === 'number' ? parseFloat(raw) : raw.toLowerCase();
  }

  // Clicking a header sorts by that column, ascending first, then toggles.
  // The status line under the table says what happened in words, so a person
  // (or a test) watching the replay sees the new state.
  function makeSortable(table, status, noun) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute('data-key')) return;
      th.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headers, function (other) {
          other.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var type = th.getAttribute('data-type');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, type);
          var y = cellValue(b, index, type);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? c : -c;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
        if (status) {
          status.textContent = noun + ' sorted by ' + th.textContent.trim() + ', ' +
            (ascending ? 'ascending' : 'descending');
        }
      });
    });
  }

  window.LumenGoods = { currentUser: currentUser, showUser: showUser, makeSortable: makeSortable };
  showUser();
})();
