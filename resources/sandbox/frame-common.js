/*
 * Shared by the sandbox's iframes (card element, controller, 3-D Secure challenge): the message
 * channel to the embedding page and calls to the sandbox API on this same origin.
 *
 * The frame learns its id, the embedding page's origin and the publishable key from its URL
 * fragment (never sent to the server, so never in its logs). Messages are accepted only from
 * window.parent at that origin, and only for this frame's id.
 */
(function () {
  'use strict';

  var params = {};
  try {
    params = JSON.parse(decodeURIComponent(location.hash.slice(1))) || {};
  } catch (e) {
    params = {};
  }
  // The fragment may carry a client secret: keep it out of the frame's history entry.
  history.replaceState(null, '', location.pathname + location.search);

  // Chromium tells us who embeds us; trust that over what the fragment claims.
  var parentOrigin = (location.ancestorOrigins && location.ancestorOrigins.length)
    ? location.ancestorOrigins[0] : params.parentOrigin;
  var targetOrigin = parentOrigin && parentOrigin !== 'null' ? parentOrigin : '*';
  var handlers = {};

  function send(type, payload) {
    if (window.parent === window) return;
    window.parent.postMessage(
      {__stripeSandbox: 1, frameId: params.frameId, type: type, payload: payload}, targetOrigin);
  }

  function fail(message) {
    return {error: {type: 'api_error', message: message}};
  }

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || event.origin !== parentOrigin) return;
    var data = event.data;
    if (!data || data.__stripeSandbox !== 1 || data.frameId !== params.frameId) return;
    if (data.type !== 'request') return;
    var handler = handlers[data.op];
    Promise.resolve()
      .then(function () { return handler ? handler(data.payload || {}) : fail('Unknown operation.'); })
      .catch(function (err) { return fail(String((err && err.message) || err)); })
      .then(function (result) { send('response', {requestId: data.requestId, result: result}); });
  });

  // Stripe's form encoding: nested objects as a[b][c]=v, arrays as a[0]=v.
  function encode(value, prefix, pairs) {
    pairs = pairs || [];
    if (value === undefined || value === null) return pairs;
    if (typeof value === 'object') {
      Object.keys(value).forEach(function (key) {
        encode(value[key], prefix ? prefix + '[' + key + ']' : key, pairs);
      });
    } else {
      pairs.push(encodeURIComponent(prefix) + '=' + encodeURIComponent(String(value)));
    }
    return pairs;
  }

  var CONNECTION_ERROR = {
    type: 'api_connection_error',
    message: 'An error occurred with our connection to Stripe. Request was retried 0 times.'
  };

  // -> Promise of {data: <json>} or {error: <Stripe error object>}; never rejects.
  function api(method, path, body) {
    var query = encode(body).join('&');
    var url = path;
    var init = {
      method: method,
      cache: 'no-store',
      credentials: 'omit',
      headers: {Authorization: 'Bearer ' + params.apiKey}
    };
    if (method === 'GET') {
      if (query) url += '?' + query;
    } else {
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = query;
    }
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 30000);
    init.signal = controller.signal;
    return fetch(url, init).then(function (response) {
      return response.json().then(function (json) {
        if (json && json.error) return {error: json.error};
        if (!response.ok) return fail('Unexpected HTTP ' + response.status + ' from the sandbox.');
        return {data: json};
      }, function () {
        return fail('The sandbox answered HTTP ' + response.status + ' without JSON.');
      });
    }, function () {
      return {error: Object.assign({}, CONNECTION_ERROR)};
    }).finally(function () { clearTimeout(timer); });
  }

  function paymentIntentId(clientSecret) {
    return String(clientSecret).split('_secret_')[0];
  }

  window.StripeSandboxFrame = {
    params: params,
    send: send,
    on: function (op, handler) { handlers[op] = handler; },
    api: api,
    paymentIntentId: paymentIntentId
  };
})();
