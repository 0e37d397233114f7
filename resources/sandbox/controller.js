/*
 * The hidden controller frame: PaymentIntent calls that need no card data (confirm with a
 * PaymentMethod id, retrieve). Like Stripe's own controller frame it runs on the API's origin,
 * so the sandbox API needs no CORS and the embedding page no connect-src.
 */
(function () {
  'use strict';
  var frame = window.StripeSandboxFrame;

  function intentPath(clientSecret) {
    return '/v1/payment_intents/' + encodeURIComponent(frame.paymentIntentId(clientSecret));
  }

  frame.on('confirmPaymentIntent', function (payload) {
    var body = {client_secret: payload.clientSecret};
    if (payload.paymentMethod) body.payment_method = payload.paymentMethod;
    return frame.api('POST', intentPath(payload.clientSecret) + '/confirm', body);
  });

  frame.on('retrievePaymentIntent', function (payload) {
    return frame.api('GET', intentPath(payload.clientSecret), {client_secret: payload.clientSecret});
  });

  frame.send('ready', {});
})();
