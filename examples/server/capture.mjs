// Sends a lead from your server to PulseGate: `node capture.mjs` (Node 18 or newer, no packages).
// PULSEGATE_URL is the worker, PULSEGATE_KEY an integration key (pgi_…) made in the dashboard
// (or with POST /analytics/integrations), FORM the form's id.
import { randomUUID } from 'node:crypto';

const url = process.env.PULSEGATE_URL ?? 'http://127.0.0.1:8787';
const res = await fetch(`${url}/lead.capture`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': process.env.PULSEGATE_KEY },
  body: JSON.stringify({
    form_id: process.env.FORM ?? 'quote',
    // One id per submission: a retry with the same id makes no second lead.
    submission_id: randomUUID(),
    fields: { name: 'Ada Lovelace', email: 'ada@example.com', consent: true, notes: 'Please call me back' },
  }),
});
const answer = await res.json();
if (!res.ok) throw new Error(`${res.status} ${answer.error?.code}: ${answer.error?.message}`);
console.log(`lead ${answer.lead_id}`);
