/*
 * pos-app training sandbox: a Stripe.js (v3) lookalike, served at <sandbox>/v3/.
 *
 * It implements the subset of Stripe.js the checkout page uses, with Stripe.js's signatures and
 * result shapes: Stripe(pk), stripe.elements(), elements.create('card'), the card Element's
 * mount / unmount / destroy / on / off / focus / blur / clear / update, stripe.createPaymentMethod,
 * stripe.confirmCardPayment (which runs 3-D Secure itself) and stripe.retrievePaymentIntent.
 *
 * As with Stripe, card fields live in an iframe on the sandbox's own origin, so the embedding
 * page never sees the card number; a hidden controller frame on that origin makes the other API
 * calls. Frames and page talk with window.postMessage, each side checking origin and source.
 */
(function () {
  'use strict';
  if (typeof window.Stripe === 'function' && window.Stripe.__posSandbox) return;

  var script = document.currentScript;
  var SANDBOX_ORIGIN = new URL(script && script.src ? script.src : location.href).origin;
  var BASE = SANDBOX_ORIGIN + '/v3/';
  var FRAME_READY_TIMEOUT_MS = 30000;
  var frameCounter = 0;
  var liveFrames = {};   // frame id -> SandboxFrame

  function IntegrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    Object.setPrototypeOf(error, IntegrationError.prototype);
    return error;
  }
  IntegrationError.prototype = Object.create(Error.prototype);
  IntegrationError.prototype.constructor = IntegrationError;
  IntegrationError.prototype.name = 'IntegrationError';

  function connectionError() {
    return {type: 'api_connection_error',
            message: 'An error occurred with our connection to Stripe. Request was retried 0 times.'};
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== SANDBOX_ORIGIN) return;
    var data = event.data;
    if (!data || data.__stripeSandbox !== 1) return;
    var target = liveFrames[data.frameId];
    if (!target || !target.iframe.contentWindow || event.source !== target.iframe.contentWindow) return;
    target.receive(data.type, data.payload || {});
  });

  // ---- one iframe on the sandbox origin, with request/response over postMessage

  function SandboxFrame(page, params, onEvent) {
    this.id = '__privateStripeFrame' + (++frameCounter);
    this.onEvent = onEvent || function () {};
    this.pending = {};
    this.queue = [];
    this.requestCounter = 0;
    this.isReady = false;
    var fragment = Object.assign({frameId: this.id, parentOrigin: location.origin}, params);
    var iframe = document.createElement('iframe');
    iframe.name = this.id;
    iframe.setAttribute('frameborder', '0');
    iframe.setAttribute('allowtransparency', 'true');
    iframe.setAttribute('scrolling', 'no');
    iframe.src = new URL(page, BASE).href + '#' + encodeURIComponent(JSON.stringify(fragment));
    this.iframe = iframe;
    liveFrames[this.id] = this;
    var self = this;
    this.readyTimer = setTimeout(function () { self.failPending(); }, FRAME_READY_TIMEOUT_MS);
  }

  SandboxFrame.prototype.receive = function (type, payload) {
    if (type === 'ready') {
      this.isReady = true;
      clearTimeout(this.readyTimer);
      var queued = this.queue;
      this.queue = [];
      queued.forEach(this.post, this);
    } else if (type === 'response') {
      var resolve = this.pending[payload.requestId];
      delete this.pending[payload.requestId];
      if (resolve) resolve(payload.result);
      return;
    }
    this.onEvent(type, payload);
  };

  SandboxFrame.prototype.post = function (message) {
    var win = this.iframe.contentWindow;
    if (!win) {
      var resolve = this.pending[message.requestId];
      delete this.pending[message.requestId];
      if (resolve) resolve({error: connectionError()});
      return;
    }
    win.postMessage(Object.assign({__stripeSandbox: 1, frameId: this.id}, message), SANDBOX_ORIGIN);
  };

  // -> Promise of the frame's answer; never rejects (failures resolve to {error}).
  SandboxFrame.prototype.request = function (op, payload) {
    var self = this;
    return new Promise(function (resolve) {
      var requestId = ++self.requestCounter;
      self.pending[requestId] = resolve;
      var message = {type: 'request', op: op, requestId: requestId, payload: payload || {}};
      if (self.isReady) self.post(message);
      else self.queue.push(message);
    });
  };

  SandboxFrame.prototype.failPending = function () {
    var pending = this.pending;
    this.pending = {};
    this.queue = [];
    Object.keys(pending).forEach(function (key) { pending[key]({error: connectionError()}); });
  };

  SandboxFrame.prototype.destroy = function () {
    clearTimeout(this.readyTimer);
    this.failPending();
    delete liveFrames[this.id];
    if (this.iframe.parentNode) this.iframe.parentNode.removeChild(this.iframe);
  };

  function hideFrame(iframe) {
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    Object.assign(iframe.style, {
      border: '0', width: '1px', height: '1px', position: 'absolute', left: '-9999px',
      top: '0', visibility: 'hidden', pointerEvents: 'none'
    });
  }

  function whenBodyReady(callback) {
    if (document.body) callback();
    else document.addEventListener('DOMContentLoaded', callback, {once: true});
  }

  // ---- the card Element

  var CARD_OPTIONS = ['style', 'hidePostalCode', 'disabled', 'hideIcon', 'iconStyle', 'value',
                      'classes', 'placeholder'];
  var DEFAULT_CLASSES = {base: 'StripeElement', complete: 'StripeElement--complete',
                         empty: 'StripeElement--empty', focus: 'StripeElement--focus',
                         invalid: 'StripeElement--invalid', webkitAutofill: 'StripeElement--webkit-autofill'};

  function CardElement(group, options) {
    this._group = group;
    this._options = {};
    this._handlers = {};
    this._frame = null;
    this._container = null;
    this._destroyed = false;
    this._state = {empty: true, complete: false, invalid: false, focus: false};
    this._classes = Object.assign({}, DEFAULT_CLASSES);
    this._setOptions(options);
  }

  CardElement.prototype._setOptions = function (options) {
    options = options || {};
    var self = this;
    Object.keys(options).forEach(function (key) {
      if (CARD_OPTIONS.indexOf(key) < 0) return;
      self._options[key] = options[key];
    });
    if (options.classes) Object.assign(this._classes, options.classes);
    // Only JSON crosses into the frame: drop functions and the like.
    return JSON.parse(JSON.stringify(options));
  };

  CardElement.prototype.mount = function (target) {
    if (this._destroyed) {
      throw new IntegrationError('This Element has already been destroyed. Please create a new one.');
    }
    if (this._container) {
      throw new IntegrationError('This Element is already mounted. Use `unmount()` to unmount the ' +
                                 'Element before re-mounting.');
    }
    var container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container || container.nodeType !== 1) {
      throw new IntegrationError('The selector you specified (' + target + ') applies to no DOM ' +
        'elements that are currently on the page.\nMake sure the element exists on the page ' +
        'before calling mount().');
    }
    var self = this;
    var frame = new SandboxFrame('elements-inner-card.html', {
      apiKey: this._group._stripe._key,
      options: JSON.parse(JSON.stringify(this._options))
    }, function (type, payload) { self._onFrameEvent(type, payload); });
    var iframe = frame.iframe;
    iframe.title = 'Secure card payment input frame';
    iframe.setAttribute('role', 'presentation');
    Object.assign(iframe.style, {
      border: 'none', margin: '0', padding: '0', width: '1px', minWidth: '100%',
      overflow: 'hidden', display: 'block', userSelect: 'none', height: '1.2em',
      colorScheme: 'normal'
    });
    var wrapper = document.createElement('div');
    wrapper.className = '__PrivateStripeElement';
    Object.assign(wrapper.style, {margin: '0', padding: '0', border: 'none', display: 'block',
                                  background: 'transparent', position: 'relative', opacity: '1'});
    wrapper.appendChild(iframe);
    this._onContainerClick = function (event) {
      if (event.target === container) self.focus();
    };
    container.addEventListener('click', this._onContainerClick);
    container.appendChild(wrapper);
    this._frame = frame;
    this._container = container;
    this._wrapper = wrapper;
    this._state = {empty: true, complete: false, invalid: false, focus: false};
    this._renderClasses();
  };

  CardElement.prototype.unmount = function () {
    if (!this._container) return;
    this._container.removeEventListener('click', this._onContainerClick);
    var classes = this._classes;
    var list = this._container.classList;
    Object.keys(classes).forEach(function (key) { if (classes[key]) list.remove(classes[key]); });
    if (this._wrapper.parentNode) this._wrapper.parentNode.removeChild(this._wrapper);
    this._frame.destroy();
    this._frame = null;
    this._container = null;
    this._wrapper = null;
  };

  CardElement.prototype.destroy = function () {
    this.unmount();
    this._destroyed = true;
    this._group._forget(this);
  };

  CardElement.prototype.on = function (event, handler) {
    if (typeof handler !== 'function') {
      throw new IntegrationError('The handler for `' + event + '` must be a function.');
    }
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };
  CardElement.prototype.addEventListener = CardElement.prototype.on;

  CardElement.prototype.once = function (event, handler) {
    var self = this;
    var wrapped = function (payload) { self.off(event, wrapped); handler(payload); };
    return this.on(event, wrapped);
  };

  CardElement.prototype.off = function (event, handler) {
    var list = this._handlers[event];
    if (!list) return this;
    this._handlers[event] = handler ? list.filter(function (h) { return h !== handler; }) : [];
    return this;
  };
  CardElement.prototype.removeEventListener = CardElement.prototype.off;

  CardElement.prototype._emit = function (event, payload) {
    (this._handlers[event] || []).slice().forEach(function (handler) {
      try {
        handler(payload);
      } catch (err) {
        setTimeout(function () { throw err; }, 0);   // surface it without breaking the element
      }
    });
  };

  CardElement.prototype._onFrameEvent = function (type, payload) {
    if (type === 'resize' && payload.height > 0) {
      this._frame.iframe.style.height = payload.height + 'px';
    } else if (type === 'ready') {
      this._emit('ready', {elementType: 'card'});
    } else if (type === 'change') {
      this._state.empty = !!payload.empty;
      this._state.complete = !!payload.complete;
      this._state.invalid = !!payload.error;
      this._renderClasses();
      this._emit('change', {
        elementType: 'card', empty: !!payload.empty, complete: !!payload.complete,
        error: payload.error || undefined, brand: payload.brand,
        value: payload.value || {postalCode: ''}
      });
    } else if (type === 'submit') {
      var form = this._container && this._container.closest('form');
      if (form && typeof form.requestSubmit === 'function') form.requestSubmit();
    } else if (type === 'focus' || type === 'blur') {
      this._state.focus = type === 'focus';
      this._renderClasses();
      this._emit(type, {elementType: 'card'});
    }
  };

  CardElement.prototype._renderClasses = function () {
    if (!this._container) return;
    var list = this._container.classList;
    var classes = this._classes;
    var state = this._state;
    var toggle = function (key, on) { if (classes[key]) list.toggle(classes[key], on); };
    toggle('base', true);
    toggle('empty', state.empty);
    toggle('complete', state.complete);
    toggle('invalid', state.invalid);
    toggle('focus', state.focus);
  };

  CardElement.prototype._request = function (op, payload) {
    if (!this._frame) {
      return Promise.resolve({error: {
        type: 'integration_error',
        message: 'We could not retrieve data from the specified Element. Please make sure the ' +
                 'Element you are attempting to use is still mounted.'}});
    }
    return this._frame.request(op, payload);
  };

  CardElement.prototype.focus = function () {
    if (!this._frame) return;
    if (this._frame.iframe.contentWindow) this._frame.iframe.focus();
    this._request('focus');
  };

  CardElement.prototype.blur = function () { if (this._frame) this._request('blur'); };
  CardElement.prototype.clear = function () { if (this._frame) this._request('clear'); };

  CardElement.prototype.update = function (options) {
    var clean = this._setOptions(options);
    if (this._frame) this._request('update', {options: clean});
    this._renderClasses();
  };

  // ---- elements()

  function Elements(stripe, options) {
    this._stripe = stripe;
    this._options = options || {};
    this._elements = {};
  }

  Elements.prototype.create = function (type, options) {
    if (type !== 'card') {
      throw new IntegrationError('A valid Element name must be provided. Valid Elements are: ' +
                                 'card; you passed: ' + type + '.');
    }
    if (this._elements.card) {
      throw new IntegrationError('Can only create one Element of type card.');
    }
    var element = new CardElement(this, options);
    this._elements.card = element;
    return element;
  };

  Elements.prototype.getElement = function (type) { return this._elements[type] || null; };
  Elements.prototype.update = function (options) { Object.assign(this._options, options || {}); };
  Elements.prototype._forget = function (element) {
    var self = this;
    Object.keys(this._elements).forEach(function (key) {
      if (self._elements[key] === element) delete self._elements[key];
    });
  };

  // ---- the Stripe object

  var CLIENT_SECRET = /^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/;

  function checkClientSecret(method, clientSecret) {
    if (typeof clientSecret !== 'string' || !CLIENT_SECRET.test(clientSecret)) {
      throw new IntegrationError('Invalid value for ' + method + ': clientSecret should be a client ' +
        'secret of the form ${id}_secret_${secret}. You specified: ' + clientSecret + '.');
    }
  }

  function StripeSandbox(key, options) {
    this._key = key;
    this._options = options || {};
    var controller = new SandboxFrame('controller.html', {apiKey: key});
    hideFrame(controller.iframe);
    controller.iframe.title = 'Stripe sandbox controller';
    controller.iframe.name = controller.id.replace('Frame', 'Controller');
    whenBodyReady(function () { document.body.appendChild(controller.iframe); });
    this._controller = controller;
    this._challengeOpen = false;
  }

  StripeSandbox.prototype.elements = function (options) {
    return new Elements(this, options);
  };

  StripeSandbox.prototype.createPaymentMethod = function (data) {
    if (!data || typeof data !== 'object' || data.type !== 'card') {
      throw new IntegrationError('Invalid value for createPaymentMethod: type should be card.');
    }
    if (!(data.card instanceof CardElement)) {
      throw new IntegrationError('Invalid value for createPaymentMethod: card should be a card Element.');
    }
    return data.card._request('createPaymentMethod', {billing_details: plain(data.billing_details)});
  };

  StripeSandbox.prototype.retrievePaymentIntent = function (clientSecret) {
    checkClientSecret('retrievePaymentIntent', clientSecret);
    return this._controller.request('retrievePaymentIntent', {clientSecret: clientSecret})
      .then(function (answer) {
        return answer.error ? {error: answer.error} : {paymentIntent: answer.data};
      });
  };

  StripeSandbox.prototype.confirmCardPayment = function (clientSecret, data, options) {
    checkClientSecret('confirmCardPayment', clientSecret);
    var self = this;
    var handleActions = !(options && options.handleActions === false);
    return this._paymentMethodFor(data).then(function (method) {
      if (method.error) return {error: method.error};
      return self._controller.request('confirmPaymentIntent',
                                      {clientSecret: clientSecret, paymentMethod: method.id})
        .then(function (answer) {
          if (answer.error) return {error: answer.error};
          if (handleActions) return self._handleNextAction(clientSecret, answer.data);
          return {paymentIntent: answer.data};
        });
    });
  };

  // -> Promise of {id} (maybe undefined: confirm with the intent's own method) or {error}.
  StripeSandbox.prototype._paymentMethodFor = function (data) {
    var method = data && data.payment_method;
    if (method === undefined || method === null) return Promise.resolve({id: undefined});
    if (typeof method === 'string') return Promise.resolve({id: method});
    if (typeof method === 'object' && method.card instanceof CardElement) {
      return method.card._request('createPaymentMethod', {billing_details: plain(method.billing_details)})
        .then(function (answer) {
          return answer.error ? {error: answer.error} : {id: answer.paymentMethod.id};
        });
    }
    throw new IntegrationError('Invalid value for confirmCardPayment: payment_method.card should be ' +
                               'a card Element.');
  };

  StripeSandbox.prototype.handleCardAction = function (clientSecret) {
    checkClientSecret('handleCardAction', clientSecret);
    var self = this;
    return this.retrievePaymentIntent(clientSecret).then(function (result) {
      return result.error ? result : self._handleNextAction(clientSecret, result.paymentIntent);
    });
  };

  StripeSandbox.prototype._handleNextAction = function (clientSecret, intent) {
    var action = intent && intent.status === 'requires_action' && intent.next_action;
    var sdk = action && action.type === 'use_stripe_sdk' && action.use_stripe_sdk;
    if (!sdk || sdk.type !== 'three_d_secure_redirect') return Promise.resolve({paymentIntent: intent});
    var url;
    try {
      url = new URL(sdk.stripe_js, SANDBOX_ORIGIN);
    } catch (e) {
      url = null;
    }
    if (!url || url.origin !== SANDBOX_ORIGIN || url.pathname.indexOf('/v3/') !== 0) {
      return Promise.resolve({error: {type: 'api_error', payment_intent: intent,
                                      message: 'The 3-D Secure challenge is not on the sandbox origin.'}});
    }
    var self = this;
    return this._runChallenge(url, clientSecret).then(function () {
      return self.retrievePaymentIntent(clientSecret);
    }).then(function (result) {
      if (result.error) return result;
      var settled = result.paymentIntent;
      var failure = settled.last_payment_error;
      var unauthenticated = settled.status === 'requires_action';
      if ((settled.status === 'requires_payment_method' && failure) || unauthenticated) {
        return {error: Object.assign({
          type: 'invalid_request_error',
          code: 'payment_intent_authentication_failure',
          message: 'We are unable to authenticate your payment method. Please choose a different ' +
                   'payment method and try again.'
        }, failure || {}, {payment_intent: settled})};
      }
      return {paymentIntent: settled};
    });
  };

  // Show the challenge in a modal frame; resolves once the cashier has chosen.
  StripeSandbox.prototype._runChallenge = function (url, clientSecret) {
    var self = this;
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.className = '__PrivateStripeChallenge';
      overlay.setAttribute('role', 'dialog');
      overlay.setAttribute('aria-modal', 'true');
      overlay.setAttribute('aria-label', '3D Secure authentication');
      Object.assign(overlay.style, {
        position: 'fixed', left: '0', top: '0', right: '0', bottom: '0', zIndex: '2147483647',
        display: 'flex', alignItems: 'center', justifyContent: 'center',
        background: 'rgba(26, 31, 54, 0.55)', margin: '0', padding: '0'
      });
      var finished = false;
      function finish() {
        if (finished) return;
        finished = true;
        frame.destroy();
        if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
        self._challengeOpen = false;
        resolve();
      }
      var frame = new SandboxFrame(url.pathname + url.search, {
        apiKey: self._key, clientSecret: clientSecret
      }, function (type, payload) {
        if (type === 'ready') {
          frame.iframe.focus();
          overlay.dataset.state = 'ready';
        }
        else if (type === 'resize' && payload.height > 0) frame.iframe.style.height = payload.height + 'px';
        else if (type === 'challenge-complete') finish();
      });
      // Only the page's own failure to load can end a challenge without a choice.
      frame.failPending = finish;
      var iframe = frame.iframe;
      iframe.title = '3D Secure authentication';
      Object.assign(iframe.style, {
        border: 'none', borderRadius: '8px', background: '#ffffff', display: 'block',
        width: '420px', maxWidth: 'calc(100vw - 24px)', height: '360px',
        maxHeight: 'calc(100vh - 24px)', boxShadow: '0 12px 40px rgba(0, 0, 0, 0.35)'
      });
      overlay.appendChild(iframe);
      self._challengeOpen = true;
      whenBodyReady(function () { document.body.appendChild(overlay); });
    });
  };

  function plain(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  var KEY_SHAPE = /^pk_(test|live)_[A-Za-z0-9_]+$/;

  function Stripe(key, options) {
    if (typeof key !== 'string' || key === '') {
      throw new IntegrationError('Please call Stripe() with your publishable key. You used an empty string.');
    }
    if (/^(sk|rk)_/.test(key)) {
      throw new IntegrationError('You should not use your secret key with Stripe.js.\nPlease pass a ' +
                                 'publishable key instead.');
    }
    if (!KEY_SHAPE.test(key)) throw new IntegrationError('Invalid API Key provided: ' + key);
    return new StripeSandbox(key, options);
  }
  Stripe.version = 3;
  Stripe.__posSandbox = true;
  Stripe.IntegrationError = IntegrationError;
  window.Stripe = Stripe;
})();
