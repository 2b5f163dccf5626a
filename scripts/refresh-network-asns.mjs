#!/usr/bin/env node
// Refreshes worker/data/network-asns.txt from its public sources, where the deployment has
// internet: the hosting and VPN ASN lists of X4BNet/lists_vpn (MIT). Entries curated by hand
// (privacy relays, Tor, and any kind the upstream lists do not carry) are kept as they are, and
// ASNs of residential ISPs reported as false positives never enter (EXCLUDE). Rebuild the worker
// afterwards; the list is compiled in.
//
//   node scripts/refresh-network-asns.mjs                 fetch from GitHub
//   node scripts/refresh-network-asns.mjs --from DIR      read DIR/datacenter/ASN.txt and DIR/vpn/ASN.txt
//   node scripts/refresh-network-asns.mjs --check         only validate the committed file
//   --data FILE                                           another data file than the committed one
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(root, 'worker/data/network-asns.txt');
const UPSTREAM = 'https://raw.githubusercontent.com/X4BNet/lists_vpn/main/input';
const SOURCES = { hosting: ['datacenter', 'x4b-datacenter'], vpn: ['vpn', 'x4b-vpn'] };
const KINDS = new Set(['hosting', 'vpn', 'tor', 'relay']);
/** Residential networks reported as false positives of hosting lists: AS8881 1&1 Versatel
 * (X4BNet/lists_vpn PR #32, "full of residential IPs") and AS3209 Vodafone (wallacebrf/dns#16). */
export const EXCLUDE = new Set([8881, 3209]);

/** Parses our data file into its header (comments) and entries. */
export function parseData(text) {
  const header = [];
  const entries = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      if (entries.length === 0) header.push(raw);
      continue;
    }
    const [kind, asn, source, ...name] = line.split(/\s+/);
    if (!KINDS.has(kind) || !/^\d+$/.test(asn) || !source || name.length === 0) {
      throw new Error(`${DATA}:${i + 1}: malformed entry ${JSON.stringify(line)}`);
    }
    entries.push({ kind, asn: Number(asn), source, name: name.join(' ') });
  }
  return { header, entries };
}

/** Parses an upstream list: `AS1234 # Name` per line. */
export function parseUpstream(text) {
  const out = [];
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(/^\s*AS(\d+)\s*(?:#\s*(.*))?$/i);
    if (m) out.push({ asn: Number(m[1]), name: (m[2] ?? '').trim().replace(/\s+/g, ' ') || `AS${m[1]}` });
  }
  return out;
}

/** The refreshed entries: hand-curated ones (relays, Tor, other sources) stay; upstream entries
 * replace the hosting and VPN ones taken from the x4b lists. */
export function merge(current, upstream) {
  const curated = current.filter((e) => !e.source.startsWith('x4b-') || e.kind === 'tor' || e.kind === 'relay');
  const taken = new Set(curated.map((e) => e.asn));
  const merged = [...curated];
  for (const kind of ['vpn', 'hosting']) {
    for (const { asn, name } of upstream[kind]) {
      if (taken.has(asn) || EXCLUDE.has(asn)) continue;
      taken.add(asn);
      merged.push({ kind, asn, source: SOURCES[kind][1], name });
    }
  }
  const order = ['relay', 'tor', 'vpn', 'hosting'];
  return merged.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.asn - b.asn);
}

const HEADINGS = {
  relay: '# Privacy relays (scored 0: a privacy choice, not fraud)',
  tor: '# Tor exit operators',
  vpn: '# Commercial VPN egress',
  hosting: '# Clouds and hosting',
};

/** The data file: the header, then each kind under its heading. */
export function render(header, entries) {
  let out = `${header.join('\n').trimEnd()}\n`;
  for (const kind of Object.keys(HEADINGS)) {
    const mine = entries.filter((e) => e.kind === kind);
    if (mine.length === 0) continue;
    out += `\n${HEADINGS[kind]}\n${mine.map((e) => `${e.kind} ${e.asn} ${e.source} ${e.name}`).join('\n')}\n`;
  }
  return out;
}

async function upstreamList(kind, from) {
  const dir = SOURCES[kind][0];
  if (from) return readFile(path.join(from, dir, 'ASN.txt'), 'utf8');
  const res = await fetch(`${UPSTREAM}/${dir}/ASN.txt`);
  if (!res.ok) throw new Error(`${UPSTREAM}/${dir}/ASN.txt: HTTP ${res.status}`);
  return res.text();
}

async function main(args) {
  const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const data = option('--data') ?? DATA;
  const { header, entries } = parseData(await readFile(data, 'utf8'));
  if (args.includes('--check')) {
    console.log(`${path.relative(root, data)}: ${entries.length} entries, all well-formed`);
    return;
  }
  const from = option('--from');
  const upstream = {
    hosting: parseUpstream(await upstreamList('hosting', from)),
    vpn: parseUpstream(await upstreamList('vpn', from)),
  };
  const merged = merge(entries, upstream);
  await writeFile(data, render(header, merged));
  console.log(`${path.relative(root, data)}: ${entries.length} → ${merged.length} entries; rebuild the worker`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
