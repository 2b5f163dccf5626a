// `cargo xtask bench leads`: lead capture through a real wrangler dev, next to /health on the same
// worker in the same run (the machine's noise hits both): /forms/config and /lead.capture latency
// (sequential, p50/p90), capture throughput with concurrent clients, D1 statements per capture
// (from the worker's own log lines), the time from a capture's answer to its signed webhook at a
// local receiver (the first attempt runs after the response), and one */10 cron run draining a
// backlog of 50 messages. A report, not a test: nothing here fails on a number.
import os from 'node:os';
import { startWorker } from '../tests/support/worker.mjs';
import { api } from '../tests/support/sites.mjs';
import { PAGE, WEBHOOK_SECRET, saveSettings, setupForm, startReceiver, submission, submit, tenMinuteCron } from '../tests/support/leads.mjs';

const N = Number(process.env.BENCH_LEADS ?? 200);
const CLIENTS = 8;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const p90 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)]; };
const ms = (x) => x.toFixed(1).padStart(7);

async function timed(fn) {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

const loadBefore = os.loadavg()[0];
const worker = await startWorker();
let receiver;
try {
  await setupForm(worker, { siteKey: 'leads' });
  await api(worker, '/analytics/ip-lists/whitelisted', { method: 'POST', body: { cidr: '127.0.0.1/32' } });

  // Warm the isolate.
  for (let i = 0; i < 20; i++) {
    await fetch(`${worker.url}/health`);
    await submit(worker, submission());
  }

  const health = [];
  const config = [];
  const capture = [];
  for (let i = 0; i < N; i++) {
    health.push((await timed(() => fetch(`${worker.url}/health`).then((r) => r.text())))[0]);
    config.push((await timed(() => fetch(`${worker.url}/forms/config?site=leads&form=quote`, { headers: { origin: PAGE } }).then((r) => r.text())))[0]);
    const [t, r] = await timed(() => submit(worker, submission()));
    if (r.status !== 201) throw new Error(`capture failed: ${r.text}`);
    capture.push(t);
  }

  // Concurrent clients, webhooks off.
  const started = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (done < N) {
      done++;
      const r = await submit(worker, submission());
      if (r.status !== 201) throw new Error(`capture failed: ${r.text}`);
    }
  }));
  const perSecond = N / ((performance.now() - started) / 1000);

  const lines = worker.jsonLines().filter((l) => l.path === '/lead.capture' && l.status === 201);
  const writes = lines.map((l) => l.d1_writes ?? 0);

  // Webhooks on: the time from the answer to the receiver's first call.
  const arrived = new Map();
  receiver = await startReceiver({ plan: (n, call) => { arrived.set(call.payload?.data?.lead?.id, performance.now()); return 'ok'; } });
  await saveSettings(worker, (s) => ({ ...s, make: { enabled: true, webhook_url: receiver.url('/make'), signing_secret: WEBHOOK_SECRET } }));
  const toWebhook = [];
  for (let i = 0; i < 50; i++) {
    const r = await submit(worker, submission());
    const answered = performance.now();
    await receiver.waitForCalls(i + 1);
    toWebhook.push(arrived.get(r.json.lead_id) - answered);
  }
  const verified = receiver.calls.every((c) => c.verified);

  // A backlog: 50 messages whose first attempt failed, drained by one cron run.
  await receiver.close();
  receiver = await startReceiver({ plan: () => 503 });
  await saveSettings(worker, (s) => ({ ...s, make: { ...s.make, webhook_url: receiver.url('/make') } }));
  const now = Date.now();
  for (let i = 0; i < 50; i++) await submit(worker, submission(), { headers: { 'x-pulsegate-now': String(now) } });
  await receiver.waitForCalls(50);
  await receiver.close();
  receiver = await startReceiver({ plan: () => 'ok' });
  await saveSettings(worker, (s) => ({ ...s, make: { ...s.make, webhook_url: receiver.url('/make') } }));
  const [cronMs, cron] = await timed(() => tenMinuteCron(worker, now + 5 * 60_000));

  const loadAfter = os.loadavg()[0];
  console.log(`\nlead capture through wrangler dev (${N} sequential requests each, load ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}, ${os.cpus().length} cores)`);
  console.log(`${'route'.padEnd(40)}    p50 ms   p90 ms`);
  console.log(`${'GET /health (same worker, baseline)'.padEnd(40)} ${ms(median(health))}  ${ms(p90(health))}`);
  console.log(`${'GET /forms/config'.padEnd(40)} ${ms(median(config))}  ${ms(p90(config))}`);
  console.log(`${'POST /lead.capture (webhooks off)'.padEnd(40)} ${ms(median(capture))}  ${ms(p90(capture))}`);
  console.log(`capture / health (p50): ${(median(capture) / median(health)).toFixed(1)}x`);
  console.log(`throughput, ${CLIENTS} concurrent clients: ${perSecond.toFixed(0)} captures/s`);
  console.log(`D1 write statements per capture (worker log): median ${median(writes)}, max ${Math.max(...writes)} (${lines.length} captures)`);
  console.log(`answer → signed webhook at the receiver (first attempt after the response): p50 ${ms(median(toWebhook))} ms, p90 ${ms(p90(toWebhook))} ms; all verified by standardwebhooks: ${verified}`);
  console.log(`one */10 run draining 50 due messages: ${cronMs.toFixed(0)} ms (delivered ${cron.outbox.delivered}, ${(cronMs / 50).toFixed(1)} ms per message, six at a time)`);
} finally {
  await receiver?.close();
  await worker.stop();
}
