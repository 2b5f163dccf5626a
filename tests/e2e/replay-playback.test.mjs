// The recorder against rrweb's own Replayer (npm rrweb 2.2.2) in Chromium: a page is recorded
// while a script changes it, the uploaded batches are decoded, and the replay at the end must
// equal the live page at the end, with every masked value masked and nothing sensitive uploaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../support/browser.mjs';
import { canonicalDom, domDifferences, replay, decodeBatch } from '../support/replay.mjs';
import { serveReplaySite, startCapturedRecording, collectSent, chunkPath } from '../support/replay-site.mjs';
import { ReplayEvents } from '../support/replay-events.mjs';

let site;
let browser;

/** One long list first in the body: the first snapshot slice (32 nodes at `sliceMs: 0`) opens
 * it and writes only its first items, so what is added to it then is ahead of the walk. */
const ROWS_PAGE = `<!doctype html><html><head><title>rows</title></head><body><div id="rows">${
  Array.from({ length: 300 }, (_, i) => `<span>row ${i}</span>`).join('')}</div><p id="after">after</p></body></html>`;

before(async () => {
  site = await serveReplaySite({ '/rows.html': ROWS_PAGE });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Everything typed or shown that must never be uploaded in the clear. */
const SECRETS = ['jane.doe@mail.example', 'Jane Doe', '4242', 'hunter2', 'csrf-token-12345', '555 010 2040', 'sales@brightside.example', '0151 2345678', 'Preset Name', 'private note'];

async function record(page, script) {
  await page.setViewportSize({ width: 900, height: 700 });
  await page.goto(`${site.url}/form-page.html`);
  assert.equal(await startCapturedRecording(page, { sliceMs: 4 }), true, 'recording starts');
  await script(page);
  const bodies = await collectSent(page);
  const batches = await Promise.all(bodies.map(decodeBatch));
  const live = await page.evaluate(canonicalDom, { base: `${site.url}/form-page.html`, replayed: false });
  return { bodies, batches, events: new ReplayEvents(batches).all(), live };
}

test('a form session with mutations, scrolling and a resize replays to the live DOM, masked', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const { bodies, batches, events, live } = await record(page, async (p) => {
    await p.fill('input[name=name]', 'Jane Doe');
    await p.fill('input[name=email]', 'jane.doe@mail.example');
    await p.fill('input[name=phone]', '0151 2345678');
    await p.fill('input[name=company]', 'Acme Solar');
    await p.fill('input[name=pw]', 'hunter2');
    await p.check('input[name=news]');
    await p.selectOption('select', 'Large');
    await p.fill('textarea', 'private note');
    await p.evaluate(() => {
      const list = document.getElementById('list');
      const li = document.createElement('li');
      li.textContent = 'four';
      list.appendChild(li);
      list.insertBefore(list.lastElementChild, list.firstElementChild); // a move
      list.children[2].remove();
      const p = document.createElement('p');
      p.id = 'added';
      p.innerHTML = 'Saved for <em>you</em>. <span class="x">Ref 20261125</span>';
      document.getElementById('main').insertBefore(p, document.getElementById('quote'));
      document.querySelector('h1').textContent = 'Your quote';
      document.querySelector('h1').setAttribute('data-step', '2');
      document.querySelector('header a').removeAttribute('href');
      document.querySelector('.note').firstChild.data = 'Thanks, we will mail you.';
      document.getElementById('host').shadowRoot.querySelector('b').textContent = 'shadow changed';
      document.getElementById('host').shadowRoot.appendChild(Object.assign(document.createElement('input'), { id: 'in-shadow' }));
      document.querySelector('input[name=company]').value = 'Acme Solar GmbH';
      document.styleSheets[0].insertRule('#added { color: rgb(1, 2, 3); }', 0);
      document.styleSheets[0].insertRule('.gone { color: red; }', 0);
      document.styleSheets[0].deleteRule(0);
    });
    await p.fill('#in-shadow', 'typed in shadow');
    await p.mouse.move(100, 100);
    await p.mouse.move(300, 200, { steps: 5 });
    await p.mouse.wheel(0, 400);
    await p.setViewportSize({ width: 800, height: 600 });
    await p.waitForTimeout(300);
  });
  assert.ok(bodies.length >= 1, 'batches were uploaded');
  for (const b of batches) {
    assert.equal(b.session_id, '0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c');
    assert.match(b.batch_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  assert.ok(bodies.some((b) => Buffer.isBuffer(b) && b[0] === 0x1f), 'batches are gzip-compressed in the browser');
  assert.deepEqual(events.slice(0, 2).map((e) => e.type), [4, 2], 'Meta, then FullSnapshot');
  const sources = new Set(events.filter((e) => e.type === 3).map((e) => e.data.source));
  for (const s of [0, 1, 2, 3, 4, 5, 8]) assert.ok(sources.has(s), `incremental source ${s} recorded: ${[...sources]}`);
  const uploaded = batches.map((b) => JSON.stringify(b)).join('\n');
  for (const secret of SECRETS) assert.ok(!uploaded.includes(secret), `${secret} never leaves the browser`);
  assert.ok(uploaded.includes('Acme Solar GmbH'), 'an opted-in field is recorded as typed');

  const player = await browser.context.newPage();
  const replayed = await replay(player, events, `${site.url}/form-page.html`);
  assert.ok(replayed.iframe, 'the Replayer built a document');
  assert.deepEqual(domDifferences(live, replayed.dom), [], 'the replayed DOM equals the live DOM');
  assert.deepEqual(replayed.warnings, [], 'the Replayer found every node it was told about');
  const color = await player.evaluate(() => {
    const doc = window.__replayer.iframe.contentDocument;
    return doc.defaultView.getComputedStyle(doc.getElementById('added')).color;
  });
  assert.equal(color, 'rgb(1, 2, 3)', 'a rule inserted through the CSSOM is replayed');
  assert.deepEqual(errors, [], 'the recorder never throws into the page');
  await page.close();
  await player.close();
});

test('batches cut while a snapshot is still streaming are each valid and replay whole', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 900, height: 700 });
  await page.goto(`${site.url}/form-page.html`);
  await page.evaluate(() => {
    const list = document.getElementById('list');
    for (let i = 0; i < 4000; i++) list.insertAdjacentHTML('beforeend', `<li class="row">row ${i}</li>`);
  });
  assert.equal(await startCapturedRecording(page, { sliceMs: 1 }), true);
  // Flush now and again while the snapshot is written: the uploader cuts at event boundaries.
  for (let i = 0; i < 5; i++) {
    await page.evaluate(() => window.PulseGate.replay.flush());
    await page.evaluate(() => document.getElementById('list').firstElementChild.remove());
    await page.waitForTimeout(15);
  }
  const bodies = await collectSent(page);
  const stats = await page.evaluate(() => JSON.stringify(window.PulseGate.replay.stats));
  assert.ok(bodies.length >= 2, `several batches (${bodies.length}, ${stats})`);
  const batches = await Promise.all(bodies.map(decodeBatch));
  const events = new ReplayEvents(batches).all();
  const live = await page.evaluate(canonicalDom, { base: `${site.url}/form-page.html`, replayed: false });
  const player = await browser.context.newPage();
  const replayed = await replay(player, events, `${site.url}/form-page.html`);
  assert.deepEqual(domDifferences(live, replayed.dom), []);
  assert.deepEqual(replayed.warnings, []);
  await page.close();
  await player.close();
});

