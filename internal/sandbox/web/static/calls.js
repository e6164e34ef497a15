// calls.js: the side panel listing the Bot API calls the bot makes.

import * as api from './api.js';

const MAX_ROWS = 300;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function clock(t) {
  // time may be unix seconds, unix milliseconds or an RFC 3339 string.
  let d;
  if (typeof t === 'number') d = new Date(t > 1e12 ? t : t * 1000);
  else d = new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  return d.toTimeString().slice(0, 8);
}

// idlePoll is a getUpdates that found nothing: the bot's long poll ticking
// over, not worth a row.
function idlePoll(c) {
  return c.method === 'getUpdates' && c.ok !== false && Array.isArray(c.result) && c.result.length === 0;
}

// readable turns parameters that are JSON text (reply_markup, entities, as
// the Bot API receives them) back into objects so they print indented.
function readable(params) {
  const out = {};
  for (const [k, v] of Object.entries(params || {})) {
    out[k] = v;
    if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
      try { out[k] = JSON.parse(v); } catch { /* leave as text */ }
    }
  }
  return out;
}

/**
 * CallsPanel polls /sandbox/calls and shows each call with its parameters.
 * onCall(call, live) is told of every call; live is false for the calls
 * that were already there when the page opened.
 */
export class CallsPanel {
  constructor({ list, badge, onCall }) {
    this.list = list;
    this.badge = badge;
    this.onCall = onCall;
    this.since = 0;
    this.unseen = 0;
    this.open = false;
    this.loaded = false;
  }

  setOpen(open) {
    this.open = open;
    if (open) {
      this.unseen = 0;
      this.badge.hidden = true;
    }
  }

  clear() {
    this.list.replaceChildren();
  }

  // reset forgets the position and the rows: the sandbox restarted, and
  // its call numbers start again.
  reset() {
    this.clear();
    this.since = 0;
    this.loaded = false;
  }

  async poll() {
    const calls = await api.calls(this.since);
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 24;
    for (const c of calls) {
      if (typeof c.seq === 'number' && c.seq <= this.since) continue;
      this.since = Math.max(this.since, c.seq || 0);
      if (idlePoll(c)) continue;
      this.list.append(this.row(c));
      this.onCall(c, this.loaded);
      if (this.loaded && !this.open) this.unseen++;
    }
    while (this.list.childElementCount > MAX_ROWS) this.list.firstElementChild.remove();
    if (calls.length && atBottom) this.list.scrollTop = this.list.scrollHeight;
    if (this.unseen) {
      this.badge.hidden = false;
      this.badge.textContent = this.unseen > 99 ? '99+' : String(this.unseen);
    }
    this.loaded = true;
  }

  row(c) {
    const li = el('li', c.ok === false ? 'call failed' : 'call');
    const details = el('details');
    const summary = el('summary');
    summary.append(el('time', 'call-time', clock(c.time)));
    summary.append(el('span', 'call-method', c.method || '?'));
    const chat = c.params && (c.params.chat_id ?? c.params.user_id);
    if (chat !== undefined) summary.append(el('span', 'call-chat', `→ ${chat}`));
    if (c.ok === false) {
      summary.append(el('span', 'call-error', `${c.error_code || ''} ${c.description || ''}`.trim()));
    }
    details.append(summary);
    const shown = { params: readable(c.params) };
    if (c.result !== undefined) shown.result = c.result;
    const pre = el('pre', 'call-params', JSON.stringify(shown, null, 2));
    pre.dir = 'ltr';
    details.append(pre);
    li.append(details);
    return li;
  }
}
