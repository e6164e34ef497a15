// app.js: the sandbox chat page. It picks a persona, polls that persona's
// private chat with the bot, and sends what the user types or taps.

import * as api from './api.js';
import { renderMessage, renderReplyKeyboard, initials } from './messages.js';
import { CallsPanel } from './calls.js';

const POLL_MS = 500;
const RETRY_MS = [500, 1000, 2000]; // between polls while the sandbox is unreachable
const CALLS_MS = 1000;
const RTL = new Set(['fa', 'ar', 'he', 'ur']);
const PLACES = { // where "send location" says the user is
  fa: [35.6997, 51.3380], // Tehran, Azadi Square
  ar: [24.7136, 46.6753], // Riyadh
  en: [25.1972, 55.2744], // Dubai
};
const $ = (id) => document.getElementById(id);

const state = {
  personas: [], // from the server, then ad-hoc ones
  current: null,
  gen: 0, // bumped on every switch; stale poll answers are dropped
  sinceSeq: 0,
  rows: new Map(), // message_id -> row element
  forceReply: new Map(), // message_id -> force_reply markup of bot messages
  toastsSeen: new Set(),
  keyboard: '', // the reply keyboard in force, as JSON text
  keyboardHidden: false,
  blocked: new Set(), // user ids that blocked the bot from this page
  unread: new Set(), // user ids the bot wrote to while another chat was open
  lastForceReply: -1,
  epoch: '', // the sandbox state the positions above belong to
  commands: null, // the command menu shown, as JSON text
  about: null, // the bot's description shown in an empty chat
};
let callsPanel = null;

// ---- personas ----

function adhocPersonas() {
  try { return JSON.parse(localStorage.getItem('sandbox.adhoc') || '[]'); } catch { return []; }
}

function saveAdhoc(list) {
  localStorage.setItem('sandbox.adhoc', JSON.stringify(list));
}

async function loadPersonas() {
  let list = [];
  try { list = await api.personas(); } catch (err) { toast(err.message, false); }
  const known = new Set(list.map((p) => Number(p.user_id)));
  const extra = adhocPersonas().filter((p) => !known.has(Number(p.user_id)));
  state.personas = [...list, ...extra];
  $('adhoc').open = state.personas.length === 0;
  renderPersonaList();
}

function renderPersonaList() {
  const ul = $('persona-list');
  ul.replaceChildren();
  if (!state.personas.length) {
    const li = document.createElement('li');
    li.className = 'persona-empty';
    li.textContent = 'No personas are configured. Make a test user below.';
    ul.append(li);
  }
  for (const p of state.personas) {
    const li = document.createElement('li');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'persona';
    btn.dataset.userId = p.user_id;
    btn.dataset.role = p.role || 'test';
    if (state.current && state.current.user_id === p.user_id) btn.setAttribute('aria-current', 'true');
    const av = document.createElement('span');
    av.className = 'avatar';
    av.textContent = initials(p.name);
    av.style.setProperty('--hue', String((Number(p.user_id) * 47) % 360));
    const info = document.createElement('span');
    info.className = 'persona-info';
    const name = document.createElement('span');
    name.className = 'persona-name';
    name.dir = 'auto';
    name.textContent = p.name;
    const sub = document.createElement('span');
    sub.className = 'persona-sub';
    sub.textContent = `${p.role || 'test user'} · ${p.language_code || '?'} · ${p.user_id}`;
    info.append(name, sub);
    btn.append(av, info);
    if (state.unread.has(Number(p.user_id))) btn.append(Object.assign(document.createElement('span'), { className: 'dot' }));
    btn.addEventListener('click', () => select(p));
    li.append(btn);
    ul.append(li);
  }
}

