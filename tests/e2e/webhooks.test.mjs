// Signed webhooks to a real local HTTP receiver that verifies every call with the
// `standardwebhooks` npm package: retries on 5xx and a timeout until delivered exactly once, a
// receiver that never recovers (dead letter, then a re-send), a 4xx that is final, test leads
// never sent, the Make execution callback, and the lead drought alert — all driven by the */10
// cron at chosen times (`/cdn-cgi/handler/scheduled?time=`) against a real worker in workerd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { api } from '../support/sites.mjs';
import { openState, eventually } from '../support/state.mjs';
import { WEBHOOK_SECRET, saveSettings, setupForm, startReceiver, submission, submit, tenMinuteCron } from '../support/leads.mjs';

const CRM_CALLBACK_SECRET = 'e2e-crm-callback-secret';
const MIN = 60_000;
const H = 60 * MIN;

let worker;
let state;
let receiver;
/** What the receiver answers: a function of the call, changed by each test. */
let plan = () => 'ok';
const T0 = Date.now();

before(async () => {
  // No CRM_WEBHOOK_SECRET: the CRM webhook falls back to CRM_CALLBACK_SECRET.
  worker = await startWorker({ secrets: { CRM_CALLBACK_SECRET } });
  state = await openState(worker.state);
  await setupForm(worker);
  await api(worker, '/analytics/ip-lists/whitelisted', { method: 'POST', body: { cidr: '127.0.0.1/32' } });
  receiver = await startReceiver({ plan: (n, call) => plan(n, call) });
  await saveSettings(worker, (s) => ({ ...s, make: { enabled: true, webhook_url: receiver.url('/make'), signing_secret: WEBHOOK_SECRET } }));
});

after(async () => {
  await receiver?.close();
  await state?.dispose();
  await worker?.stop();
});

const at = (ms) => ({ 'x-pulsegate-now': String(ms) });
const callsFor = (leadId) => receiver.calls.filter((c) => c.payload?.data?.lead?.id === leadId || JSON.parse(c.body).data?.lead?.id === leadId);
const deliveryLine = (messageId) => eventually(`the first attempt at ${messageId}`, async () =>
  worker.jsonLines().find((l) => l.job === 'webhook_delivery' && l.messages?.some((m) => m.message_id === messageId)));
const outboxRow = async (leadId) => (await state.query('SELECT o.* FROM WebhookOutbox o JOIN Leads l ON l.Id = o.LeadId WHERE l.PublicId = ?', leadId))[0];

