/* The customer display: polls GET /cart (with the page's cookie) and shows the lines and total. */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('display-config').textContent);
  var tbody = document.querySelector('#display-lines tbody');
  var totalCell = document.getElementById('display-total');
  var emptyNote = document.getElementById('display-empty');
  var status = document.getElementById('display-status');
  var formatter = new Intl.NumberFormat(config.locale, {
    style: 'currency', currency: config.currency.toUpperCase(),
    minimumFractionDigits: config.digits, maximumFractionDigits: config.digits
  });
  var lastUuid = null;

  function money(minor) {
    return formatter.format(minor / Math.pow(10, config.digits));
  }

  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function render(cart) {
    var key = cart.uuid + '|' + cart.frozen + '|' + cart.in_doubt;
    if (key === lastUuid) return;
    lastUuid = key;
    tbody.textContent = '';
    Object.keys(cart.items).forEach(function (sku) {
      var line = cart.items[sku];
      var tr = document.createElement('tr');
      tr.dataset.sku = sku;
      tr.appendChild(cell(line.qty + ' ×', 'col-qty'));
      tr.appendChild(cell(line.name || sku, 'col-name'));
      tr.appendChild(cell(money(line.line_total !== undefined ? line.line_total : line.price * line.qty),
                          'col-money'));
      tbody.appendChild(tr);
    });
    emptyNote.hidden = Object.keys(cart.items).length > 0;
    totalCell.textContent = money(cart.total);
    status.textContent = cart.frozen ? 'Please follow the instructions to pay' : '';
  }

  function poll() {
    fetch(config.cartUrl, {credentials: 'same-origin', cache: 'no-store'}).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    }).then(function (cart) {
      render(cart);
      document.body.dataset.state = 'ready';
    }, function () {
      document.body.dataset.state = 'error';
      status.textContent = 'Reconnecting…';
      lastUuid = null;
    }).then(function () {
      setTimeout(poll, config.pollMs);
    });
  }

  poll();
})();