// select opens p's chat from its start. keepFocus leaves the focus where
// it is (a resync is not the user's doing).
function select(p, { keepFocus = false } = {}) {
  state.current = p;
  state.gen++;
  state.sinceSeq = 0;
  state.rows.clear();
  state.forceReply.clear();
  state.toastsSeen.clear();
  state.keyboard = '';
  state.keyboardHidden = false;
  state.lastForceReply = -1;
  state.typing = false;
  state.commands = null;
  state.about = null;
  if (p.blocked) state.blocked.add(Number(p.user_id));
  state.unread.delete(Number(p.user_id));
  localStorage.setItem('sandbox.user', String(p.user_id));
  history.replaceState(null, '', `#user=${p.user_id}`);

  const rtl = RTL.has(String(p.language_code || '').slice(0, 2));
  const chat = $('chat');
  chat.dir = rtl ? 'rtl' : 'ltr';
  chat.lang = p.language_code || '';
  $('chat-name').textContent = p.name;
  updateSubtitle();
  $('block-toggle').hidden = false;
  $('messages').replaceChildren($('bot-about'), $('empty'));
  $('empty').hidden = false;
  $('bot-about').hidden = true;
  setCommands([]);
  $('reply-keyboard').hidden = true;
  $('keyboard-toggle').hidden = true;
  $('input').placeholder = 'Message';
  document.body.classList.remove('show-personas');
  renderPersonaList();
  wake();
  if (!keepFocus) $('input').focus();
}

function updateSubtitle() {
  const p = state.current;
  if (!p) return;
  const blocked = state.blocked.has(Number(p.user_id)) ? ' · bot blocked' : '';
  const typing = state.typing ? ' · bot is typing…' : '';
  $('chat-sub').textContent = `${p.role || 'test user'} · ${p.language_code || '?'} · id ${p.user_id}${blocked}${typing}`;
  $('block-toggle').title = blocked ? 'Unblock the bot' : 'Block the bot';
  $('block-toggle').classList.toggle('active', Boolean(blocked));
}

// ---- transcript polling ----

let wakeUp = null;
function wake() { if (wakeUp) wakeUp(); }
function nap(ms) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    wakeUp = () => { clearTimeout(t); resolve(); };
  });
}

async function pollLoop() {
  let failures = 0;
  for (;;) {
    const p = state.current;
    const gen = state.gen;
    if (p) {
      try {
        const t = (await api.transcript(p.user_id, state.sinceSeq)) || {};
        failures = 0;
        setOffline(false);
        if (gen === state.gen) {
          if (otherSandbox(t)) await resync(t.epoch);
          else apply(t);
        }
      } catch (err) {
        failures++;
        setOffline(true, err);
      }
    }
    if (gen === state.gen) await nap(failures ? RETRY_MS[Math.min(failures, RETRY_MS.length) - 1] : POLL_MS);
  }
}

// otherSandbox reports an answer from a sandbox state other than the one
// the page's positions come from: a restarted demo, or a reset. Its seq
// numbers start again, so polling on from ours would never show anything.
function otherSandbox(t) {
  if (!state.epoch) {
    state.epoch = t.epoch || '';
    return false;
  }
  return (t.epoch || '') !== state.epoch || (typeof t.seq === 'number' && t.seq < state.sinceSeq);
}

// resync reloads everything from the sandbox as it is now: its personas,
// the open chat from its start, and the calls panel.
async function resync(epoch) {
  state.epoch = epoch || '';
  const cur = state.current;
  await loadPersonas();
  for (const p of state.personas) {
    if (p.adhoc) api.addUser(p).catch(() => {}); // make them known to the new sandbox again
  }
  if (callsPanel) callsPanel.reset();
  if (cur) {
    const again = state.personas.find((p) => Number(p.user_id) === Number(cur.user_id));
    // A demo sets its personas a moment after its sandbox starts: keep the
    // chat open by its user id meanwhile, and look for them again.
    if (!again) setTimeout(loadPersonas, 2000);
    select(again || cur, { keepFocus: true });
  }
  toast('The sandbox started afresh: the chat was loaded again.', false);
}

// setOffline shows, while the sandbox does not answer, a banner and the
// error under the chat's name.
function setOffline(off, err) {
  const was = document.body.classList.contains('offline');
  document.body.classList.toggle('offline', off);
  $('conn-banner').hidden = !off;
  if (off) $('chat-sub').textContent = `cannot reach the sandbox: ${err.message}`;
  else if (was) updateSubtitle();
}

