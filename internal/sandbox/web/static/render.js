// render.js: message text to DOM nodes, safely.
//
// Bot text arrives as plain text plus Telegram entities (offsets in UTF-16
// code units, which is what JavaScript strings index by), or, failing that,
// as Telegram's small HTML subset. Either way the result is built with
// createElement and text nodes only: no untrusted string is ever parsed into
// the live document, and only http(s), tel, mailto and tg links survive.

const SAFE_SCHEMES = new Set(['http:', 'https:', 'tel:', 'mailto:', 'tg:']);

// Eastern Arabic (٠-٩) and Persian (۰-۹) digits to ASCII, for tel: links.
export function asciiDigits(s) {
  return s.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06F0));
}

/** tel: URL for a phone number written with any digits and separators. */
export function telHref(phone) {
  const s = asciiDigits(phone).trim();
  return 'tel:' + (s.startsWith('+') ? '+' : '') + s.replace(/\D/g, '');
}

/** A link element if url is safe, else a plain span with the text. */
export function link(url, text) {
  let u = null;
  try { u = new URL(url, 'https://invalid.example/'); } catch { /* not a URL */ }
  if (!u || !SAFE_SCHEMES.has(u.protocol) || u.host === 'invalid.example') {
    const span = document.createElement('span');
    span.textContent = text;
    return span;
  }
  const a = document.createElement('a');
  a.href = u.href;
  a.textContent = text;
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return a;
}

// URLs, e-mail addresses, and phone numbers that start with + or 0 (so dates
// and amounts are left alone), as Telegram's clients find them. The phone
// part is checked for its digit count afterwards.
const AUTO = new RegExp([
  /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?()])/.source,
  /([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})/.source,
  /((?<![\p{L}\p{N}+])(?:\+|[0\u0660\u06F0])[\p{Nd}][\p{Nd} \-]{5,16}[\p{Nd}](?![\p{L}\p{N}]))/.source,
].join('|'), 'giu');

/** Appends text, turning bare URLs and phone numbers into links. */
export function appendAuto(parent, text) {
  let pos = 0;
  for (const m of text.matchAll(AUTO)) {
    let node = null;
    if (m[1]) {
      node = link(m[1], m[1]);
    } else if (m[2]) {
      node = link(`mailto:${m[2]}`, m[2]);
    } else {
      const digits = asciiDigits(m[3]).replace(/\D/g, '').length;
      if (digits >= 8 && digits <= 15) {
        node = link(telHref(m[3]), m[3]);
        node.dir = 'ltr';
      }
    }
    if (!node) continue;
    if (m.index > pos) parent.append(text.slice(pos, m.index));
    parent.append(node);
    pos = m.index + m[0].length;
  }
  if (pos < text.length) parent.append(text.slice(pos));
}

/** Text with Telegram entities (or HTML when there are none) as a fragment. */
export function renderText(text, entities, parseMode, hooks = {}) {
  const frag = document.createDocumentFragment();
  if (!text) return frag;
  if (Array.isArray(entities) && entities.length) {
    const sorted = entities
      .filter((e) => e && e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    build(frag, text, 0, text.length, sorted, true, hooks);
  } else if (String(parseMode || '').toUpperCase() === 'HTML') {
    fromHTML(frag, text, hooks);
  } else {
    appendAuto(frag, text);
  }
  return frag;
}

// build renders text[start:end) into parent; ents lie inside that range,
// sorted by offset, longest first, so an entity's children follow it.
function build(parent, text, start, end, ents, auto, hooks) {
  let pos = start;
  let i = 0;
  while (i < ents.length) {
    const e = ents[i];
    const eEnd = e.offset + e.length;
    if (e.offset < pos) { i++; continue; } // crosses a sibling: drop its style, keep its text
    if (e.offset > pos) plain(parent, text.slice(pos, e.offset), auto);
    const inner = [];
    let j = i + 1;
    for (; j < ents.length && ents[j].offset < eEnd; j++) {
      if (ents[j].offset + ents[j].length <= eEnd) inner.push(ents[j]);
    }
    const sub = text.slice(e.offset, eEnd);
    const node = entityElement(e, sub, hooks);
    build(node.inner || node, text, e.offset, eEnd, inner, auto && !node.noAuto, hooks);
    parent.append(node.outer || node);
    pos = eEnd;
    i = j;
  }
  if (pos < end) plain(parent, text.slice(pos, end), auto);
}

function plain(parent, s, auto) {
  if (auto) appendAuto(parent, s); else parent.append(s);
}

function el(tag, cls) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
}

