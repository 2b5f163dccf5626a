// The operator scripts: IP-list entries match what the worker compares (the same vectors as
// worker/src/net/ip.rs), and the network-list refresh keeps curated entries, drops known false
// positives and writes a file the worker parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ipHex, cidrRange, ipHash, entrySql } from '../../scripts/ip-list.mjs';
import { parseData, parseUpstream, merge, render, EXCLUDE } from '../../scripts/refresh-network-asns.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('ip-list computes what the worker matches on', () => {
  assert.equal(ipHex('203.0.113.7'), '00000000000000000000ffffcb007107');
  assert.equal(ipHex('::ffff:203.0.113.7'), '00000000000000000000ffffcb007107');
  assert.equal(ipHex('2001:db8::1'), '20010db8000000000000000000000001');
  assert.equal(ipHex('not an ip'), null);
  assert.deepEqual(cidrRange('203.0.113.0/24'), ['00000000000000000000ffffcb007100', '00000000000000000000ffffcb0071ff']);
  assert.deepEqual(cidrRange('2001:db8::/32'), ['20010db8000000000000000000000000', '20010db8ffffffffffffffffffffffff']);
  assert.deepEqual(cidrRange('203.0.113.9/24'), cidrRange('203.0.113.0/24'));
  for (const bad of ['203.0.113.0/33', '2001:db8::/129', 'x/8', '203.0.113.0/', '1.2.3.4/+8']) assert.equal(cidrRange(bad), null, bad);
  // printf 'salt:203.0.113.7' | sha256sum (worker/src/ip_hash.rs's known vector)
  assert.equal(ipHash('salt', '203.0.113.7'), '7808d0823604dd7ab5a86eea64fd291071e734891f5fc6c474ece5098e049776');
  assert.match(entrySql('block', { cidr: '203.0.113.0/24', reason: "it's", now: 1 }), /VALUES \('203\.0\.113\.0\/24', '0+ffffcb007100', '0+ffffcb0071ff', 'it''s', 1\)/);
  assert.throws(() => entrySql('allow', { ip: '203.0.113.7' }), /--salt/);
  assert.ok(!entrySql('allow', { ip: '203.0.113.7', salt: 's' }).includes('203.0.113.7'), 'no raw IP in a single-address entry');
});

test('the network-list refresh keeps curated entries, replaces upstream ones and skips false positives', async () => {
  const committed = await readFile(path.join(root, 'worker/data/network-asns.txt'), 'utf8');
  const { header, entries } = parseData(committed);
  assert.ok(entries.some((e) => e.kind === 'relay' && e.source === 'private-relay'));
  assert.deepEqual(parseData(render(header, entries)).entries.map((e) => e.asn).sort(), entries.map((e) => e.asn).sort());

  const upstream = {
    hosting: parseUpstream('AS16509 # AMAZON-02 - Amazon.com, Inc., US\nAS8881 # residential, reported\nAS64999\nnot a line\nAS36183 # Akamai'),
    vpn: parseUpstream('AS9009 # M247, GB (NordVPN)\r\n'),
  };
  assert.deepEqual(upstream.hosting.map((e) => e.asn), [16509, 8881, 64999, 36183]);
  const merged = merge(entries, upstream);
  assert.ok(EXCLUDE.has(8881) && !merged.some((e) => e.asn === 8881), 'a reported false positive stays out');
  assert.equal(merged.find((e) => e.asn === 36183).kind, 'relay', 'curated kinds win over upstream');
  assert.equal(merged.find((e) => e.asn === 64999).source, 'x4b-datacenter');
  assert.equal(merged.find((e) => e.asn === 9009).kind, 'vpn');
  assert.ok(!merged.some((e) => e.asn === 24940), 'x4b entries no longer upstream are dropped');

  // The script end to end, on local copies of the upstream lists, against a scratch checkout.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulsegate-asn-'));
  try {
    await mkdir(path.join(dir, 'datacenter'));
    await mkdir(path.join(dir, 'vpn'));
    await writeFile(path.join(dir, 'datacenter/ASN.txt'), 'AS16509 # Amazon\nAS24940 # Hetzner\n');
    await writeFile(path.join(dir, 'vpn/ASN.txt'), 'AS9009 # M247\n');
    const data = path.join(dir, 'network-asns.txt');
    await writeFile(data, committed);
    const script = path.join(root, 'scripts/refresh-network-asns.mjs');
    const run = (...args) => promisify(execFile)(process.execPath, [script, '--data', data, ...args]);
    assert.match((await run('--from', dir)).stdout, /entries; rebuild the worker/);
    const refreshed = parseData(await readFile(data, 'utf8')).entries;
    const fromUpstream = refreshed.filter((e) => e.source.startsWith('x4b-') && e.kind !== 'tor');
    assert.deepEqual(fromUpstream.map((e) => e.asn).sort((a, b) => a - b), [9009, 16509, 24940]);
    assert.equal(refreshed.filter((e) => e.kind === 'tor').length, 2, 'curated Tor entries stay');
    assert.equal(refreshed.filter((e) => e.kind === 'relay').length, 3);
    assert.match((await run('--check')).stdout, /all well-formed/);
    // The committed file is untouched.
    assert.equal(await readFile(path.join(root, 'worker/data/network-asns.txt'), 'utf8'), committed);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