// apply merges one poll's answer: new and edited messages, the reply
// keyboard in force, whether the user blocked the bot, and toasts.
function apply(t) {
  const first = state.sinceSeq === 0;
  const box = $('messages');
  const nearBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 80;
  const messages = t.messages || [];
  for (const m of messages) {
    state.sinceSeq = Math.max(state.sinceSeq, m.seq || 0);
    upsert(m);
  }
  // seq is the whole sandbox's latest: nothing at or below it is left to see.
  if (typeof t.seq === 'number') state.sinceSeq = Math.max(state.sinceSeq, t.seq);
  $('empty').hidden = state.rows.size > 0;
  setAbout(t.description || '');
  setCommands(t.commands || []);
  if (messages.length || first) {
    if (first || nearBottom) box.scrollTop = box.scrollHeight;
  }
  setReplyKeyboard(t.keyboard ? JSON.stringify(t.keyboard) : '');
  if (messages.length) applyForceReply();
  const id = Number(state.current.user_id);
  if (typeof t.blocked === 'boolean' && t.blocked !== state.blocked.has(id)) {
    if (t.blocked) state.blocked.add(id); else state.blocked.delete(id);
  }
  state.typing = t.action === 'typing' && t.action_at > Date.now() / 1000 - 5;
  updateSubtitle();
  for (const ts of t.toasts || []) {
    const key = ts.seq ?? `${ts.at}|${ts.text}`;
    if (state.toastsSeen.has(key)) continue;
    state.toastsSeen.add(key);
    if (!ts.text) continue; // an answer without text shows nothing, as on Telegram
    // On opening a chat, old toasts are history, not news.
    if (first && ts.at && ts.at < Date.now() / 1000 - 5) continue;
    if (ts.show_alert) showAlert(ts.text); else toast(ts.text, true);
  }
}

const hooks = {
  onTap: tap,
  onCommand: (text) => send(text),
  quote: (id) => {
    const t = state.rows.get(id)?.querySelector('.text')?.textContent;
    return t ? (t.length > 80 ? `${t.slice(0, 80)}…` : t) : `message ${id}`;
  },
};

function upsert(m) {
  const id = m.message_id;
  const old = state.rows.get(id);
  if (m.deleted) {
    if (old) old.remove();
    state.rows.delete(id);
    state.forceReply.delete(id);
    return;
  }
  const row = renderMessage(m, hooks);
  if (m.from !== 'user' && m.reply_markup && m.reply_markup.force_reply) state.forceReply.set(id, m.reply_markup);
  if (old) {
    old.replaceWith(row);
  } else {
    // Keep message_id order; nearly always this is an append.
    let after = null;
    for (const [k, r] of state.rows) if (k > id && (!after || k < Number(after.dataset.messageId))) after = r;
    $('messages').insertBefore(row, after);
  }
  state.rows.set(id, row);
}

// ---- the bot's description and command menu ----

// setAbout shows the bot's description in an empty chat, as Telegram does.
function setAbout(text) {
  if (text !== state.about) {
    state.about = text;
    $('bot-about-text').textContent = text;
  }
  $('bot-about').hidden = state.rows.size > 0 || !text;
}

// setCommands shows the menu button with the commands the sandbox resolved
// for this user (their chat's menu, else all private chats', else the
// default, each in their language first), as Telegram's Menu button does.
function setCommands(list) {
  const json = JSON.stringify(list);
  if (json === state.commands) return;
  state.commands = json;
  const menu = $('command-menu');
  menu.replaceChildren();
  for (const c of list) {
    const li = document.createElement('li');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.dataset.command = c.command;
    const cmd = Object.assign(document.createElement('span'), { className: 'cmd', textContent: `/${c.command}` });
    cmd.dir = 'ltr';
    const desc = Object.assign(document.createElement('span'), { className: 'cmd-desc', textContent: c.description });
    desc.dir = 'auto';
    btn.append(cmd, desc);
    btn.addEventListener('click', () => {
      showCommandMenu(false);
      send(`/${c.command}`);
    });
    li.append(btn);
    menu.append(li);
  }
  $('menu-toggle').hidden = list.length === 0;
  if (!list.length) showCommandMenu(false);
}