// entityElement returns the element for one entity (or {outer, inner} when
// the text goes in a child); build fills the text in. noAuto stops
// autolinking inside code and links.
function entityElement(e, sub, hooks) {
  const wrap = (node, noAuto) => Object.assign(node, { noAuto });
  switch (e.type) {
    case 'bold': return el('b');
    case 'italic': return el('i');
    case 'underline': return el('u');
    case 'strikethrough': return el('s');
    case 'spoiler': return spoiler();
    case 'code': return wrap(el('code'), true);
    case 'pre': {
      const pre = el('pre');
      const code = el('code');
      if (e.language) code.dataset.language = e.language;
      pre.append(code);
      return { outer: pre, inner: code, noAuto: true };
    }
    case 'blockquote':
    case 'expandable_blockquote': return el('blockquote');
    case 'text_link': return wrap(link(e.url, ''), true);
    case 'url': return wrap(link(/^[a-z][a-z0-9+.-]*:/i.test(sub) ? sub : 'https://' + sub, ''), true);
    case 'email': return wrap(link('mailto:' + sub, ''), true);
    case 'phone_number': {
      const a = link(telHref(sub), '');
      a.dir = 'ltr';
      return wrap(a, true);
    }
    case 'bot_command': {
      const span = el('span', 'command');
      if (hooks.onCommand) {
        span.tabIndex = 0;
        span.setAttribute('role', 'button');
        span.addEventListener('click', () => hooks.onCommand(sub));
      }
      return wrap(span, true);
    }
    case 'mention':
    case 'text_mention': return wrap(el('span', 'mention'), true);
    case 'hashtag':
    case 'cashtag': return wrap(el('span', 'hashtag'), true);
    default: return el('span'); // custom_emoji, date_time, ...: show the text
  }
}

function spoiler() {
  const s = el('span', 'spoiler');
  s.title = 'Spoiler: tap to reveal';
  s.addEventListener('click', () => s.classList.add('revealed'), { once: true });
  return s;
}

// fromHTML renders Telegram's HTML subset. DOMParser builds an inert
// document (no scripts run, nothing loads); we walk it and rebuild only the
// allowed tags, copying text as text.
function fromHTML(parent, html, hooks) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  walk(parent, doc.body, true, hooks);
}

function walk(parent, node, auto, hooks) {
  for (const n of node.childNodes) {
    if (n.nodeType === Node.TEXT_NODE) { plain(parent, n.data, auto); continue; }
    if (n.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = n.tagName.toLowerCase();
    let out = null;
    let noAuto = false;
    switch (tag) {
      case 'b': case 'strong': out = el('b'); break;
      case 'i': case 'em': out = el('i'); break;
      case 'u': case 'ins': out = el('u'); break;
      case 's': case 'strike': case 'del': out = el('s'); break;
      case 'tg-spoiler': out = spoiler(); break;
      case 'span': out = n.classList.contains('tg-spoiler') ? spoiler() : el('span'); break;
      case 'code': out = el('code'); noAuto = true; break;
      case 'pre': out = el('pre'); noAuto = true; break;
      case 'blockquote': out = el('blockquote'); break;
      case 'a': {
        const href = n.getAttribute('href') || '';
        out = link(href, '');
        if (href.startsWith('tel:')) out.dir = 'ltr';
        noAuto = true;
        break;
      }
      case 'br': parent.append('\n'); continue;
      default: out = el('span'); // tg-emoji and anything unknown: keep the text
    }
    walk(out, n, auto && !noAuto, hooks);
    parent.append(out);
  }
}
