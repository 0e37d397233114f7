/*
 * The sandbox's 3-D Secure test challenge, shown by Stripe.js in a modal frame. The cashier
 * completes or fails it; this page records the choice at the sandbox API and tells the
 * embedding page, which then retrieves the PaymentIntent to settle confirmCardPayment.
 */
(function () {
  'use strict';
  var frame = window.StripeSandboxFrame;
  var clientSecret = String(frame.params.clientSecret || '');
  var intentId = frame.paymentIntentId(clientSecret);
  var buttons = {
    complete: document.getElementById('complete-authentication'),
    fail: document.getElementById('fail-authentication')
  };
  var errorLine = document.getElementById('challenge-error');

  function setBusy(busy) {
    buttons.complete.disabled = busy;
    buttons.fail.disabled = busy;
  }

  function choose(result) {
    setBusy(true);
    errorLine.textContent = '';
    frame.api('POST', '/_sandbox/3ds/' + encodeURIComponent(intentId),
              {client_secret: clientSecret, result: result})
      .then(function (answer) {
        if (answer.error) {
          errorLine.textContent = answer.error.message || 'The authentication could not be recorded.';
          setBusy(false);
          buttons.complete.focus();
          return;
        }
        frame.send('challenge-complete', {result: result});
      });
  }

  buttons.complete.addEventListener('click', function () { choose('complete'); });
  buttons.fail.addEventListener('click', function () { choose('fail'); });

  function showAmount(intent) {
    if (!intent || typeof intent.amount !== 'number' || !intent.currency) return;
    // Stripe's scale (payments/currencies.py), not CLDR's: isk and ugx are sent as two-decimal.
    var zeroDecimal = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf',
                       'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
    var threeDecimal = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];
    var currency = intent.currency.toUpperCase();
    var divisor = zeroDecimal.indexOf(intent.currency) >= 0 ? 1
        : threeDecimal.indexOf(intent.currency) >= 0 ? 1000 : 100;
    var major = intent.amount / divisor;
    var text;
    try {
      text = new Intl.NumberFormat(undefined, {style: 'currency', currency: currency}).format(major);
    } catch (e) {
      text = major + ' ' + currency;
    }
    var line = document.getElementById('challenge-amount');
    line.textContent = 'Amount: ' + text;
    line.hidden = false;
  }

  frame.api('GET', '/v1/payment_intents/' + encodeURIComponent(intentId), {client_secret: clientSecret})
    .then(function (answer) { if (answer.data) showAmount(answer.data); });

  // Chromium ignores focus() in a frame that does not have focus yet: the embedding page focuses
  // this frame once it is ready, and the first button takes it so Enter completes, Tab reaches Fail.
  function focusFirstButton() {
    if (!document.activeElement || document.activeElement === document.body) buttons.complete.focus();
  }
  window.addEventListener('focus', focusFirstButton);
  // Ready only once sized, so the modal does not move after it says ready (a click could miss).
  var sized = false;
  new ResizeObserver(function () {
    frame.send('resize', {height: Math.ceil(document.querySelector('.Challenge').getBoundingClientRect().height)});
    if (!sized) {
      sized = true;
      frame.send('ready', {});
    }
  }).observe(document.querySelector('.Challenge'));
  focusFirstButton();
})();
