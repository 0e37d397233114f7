/*
 * The card Element's inner frame: number, MM / YY, CVC and postal code with live formatting,
 * brand detection, Stripe's validation wording and auto-advance. Card data stays in this frame:
 * the embedding page only gets change events (empty / complete / error / brand) and, on
 * confirmation, the id of the PaymentMethod this frame created at the sandbox API.
 */
(function () {
  'use strict';
  var frame = window.StripeSandboxFrame;
  var byId = function (id) { return document.getElementById(id); };
  var FIELDS = ['number', 'expiry', 'cvc', 'postal'];
  var inputs = {
    number: byId('card-number'), expiry: byId('card-expiry'),
    cvc: byId('card-cvc'), postal: byId('card-postal')
  };
  var icon = byId('card-icon');
  var settings = {hidePostalCode: false, disabled: false};
  var revealIncomplete = {};   // field -> the cashier left it incomplete: say so
  var focused = null;          // the field holding focus, if any
  var lastChange = '';

  var GAPS_4444 = [4, 8, 12];
  var BRANDS = [
    {brand: 'amex', pattern: /^3[47]/, lengths: [15], gaps: [4, 10], cvc: 4},
    {brand: 'diners', pattern: /^36/, lengths: [14], gaps: [4, 10], cvc: 3},
    {brand: 'diners', pattern: /^3(0[0-59]|[89])/, lengths: [16], gaps: GAPS_4444, cvc: 3},
    {brand: 'jcb', pattern: /^35/, lengths: [16], gaps: GAPS_4444, cvc: 3},
    {brand: 'discover', pattern: /^(6011|65|64[4-9])/, lengths: [16], gaps: GAPS_4444, cvc: 3},
    {brand: 'unionpay', pattern: /^62/, lengths: [16, 17, 18, 19], gaps: GAPS_4444, cvc: 3},
    {brand: 'mastercard', pattern: /^(5[1-5]|2(2[2-9]|[3-6]|7[01]|720))/, lengths: [16],
     gaps: GAPS_4444, cvc: 3},
    {brand: 'visa', pattern: /^4/, lengths: [16], gaps: GAPS_4444, cvc: 3}
  ];
  var UNKNOWN = {brand: 'unknown', lengths: [16], gaps: GAPS_4444, cvc: 3};

  var MESSAGES = {
    incomplete_number: 'Your card number is incomplete.',
    invalid_number: 'Your card number is invalid.',
    incomplete_expiry: "Your card's expiration date is incomplete.",
    invalid_expiry_month: "Your card's expiration date is invalid.",
    invalid_expiry_month_past: "Your card's expiration date is in the past.",
    invalid_expiry_year_past: "Your card's expiration year is in the past.",
    invalid_expiry_year: "Your card's expiration year is invalid.",
    incomplete_cvc: "Your card's security code is incomplete.",
    incomplete_zip: 'Your postal code is incomplete.'
  };

  function digitsOf(text) { return String(text).replace(/\D/g, ''); }

  function brandOf(digits) {
    for (var i = 0; i < BRANDS.length; i++) {
      if (BRANDS[i].pattern.test(digits)) return BRANDS[i];
    }
    return UNKNOWN;
  }

  function luhnValid(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = +digits[digits.length - 1 - i];
      if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    return sum % 10 === 0;
  }

  // ---- per-field state: {empty, complete, invalid: code | null, incomplete: code | null}

  function numberState() {
    var digits = digitsOf(inputs.number.value);
    var info = brandOf(digits);
    var max = info.lengths[info.lengths.length - 1];
    if (!digits) return {empty: true, incomplete: 'incomplete_number'};
    if (info.lengths.indexOf(digits.length) >= 0 && luhnValid(digits)) return {complete: true};
    if (digits.length >= max) return {invalid: 'invalid_number'};
    return {incomplete: 'incomplete_number'};
  }

  function expiryParts() {
    var digits = digitsOf(inputs.expiry.value);
    return {month: +digits.slice(0, 2), year: 2000 + +digits.slice(2, 4), digits: digits};
  }

  function expiryState() {
    var parts = expiryParts();
    var digits = parts.digits;
    if (!digits) return {empty: true, incomplete: 'incomplete_expiry'};
    if (digits.length >= 2 && (parts.month < 1 || parts.month > 12)) {
      return {invalid: 'invalid_expiry_month'};
    }
    if (digits.length < 4) return {incomplete: 'incomplete_expiry'};
    var now = new Date();
    var thisYear = now.getFullYear();
    if (parts.year < thisYear) return {invalid: 'invalid_expiry_year_past'};
    if (parts.year > thisYear + 50) return {invalid: 'invalid_expiry_year'};
    if (parts.year === thisYear && parts.month < now.getMonth() + 1) {
      return {invalid: 'invalid_expiry_month_past'};
    }
    return {complete: true};
  }

  function cvcState() {
    var digits = digitsOf(inputs.cvc.value);
    var needed = brandOf(digitsOf(inputs.number.value)).cvc;
    if (!digits) return {empty: true, incomplete: 'incomplete_cvc'};
    return digits.length >= needed ? {complete: true} : {incomplete: 'incomplete_cvc'};
  }

  // Any postal code format: a US ZIP (all digits) needs five; others need at least three characters.
  function postalState() {
    var value = inputs.postal.value.trim();
    if (!value) return {empty: true, incomplete: 'incomplete_zip'};
    var needed = /^\d+$/.test(value) ? 5 : 3;
    return value.length >= needed ? {complete: true} : {incomplete: 'incomplete_zip'};
  }

  var STATE = {number: numberState, expiry: expiryState, cvc: cvcState, postal: postalState};

  function visibleFields() {
    return settings.hidePostalCode ? FIELDS.slice(0, 3) : FIELDS;
  }

  // The error the cashier should see for a field now, or null.
  function shownError(field, state) {
    var code = state.invalid || (revealIncomplete[field] && !state.empty ? state.incomplete : null);
    return code ? {type: 'validation_error', code: code, message: MESSAGES[code]} : null;
  }

  // ---- render state into the DOM and tell the embedding page

  function refresh() {
    var fields = visibleFields();
    var empty = true, complete = true, error;
    fields.forEach(function (field) {
      var state = STATE[field]();
      var fieldError = shownError(field, state);
      empty = empty && !!state.empty;
      complete = complete && !!state.complete;
      if (fieldError && !error) error = fieldError;
      inputs[field].classList.toggle('is-invalid', !!fieldError);
      inputs[field].setAttribute('aria-invalid', fieldError ? 'true' : 'false');
    });
    var brand = brandOf(digitsOf(inputs.number.value)).brand;
    if (!digitsOf(inputs.number.value)) brand = 'unknown';
    document.body.classList.toggle('is-empty', empty);
    document.body.classList.toggle('is-complete', complete);
    document.body.classList.toggle('is-invalid', !!error);
    var numberError = shownError('number', numberState());
    icon.dataset.icon = numberError ? 'error' : (focused === 'cvc' ? 'cvc' : brand);

    var event = {elementType: 'card', empty: empty, complete: complete, error: error, brand: brand,
                 value: {postalCode: settings.hidePostalCode ? '' : inputs.postal.value.trim()}};
    var serialized = JSON.stringify(event);
    if (serialized !== lastChange) {
      lastChange = serialized;
      frame.send('change', event);
    }
  }

  // ---- formatting, keeping the caret after the same digit it followed

  function setFormatted(input, formatted, digitsBeforeCaret, caretAtEnd) {
    input.value = formatted;
    var pos = formatted.length;
    if (!caretAtEnd) {
      var seen = 0;
      for (pos = 0; pos < formatted.length && seen < digitsBeforeCaret; pos++) {
        if (/\d/.test(formatted[pos])) seen++;
      }
    }
    if (document.activeElement === input) input.setSelectionRange(pos, pos);
  }

  function caretInfo(input) {
    var caret = input.selectionStart === null ? input.value.length : input.selectionStart;
    return {atEnd: caret >= input.value.length,
            digitsBefore: digitsOf(input.value.slice(0, caret)).length};
  }

  function formatNumber(digits, gaps) {
    var out = '';
    for (var i = 0; i < digits.length; i++) {
      if (gaps.indexOf(i) >= 0) out += ' ';
      out += digits[i];
    }
    return out;
  }

  function isInsertion(event) {
    return !event.inputType || event.inputType.indexOf('insert') === 0;
  }

  function advanceFrom(field) {
    var fields = visibleFields();
    var next = fields[fields.indexOf(field) + 1];
    if (next) focusField(next);
  }

  function focusField(field) {
    var input = inputs[field];
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function onNumberInput(event) {
    var input = inputs.number;
    var caret = caretInfo(input);
    var info = brandOf(digitsOf(input.value));
    var max = info.lengths[info.lengths.length - 1];
    var digits = digitsOf(input.value).slice(0, max);
    setFormatted(input, formatNumber(digits, info.gaps), caret.digitsBefore, caret.atEnd);
    revealIncomplete.number = false;
    refresh();
    if (isInsertion(event) && caret.atEnd && digits.length === max && numberState().complete) {
      advanceFrom('number');
    }
  }

  function onExpiryInput(event) {
    var input = inputs.expiry;
    var caret = caretInfo(input);
    var raw = input.value;
    var digits = digitsOf(raw);
    // "4" can only be April; "1/" means January.
    if (digits.length === 1 && (digits > '1' || (/\//.test(raw) && isInsertion(event)))) {
      digits = '0' + digits;
      caret.digitsBefore += 1;
    }
    digits = digits.slice(0, 4);
    var formatted = digits;
    if (digits.length > 2) formatted = digits.slice(0, 2) + ' / ' + digits.slice(2);
    else if (digits.length === 2 && isInsertion(event)) formatted = digits + ' / ';
    setFormatted(input, formatted, caret.digitsBefore, caret.atEnd);
    revealIncomplete.expiry = false;
    refresh();
    if (isInsertion(event) && caret.atEnd && expiryState().complete) advanceFrom('expiry');
  }

  function onCvcInput(event) {
    var input = inputs.cvc;
    var caret = caretInfo(input);
    var digits = digitsOf(input.value).slice(0, 4);
    setFormatted(input, digits, caret.digitsBefore, caret.atEnd);
    revealIncomplete.cvc = false;
    refresh();
    var needed = brandOf(digitsOf(inputs.number.value)).cvc;
    if (isInsertion(event) && caret.atEnd && digits.length === needed) advanceFrom('cvc');
  }

  function onPostalInput() {
    var input = inputs.postal;
    var cleaned = input.value.replace(/[^A-Za-z0-9 -]/g, '').slice(0, 10);
    if (cleaned !== input.value) input.value = cleaned;
    revealIncomplete.postal = false;
    refresh();
  }

  // Backspace in an empty field and arrows at a field's edge move to the neighbouring field.
  function onKeyDown(field, event) {
    var input = inputs[field];
    var fields = visibleFields();
    var index = fields.indexOf(field);
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
      // As Stripe's Elements do: Enter in the card field submits the form the element is mounted in.
      event.preventDefault();
      frame.send('submit', {elementType: 'card'});
      return;
    }
    var collapsed = input.selectionStart === input.selectionEnd;
    if (!collapsed) return;
    var atStart = input.selectionStart === 0;
    var atEnd = input.selectionStart === input.value.length;
    if ((event.key === 'Backspace' || event.key === 'ArrowLeft') && atStart && index > 0) {
      event.preventDefault();
      focusField(fields[index - 1]);
    } else if (event.key === 'ArrowRight' && atEnd && index < fields.length - 1) {
      event.preventDefault();
      focusField(fields[index + 1]);
      inputs[fields[index + 1]].setSelectionRange(0, 0);
    }
  }

  FIELDS.forEach(function (field) {
    var input = inputs[field];
    input.addEventListener('keydown', function (event) { onKeyDown(field, event); });
    input.addEventListener('focus', function () {
      var wasFocused = focused !== null;
      focused = field;
      if (!wasFocused) frame.send('focus', {elementType: 'card'});
      refresh();
    });
    input.addEventListener('blur', function () {
      revealIncomplete[field] = true;
      focused = null;
      // Focus may just be moving to a sibling field: decide after it lands.
      setTimeout(function () {
        if (focused === null) frame.send('blur', {elementType: 'card'});
        refresh();
      }, 0);
    });
  });
  inputs.number.addEventListener('input', onNumberInput);
  inputs.expiry.addEventListener('input', onExpiryInput);
  inputs.cvc.addEventListener('input', onCvcInput);
  inputs.postal.addEventListener('input', onPostalInput);

  // ---- options (Stripe's Style object, the subset that makes sense for one line of text)

  var STYLE_PROPERTIES = ['color', 'fontFamily', 'fontSize', 'fontSmoothing', 'fontStyle',
    'fontVariant', 'fontWeight', 'letterSpacing', 'lineHeight', 'textAlign', 'textDecoration',
    'textShadow', 'textTransform', 'iconColor'];
  var STYLE_VARIANTS = {base: 'body', complete: 'body.is-complete', empty: 'body.is-empty',
                        invalid: 'body .InputElement.is-invalid'};
  var PSEUDOS = {':hover': ':hover', ':focus': ':focus', '::placeholder': '::placeholder',
                 '::selection': '::selection', ':disabled': ':disabled'};
  var styleSheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [styleSheet];

  function cssDeclarations(style) {
    return STYLE_PROPERTIES.filter(function (prop) {
      // No way out of the declaration: the values come from the embedding page.
      return prop !== 'iconColor' && typeof style[prop] === 'string' && !/[;{}<>\\]|url\(/i.test(style[prop]);
    }).map(function (prop) {
      var name = prop === 'fontSmoothing' ? '-webkit-font-smoothing'
        : prop.replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); });
      return name + ': ' + style[prop] + ';';
    }).join(' ');
  }

  function applyStyle(style) {
    var rules = [];
    Object.keys(STYLE_VARIANTS).forEach(function (variant) {
      var spec = style && style[variant];
      if (!spec || typeof spec !== 'object') return;
      var selector = STYLE_VARIANTS[variant];
      var inputSelector = variant === 'invalid' ? selector : selector + ' .InputElement';
      rules.push(selector + ' { ' + cssDeclarations(spec) + ' }');
      if (typeof spec.iconColor === 'string' && /^[#\w(),. %-]+$/.test(spec.iconColor)) {
        var iconSelector = variant === 'invalid' ? 'body.is-invalid .CardBrandIcon[data-icon]'
          : selector + ' .CardBrandIcon';
        rules.push(iconSelector + ' { color: ' + spec.iconColor + '; }');
      }
      Object.keys(PSEUDOS).forEach(function (pseudo) {
        if (spec[pseudo] && typeof spec[pseudo] === 'object') {
          rules.push(inputSelector + PSEUDOS[pseudo] + ' { ' + cssDeclarations(spec[pseudo]) + ' }');
        }
      });
    });
    styleSheet.replaceSync(rules.join('\n'));
  }

  function applyOptions(options) {
    options = options || {};
    if ('hidePostalCode' in options) settings.hidePostalCode = !!options.hidePostalCode;
    if ('disabled' in options) settings.disabled = !!options.disabled;
    if ('hideIcon' in options) document.body.classList.toggle('hide-icon', !!options.hideIcon);
    if (options.style) applyStyle(options.style);
    if (options.value && typeof options.value.postalCode === 'string') {
      inputs.postal.value = options.value.postalCode.slice(0, 10);
    }
    document.body.classList.toggle('hide-postal', settings.hidePostalCode);
    FIELDS.forEach(function (field) { inputs[field].disabled = settings.disabled; });
    refresh();
  }

  // ---- what the embedding page may ask

  frame.on('update', function (payload) { applyOptions(payload.options); });

  frame.on('focus', function () {
    var fields = visibleFields();
    var target = fields.filter(function (f) { return !STATE[f]().complete; })[0] || fields[0];
    focusField(target);
  });

  frame.on('blur', function () {
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  });

  frame.on('clear', function () {
    FIELDS.forEach(function (field) { inputs[field].value = ''; revealIncomplete[field] = false; });
    refresh();
  });

  function firstProblem() {
    var fields = visibleFields();
    for (var i = 0; i < fields.length; i++) {
      var state = STATE[fields[i]]();
      if (!state.complete) {
        revealIncomplete[fields[i]] = true;
        var code = state.invalid || state.incomplete;
        return {type: 'validation_error', code: code, message: MESSAGES[code]};
      }
    }
    return null;
  }

  var BILLING_FIELDS = ['name', 'email', 'phone'];
  var ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'];

  function billingDetails(given) {
    given = given && typeof given === 'object' ? given : {};
    var out = {};
    BILLING_FIELDS.forEach(function (key) {
      if (typeof given[key] === 'string' && given[key]) out[key] = given[key];
    });
    var address = {};
    var givenAddress = given.address && typeof given.address === 'object' ? given.address : {};
    ADDRESS_FIELDS.forEach(function (key) {
      if (typeof givenAddress[key] === 'string' && givenAddress[key]) address[key] = givenAddress[key];
    });
    var postal = inputs.postal.value.trim();
    if (!settings.hidePostalCode && postal) address.postal_code = postal;
    if (Object.keys(address).length) out.address = address;
    return Object.keys(out).length ? out : undefined;
  }

  frame.on('createPaymentMethod', function (payload) {
    var problem = firstProblem();
    if (problem) {
      refresh();
      return {error: problem};
    }
    var expiry = expiryParts();
    return frame.api('POST', '/v1/payment_methods', {
      type: 'card',
      card: {
        number: digitsOf(inputs.number.value),
        exp_month: expiry.month,
        exp_year: expiry.year,
        cvc: digitsOf(inputs.cvc.value)
      },
      billing_details: billingDetails(payload.billing_details)
    }).then(function (result) {
      return result.error ? {error: result.error} : {paymentMethod: result.data};
    });
  });

  // ---- start

  new ResizeObserver(function () {
    frame.send('resize', {height: Math.ceil(byId('root').getBoundingClientRect().height)});
  }).observe(byId('root'));
  applyOptions(frame.params.options);
  frame.send('ready', {});
})();