function showCommandMenu(open) {
  $('command-menu').hidden = !open;
  $('menu-toggle').setAttribute('aria-expanded', String(open));
}

// ---- reply keyboard ----

// setReplyKeyboard shows the reply keyboard the server says is in force
// (the bot's last keyboard not removed since); json is '' for none.
function setReplyKeyboard(json) {
  if (json === state.keyboard) return;
  state.keyboard = json;
  state.keyboardHidden = false;
  const box = $('reply-keyboard');
  const input = $('input');
  const kb = json ? JSON.parse(json) : null;
  if (kb && Array.isArray(kb.keyboard)) {
    renderReplyKeyboard(box, kb.keyboard, pressReplyButton);
    box.dataset.oneTime = kb.one_time_keyboard ? 'true' : '';
    input.placeholder = kb.input_field_placeholder || 'Message';
    input.dir = 'auto';
    box.hidden = false;
    $('keyboard-toggle').hidden = false;
  } else {
    box.replaceChildren();
    box.hidden = true;
    $('keyboard-toggle').hidden = true;
    input.placeholder = 'Message';
  }
}

// applyForceReply focuses the input, with the bot's placeholder, when the
// latest bot message asks for a reply.
function applyForceReply() {
  let latestId = -1;
  for (const id of state.forceReply.keys()) latestId = Math.max(latestId, id);
  const newest = Math.max(-1, ...state.rows.keys());
  if (latestId < 0 || latestId !== newest || latestId === state.lastForceReply) return;
  state.lastForceReply = latestId;
  const rm = state.forceReply.get(latestId);
  if (rm.input_field_placeholder) $('input').placeholder = rm.input_field_placeholder;
  $('input').focus();
}

async function pressReplyButton(b) {
  const p = state.current;
  if ($('reply-keyboard').dataset.oneTime) {
    state.keyboardHidden = true;
    $('reply-keyboard').hidden = true;
  }
  if (b.request_contact) return act(() => api.shareContact(p));
  if (b.request_location) return act(() => shareLocation(p));
  if (b.request_users || b.request_user || b.request_chat || b.request_poll || b.web_app) {
    return toast('This button kind is not supported in the sandbox.', false);
  }
  return send(b.text);
}

// ---- sending ----

async function act(fn) {
  if (!state.current) return toast('Pick a user first.', false);
  try {
    await fn();
    wake();
  } catch (err) {
    toast(err.message, false);
  }
}

function send(text) {
  const p = state.current;
  return act(() => api.sendText(p, text));
}

function shareLocation(p) {
  const [lat, lon] = PLACES[p.language_code] || PLACES.en;
  return api.shareLocation(p, lat, lon);
}

async function tap(m, b, btn) {
  const p = state.current;
  if (b.callback_data !== undefined) {
    btn.classList.add('busy');
    await act(() => api.tap(p, m.message_id, b.callback_data));
    setTimeout(() => btn.classList.remove('busy'), 600);
    return;
  }
  if (b.copy_text && b.copy_text.text) {
    try { await navigator.clipboard.writeText(b.copy_text.text); toast('Copied.', false); } catch { toast(b.copy_text.text, false); }
    return;
  }
  toast('This button kind is not supported in the sandbox.', false);
}

// ---- toasts and alerts ----

function toast(text, fromBot) {
  const t = document.createElement('div');
  t.className = fromBot ? 'toast bot' : 'toast';
  t.dir = 'auto';
  t.textContent = text;
  $('toasts').append(t);
  setTimeout(() => t.classList.add('leaving'), 2600);
  setTimeout(() => t.remove(), 3000);
}

function showAlert(text) {
  $('alert-text').textContent = text;
  $('alert').hidden = false;
  $('alert-ok').focus();
}

// ---- wiring ----

