/* The customer display: polls GET /cart (with the page's cookie) and shows the lines and total, what the
   sale's tenders have paid and what is left, and after a sale paid in cash the change due, large, until
   the next sale starts (GET /cart's "tenders" and "last_sale", docs/http-api.md). */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('display-config').textContent);
  var texts = JSON.parse(document.getElementById('page-texts').textContent);
  function tr(text) { return texts[text] || text; }  // the page in the till's language
  var tbody = document.querySelector('#display-lines tbody');
  var byId = function (id) { return document.getElementById(id); };
  var saleView = byId('display-sale');
  var changeView = byId('display-change');
  var tendersRow = byId('display-tenders');
  var emptyNote = byId('display-empty');
  var status = byId('display-status');
  var formatter = new Intl.NumberFormat(config.locale, {
    style: 'currency', currency: config.currency.toUpperCase(),
    minimumFractionDigits: config.digits, maximumFractionDigits: config.digits
  });
  var lastShown = null;

  function money(minor) {
    return formatter.format(minor / Math.pow(10, config.digits));
  }

  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function renderLines(cart) {
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
    byId('display-total').textContent = money(cart.total);
  }

  function renderTenders(tenders) {
    tendersRow.hidden = !tenders;
    if (!tenders) return;
    byId('display-paid').textContent = money(tenders.paid);
    byId('display-remaining').textContent = money(tenders.remaining);
  }

  function renderChange(sale) {
    changeView.hidden = !sale;
    saleView.hidden = !!sale;
    if (!sale) return;
    byId('display-sale-total').textContent = money(sale.total);
    byId('display-tendered').textContent = money(sale.tendered);
    byId('display-change-due').textContent = money(sale.change);
  }

  function render(cart) {
    var key = JSON.stringify([cart.uuid, cart.frozen, cart.in_doubt, cart.tenders || null, cart.last_sale || null]);
    if (key === lastShown) return;
    lastShown = key;
    renderLines(cart);
    renderTenders(cart.tenders);
    renderChange(cart.last_sale);
    document.body.dataset.view = cart.last_sale ? 'change' : (cart.tenders ? 'paying' : 'cart');
    status.textContent = cart.frozen ? tr('Please follow the instructions to pay') : '';
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
      status.textContent = tr('Reconnecting…');
      lastShown = null;
    }).then(function () {
      setTimeout(poll, config.pollMs);
    });
  }

  poll();
})();
