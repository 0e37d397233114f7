/*
 * The checkout page: mounts Stripe's card element and pays with stripe.confirmCardPayment.
 *
 * Contract with the till (docs/http-api.md, "Checkout page"):
 * - document.body.dataset.state is one of loading, ready, confirming, requires_action,
 *   declined, succeeded, error, and is kept up to date.
 * - Embedded (the Qt dialog registered `posBridge` on a QWebChannel): the page reports through
 *   bridge.report_ready(), report_state(state), report_succeeded(pi), report_declined(message,
 *   code) and report_cancel(); it never finalizes itself (the app verifies with Stripe).
 * - In a plain browser it POSTs /checkout/complete (or /checkout/abandon on Cancel) itself.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('checkout-config').textContent);
  var texts = JSON.parse(document.getElementById('page-texts').textContent);
  function tr(text) { return (text && texts[text]) || text; }  // the page in the till's language
  var form = document.getElementById('payment-form');
  var payButton = document.getElementById('pay-button');
  var cancelButton = document.getElementById('cancel-button');
  var spinner = document.getElementById('spinner');
  var message = document.getElementById('payment-message');
  // The cashier's words for each outcome, from payments/outcome_messages.py: Stripe's own message
  // is written for developers and is never shown.
  var messages = config.messages || {};

  var bridge = null;
  var bridgeQueue = [];
  var embedded = !!(window.qt && window.qt.webChannelTransport);
  var cardReady = false;
  var cardComplete = false;
  var cardError = '';
  var busy = false;
  var finished = false;

  // ---- the bridge (embedded mode) -------------------------------------------------------------

  function callBridge(name, args) {
    if (!embedded) return;
    if (!bridge) { bridgeQueue.push([name, args]); return; }
    try {
      bridge[name].apply(bridge, args);
    } catch (err) {
      console.error('posBridge.' + name + ' failed: ' + err);
    }
  }

  function connectBridge() {
    if (!embedded) return;
    if (typeof window.QWebChannel !== 'function') {
      // qwebchannel.js is injected by the app; wait for it if it comes after us.
      window.addEventListener('load', function retry() {
        if (typeof window.QWebChannel === 'function') connectBridge();
        else console.error('embedded, but qwebchannel.js is missing: the page cannot report');
      }, {once: true});
      return;
    }
    new window.QWebChannel(window.qt.webChannelTransport, function (channel) {
      bridge = channel.objects.posBridge || null;
      if (!bridge) { console.error('no posBridge on the web channel'); return; }
      var queued = bridgeQueue;
      bridgeQueue = [];
      queued.forEach(function (call) { callBridge(call[0], call[1]); });
    });
  }

  // ---- state and feedback ---------------------------------------------------------------------

  function setState(state) {
    if (document.body.dataset.state === state) return;
    document.body.dataset.state = state;
    callBridge('report_state', [state]);
  }

  function showMessage(text) {
    message.textContent = tr(text) || '';
  }

  // -> the cashier's message for a Stripe error (or any outcome key), most specific key first.
  function cashierText(error) {
    error = error || {};
    var keys = [error.decline_code, error.code, error.type];
    for (var i = 0; i < keys.length; i++) {
      if (keys[i] && Object.prototype.hasOwnProperty.call(messages, keys[i])) return messages[keys[i]];
    }
    return messages._default || '';
  }

  // After a decline or a failed 3-D Secure the next card is keyed at once: the card Element is
  // emptied and focused (Stripe's Element clear() and focus(); focus lands in the card number,
  // the first field not complete), and Enter in it pays again.
  function readyForNextCard() {
    if (!card) return;
    try {
      card.clear();
      card.focus();
    } catch (err) { console.error('the card form could not be reset: ' + err); }
  }

  function setBusy(on) {
    busy = on;
    spinner.hidden = !on;
    payButton.disabled = on || !cardReady || finished;
    cancelButton.disabled = on || finished;
    payButton.setAttribute('aria-busy', on ? 'true' : 'false');
    if (card && typeof card.update === 'function') {
      try { card.update({disabled: on || finished}); } catch (err) { /* older Stripe.js */ }
    }
  }

  function showResult(title, detail) {
    finished = true;
    document.getElementById('result-title').textContent = tr(title);
    document.getElementById('result-detail').textContent = tr(detail) || '';
    document.getElementById('result').hidden = false;
    form.hidden = true;
  }

  // ---- Stripe ---------------------------------------------------------------------------------

  if (typeof window.Stripe !== 'function') {
    setState('error');
    showMessage(cashierText({code: 'stripe_js_unavailable'}));
    connectBridge();
    callBridge('report_declined', [cashierText({code: 'stripe_js_unavailable'}), 'stripe_js_unavailable']);
    return;
  }

  var stripe = window.Stripe(config.publishableKey);
  var elements = stripe.elements();
  var card = elements.create('card', {hidePostalCode: true});

  card.on('ready', function () {
    cardReady = true;
    setBusy(false);
    setState('ready');
    callBridge('report_ready', []);
    card.focus();  // the cashier types the card straight away, no click or Tab needed
  });
  card.on('change', function (event) {
    cardComplete = !!event.complete;
    cardError = event.error ? cashierText(event.error) : '';
    // An emptied card (readyForNextCard) keeps the decline's message until the next card is typed.
    if (!busy && (cardError || !event.empty)) showMessage(cardError);
  });
  card.mount('#card-element');

  // While confirming, Stripe.js may open a 3-D Secure challenge over the page: show that as
  // requires_action (a visible overlay added to the body that holds a frame).
  var observer = new MutationObserver(function () {
    if (!busy) return;
    var challenge = Array.prototype.some.call(document.body.children, function (node) {
      return node.id !== 'training-banner' && node.tagName !== 'MAIN' && node.tagName !== 'SCRIPT' &&
        (node.tagName === 'IFRAME' || node.querySelector('iframe')) &&
        node.offsetWidth > 1 && node.offsetHeight > 1;
    });
    setState(challenge ? 'requires_action' : 'confirming');
  });
  observer.observe(document.body, {childList: true});

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy || finished || !cardReady) return;
    if (!cardComplete) {
      showMessage(cardError || cashierText({code: 'incomplete'}));
      card.focus();
      return;
    }
    pay();
  });

  cancelButton.addEventListener('click', function () {
    if (busy || finished) return;
    if (embedded) {
      callBridge('report_cancel', []);
      return;
    }
    postJson(config.abandonUrl, {}).then(function () {
      setState('error');
      showMessage('');
      showResult('Payment cancelled', 'Nothing was charged. The cart can be changed again.');
    }, function (err) {
      showMessage(err.message);
    });
  });

  function pay() {
    setBusy(true);
    showMessage('');
    setState('confirming');
    stripe.confirmCardPayment(config.clientSecret, {payment_method: {card: card}}).then(function (result) {
      if (result.error) {
        declined(cashierText(result.error), result.error.decline_code || result.error.code || result.error.type,
                 result.error.type);
        return;
      }
      var intent = result.paymentIntent;
      if (intent.status === 'succeeded') {
        succeeded(intent.id);
      } else if (intent.status === 'requires_action') {
        setBusy(false);
        setState('requires_action');
        showMessage(cashierText({code: 'requires_action'}));
      } else if (intent.status === 'processing') {
        setBusy(false);
        setState('error');
        showMessage(cashierText({code: 'processing'}));
      } else {
        declined(cashierText({code: intent.status}), intent.status, 'card_error');
      }
    }, function (err) {
      console.warn('confirmCardPayment failed: ' + (err && err.message ? err.message : err));
      declined(cashierText({code: 'confirm_failed'}), 'confirm_failed', 'api_error');
    });
  }

  function declined(text, code, type) {
    setBusy(false);
    showMessage(text);
    setState(type === 'card_error' || type === 'validation_error' ? 'declined' : 'error');
    callBridge('report_declined', [text || '', code || '']);
    // A card the form itself refused keeps what was typed (the Element focuses what is wrong).
    if (type === 'validation_error') card.focus();
    else readyForNextCard();
  }

  function succeeded(paymentIntentId) {
    if (embedded) {
      finished = true;
      setBusy(false);
      showMessage('');
      setState('succeeded');
      callBridge('report_succeeded', [paymentIntentId]);
      showResult(tr('Paid') + ' ' + config.amountText, 'Thank you!');
      return;
    }
    postJson(config.completeUrl, {payment_intent: paymentIntentId}).then(function (body) {
      finished = true;
      setBusy(false);
      var order = body.order;
      showResult(tr('Paid') + ' ' + config.amountText, tr('Order') + ' ' + order.number + ' — ' + order.payment_intent);
      setState('succeeded');
    }, function (err) {
      finished = true;
      setBusy(false);
      setState('error');
      showMessage('The card was charged, but the sale could not be recorded: ' + err.message);
    });
  }

  function postJson(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var text = data && data.error && data.error.message ? data.error.message : 'HTTP ' + response.status;
          throw new Error(text);
        }
        return data;
      });
    });
  }

  connectBridge();
  callBridge('report_state', ['loading']);
})();
