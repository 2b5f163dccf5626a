// Starts one `wrangler dev` through the test helper, prints `{"url":…,"pid":…}` and waits: the
// cleanup test sends this process a signal and checks that its wrangler is gone afterwards.
import { startWorker } from './worker.mjs';

const worker = await startWorker();
process.stdout.write(`${JSON.stringify({ url: worker.url, pid: worker.pid })}\n`);
setInterval(() => {}, 60_000);