test('5xx twice and a timeout, then delivered exactly once: the same signed message every time', async () => {
  plan = (n, call) => {
    // This lead's calls so far, this one included.
    const mine = callsFor(call.payload?.data?.lead?.id).length;
    if (mine <= 2) return 500;
    if (mine === 3) return 'hang';
    return 'ok';
  };
  const s = submission();
  const r = await submit(worker, s, { headers: at(T0) });
  assert.equal(r.status, 201, r.text);
  const leadId = r.json.lead_id;
  // The first attempt runs right after the response.
  await receiver.waitForCalls(1);
  const pending = await eventually('the rescheduled message', async () => {
    const row = await outboxRow(leadId);
    return row?.Attempts === 1 && row.LastStatus === 500 ? row : null;
  });
  const firstRetry = pending.NextAttemptAt - T0;
  assert.ok(firstRetry >= 48_000 && firstRetry <= 72_000, `1 min ± 20 %: ${firstRetry}`);
  assert.match(pending.PayloadJson, /"type":"lead.created"/, 'the body is frozen at the first attempt');
  await deliveryLine(pending.MessageId);

  // Not due yet: nothing is sent.
  assert.equal((await tenMinuteCron(worker, T0 + 30_000)).outbox.claimed, 0);
  // The second attempt (500), then the third (the receiver hangs: a timeout), then the fourth.
  const second = await tenMinuteCron(worker, T0 + 2 * MIN);
  assert.deepEqual(second.outbox.messages.map((m) => [m.attempt, m.status, m.outcome]), [[2, 500, 'retry']]);
  const third = await tenMinuteCron(worker, T0 + 9 * MIN);
  assert.deepEqual(third.outbox.messages.map((m) => [m.attempt, m.status ?? null, m.outcome]), [[3, null, 'retry']]);
  assert.match(third.outbox.messages[0].error, /timed out after 10 s/);
  const fourth = await tenMinuteCron(worker, T0 + 28 * MIN);
  assert.deepEqual(fourth.outbox.messages.map((m) => [m.attempt, m.status, m.outcome]), [[4, 200, 'delivered']]);
  // Later runs send nothing more.
  assert.equal((await tenMinuteCron(worker, T0 + 2 * H)).outbox.claimed, 0);

  const calls = callsFor(leadId);
  assert.equal(calls.length, 4);
  assert.ok(calls.every((c) => c.verified), calls.map((c) => c.verifyError).join(', '));
  assert.equal(new Set(calls.map((c) => c.headers['webhook-id'])).size, 1, 'one message id on every attempt');
  assert.equal(new Set(calls.map((c) => c.body)).size, 1, 'the same bytes on every attempt');
  assert.equal([...receiver.accepted.values()].filter((c) => calls.includes(c)).length, 1, 'accepted exactly once');
  assert.match(calls[0].userAgent, /^PulseGate-Webhooks\//);

  const body = calls[3].payload;
  assert.equal(body.type, 'lead.created');
  assert.equal(body.data.lead.id, leadId);
  assert.equal(body.data.lead.email, s.fields.email);
  assert.equal(body.data.submission.fields.campaign, 'spring');
  assert.equal(body.data.submission.source, 'form');
  assert.deepEqual(Object.keys(body.data.scores).sort(), ['engagement_reasons', 'engagement_score', 'suspicion_reasons', 'suspicion_score']);
  assert.equal(body.data.links.lead, `${worker.url}/analytics/leads/${leadId}`);
  assert.equal(body.data.links.crm_callback, `${worker.url}/lead.capture/crm-callback`);
  assert.equal(new Date(body.timestamp).getTime(), T0);

  const [sent] = await state.query('SELECT w.* FROM MakeWebhookSends w JOIN Leads l ON l.Id = w.LeadId WHERE l.PublicId = ?', leadId);
  assert.equal(sent.Attempts, 4);
  assert.equal(sent.StatusCode, 200);
  assert.equal(sent.Url, receiver.url('/make'));
  assert.equal(sent.PayloadJson, calls[0].body);
  assert.equal(await outboxRow(leadId), undefined);
  const log = await state.query('SELECT Status, Error FROM WebhookAttempts WHERE MessageId = ? ORDER BY At, Id', sent.MessageId);
  assert.deepEqual(log.map((a) => a.Status), [500, 500, null, 200]);

  const detail = await api(worker, `/analytics/leads/${leadId}`);
  const [delivery] = detail.json.webhooks;
  assert.equal(delivery.state, 'delivered');
  assert.equal(delivery.attempts, 4);
  assert.equal(delivery.log.length, 4);

  // Make reports the execution that handled it.
  const callback = (body, key = CRM_CALLBACK_SECRET) => api(worker, '/lead.capture/make-callback', { method: 'POST', body, key });
  const exec = await callback({ lead_id: leadId, execution_url: 'https://eu1.make.com/1/scenarios/2/logs/3', webhook_id: sent.MessageId });
  assert.equal(exec.res.status, 200, exec.text);
  assert.equal((await state.query('SELECT ExecutionUrl FROM MakeWebhookSends WHERE MessageId = ?', sent.MessageId))[0].ExecutionUrl, 'https://eu1.make.com/1/scenarios/2/logs/3');
  assert.equal((await api(worker, `/analytics/leads/${leadId}`)).json.webhooks[0].execution_url, 'https://eu1.make.com/1/scenarios/2/logs/3');
  assert.equal((await callback({ lead_id: leadId, execution_url: 'https://eu1.make.com/x', webhook_id: 'msg_other' })).res.status, 404);
  assert.equal((await callback({ lead_id: leadId, execution_url: 'https://eu1.make.com/x' }, 'wrong')).res.status, 401);
});

test('a receiver that never recovers: ten attempts over about a day, a dead letter, then a re-send', async () => {
  let recovered = false;
  plan = () => (recovered ? 'ok' : 503);
  const T1 = T0 + 3 * H;
  const seen = receiver.calls.length;
  const r = await submit(worker, submission(), { headers: at(T1) });
  const leadId = r.json.lead_id;
  await receiver.waitForCalls(seen + 1);
  const first = await eventually('the first attempt recorded', async () => (await outboxRow(leadId))?.Attempts === 1 || null);
  assert.ok(first);
  // Each wait is at most 8 h + 20 %: a run every 10 hours makes every attempt due.
  const outcomes = [];
  for (let k = 1; k <= 9; k++) {
    const run = await tenMinuteCron(worker, T1 + k * 10 * H);
    outcomes.push(...run.outbox.messages.map((m) => m.outcome));
  }
  assert.deepEqual(outcomes, [...Array(8).fill('retry'), 'dead']);
  const calls = callsFor(leadId);
  assert.equal(calls.length, 10);
  assert.ok(calls.every((c) => c.verified));
  assert.equal(await outboxRow(leadId), undefined);
  assert.equal((await tenMinuteCron(worker, T1 + 200 * H)).outbox.claimed, 0, 'a dead letter is not retried');

  const dead = await api(worker, '/analytics/webhooks/dead-letters');
  assert.equal(dead.res.status, 200);
  const letter = dead.json.messages.find((m) => m.lead_id === leadId);
  assert.equal(letter.state, 'dead');
  assert.equal(letter.attempts, 10);
  assert.equal(letter.last_status, 503);
  assert.equal(letter.log.length, 10);
  assert.equal(letter.id, calls[0].headers['webhook-id']);

  recovered = true;
  const resent = await api(worker, `/analytics/webhooks/dead-letters/${letter.id}/resend`, { method: 'POST' });
  assert.equal(resent.res.status, 202, resent.text);
  assert.equal(resent.json.messages[0].state, 'pending');
  await eventually('the re-sent delivery', async () => (await state.query('SELECT * FROM MakeWebhookSends WHERE MessageId = ?', letter.id))[0]);
  const after = callsFor(leadId);
  assert.equal(after.length, 11);
  assert.equal(after[10].headers['webhook-id'], letter.id, 'the same message id: the receiver can deduplicate');
  assert.equal(after[10].body, after[0].body);
  assert.ok(after[10].verified);
  assert.equal((await api(worker, '/analytics/webhooks/dead-letters')).json.messages.filter((m) => m.lead_id === leadId).length, 0);
  assert.equal((await api(worker, `/analytics/webhooks/dead-letters/${letter.id}/resend`, { method: 'POST' })).res.status, 404);
  assert.equal((await api(worker, '/analytics/webhooks/outbox')).json.messages.length, 0);
});

test('a 4xx is final: dead-lettered after one attempt', async () => {
  plan = () => 410;
  const r = await submit(worker, submission(), { headers: at(T0 + 20 * 24 * H) });
  await eventually('the dead letter', async () => (await api(worker, '/analytics/webhooks/dead-letters')).json.messages.find((m) => m.lead_id === r.json.lead_id));
  const letter = (await api(worker, '/analytics/webhooks/dead-letters')).json.messages.find((m) => m.lead_id === r.json.lead_id);
  assert.equal(letter.attempts, 1);
  assert.equal(letter.last_status, 410);
  assert.equal(callsFor(r.json.lead_id).length, 1);
});

test('test leads are stored and never sent', async () => {
  plan = () => 'ok';
  await api(worker, '/analytics/testing-leads', { method: 'POST', body: { email: 'qa@shop.example' } });
  const r = await submit(worker, submission({}, { email: 'QA@shop.example' }), { headers: at(T0 + 21 * 24 * H) });
  assert.equal(r.status, 201);
  assert.equal((await state.query('SELECT IsTest FROM Leads WHERE PublicId = ?', r.json.lead_id))[0].IsTest, 1);
  assert.equal(await outboxRow(r.json.lead_id), undefined);
  await tenMinuteCron(worker, T0 + 21 * 24 * H + 10 * MIN);
  assert.equal(callsFor(r.json.lead_id).length, 0);
  assert.equal((await state.query('SELECT count(*) AS n FROM MakeWebhookSends w JOIN Leads l ON l.Id = w.LeadId WHERE l.PublicId = ?', r.json.lead_id))[0].n, 0);
});

test('a later submission of a known lead is sent as lead.updated', async () => {
  plan = () => 'ok';
  const email = 'returning@example.com';
  const first = await submit(worker, submission({}, { email }), { headers: at(T0 + 22 * 24 * H) });
  const second = await submit(worker, submission({}, { email, name: 'Jane R.' }), { headers: at(T0 + 22 * 24 * H + MIN) });
  assert.equal(second.json.lead_id, first.json.lead_id);
  const calls = await eventually('both messages', async () => (callsFor(first.json.lead_id).length === 2 ? callsFor(first.json.lead_id) : null));
  assert.deepEqual(calls.map((c) => c.payload.type).sort(), ['lead.created', 'lead.updated']);
  const updated = calls.find((c) => c.payload.type === 'lead.updated').payload;
  assert.equal(updated.data.lead.submission_count, 2);
  assert.equal(updated.data.lead.name, 'Jane R.');
  assert.notEqual(calls[0].headers['webhook-id'], calls[1].headers['webhook-id']);
});

test('the CRM webhook falls back to CRM_CALLBACK_SECRET when CRM_WEBHOOK_SECRET is not set', async () => {
  const r = await submit(worker, submission(), { headers: at(T0 + 23 * 24 * H) });
  const ok = await api(worker, '/webhooks/crm/lead', { method: 'POST', body: { lead_id: r.json.lead_id, event: 'created' }, key: CRM_CALLBACK_SECRET });
  assert.equal(ok.res.status, 201, ok.text);
  const bad = await api(worker, '/webhooks/crm/lead', { method: 'POST', body: { lead_id: r.json.lead_id, event: 'created' }, key: 'e2e-crm-webhook-secret' });
  assert.equal(bad.res.status, 401);
});

test('lead drought: one signed alert per drought, quiet afterwards, re-armed by the next lead', async () => {
  plan = () => 'ok';
  const D0 = T0 + 60 * 24 * H;
  // Configured at D0 - 1 h (the settings' save time is the test clock's).
  await saveSettings(worker, (s) => ({ ...s, lead_drought_alert: { enabled: true, threshold_minutes: 60, webhook_url: receiver.url('/drought') } }), at(D0 - H));
  const lead = await submit(worker, submission(), { headers: at(D0) });
  assert.equal(lead.status, 201);
  const droughtCalls = () => receiver.calls.filter((c) => c.path === '/drought');

  const quiet = await tenMinuteCron(worker, D0 + 30 * MIN);
  assert.equal(quiet.drought.outcome, 'quiet');
  const fired = await tenMinuteCron(worker, D0 + 61 * MIN);
  assert.equal(fired.drought.outcome, 'queued', JSON.stringify(fired.drought));
  assert.equal(fired.outbox.delivered, 1, 'sent in the same run');
  assert.equal(droughtCalls().length, 1);
  const alert = droughtCalls()[0];
  assert.ok(alert.verified, alert.verifyError);
  assert.equal(alert.payload.type, 'lead.drought');
  assert.deepEqual(alert.payload.data, { last_lead_at: D0, minutes_without_lead: 61, threshold_minutes: 60 });

  for (const t of [D0 + 71 * MIN, D0 + 3 * H]) {
    assert.equal((await tenMinuteCron(worker, t)).drought.outcome, 'alerted');
  }
  assert.equal(droughtCalls().length, 1, 'once per drought');

  // A test lead does not end a drought; a real one re-arms the alert.
  await submit(worker, submission({}, { email: 'qa@shop.example' }), { headers: at(D0 + 4 * H) });
  assert.equal((await tenMinuteCron(worker, D0 + 4 * H + 10 * MIN)).drought.outcome, 'alerted');
  await submit(worker, submission(), { headers: at(D0 + 5 * H) });
  assert.equal((await tenMinuteCron(worker, D0 + 5 * H + 30 * MIN)).drought.outcome, 'quiet');
  const again = await tenMinuteCron(worker, D0 + 6 * H + 5 * MIN);
  assert.equal(again.drought.outcome, 'queued');
  assert.equal(droughtCalls().length, 2);
  assert.equal(droughtCalls()[1].payload.data.last_lead_at, D0 + 5 * H);
  assert.ok(droughtCalls()[1].verified);
  assert.notEqual(droughtCalls()[1].headers['webhook-id'], droughtCalls()[0].headers['webhook-id']);

  // Switched off: nothing.
  await saveSettings(worker, (s) => ({ ...s, lead_drought_alert: { ...s.lead_drought_alert, enabled: false } }));
  assert.equal((await tenMinuteCron(worker, D0 + 30 * H)).drought.outcome, 'off');
  assert.equal(droughtCalls().length, 2);
});
