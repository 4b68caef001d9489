// The orders page: a sortable order history and a button whose handler throws.
(function () {
  'use strict';
  var lumen = window.LumenGoods;

  lumen.makeSortable(
    document.getElementById('orders-table'),
    document.getElementById('orders-status'),
    'Orders'
  );

  // Deliberately uncaught, so the SDK reports it through window.onerror and the
  // replay gets an error marker at this moment.
  function redeem(code) {
    throw new Error('Coupon service rejected ' + code + ' (Lumen demo error)');
  }
  var status = document.getElementById('coupon-status');
  document.getElementById('apply-coupon').addEventListener('click', function () {
    status.textContent = 'Applying coupon SPRING25…';
    redeem('SPRING25');
  });
})();
