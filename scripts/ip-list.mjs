#!/usr/bin/env node
// Adds an address or a CIDR range to BlockedIPs or WhitelistedIPs (migration 0005), computing
// what the worker matches on: the salted hash of one IP (as sessions.ip_hash stores it) or the
// range's first and last address as 32 hex digits. The raw IP of a single address is never stored.
//
//   node scripts/ip-list.mjs block --ip 203.0.113.7 --salt "$IP_HASH_SALT" --reason scraper --local
//   node scripts/ip-list.mjs allow --cidr 198.51.100.0/24 --reason office --remote
//
// --local applies it to `wrangler dev`'s state (with --persist-to DIR as `cargo xtask dev` uses),
// --remote to the deployed database; without either the SQL is printed.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** An IPv4 or IPv6 address as a BigInt of its IPv6 form (IPv4 as ::ffff:a.b.c.d), or null. */
function toBigInt(ip) {
  const text = ip.trim();
  const version = isIP(text);
  if (version === 4) {
    return text.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n) | (0xffffn << 32n);
  }
  if (version !== 6) return null;
  let [head, tail = ''] = text.split('::');
  if (!text.includes('::')) tail = null;
  const groups = (s) => (s ? s.split(':') : []);
  const expand = (parts) => parts.flatMap((p) => {
    if (p.includes('.')) {
      const v4 = toBigInt(p) & 0xffffffffn;
      return [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    }
    return [p];
  });
  const h = expand(groups(head));
  const t = tail === null ? [] : expand(groups(tail));
  const zeros = tail === null ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const hex32 = (n) => n.toString(16).padStart(32, '0');

/** `ip` as the 32 hex digits the worker compares (worker/src/net/ip.rs `to_hex`). */
export function ipHex(ip) {
  const n = toBigInt(ip);
  return n === null ? null : hex32(n);
}

/** The first and last address of `cidr` as 32 hex digits each (worker/src/net/ip.rs `cidr_range`). */
export function cidrRange(cidr) {
  const [addr, bitsText] = cidr.trim().split('/');
  const n = toBigInt(addr);
  if (n === null) return null;
  const max = isIP(addr.trim()) === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max || (bitsText !== undefined && !/^\d+$/.test(bitsText))) return null;
  const prefix = BigInt(bits + (128 - max));
  const hostMask = prefix === 128n ? 0n : (1n << (128n - prefix)) - 1n;
  const all = (1n << 128n) - 1n;
  return [hex32(n & (all ^ hostMask)), hex32(n | hostMask)];
}

/** `sha256(salt ":" ip)`, as the worker stores sessions.ip_hash. */
export function ipHash(salt, ip) {
  return createHash('sha256').update(`${salt}:${ip.trim()}`).digest('hex');
}

const quote = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);

/** The INSERT for one list entry. */
export function entrySql(list, { ip, cidr, salt, reason, now = Date.now() }) {
  const table = list === 'block' ? 'BlockedIPs' : 'WhitelistedIPs';
  if (ip) {
    if (!isIP(ip.trim())) throw new Error(`not an IP address: ${ip}`);
    if (!salt) throw new Error('--ip needs --salt (the worker\'s IP_HASH_SALT)');
    return `INSERT INTO ${table} (IpHash, Reason, CreatedAt) VALUES (${quote(ipHash(salt, ip))}, ${quote(reason)}, ${now})`;
  }
  const range = cidr && cidrRange(cidr);
  if (!range) throw new Error(`not a CIDR range: ${cidr}`);
  return `INSERT INTO ${table} (Cidr, RangeStart, RangeEnd, Reason, CreatedAt) VALUES (${quote(cidr.trim())}, '${range[0]}', '${range[1]}', ${quote(reason)}, ${now})`;
}

function main(argv) {
  const [list, ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i].replace(/^--/, '');
    if (['local', 'remote'].includes(flag)) opts[flag] = true;
    else opts[flag.replaceAll('-', '_')] = rest[++i];
  }
  if (!['block', 'allow'].includes(list) || (!opts.ip && !opts.cidr)) {
    console.error('usage: ip-list.mjs block|allow (--ip ADDR --salt SALT | --cidr RANGE) [--reason TEXT] [--local [--persist-to DIR] | --remote]');
    process.exit(2);
  }
  const sql = entrySql(list, { ip: opts.ip, cidr: opts.cidr, salt: opts.salt ?? process.env.IP_HASH_SALT, reason: opts.reason });
  if (!opts.local && !opts.remote) {
    console.log(sql);
    return;
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const args = ['d1', 'execute', 'DB', opts.local ? '--local' : '--remote', '--command', sql];
  if (opts.persist_to) args.push('--persist-to', opts.persist_to);
  execFileSync(path.join(root, 'node_modules/.bin/wrangler'), args, { cwd: path.join(root, 'worker'), stdio: 'inherit' });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
