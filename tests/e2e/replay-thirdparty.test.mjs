// The recorder on pages none of us wrote: rustdoc's HTML for the schema crate (its own CSS, fonts,
// custom elements, a search that rebuilds the page with script, settings and collapsible
// sections). A recorded visit must replay in rrweb's own Replayer to the live DOM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../support/browser.mjs';
import { canonicalDom, domDifferences, replay, decodeBatch } from '../support/replay.mjs';
import { serveReplaySite, startCapturedRecording, collectSent, settled } from '../support/replay-site.mjs';
import { ReplayEvents } from '../support/replay-events.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
let site;
let browser;

before(async () => {
  // rustdoc writes the pages (a second or two once the crate is built).
  await promisify(execFile)('cargo', ['doc', '-p', 'pulsegate-schema', '--features', 'replay', '--no-deps', '--quiet'], { cwd: root });
  site = await serveReplaySite({}, { docs: path.join(target, 'doc') });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

test('a rustdoc page with search, settings and folding replays to the live DOM', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 800 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = `${site.url}/docs/pulsegate_schema/replay/enum.Incremental.html`;
  await page.goto(url);
  await page.waitForLoadState('load');
  assert.equal(await startCapturedRecording(page), true);
  // Fold and unfold the docs, open the settings, search (which replaces the main content).
  await page.evaluate(() => document.querySelectorAll('details.toggle').forEach((d, i) => { d.open = i % 2 === 0; }));
  await page.mouse.wheel(0, 600);
  await page.keyboard.press('s');
  await page.keyboard.type('MutationData');
  await page.waitForSelector('#search .search-results a', { timeout: 15_000 });
  // The search fills in its result counts after the results: wait until the page is still.
  await settled(page);
  const bodies = await collectSent(page);
  const batches = await Promise.all(bodies.map(decodeBatch));
  const events = new ReplayEvents(batches).all();
  const live = await page.evaluate(canonicalDom, { base: url, replayed: false });
  assert.ok(events.length > 3, `recorded ${events.length} events`);
  const mutations = events.filter((e) => e.type === 3 && e.data.source === 0).length;
  assert.ok(mutations > 0, 'the search changed the page');

  const player = await browser.context.newPage();
  const replayed = await replay(player, events, url);
  assert.deepEqual(domDifferences(live, replayed.dom), [], 'the replayed DOM equals the live DOM');
  assert.deepEqual(replayed.warnings, []);
  assert.deepEqual(errors, [], 'the recorder never throws into the page');
  await page.close();
  await player.close();
});