test('insertions in the middle, interleaved runs, nested subtrees and moves replay to the live DOM', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const { batches, events, live } = await record(page, async (p) => {
    // Each evaluate is its own task: its changes are one mutation event.
    await p.evaluate(() => {
      const list = document.getElementById('list');
      const [one, two, three] = list.children;
      const li = (text) => Object.assign(document.createElement('li'), { textContent: text });
      // Two runs before kept nodes, each written out of order, and one at the end.
      const b1 = li('before two, second');
      list.insertBefore(b1, two);
      list.insertBefore(li('before two, first'), b1);
      list.insertBefore(document.createComment('before three'), three);
      list.insertBefore(li('before three'), three);
      list.insertBefore(document.createTextNode('loose text'), three);
      list.append(li('last'));
      // A node added and removed in the same task is never written.
      const gone = li('gone');
      list.insertBefore(gone, one);
      gone.remove();
      // A nested subtree in the middle of the main column, with a shadow root of its own.
      const card = document.createElement('section');
      card.id = 'card';
      card.innerHTML = '<h2>Plan <em>Pro</em></h2><ul><li>fast</li><li>small</li></ul><!--end-->';
      const host = document.createElement('div');
      host.attachShadow({ mode: 'open' }).innerHTML = '<i>one</i><i>two</i>';
      host.append('light');
      card.append(host);
      document.getElementById('main').insertBefore(card, document.getElementById('list'));
      document.getElementById('main').append(Object.assign(document.createElement('p'), { id: 'to-mask', textContent: 'plain' }));
      const outer = Object.assign(document.createElement('div'), { id: 'outer' });
      outer.innerHTML = '<p id="inner" class="pg-mask">Quiet Figure</p><p>shown before</p>';
      document.getElementById('main').append(outer);
    });
    await p.evaluate(() => {
      const list = document.getElementById('list');
      // Moves: the first item to the end, the last before the second, one into the new card.
      list.append(list.firstElementChild);
      list.insertBefore(list.lastElementChild.previousElementSibling, list.children[1]);
      document.querySelector('#card ul').insertBefore(list.children[2], document.querySelector('#card li'));
      // New nodes around moved ones, under an existing parent, and inside the shadow root.
      const mid = document.createElement('li');
      mid.textContent = 'beside a moved node';
      list.insertBefore(mid, list.children[1]);
      const shadow = document.getElementById('host').shadowRoot;
      shadow.insertBefore(Object.assign(document.createElement('u'), { textContent: 'first in shadow' }), shadow.firstChild);
      document.querySelector('#card h2').insertBefore(document.createTextNode('New '), document.querySelector('#card h2').firstChild);
      // Masked and given new content in one task: the content is written masked, once.
      const toMask = document.getElementById('to-mask');
      toMask.append(Object.assign(document.createElement('b'), { textContent: 'Hidden Plan' }));
      toMask.className = 'pg-mask';
    });
    // Once the snapshot has been written (the nodes are in the Replayer's page), nested privacy
    // changes in one task, the inner one recorded first: the inner element leaves its mask as
    // its parent takes one, and gets new content; all written once, masked. The recorder has
    // emitted Meta and the FullSnapshot once it counts two events (the bench's signal too), so
    // this case always meets nodes the Replayer already has, however slow the machine.
    await p.waitForFunction(() => window.PulseGate?.replay?.stats?.events >= 2, null, { timeout: 30000 });
    await p.evaluate(() => {
      const inner = document.getElementById('inner');
      inner.className = '';
      inner.append(Object.assign(document.createElement('b'), { textContent: 'Hidden Detail' }));
      document.getElementById('outer').className = 'pg-mask';
    });
    await p.waitForTimeout(100);
  });
  const uploaded = batches.map((b) => JSON.stringify(b)).join('\n');
  assert.ok(!uploaded.includes('Hidden Plan'), 'text added under a newly masked element is uploaded masked');
  for (const hidden of ['Quiet Figure', 'Hidden Detail']) {
    assert.ok(!uploaded.includes(hidden), `${hidden}: text under nested privacy changes is uploaded masked`);
  }
  const mutations = events.filter((e) => e.type === 3 && e.data.source === 0);
  assert.ok(mutations.length >= 2, `the two tasks' changes are recorded (${mutations.length})`);
  // Every nextId names a node the Replayer had before the event (so a run's adds share it).
  for (const m of mutations) {
    const added = new Set(m.data.adds.map((a) => a.node.id));
    for (const a of m.data.adds) assert.ok(a.nextId === null || !added.has(a.nextId), `nextId ${a.nextId} is not added in the same event`);
  }
  const player = await browser.context.newPage();
  for (const options of [{}, { useVirtualDom: false }]) {
    const replayed = await replay(player, events, `${site.url}/form-page.html`, options);
    assert.deepEqual(domDifferences(live, replayed.dom), [], `the replayed DOM equals the live DOM (${JSON.stringify(options)})`);
    assert.deepEqual(replayed.warnings, [], 'the Replayer found every node it was told about');
  }
  assert.deepEqual(errors, []);
  await page.close();
  await player.close();
});