function wireComposer() {
  const input = $('input');
  const resize = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
  };
  input.addEventListener('input', resize);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    resize();
    send(text);
    input.focus();
  });

  $('menu-toggle').addEventListener('click', () => showCommandMenu($('command-menu').hidden));
  document.addEventListener('click', (e) => {
    if (!e.target.closest('.commands')) showCommandMenu(false);
  });

  const menu = $('attach-menu');
  const toggle = $('attach-toggle');
  toggle.addEventListener('click', () => {
    menu.hidden = !menu.hidden;
    toggle.setAttribute('aria-expanded', String(!menu.hidden));
  });
  menu.addEventListener('click', (e) => {
    const action = e.target.closest('button')?.dataset.action;
    if (!action) return;
    menu.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    const p = state.current;
    if (action === 'contact') act(() => api.shareContact(p));
    if (action === 'location') act(() => shareLocation(p));
    if (action === 'voice') act(() => api.sendVoice(p, 2 + Math.floor(Math.random() * 9)));
  });

  $('keyboard-toggle').addEventListener('click', () => {
    state.keyboardHidden = !state.keyboardHidden;
    $('reply-keyboard').hidden = state.keyboardHidden;
  });
  $('block-toggle').addEventListener('click', () => {
    const p = state.current;
    const id = Number(p.user_id);
    const block = !state.blocked.has(id);
    act(async () => {
      await api.setBlocked(p, block);
      if (block) state.blocked.add(id); else state.blocked.delete(id);
      updateSubtitle();
    });
  });
  $('alert-ok').addEventListener('click', () => { $('alert').hidden = true; });
}

function wirePanels() {
  callsPanel = new CallsPanel({
    list: $('call-list'),
    badge: $('calls-badge'),
    onCall: (c, live) => {
      const chat = Number(c.params && c.params.chat_id);
      const cur = state.current && Number(state.current.user_id);
      if (live && chat && chat !== cur && /^(send|forward|copy)/.test(c.method || '')) {
        state.unread.add(chat);
        renderPersonaList();
      }
    },
  });
  const calls = callsPanel;
  const setCalls = (open) => {
    document.body.classList.toggle('show-calls', open);
    calls.setOpen(open);
    localStorage.setItem('sandbox.calls', open ? 'open' : 'closed');
  };
  const saved = localStorage.getItem('sandbox.calls');
  setCalls(saved ? saved === 'open' : window.matchMedia('(min-width: 1100px)').matches);
  $('calls-toggle').addEventListener('click', () => setCalls(!document.body.classList.contains('show-calls')));
  $('calls-close').addEventListener('click', () => setCalls(false));
  $('calls-clear').addEventListener('click', () => calls.clear());
  $('personas-open').addEventListener('click', () => document.body.classList.add('show-personas'));
  $('personas-close').addEventListener('click', () => document.body.classList.remove('show-personas'));
  $('scrim').addEventListener('click', () => {
    document.body.classList.remove('show-personas');
    setCalls(false);
  });

  const tick = async () => {
    try { await calls.poll(); } catch { /* the transcript poll reports being offline */ }
    setTimeout(tick, CALLS_MS);
  };
  tick();
}

function wireAdhoc() {
  $('adhoc-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const p = {
      user_id: Number(f.get('user_id')),
      name: String(f.get('name')).trim(),
      role: 'test user',
      language_code: String(f.get('language_code')),
      adhoc: true,
    };
    if (!p.user_id || !p.name) return;
    api.addUser(p).then(() => {
      saveAdhoc([...adhocPersonas().filter((q) => q.user_id !== p.user_id), p]);
      state.personas = [...state.personas.filter((q) => Number(q.user_id) !== p.user_id), p];
      e.target.reset();
      select(p);
    }, (err) => toast(err.message, false));
  });
}

function initialPersona() {
  const fromHash = /user=(\d+)/.exec(location.hash);
  const want = fromHash ? fromHash[1] : localStorage.getItem('sandbox.user');
  return state.personas.find((p) => String(p.user_id) === want) || state.personas[0] || null;
}

async function main() {
  wireComposer();
  wirePanels();
  wireAdhoc();
  await loadPersonas();
  const p = initialPersona();
  if (p) select(p);
  else document.body.classList.add('show-personas');
  window.addEventListener('hashchange', () => {
    const q = initialPersona();
    if (q && q !== state.current) select(q);
  });
  pollLoop();
}

main();
