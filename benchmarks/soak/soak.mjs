// The soak driver (issue 11): mixed valid MCP traffic against one endpoint from N concurrent connections for a fixed
// time, the server's RSS sampled every 10 s. Node 18+ (global fetch), no dependencies. Usage:
//   node benchmarks/soak/soak.mjs --url http://127.0.0.1:PORT/mcp --mode stateless|sticky|store --pid SERVER_PID
//        [--minutes 10] [--connections 32] [--warmup 60]
// Each connection loops: (session modes) initialize + notifications/initialized, tools/list, calls, prompts/get,
// resources/read, a GET stream opened and closed, DELETE; (every mode) modern 2026-07-28 calls too. Any status or
// JSON-RPC error that valid traffic must not get counts as an error. Prints one JSON summary line at the end; exit 1 on
// errors or when RSS ends more than 10% above the sample taken after warm-up.
import { readFileSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []));
const url = args.url, mode = args.mode ?? 'stateless', pid = Number(args.pid);
const minutes = Number(args.minutes ?? 10), connections = Number(args.connections ?? 32), warmup = Number(args.warmup ?? 60);
const sessions = mode !== 'stateless';
const legacy = '2025-11-25', modern = '2026-07-28';
const end = Date.now() + minutes * 60_000;
const counts = { requests: 0, errors: 0, sessions: 0, streams: 0, deletes: 0 };
const errors = [];
let nextId = 1;

function rss() {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(l => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

function fail(what) {
  counts.errors++;
  if (errors.length < 10) errors.push(what);
}

async function rpc(method, params, { session, version, notification = false } = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (session) headers['mcp-session-id'] = session;
  if (version && method !== 'initialize') headers['mcp-protocol-version'] = version;
  const body = { jsonrpc: '2.0', method, ...(params ? { params } : {}) };
  if (version === modern) {
    body.params = { ...(body.params ?? {}), _meta: { 'io.modelcontextprotocol/protocolVersion': modern, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'soak', version: '1' } } };
    headers['mcp-method'] = method;
    if (params?.name) headers['mcp-name'] = params.name;
    if (params?.uri) headers['mcp-name'] = params.uri;
  }
  if (!notification) body.id = nextId++;
  counts.requests++;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  if (notification) {
    if (response.status !== 202) fail(`${method}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return { response };
  }
  let message = null;
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const data = text.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).filter(d => d.length > 0);
    for (const d of data) { const m = JSON.parse(d); if (m.id === body.id) message = m; }
  } else if (text.length > 0) {
    message = JSON.parse(text);
  }
  if (response.status !== 200 || !message || message.error || message.result?.isError) {
    fail(`${method} ${params?.name ?? params?.uri ?? ''}: HTTP ${response.status} ${text.slice(0, 200)}`);
  }
  return { response, message };
}

async function legacyRound() {
  const init = await rpc('initialize', { protocolVersion: legacy, capabilities: {}, clientInfo: { name: 'soak', version: '1' } });
  const session = init.response.headers.get('mcp-session-id') ?? undefined;
  if (sessions && !session) { fail('initialize: no Mcp-Session-Id'); return; }
  counts.sessions++;
  const o = { session, version: legacy };
  await rpc('notifications/initialized', undefined, { ...o, notification: true });
  await rpc('tools/list', {}, o);
  for (let i = 0; i < 3; i++) {
    await rpc('tools/call', { name: 'test_simple_text', arguments: {} }, o);
    await rpc('tools/call', { name: 'test_multiple_content_types', arguments: {} }, o);
  }
  await rpc('prompts/get', { name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } }, o);
  await rpc('resources/read', { uri: 'test://static-text' }, o);
  await rpc('completion/complete', { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'te' } }, o);
  if (!sessions) return;
  // A GET stream opened, read briefly, closed.
  const controller = new AbortController();
  counts.requests++;
  const get = await fetch(url, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': legacy }, signal: controller.signal });
  if (get.status !== 200) fail(`GET stream: HTTP ${get.status}`); else counts.streams++;
  const reader = get.body?.getReader();
  await Promise.race([reader?.read().catch(() => {}), new Promise(r => setTimeout(r, 50))]);
  controller.abort();
  counts.requests++;
  const del = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': session, 'mcp-protocol-version': legacy }, signal: AbortSignal.timeout(20_000) });
  await del.text();
  if (del.status < 200 || del.status >= 300) fail(`DELETE: HTTP ${del.status}`); else counts.deletes++;
}

async function modernRound() {
  const o = { version: modern };
  await rpc('server/discover', {}, o);
  await rpc('tools/list', {}, o);
  await rpc('tools/call', { name: 'test_simple_text', arguments: {} }, o);
  await rpc('resources/read', { uri: 'test://static-text' }, o);
  await rpc('prompts/get', { name: 'test_simple_prompt', arguments: {} }, o);
}

async function worker() {
  while (Date.now() < end) {
    try {
      await legacyRound();
      await modernRound();
    } catch (e) {
      fail(`exception: ${e?.message ?? e}`);
    }
  }
}

const samples = [];
const started = Date.now();
samples.push({ s: 0, rss: rss() });
const sampler = setInterval(() => samples.push({ s: Math.round((Date.now() - started) / 1000), rss: rss() }), 10_000);
await Promise.all(Array.from({ length: connections }, worker));
clearInterval(sampler);
samples.push({ s: Math.round((Date.now() - started) / 1000), rss: rss() });
const afterWarmup = samples.find(s => s.s >= warmup) ?? samples[0];
const last = samples[samples.length - 1];
const growth = (last.rss - afterWarmup.rss) / afterWarmup.rss;
const seconds = (Date.now() - started) / 1000;
const summary = {
  mode, minutes, connections, seconds: Math.round(seconds), ...counts, requestsPerSecond: Math.round(counts.requests / seconds),
  rssAfterWarmupMB: +(afterWarmup.rss / 1048576).toFixed(1), rssEndMB: +(last.rss / 1048576).toFixed(1), rssPeakMB: +(Math.max(...samples.map(s => s.rss)) / 1048576).toFixed(1),
  growthPercent: +(growth * 100).toFixed(1), samplesMB: samples.map(s => +(s.rss / 1048576).toFixed(0)), firstErrors: errors,
};
console.log(JSON.stringify(summary));
process.exit(counts.errors === 0 && growth <= 0.10 ? 0 : 1);
