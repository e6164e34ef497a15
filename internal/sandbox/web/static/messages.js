// messages.js: one transcript entry to one chat row, and keyboards to buttons.
// Every bubble and button carries dir="auto" so Persian and Arabic text runs
// right to left whatever the page's direction.

import { renderText, link, telHref } from './render.js';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** "m:ss" for a voice note's length. */
export function duration(sec) {
  const s = Math.max(0, Math.round(Number(sec) || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function clock(unix) {
  if (!unix) return '';
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * renderMessage builds the row for one transcript entry.
 * hooks: onTap(message, button, buttonElement), onCommand(text), and
 * quote(messageId), the short text of a message this one replies to.
 */
export function renderMessage(m, hooks) {
  const out = m.from === 'user';
  const row = el('div', `row ${out ? 'out' : 'in'}`);
  row.dataset.messageId = m.message_id;
  const msg = el('div', 'msg');
  const bubble = el('div', 'bubble');
  bubble.dir = 'auto';

  if (m.reply_to_message_id && hooks.quote) {
    const q = el('div', 'reply-quote', hooks.quote(m.reply_to_message_id));
    q.dir = 'auto';
    bubble.append(q);
  }
  const media = renderMedia(m);
  if (media) {
    bubble.append(media);
    bubble.classList.add('has-media');
  }
  const text = m.text ?? m.caption ?? '';
  if (text) {
    const body = el('div', 'text');
    body.dir = 'auto';
    body.append(renderText(text, m.entities ?? m.caption_entities, m.parse_mode, hooks));
    bubble.append(body);
  }
  if (!media && !text) bubble.append(el('div', 'text muted', '(empty message)'));

  const meta = el('span', 'meta');
  if (m.edited) meta.append(el('span', 'edited', 'edited'));
  meta.append(el('time', '', clock(m.date)));
  bubble.append(meta);
  msg.append(bubble);

  const kb = m.reply_markup && m.reply_markup.inline_keyboard;
  if (Array.isArray(kb) && kb.length) msg.append(inlineKeyboard(m, kb, hooks));
  row.append(msg);
  return row;
}

function inlineKeyboard(m, rows, hooks) {
  const box = el('div', 'inline-kb');
  for (const row of rows) {
    const line = el('div', 'kb-row');
    for (const b of row || []) {
      let btn;
      if (b.url) {
        btn = link(b.url, b.text);
        btn.classList.add('kb-btn', 'kb-url');
      } else {
        btn = el('button', 'kb-btn', b.text);
        btn.type = 'button';
        btn.addEventListener('click', () => hooks.onTap(m, b, btn));
      }
      btn.dir = 'auto';
      if (b.style) btn.dataset.style = b.style;
      line.append(btn);
    }
    box.append(line);
  }
  return box;
}

// renderMedia returns the photo, document, voice, location or contact part.
function renderMedia(m) {
  if (m.photo) {
    const p = Array.isArray(m.photo) ? m.photo[m.photo.length - 1] : m.photo;
    if (p && p.url) {
      const a = link(p.url, '');
      a.classList.add('photo');
      const img = el('img');
      img.src = p.url;
      img.alt = 'photo';
      img.loading = 'lazy';
      a.append(img);
      return a;
    }
    return el('div', 'file', '🖼 photo');
  }
  if (m.document) {
    const d = m.document;
    const name = d.file_name || 'document';
    const box = el('div', 'file');
    box.append(el('span', 'file-icon', '📄'));
    const a = d.url ? link(d.url, name) : el('span', '', name);
    if (d.url) a.setAttribute('download', name);
    a.dir = 'auto';
    box.append(a);
    if (d.file_size) box.append(el('span', 'muted', ` ${Math.ceil(d.file_size / 1024)} KB`));
    return box;
  }
  if (m.voice || m.audio) {
    const v = m.voice || m.audio;
    const box = el('div', 'voice');
    box.append(el('span', 'voice-icon', '🎤'));
    if (v.url) {
      const audio = el('audio');
      audio.controls = true;
      audio.preload = 'none';
      audio.src = v.url;
      box.append(audio);
      const dl = link(v.url, '⬇');
      dl.setAttribute('download', '');
      dl.title = 'Download';
      box.append(dl);
    } else {
      box.append(el('span', 'wave'));
    }
    box.append(el('span', 'voice-len', duration(v.duration)));
    return box;
  }
  if (m.location) {
    const { latitude: lat, longitude: lon } = m.location;
    const box = el('div', 'location');
    box.append(el('span', 'pin', '📍'));
    const a = link(`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`,
      `${Number(lat).toFixed(5)}, ${Number(lon).toFixed(5)}`);
    a.dir = 'ltr';
    box.append(a);
    return box;
  }
  if (m.contact) {
    const c = m.contact;
    const box = el('div', 'contact');
    box.append(el('span', 'avatar small', initials(c.first_name || '?')));
    const info = el('div');
    const name = el('div', 'contact-name', [c.first_name, c.last_name].filter(Boolean).join(' '));
    name.dir = 'auto';
    const tel = link(telHref(c.phone_number || ''), c.phone_number || '');
    tel.dir = 'ltr';
    info.append(name, tel);
    box.append(info);
    return box;
  }
  for (const kind of ['sticker', 'video', 'animation', 'video_note', 'poll', 'dice', 'venue']) {
    if (m[kind]) return el('div', 'file muted', `[${kind}]`);
  }
  return null;
}

/** Up to two letters for an avatar. */
export function initials(name) {
  const parts = String(name).trim().split(/\s+/).filter(Boolean);
  return parts.slice(0, 2).map((w) => Array.from(w)[0]).join('').toUpperCase() || '?';
}

/**
 * renderReplyKeyboard fills box with a reply keyboard's rows.
 * onPress(button) is called with the KeyboardButton object.
 */
export function renderReplyKeyboard(box, keyboard, onPress) {
  box.replaceChildren();
  for (const row of keyboard || []) {
    const line = el('div', 'kb-row');
    for (const raw of row || []) {
      const b = typeof raw === 'string' ? { text: raw } : raw;
      const btn = el('button', 'kb-btn', b.text);
      btn.type = 'button';
      btn.dir = 'auto';
      if (b.request_contact) btn.classList.add('kb-contact');
      if (b.request_location) btn.classList.add('kb-location');
      btn.addEventListener('click', () => onPress(b));
      line.append(btn);
    }
    box.append(line);
  }
}
