// api.js: the sandbox control API, as small async functions.
// Every call goes to the page's own origin; nothing else is fetched.

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { description: text.trim() }; }
  }
  if (!res.ok) {
    const why = (data && (data.description || data.error)) || res.statusText;
    throw new Error(`${method} ${path}: ${res.status} ${why}`);
  }
  return data;
}

const user = (id, what) => `/sandbox/users/${encodeURIComponent(id)}/${what}`;

/** The configured personas; [] when the demo set none. */
export async function personas() {
  const list = await call('GET', '/sandbox/personas');
  return Array.isArray(list) ? list : (list && list.personas) || [];
}

/** Messages (new or edited) and toasts after sinceSeq in one chat. */
export function transcript(chatId, sinceSeq) {
  return call('GET', `/sandbox/chats/${encodeURIComponent(chatId)}/transcript?since_seq=${sinceSeq}`);
}

/** Bot API calls the bot made after seq `since`. */
export async function calls(since) {
  const list = await call('GET', `/sandbox/calls?since=${since}`);
  return Array.isArray(list) ? list : (list && list.calls) || [];
}

/** Makes an ad-hoc user known to the sandbox before they write. */
export function addUser(p) {
  return call('POST', `/sandbox/users/${encodeURIComponent(p.user_id)}`, {
    first_name: p.name, language_code: p.language_code,
  });
}

/**
 * The user types text. Configured personas are known to the sandbox by
 * name already; an ad-hoc user's profile goes along with each message, in
 * case the sandbox was reset since.
 */
export function sendText(p, text) {
  const profile = p.adhoc ? { first_name: p.name, language_code: p.language_code } : {};
  return call('POST', user(p.user_id, 'messages'), { text, ...profile });
}

/** The user taps an inline button. */
export function tap(p, messageId, data) {
  return call('POST', user(p.user_id, 'callbacks'), { message_id: messageId, data });
}

/** The user shares their own contact. */
export function shareContact(p) {
  return call('POST', user(p.user_id, 'contact'), {
    phone_number: phoneOf(p), first_name: p.name, user_id: p.user_id,
  });
}

/** The user shares a location. */
export function shareLocation(p, latitude, longitude) {
  return call('POST', user(p.user_id, 'location'), { latitude, longitude });
}

/** The user records a voice note of `duration` seconds. */
export function sendVoice(p, duration) {
  return call('POST', user(p.user_id, 'voice'), { duration });
}

/** The user blocks (true) or unblocks (false) the bot. */
export function setBlocked(p, blocked) {
  return call('POST', user(p.user_id, blocked ? 'block' : 'unblock'), {});
}

// A persona's phone: the configured one, else a stable made-up number
// in the persona's country, so the same user always shares the same phone.
export function phoneOf(p) {
  const given = p.phone_number || p.phone;
  if (given) return given;
  const n = String(Math.abs(Number(p.user_id) || 0) % 10000000).padStart(7, '0');
  switch (p.language_code) {
    case 'fa': return `+98912${n}`;
    case 'ar': return `+96650${n}`;
    default: return `+1555${n}`;
  }
}
