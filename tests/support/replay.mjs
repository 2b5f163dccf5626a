// Helpers for the session-replay tests: the canonical form of a DOM for comparing a live page
// with rrweb's replay of it, and playing recorded events in rrweb's own Replayer in Chromium.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** rrweb (record + replay) 2.2.2 from npm, the UMD bundle that defines `window.rrweb`. */
export const rrwebScript = () => readFile(path.join(root, 'node_modules/rrweb/umd/rrweb.min.js'), 'utf8');

/**
 * In-page function (pass to page.evaluate): the canonical form of `doc.body` — tags, attributes
 * (URLs resolved against `base`), text, form state; scripts and rrweb's own additions left out.
 */
export function canonicalDom({ base, replayed }) {
  const doc = replayed ? window.__replayer.iframe.contentDocument : document;
  // Form state is compared through properties; rrweb's Replayer adds autocomplete="off" to
  // fields and a ":hover" class where its cursor is.
  const skipAttr = new Set(['value', 'checked', 'selected', 'style', 'autocomplete']);
  const walk = (node, shadow) => {
    if (node.nodeType === 3) return { text: node.data };
    if (node.nodeType === 8) return { comment: node.data };
    if (node.nodeType !== 1) return null;
    const tag = node.localName;
    if (tag === 'script' || tag === 'noscript') return null;
    const out = { tag, attrs: {}, children: [] };
    for (const a of node.attributes) {
      if (skipAttr.has(a.name) || a.name.startsWith('rr_') || a.name.startsWith('data-rr')) continue;
      if (a.name === 'class' && replayed) {
        const cls = a.value.split(/\s+/).filter((c) => c && c !== ':hover').join(' ');
        if (cls) out.attrs.class = cls;
        continue;
      }
      out.attrs[a.name] = (a.name === 'href' || a.name === 'src') ? new URL(a.value, base).href : a.value;
    }
    // A masked <select> replays with no option chosen, a hidden input with no value at all.
    if ((tag === 'input' && node.type !== 'hidden') || tag === 'textarea') {
      out.value = node.value;
      if (node.type === 'checkbox' || node.type === 'radio') out.checked = node.checked;
    }
    if (node.classList.contains('pg-block')) return { tag, blocked: true };
    if (tag === 'textarea') return out;
    for (const child of node.childNodes) {
      const c = walk(child);
      if (c) out.children.push(c);
    }
    if (node.shadowRoot) out.shadow = [...node.shadowRoot.childNodes].map((c) => walk(c)).filter(Boolean);
    return out;
  };
  return walk(doc.body);
}

/**
 * Compares a live canonical DOM with the replayed one: equal except that a `*` in the replay
 * stands for one non-space character of the live page (masked text and values). Returns the
 * differences as `path: live vs replay` strings (empty when equal).
 */
export function domDifferences(live, replay, at = 'body', diffs = []) {
  // In text a `*` stands for a non-space character; in a form value, for any character.
  const anyChar = at.endsWith('.value');
  const masked = (l, r) => typeof l === 'string' && typeof r === 'string' && l.length === r.length
    && [...r].every((c, i) => (c === '*' ? anyChar || !/\s/.test(l[i]) : c === l[i]));
  // rrweb's Replayer marks the hovered element with a ":hover" class, which the canonical form
  // strips: an empty class and no class are the same.
  const emptyClass = at.endsWith('.attrs.class') && (live ?? '') === '' && (replay ?? '') === '';
  if (live === null || replay === null || typeof live !== 'object' || typeof replay !== 'object') {
    if (live !== replay && !masked(live, replay) && !emptyClass) diffs.push(`${at}: ${JSON.stringify(live)} vs ${JSON.stringify(replay)}`);
    return diffs;
  }
  const keys = new Set([...Object.keys(live), ...Object.keys(replay)]);
  for (const key of keys) {
    if (Array.isArray(live[key]) && Array.isArray(replay[key]) && live[key].length !== replay[key].length) {
      diffs.push(`${at}.${key}: ${live[key].length} live vs ${replay[key].length} replayed ${JSON.stringify(live[key]).slice(0, 400)} vs ${JSON.stringify(replay[key]).slice(0, 400)}`);
      continue;
    }
    domDifferences(live[key] ?? null, replay[key] ?? null, `${at}.${key}`, diffs);
  }
  return diffs;
}

/**
 * Plays `events` in rrweb's Replayer on `page` (a blank page of any origin) up to their end and
 * returns the canonical form of the replayed body, plus what the Replayer warned about.
 * `options` go to the Replayer as they are (`{ useVirtualDom: false }`: mutations are applied to
 * the real document, as in live play, instead of rrweb's virtual DOM).
 */
export async function replay(page, events, base, options = {}) {
  await page.setContent('<!doctype html><html><body><div id="player"></div></body></html>');
  await page.addScriptTag({ content: await rrwebScript() });
  return page.evaluate(({ events, base, canon, options }) => {
    const warnings = [];
    const replayer = new window.rrweb.Replayer(events, {
      ...options,
      root: document.getElementById('player'),
      showWarning: true,
      logger: { log: () => {}, warn: (...a) => warnings.push(a.map(String).join(' ')) },
    });
    window.__replayer = replayer;
    const end = events[events.length - 1].timestamp - events[0].timestamp;
    replayer.pause(end + 1);
    // eslint-disable-next-line no-new-func
    const canonicalDom = new Function(`return (${canon})`)();
    return { dom: canonicalDom({ base, replayed: true }), warnings, iframe: !!replayer.iframe.contentDocument.body };
  }, { events, base, canon: canonicalDom.toString(), options });
}

/** Decodes an uploaded replay batch body (gzip bytes or JSON text) into the batch object. */
export async function decodeBatch(body) {
  const { gunzipSync } = await import('node:zlib');
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return JSON.parse(text);
}