/** Starts the chunk on `page` with snapshot slices as short as they go (32 nodes each), runs
 * `during` right after the first slice was written, before the next one (it may go on
 * asynchronously), and collects the events. */
async function recordDuringSnapshot(page, during) {
  await page.addScriptTag({ url: await chunkPath() });
  await page.evaluate(async (during) => {
    window.__sent = [];
    // The promise settles in the task that wrote the first slice; the next slice is a later task.
    await window.PulseGate.replay.start({
      endpoint: location.origin,
      sliceMs: 0,
      session: () => ({ id: '0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c', startedAt: 1764097200000 }),
      send: (url, body) => window.__sent.push(body instanceof Blob ? body.text() : Array.from(new Uint8Array(body))),
    });
    // eslint-disable-next-line no-new-func
    return new Function(`return (${during})()`)();
  }, String(during));
  const bodies = await collectSent(page);
  const events = new ReplayEvents(await Promise.all(bodies.map(decodeBatch))).all();
  const live = await page.evaluate(canonicalDom, { base: page.url(), replayed: false });
  return { events, live };
}

test('shadow content of a subtree taken out of the Replayer\'s page is taken out with it', async () => {
  const cases = [
    // A host added ahead of the walk: the walk writes it with its shadow children, and the
    // mutation buffer, which saw the add, writes it again after the snapshot (as a move).
    ['a shadow host added ahead of a streaming snapshot', () => {}, () => {
      const host = document.createElement('div');
      host.attachShadow({ mode: 'open' }).innerHTML = '<i>one</i><i>two</i>';
      host.append('light');
      document.getElementById('rows').append(host);
    }],
    // Once the snapshot is written, a host leaves the page and its shadow child moves out of
    // it in the same task: the child's removal must not name the host, gone already.
    ['a shadow host removed while its shadow child moves out', () => {
      const host = document.createElement('div');
      host.id = 'host';
      host.attachShadow({ mode: 'open' }).innerHTML = '<i>one</i><i id="moved">two</i>';
      document.getElementById('after').after(host);
    }, () => new Promise((resolve) => {
      const wait = () => {
        if (window.PulseGate.replay.stats.events < 2) return setTimeout(wait, 10);
        const host = document.getElementById('host');
        const moved = host.shadowRoot.getElementById('moved');
        host.remove();
        document.getElementById('after').append(moved);
        resolve();
      };
      wait();
    })],
  ];
  for (const [name, setup, during] of cases) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${site.url}/rows.html`);
    await page.evaluate(setup);
    const { events, live } = await recordDuringSnapshot(page, during);
    assert.ok(events.some((e) => e.type === 3 && e.data.source === 0), `${name}: the change is recorded`);
    const player = await browser.context.newPage();
    const replayed = await replay(player, events, `${site.url}/rows.html`);
    assert.deepEqual(domDifferences(live, replayed.dom), [], `${name}: the replayed DOM equals the live DOM`);
    assert.deepEqual(replayed.warnings, [], `${name}: the Replayer found every node it was told about`);
    assert.deepEqual(errors, [], name);
    await page.close();
    await player.close();
  }
});
