import { assetVersion } from './layout.js';

/**
 * The booking page's progressive enhancement, served as /assets/booking.js and loaded with the page's
 * CSP nonce. The server renders every bookable day as a plain list of `a.slot` links (that is the page
 * without JavaScript); this script turns it into a month calendar (a keyboard grid: arrows, Home/End,
 * PageUp/PageDown) with the chosen day's times beside it, re-fetches `/b/:token/slots?tz=…` when the
 * time zone changes (no reload; the zone stays in the URL), remembers 12/24-hour times in
 * localStorage, and announces the chosen day and time in the page's live region. No external
 * requests, no framework; plain ES2019 so it runs in every current browser.
 */
export const BOOKING_JS = String.raw`(function () {
  'use strict';
  var root = document.getElementById('scheduler');
  var plain = document.getElementById('plain');
  if (!root || !plain || !window.fetch || !window.history || !history.replaceState || typeof Intl === 'undefined') return;

  var LOCALE = 'en-US';
  var HOUR_KEY = 'parley:hour-cycle';
  var token = root.getAttribute('data-token');
  var reschedule = root.getAttribute('data-mode') === 'reschedule';
  var isPanel = root.getAttribute('data-panel') === '1';
  var input = document.getElementById('tz');
  var form = document.getElementById('tz-form');
  var hint = document.getElementById('tz-hint');
  var datalist = document.getElementById('tz-list');
  var live = document.getElementById('announce');

  var state = { zone: root.getAttribute('data-zone'), slots: [], byDate: {}, dates: [], selected: null, focus: null, month: null, error: false, hour12: true };

  // Calendar dates are "YYYY-MM-DD" keys; their arithmetic runs on UTC dates, never on local time.
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function keyOf(d) { return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()); }
  function dateOf(key) { var p = key.split('-'); return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2])); }
  function addDays(key, n) { var d = dateOf(key); d.setUTCDate(d.getUTCDate() + n); return keyOf(d); }
  function monthOf(key) { return key.slice(0, 7); }
  function addMonths(key, n) {
    var d = dateOf(key);
    var t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
    var last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
    t.setUTCDate(Math.min(d.getUTCDate(), last));
    return keyOf(t);
  }
  function utcFormat(opts) { opts.timeZone = 'UTC'; return new Intl.DateTimeFormat(LOCALE, opts); }
  var dayLabel = utcFormat({ weekday: 'long', month: 'long', day: 'numeric' });
  var fullDayLabel = utcFormat({ weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
  var monthLabel = utcFormat({ month: 'long', year: 'numeric' });
  var weekdayShort = utcFormat({ weekday: 'short' });
  var weekdayLong = utcFormat({ weekday: 'long' });

  var weekStart = 0;
  try {
    var loc = new Intl.Locale(navigator.language || LOCALE);
    var info = loc.getWeekInfo ? loc.getWeekInfo() : loc.weekInfo;
    if (info && info.firstDay) weekStart = info.firstDay % 7;
  } catch (e) { /* Sunday */ }
  function weekdayIndex(key) { return (dateOf(key).getUTCDay() - weekStart + 7) % 7; }

  try {
    var stored = localStorage.getItem(HOUR_KEY);
    if (stored === '12' || stored === '24') state.hour12 = stored === '12';
    else {
      var cycle = new Intl.DateTimeFormat(navigator.language || LOCALE, { hour: 'numeric' }).resolvedOptions().hourCycle;
      state.hour12 = !(cycle === 'h23' || cycle === 'h24');
    }
  } catch (e) { /* 12-hour */ }

  function isZone(z) {
    if (!z || z.length > 64) return false;
    try { new Intl.DateTimeFormat(LOCALE, { timeZone: z }); return true; } catch (e) { return false; }
  }
  var zoneFormat;
  function useZone(z) {
    state.zone = z;
    zoneFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }
  function local(ms) {
    var p = {};
    zoneFormat.formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
    return { date: p.year + '-' + p.month + '-' + p.day, hour: Number(p.hour) % 24, minute: Number(p.minute) };
  }
  function timeText(ms) {
    var t = local(ms);
    if (!state.hour12) return pad(t.hour) + ':' + pad(t.minute);
    return (t.hour % 12 || 12) + ':' + pad(t.minute) + ' ' + (t.hour < 12 ? 'AM' : 'PM');
  }
  function offsetText(z) {
    try {
      var part = new Intl.DateTimeFormat(LOCALE, { timeZone: z, timeZoneName: 'longOffset' }).formatToParts(new Date())
        .filter(function (x) { return x.type === 'timeZoneName'; })[0];
      var v = part ? part.value.replace('GMT', 'UTC') : '';
      return v === 'UTC' ? 'UTC+00:00' : v;
    } catch (e) { return ''; }
  }
  function zoneName(z) { return z.replace(/_/g, ' '); }

  var announceTimer;
  function say(text) {
    clearTimeout(announceTimer);
    live.textContent = '';
    announceTimer = setTimeout(function () { live.textContent = text; }, 50);
  }
  function count(n, one) { return n + ' ' + one + (n === 1 ? '' : 's'); }

  function setSlots(list) {
    state.slots = list.slice().sort(function (a, b) { return a.start - b.start; });
    state.byDate = {};
    state.dates = [];
    state.slots.forEach(function (s) {
      var d = local(s.start).date;
      if (!state.byDate[d]) { state.byDate[d] = []; state.dates.push(d); }
      state.byDate[d].push(s);
    });
    if (!state.selected || !state.byDate[state.selected]) state.selected = state.dates[0] || null;
    state.focus = state.selected;
    state.month = monthOf(state.selected || local(Date.now()).date);
  }
  function bounds() {
    var today = monthOf(local(Date.now()).date);
    var first = state.dates.length ? monthOf(state.dates[0]) : today;
    var last = state.dates.length ? monthOf(state.dates[state.dates.length - 1]) : today;
    return { min: first < today ? first : today, max: last > today ? last : today };
  }

  // The server's list is the first data: every a.slot carries its start and end.
  var initial = [];
  Array.prototype.forEach.call(plain.querySelectorAll('a.slot[data-start]'), function (a) {
    initial.push({ start: Date.parse(a.getAttribute('data-start')), end: Date.parse(a.getAttribute('data-end')) });
  });
  var serverEmpty = plain.querySelector('.banner');
  state.error = Boolean(serverEmpty && serverEmpty.classList.contains('banner-error'));
  useZone(state.zone);
  setSlots(initial);

  var CHEVRON_LEFT = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="m15 6-6 6 6 6"/></svg>';
  var CHEVRON_RIGHT = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="m9 6 6 6-6 6"/></svg>';
  var ui = document.createElement('div');
  ui.className = 'cal-layout';
  ui.innerHTML =
    '<section class="cal" aria-labelledby="cal-month">' +
      '<div class="cal-head">' +
        '<button type="button" class="icon-button" data-nav="-1" aria-label="Previous month">' + CHEVRON_LEFT + '</button>' +
        '<h2 id="cal-month"></h2>' +
        '<button type="button" class="icon-button" data-nav="1" aria-label="Next month">' + CHEVRON_RIGHT + '</button>' +
      '</div>' +
      '<table class="month" role="grid" aria-labelledby="cal-month" aria-describedby="cal-help"><thead><tr role="row"></tr></thead><tbody></tbody></table>' +
      '<p id="cal-help" class="visually-hidden">Days with times are marked. Use the arrow keys to move between days, Page Up and Page Down to change the month, and Enter to see a day’s times.</p>' +
    '</section>' +
    '<section class="day-times" aria-labelledby="times-heading">' +
      '<div class="times-head"><h2 id="times-heading"></h2>' +
        '<div class="hour-toggle" role="group" aria-label="Time format">' +
          '<button type="button" data-hours="12">12h</button><button type="button" data-hours="24">24h</button>' +
        '</div>' +
      '</div>' +
      '<ul class="slots" aria-labelledby="times-heading"></ul>' +
    '</section>';
  var empty = document.createElement('div');
  var title = ui.querySelector('#cal-month');
  var prev = ui.querySelector('[data-nav="-1"]');
  var next = ui.querySelector('[data-nav="1"]');
  var table = ui.querySelector('table');
  var headRow = table.querySelector('thead tr');
  var body = table.querySelector('tbody');
  var heading = ui.querySelector('#times-heading');
  var times = ui.querySelector('ul.slots');
  var hourButtons = ui.querySelectorAll('[data-hours]');

  for (var i = 0; i < 7; i++) {
    var sample = keyOf(new Date(Date.UTC(2024, 0, 7 + ((weekStart + i) % 7)))); // 2024-01-07 was a Sunday
    var th = document.createElement('th');
    th.setAttribute('role', 'columnheader');
    th.setAttribute('scope', 'col');
    th.setAttribute('abbr', weekdayLong.format(dateOf(sample)));
    th.textContent = weekdayShort.format(dateOf(sample)).slice(0, 2);
    headRow.appendChild(th);
  }

  function cellFor(key) { return body.querySelector('td[data-date="' + key + '"]'); }

  function renderMonth(keepFocus) {
    var b = bounds();
    title.textContent = monthLabel.format(dateOf(state.month + '-01'));
    prev.disabled = state.month <= b.min;
    next.disabled = state.month >= b.max;
    var first = state.month + '-01';
    var lead = weekdayIndex(first);
    var days = new Date(Date.UTC(+state.month.slice(0, 4), +state.month.slice(5, 7), 0)).getUTCDate();
    var today = local(Date.now()).date;
    if (!state.focus || monthOf(state.focus) !== state.month) {
      state.focus = state.dates.filter(function (d) { return monthOf(d) === state.month; })[0] || first;
    }
    body.textContent = '';
    var row;
    for (var cell = 0; cell < Math.ceil((lead + days) / 7) * 7; cell++) {
      if (cell % 7 === 0) { row = document.createElement('tr'); row.setAttribute('role', 'row'); body.appendChild(row); }
      var td = document.createElement('td');
      td.setAttribute('role', 'gridcell');
      var n = cell - lead + 1;
      if (n >= 1 && n <= days) {
        var key = state.month + '-' + pad(n);
        var open = state.byDate[key] ? state.byDate[key].length : 0;
        td.setAttribute('data-date', key);
        td.tabIndex = key === state.focus ? 0 : -1;
        td.setAttribute('aria-selected', key === state.selected ? 'true' : 'false');
        if (!open) td.setAttribute('aria-disabled', 'true');
        td.className = (open ? 'open' : '') + (key === today ? ' today' : '');
        var number = document.createElement('span');
        number.setAttribute('aria-hidden', 'true');
        number.textContent = String(n);
        var label = document.createElement('span');
        label.className = 'visually-hidden';
        label.textContent = fullDayLabel.format(dateOf(key)) + (open ? ', ' + count(open, 'time') : ', no times') + (key === today ? ', today' : '');
        td.appendChild(number);
        td.appendChild(label);
      }
      row.appendChild(td);
    }
    if (keepFocus) { var f = cellFor(state.focus); if (f) f.focus(); }
  }

  function confirmUrl(start) {
    var p = new URLSearchParams({ start: new Date(start).toISOString(), tz: state.zone });
    if (reschedule) p.set('reschedule', '1');
    return '/b/' + token + '/confirm?' + p.toString();
  }

  function renderTimes() {
    var list = state.selected ? state.byDate[state.selected] || [] : [];
    var day = state.selected ? dayLabel.format(dateOf(state.selected)) : '';
    heading.textContent = day;
    times.textContent = '';
    list.forEach(function (s) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.className = 'slot';
      a.href = confirmUrl(s.start);
      a.textContent = timeText(s.start);
      a.setAttribute('aria-label', day + ' at ' + timeText(s.start) + (isPanel ? ' until ' + timeText(s.end) : ''));
      li.appendChild(a);
      times.appendChild(li);
    });
    Array.prototype.forEach.call(hourButtons, function (btn) {
      btn.setAttribute('aria-pressed', String((btn.getAttribute('data-hours') === '12') === state.hour12));
    });
  }

  function renderHint() {
    if (hint) hint.textContent = offsetText(state.zone) + ' · now ' + timeText(Date.now()) + '. Type a city or country to change it.';
  }

  function render() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-when]'), function (el) {
      var ms = Date.parse(el.getAttribute('data-when'));
      el.textContent = fullDayLabel.format(dateOf(local(ms).date)) + ', ' + timeText(ms);
    });
    var none = state.dates.length === 0;
    ui.hidden = none;
    empty.hidden = !none;
    if (none) {
      var text = root.getAttribute(state.error ? 'data-error' : 'data-empty');
      empty.replaceChildren();
      var p = document.createElement('p');
      p.className = 'banner ' + (state.error ? 'banner-error' : 'banner-info');
      p.textContent = text;
      empty.appendChild(p);
    } else {
      renderMonth(false);
      renderTimes();
    }
    renderHint();
  }

  function daySummary(key) {
    var list = state.byDate[key] || [];
    return dayLabel.format(dateOf(key)) + ': ' + (list.length ? count(list.length, 'time') + ', from ' + timeText(list[0].start) : 'no times');
  }

  function choose(key, how) {
    if (!state.byDate[key]) { say(daySummary(key) + '.'); return; }
    state.selected = key;
    state.focus = key;
    if (monthOf(key) !== state.month) state.month = monthOf(key);
    renderMonth(true);
    renderTimes();
    say(daySummary(key) + '.');
    if (how === 'pointer' && window.matchMedia && window.matchMedia('(max-width: 759px)').matches) {
      heading.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
  }

  function moveFocus(key) {
    var b = bounds();
    // Never past the months that can have times: stop at their first and last day.
    if (monthOf(key) < b.min) key = b.min + '-01';
    if (monthOf(key) > b.max) key = addDays(monthOf(addMonths(b.max + '-01', 1)) + '-01', -1);
    state.focus = key;
    if (monthOf(key) !== state.month) { state.month = monthOf(key); renderMonth(true); return; }
    Array.prototype.forEach.call(body.querySelectorAll('td[data-date]'), function (td) { td.tabIndex = td.getAttribute('data-date') === key ? 0 : -1; });
    cellFor(key).focus();
  }

  body.addEventListener('click', function (e) {
    var td = e.target.closest('td[data-date]');
    if (td) choose(td.getAttribute('data-date'), 'pointer');
  });
  table.addEventListener('keydown', function (e) {
    var td = e.target.closest('td[data-date]');
    if (!td || e.altKey || e.ctrlKey || e.metaKey) return;
    var key = td.getAttribute('data-date');
    var to;
    switch (e.key) {
      case 'ArrowLeft': to = addDays(key, -1); break;
      case 'ArrowRight': to = addDays(key, 1); break;
      case 'ArrowUp': to = addDays(key, -7); break;
      case 'ArrowDown': to = addDays(key, 7); break;
      case 'Home': to = addDays(key, -weekdayIndex(key)); break;
      case 'End': to = addDays(key, 6 - weekdayIndex(key)); break;
      case 'PageUp': to = addMonths(key, e.shiftKey ? -12 : -1); break;
      case 'PageDown': to = addMonths(key, e.shiftKey ? 12 : 1); break;
      case 'Enter': case ' ': e.preventDefault(); choose(key, 'key'); return;
      default: return;
    }
    e.preventDefault();
    moveFocus(to);
  });
  [prev, next].forEach(function (btn) {
    btn.addEventListener('click', function () {
      if (btn.disabled) return;
      state.month = monthOf(addMonths(state.month + '-01', Number(btn.getAttribute('data-nav'))));
      state.focus = null;
      renderMonth(false);
      if (btn.disabled) (btn === prev ? next : prev).focus();
      var open = state.dates.filter(function (d) { return monthOf(d) === state.month; }).length;
      say(title.textContent + ': ' + (open ? count(open, 'day') + ' with times' : 'no days with times') + '.');
    });
  });
  Array.prototype.forEach.call(hourButtons, function (btn) {
    btn.addEventListener('click', function () {
      state.hour12 = btn.getAttribute('data-hours') === '12';
      try { localStorage.setItem(HOUR_KEY, state.hour12 ? '12' : '24'); } catch (e) { /* not remembered */ }
      render();
      say(state.hour12 ? 'Showing 12-hour times.' : 'Showing 24-hour times.');
    });
  });
  times.addEventListener('click', function (e) {
    var a = e.target.closest('a.slot');
    if (a) say('Chosen: ' + a.getAttribute('aria-label') + '. Opening the confirm step.');
  });

  // The time zone: a searchable <input list>; a listed zone applies at once, without a reload.
  var zoneError;
  function showZoneError(text) {
    if (!zoneError) {
      zoneError = document.createElement('p');
      zoneError.id = 'tz-error';
      zoneError.className = 'error';
      zoneError.style.flexBasis = '100%';
      zoneError.style.margin = '0';
      hint.parentNode.insertBefore(zoneError, hint);
    }
    zoneError.textContent = text;
    zoneError.hidden = !text;
    if (text) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', 'tz-error tz-hint'); }
    else { input.removeAttribute('aria-invalid'); input.setAttribute('aria-describedby', 'tz-hint'); }
  }
  var listed = {};
  Array.prototype.forEach.call(datalist ? datalist.options : [], function (o) { listed[o.value] = true; });

  // What was typed, as a zone: an exact id, else a city ("tokyo", "new york"), else a place or country
  // in the list's labels ("Japan"). Browsers' own suggestion popups differ; this makes Enter work anyway.
  function resolveZone(text) {
    if (!text || listed[text]) return text;
    var t = text.toLowerCase();
    var city = t.replace(/ /g, '_');
    var options = datalist ? Array.prototype.slice.call(datalist.options) : [];
    var hit = options.filter(function (o) { return o.value.toLowerCase() === t; })[0]
      || options.filter(function (o) { return o.value.toLowerCase().split('/').pop() === city; })[0]
      || options.filter(function (o) { return (o.label || '').toLowerCase().indexOf(t) >= 0; })[0];
    return hit ? hit.value : text;
  }

  var loading = 0;
  function loadZone(z, first) {
    z = resolveZone(z);
    if (!isZone(z)) { showZoneError('Choose a time zone from the list, for example Europe/Berlin.'); return; }
    showZoneError('');
    if (z === state.zone && !first) return;
    var mine = ++loading;
    root.setAttribute('aria-busy', 'true');
    fetch('/b/' + token + '/slots?tz=' + encodeURIComponent(z), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(function (answer) {
        if (mine !== loading) return;
        useZone(z);
        state.error = Boolean(answer.calendarError);
        setSlots((answer.slots || []).map(function (s) { return { start: Date.parse(s.start), end: Date.parse(s.end) }; }));
        if (!listed[z] && datalist) { var o = document.createElement('option'); o.value = z; datalist.appendChild(o); listed[z] = true; }
        input.value = z;
        var url = new URL(location.href);
        url.searchParams.set('tz', z);
        history.replaceState(history.state, '', url.toString());
        Array.prototype.forEach.call(document.querySelectorAll('a[data-tz-link]'), function (a) {
          var u = new URL(a.href); u.searchParams.set('tz', z); a.href = u.pathname + u.search;
        });
        render();
        say('Times are shown in ' + zoneName(z) + ' time. ' + (state.selected ? daySummary(state.selected) + '.' : root.getAttribute(state.error ? 'data-error' : 'data-empty')));
      })
      .catch(function () {
        if (mine !== loading) return;
        if (first) return;
        input.value = state.zone;
        showZoneError('The times could not be loaded for that time zone. Check the name and your connection, and try again.');
      })
      .then(function () { if (mine === loading) root.removeAttribute('aria-busy'); });
  }

  var submit = document.getElementById('tz-submit');
  if (submit) submit.hidden = true;
  form.addEventListener('submit', function (e) { e.preventDefault(); loadZone(input.value.trim(), false); });
  input.addEventListener('change', function () { loadZone(input.value.trim(), false); });
  input.addEventListener('input', function () { if (listed[input.value]) loadZone(input.value, false); });
  input.addEventListener('focus', function () { input.select(); });
  input.addEventListener('blur', function () { if (!input.value.trim()) { input.value = state.zone; showZoneError(''); } });

  plain.parentNode.insertBefore(ui, plain);
  plain.parentNode.insertBefore(empty, plain);
  plain.parentNode.removeChild(plain);
  render();

  if (root.getAttribute('data-detect') === '1') {
    var browserZone;
    try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* keep the server's zone */ }
    if (browserZone && browserZone !== state.zone && isZone(browserZone)) loadZone(browserZone, true);
  }
})();
`;

export const BOOKING_JS_PATH = `/assets/booking.js?v=${assetVersion(BOOKING_JS)}`;
