// McpGen test harness: drives a real MCP TypeScript client against a Streamable HTTP endpoint and prints ONE JSON document.
// Usage: node client.mjs --url URL --sdk v1|v2 --era legacy|modern|auto [--protocol-version V] [--list] [--call TOOL --args JSON [--progress]]
//        [--ping] [--script JSON|@file] [--header 'Name: value'] [--terminate] [--trace] [--timeout MS] [--probe-timeout MS]
// Setup: cd tests/clients/ts && npm ci.  Exit 0 = every step ok; 1 = connect/step failure; 2 = usage; 3 = overall timeout (stderr says why).
//
// --sdk v1  = @modelcontextprotocol/sdk 1.32.2 (initialize era only; it always offers 2025-11-25, --protocol-version rewrites the
//             offered version in the initialize body via a fetch wrapper, since v1 has no option for it).
// --sdk v2  = @modelcontextprotocol/client 2.4.0: --era legacy -> versionNegotiation 'legacy' (initialize, offers --protocol-version
//             or 2025-11-25), --era modern -> { pin: --protocol-version or '2026-07-28' } (server/discover, no fallback),
//             --era auto -> 'auto' (server/discover probe, falls back to initialize).
// Script steps (JSON array): {"op":"list"} {"op":"call","name":"echo","args":{},"progress":true} {"op":"ping"} {"op":"listPrompts"}
//   {"op":"getPrompt","name":"p","args":{}} {"op":"listResources"} {"op":"readResource","uri":"x://y"} {"op":"discover"} (v2)
//   {"op":"listTemplates"} {"op":"complete","ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":"v"}}
//   {"op":"setLevel","level":"debug"} (logging/setLevel).
//   {"op":"subscribe","uri":"x://y"} {"op":"unsubscribe","uri":"x://y"} (resources/(un)subscribe).
//   {"op":"waitFor","method":"notifications/tools/list_changed","count":1,"uri":"x://y"} waits (bounded by timeoutMs) until
//   that many matching change notifications (list_changed, resources/updated; "uri" matches params.uri) arrived since start.
//   {"op":"callUntil","name":"notify","args":{},"until":"notifications/tools/list_changed"} calls the tool again every 300 ms
//   until such a notification arrives (the GET stream opens in the background after initialize, so the first may be missed).
//   A call step with "cancelOnProgress": true aborts the call (AbortSignal: the SDK sends notifications/cancelled) when its
//   first progress notification arrives; it then fails, so give it "expectError": true.
//   Any step may carry "expectError": true (the step is ok only if it fails) and "timeoutMs"; a call step may carry
//   "logLevel": "info" (sent as params._meta["io.modelcontextprotocol/logLevel"], the 2026-07-28 per-request level; v2 lets
//   user _meta keys win over its own envelope) and "meta": {...} (more params._meta keys).
//   notifications/message the client receives while a step runs are reported as the step's "logs" ([{level,logger,data}]):
//   present when the step has "logs": true or when any arrived. Change notifications (list_changed, resources/updated)
//   that arrive while a step runs are its "notifications" ([{method,params}]), and all of them are "notifications" at the top.
// Output: {"ok","sdk","era","connect":{"ok","ms","protocolVersion","era","sessionId","serverInfo","capabilities","instructions"},
//          "steps":[{"op","ok","ms","result"|"error","progress","logs","notifications"}],"close":{"ok","terminated","sessionId"},
//          "notifications":[...],"http":[...with --trace],
//          "clientErrors":[...non-fatal transport errors, e.g. a GET answered 400],"error"}
// --terminate sends DELETE (legacy, only if the server issued Mcp-Session-Id); plain close never sends DELETE in either TS SDK.
// --probe-timeout sets v2 versionNegotiation.probe.timeoutMs (on HTTP a probe timeout is an error, never a fallback).
// Inspector CLI (v1 SDK inside): npm run --silent inspector -- URL --transport http --method tools/list (the script cds into
// its build dir: inspector-cli 1.0.3 locates its package.json relative to the working directory).
import process from 'node:process';
import fs from 'node:fs';

const USAGE = 'usage: node client.mjs --url URL --sdk v1|v2 --era legacy|modern|auto [--protocol-version V] [--list] [--call TOOL --args JSON [--progress]] [--ping] [--script JSON|@file] [--header "N: v"] [--terminate] [--trace] [--timeout MS] [--probe-timeout MS]';

function usage(msg) {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { sdk: 'v2', era: 'legacy', steps: [], headers: {}, timeout: 20000, trace: false, terminate: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    switch (a) {
      case '--url': o.url = next(); break;
      case '--sdk': o.sdk = next(); break;
      case '--era': o.era = next(); break;
      case '--protocol-version': o.protocolVersion = next(); break;
      case '--list': o.steps.push({ op: 'list' }); break;
      case '--ping': o.steps.push({ op: 'ping' }); break;
      case '--call': o.steps.push({ op: 'call', name: next(), args: {} }); break;
      case '--args': {
        const last = o.steps[o.steps.length - 1];
        if (!last || last.op !== 'call') usage('--args must follow --call');
        try { last.args = JSON.parse(next()); } catch (e) { usage(`--args is not JSON: ${e.message}`); }
        break;
      }
      case '--progress': {
        const last = o.steps[o.steps.length - 1];
        if (!last || last.op !== 'call') usage('--progress must follow --call');
        last.progress = true;
        break;
      }
      case '--script': {
        let text = next();
        if (text.startsWith('@')) text = fs.readFileSync(text.slice(1), 'utf8');
        let s;
        try { s = JSON.parse(text); } catch (e) { usage(`--script is not JSON: ${e.message}`); }
        if (!Array.isArray(s)) usage('--script must be a JSON array of steps');
        o.steps.push(...s);
        break;
      }
      case '--header': {
        const h = next();
        const c = h.indexOf(':');
        if (c <= 0) usage(`bad --header ${h}`);
        o.headers[h.slice(0, c).trim()] = h.slice(c + 1).trim();
        break;
      }
      case '--terminate': o.terminate = true; break;
      case '--trace': o.trace = true; break;
      case '--timeout': o.timeout = Number(next()); break;
      case '--probe-timeout': o.probeTimeout = Number(next()); break;
      case '-h': case '--help': process.stdout.write(USAGE + '\n'); process.exit(0); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.url) usage('--url is required');
  if (!['v1', 'v2'].includes(o.sdk)) usage('--sdk must be v1 or v2');
  if (!['legacy', 'modern', 'auto'].includes(o.era)) usage('--era must be legacy, modern or auto');
  if (o.sdk === 'v1' && o.era !== 'legacy') usage('the v1 SDK speaks only the initialize era: use --era legacy');
  if (!(o.timeout > 0)) usage('--timeout must be a positive number of ms');
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const out = { ok: false, sdk: opts.sdk, era: opts.era, url: opts.url, connect: null, steps: [], close: null };
const http = [];
if (opts.trace) out.http = http;

let finished = false;
function finish(code, errText) {
  if (finished) return;
  finished = true;
  out.ok = code === 0;
  if (errText) out.error = errText;
  process.stdout.write(JSON.stringify(out, null, 2) + '\n', () => {
    if (errText) process.stderr.write(errText + '\n');
    process.exit(code);
  });
}

// Hard overall timeout: never hang a test run.
let currentStep = null; // the step running when the hard timeout fires
const hardTimer = setTimeout(() => {
  const error = { name: 'HarnessTimeout', message: `overall timeout after ${opts.timeout} ms` };
  if (out.connect === null) out.connect = { ok: false, error };
  else if (currentStep !== null) out.steps.push({ op: currentStep.op, name: currentStep.name, ok: false, error });
  finish(3, error.message);
}, opts.timeout);

function errorInfo(e) {
  if (e === null || typeof e !== 'object') return { message: String(e) };
  const info = { name: e.name ?? e.constructor?.name, message: e.message };
  if (e.code !== undefined) info.code = e.code;
  if (e.data !== undefined) info.data = e.data;
  if (e.cause?.message) info.cause = e.cause.message;
  return info;
}

// fetch wrapper: records the exchange (--trace) and, for v1 with --protocol-version, rewrites the offered version.
const MCP_HEADERS = ['mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-session-id', 'accept', 'content-type', 'last-event-id'];
function makeFetch(rewriteInitVersion) {
  return async (input, init = {}) => {
    let body = init.body;
    if (rewriteInitVersion && typeof body === 'string') {
      try {
        const msg = JSON.parse(body);
        if (msg && msg.method === 'initialize' && msg.params) {
          msg.params.protocolVersion = rewriteInitVersion;
          body = JSON.stringify(msg);
          init = { ...init, body };
        }
      } catch { /* not JSON: leave it */ }
    }
    const reqHeaders = {};
    new Headers(init.headers ?? {}).forEach((v, k) => { if (MCP_HEADERS.includes(k)) reqHeaders[k] = v; });
    const entry = { method: init.method ?? 'GET', url: String(input), headers: reqHeaders };
    if (typeof body === 'string') {
      try { entry.body = JSON.parse(body); } catch { entry.body = body; }
    }
    http.push(entry);
    try {
      const res = await fetch(input, init);
      entry.status = res.status;
      entry.responseHeaders = {};
      for (const k of ['content-type', 'mcp-session-id']) if (res.headers.get(k) !== null) entry.responseHeaders[k] = res.headers.get(k);
      return res;
    } catch (e) {
      entry.error = errorInfo(e);
      throw e;
    }
  };
}

async function loadSdk() {
  if (opts.sdk === 'v1') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    const client = new Client({ name: 'mcpgen-harness-v1', version: '1.32.2' }, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(opts.url), {
      fetch: makeFetch(opts.protocolVersion),
      requestInit: { headers: opts.headers },
    });
    return { client, transport, connectOptions: { timeout: opts.timeout } };
  }
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const clientOptions = { capabilities: {} };
  if (opts.era === 'legacy') {
    clientOptions.versionNegotiation = { mode: 'legacy' };
    if (opts.protocolVersion) {
      // The legacy handshake offers the first 2025-era entry of supportedProtocolVersions.
      clientOptions.supportedProtocolVersions = [opts.protocolVersion, '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']
        .filter((v, i, a) => a.indexOf(v) === i);
    }
  } else if (opts.era === 'modern') {
    clientOptions.versionNegotiation = { mode: { pin: opts.protocolVersion ?? '2026-07-28' } };
  } else {
    clientOptions.versionNegotiation = { mode: 'auto' };
    if (opts.protocolVersion) clientOptions.supportedProtocolVersions = [opts.protocolVersion, '2025-11-25', '2025-06-18', '2025-03-26'];
  }
  if (opts.probeTimeout > 0 && opts.era !== 'legacy') clientOptions.versionNegotiation.probe = { timeoutMs: opts.probeTimeout };
  const client = new Client({ name: 'mcpgen-harness-v2', version: '2.4.0' }, clientOptions);
  const transport = new StreamableHTTPClientTransport(new URL(opts.url), {
    fetch: makeFetch(undefined),
    requestInit: { headers: opts.headers },
  });
  return { client, transport, connectOptions: { timeout: opts.timeout } };
}

// notifications/message received so far; runStep reports the ones that arrived while its step ran.
const logBuffer = [];

// Change notifications received so far (list_changed, resources/updated), in arrival order.
const noteBuffer = [];
const CHANGE_METHODS = ['notifications/tools/list_changed', 'notifications/prompts/list_changed',
  'notifications/resources/list_changed', 'notifications/resources/updated'];

async function registerLogHandler(client) {
  const record = (n) => {
    const p = n?.params ?? {};
    const entry = { level: p.level, data: p.data };
    if (p.logger !== undefined) entry.logger = p.logger;
    logBuffer.push(entry);
  };
  const note = (n) => {
    const entry = { method: n.method };
    if (n.params !== undefined) entry.params = n.params;
    noteBuffer.push(entry);
  };
  if (opts.sdk === 'v1') {
    const types = await import('@modelcontextprotocol/sdk/types.js');
    client.setNotificationHandler(types.LoggingMessageNotificationSchema, record);
    for (const schema of [types.ToolListChangedNotificationSchema, types.PromptListChangedNotificationSchema,
      types.ResourceListChangedNotificationSchema, types.ResourceUpdatedNotificationSchema]) {
      client.setNotificationHandler(schema, note);
    }
  } else {
    client.setNotificationHandler('notifications/message', record);
    for (const method of CHANGE_METHODS) client.setNotificationHandler(method, note);
  }
}

function countNotes(method, uri, from = 0) {
  return noteBuffer.slice(from).filter((n) => n.method === method && (uri === undefined || n.params?.uri === uri)).length;
}

async function waitForNotes(method, uri, count, ms, from = 0) {
  const deadline = performance.now() + ms;
  while (countNotes(method, uri, from) < count) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function callParams(step) {
  const params = { name: step.name, arguments: step.args ?? {} };
  const meta = { ...(step.meta ?? {}) };
  if (step.logLevel !== undefined) meta['io.modelcontextprotocol/logLevel'] = step.logLevel;
  if (Object.keys(meta).length > 0) params._meta = meta;
  return params;
}

async function runStep(client, step) {
  const progress = [];
  const logStart = logBuffer.length;
  const noteStart = noteBuffer.length;
  const ro = { timeout: step.timeoutMs ?? opts.timeout };
  if (step.progress) ro.onprogress = (p) => progress.push(p);
  if (step.cancelOnProgress) {
    const abort = new AbortController();
    ro.signal = abort.signal;
    ro.onprogress = (p) => { progress.push(p); abort.abort('cancelled by the test on the first progress'); };
  }
  const t0 = performance.now();
  const rec = { op: step.op };
  if (step.name !== undefined) rec.name = step.name;
  if (step.uri !== undefined) rec.uri = step.uri;
  try {
    let result;
    switch (step.op) {
      case 'list': result = await client.listTools(step.cursor ? { cursor: step.cursor } : undefined, ro); break;
      case 'call': result = await client.callTool(callParams(step), undefined, ro); break;
      case 'ping': result = await client.ping(ro); break;
      case 'listPrompts': result = await client.listPrompts(undefined, ro); break;
      case 'getPrompt': result = await client.getPrompt({ name: step.name, arguments: step.args ?? {} }, ro); break;
      case 'listResources': result = await client.listResources(undefined, ro); break;
      case 'readResource': result = await client.readResource({ uri: step.uri }, ro); break;
      case 'listTemplates': result = await client.listResourceTemplates(undefined, ro); break;
      case 'complete': result = await client.complete({ ref: step.ref, argument: step.argument }, ro); break;
      case 'setLevel': result = await client.setLoggingLevel(step.level, ro); break;
      case 'subscribe': result = await client.subscribeResource({ uri: step.uri }, ro); break;
      case 'unsubscribe': result = await client.unsubscribeResource({ uri: step.uri }, ro); break;
      case 'waitFor': {
        const count = step.count ?? 1;
        if (!await waitForNotes(step.method, step.uri, count, ro.timeout)) {
          throw new Error(`${count} x ${step.method}${step.uri ? ' ' + step.uri : ''} did not arrive within ${ro.timeout} ms (got ${countNotes(step.method, step.uri)})`);
        }
        result = { count: countNotes(step.method, step.uri) };
        break;
      }
      case 'callUntil': {
        const deadline = performance.now() + ro.timeout;
        let calls = 0;
        while (countNotes(step.until, step.uri, noteStart) === 0) {
          if (performance.now() >= deadline) throw new Error(`${step.until} did not arrive within ${ro.timeout} ms (${calls} calls)`);
          await client.callTool(callParams(step), undefined, ro);
          calls++;
          await waitForNotes(step.until, step.uri, 1, 300, noteStart);
        }
        result = { calls };
        break;
      }
      case 'discover':
        if (typeof client.discover !== 'function') throw new Error('discover needs --sdk v2');
        result = await client.discover(ro);
        break;
      default: throw new Error(`unknown step op ${step.op}`);
    }
    rec.ok = !step.expectError;
    rec.result = result;
    if (step.expectError) rec.error = { message: 'expected an error, got a result' };
  } catch (e) {
    rec.ok = !!step.expectError;
    rec.error = errorInfo(e);
  }
  if (step.progress) rec.progress = progress;
  // Let notification handlers queued with the response run before the step's logs are collected.
  await new Promise((resolve) => setImmediate(resolve));
  const logs = logBuffer.slice(logStart);
  if (step.logs || logs.length > 0) rec.logs = logs;
  const notes = noteBuffer.slice(noteStart);
  if (notes.length > 0) rec.notifications = notes;
  rec.ms = Math.round(performance.now() - t0);
  return rec;
}

async function main() {
  // v1's callTool(params, resultSchema, options) and v2's callTool(params, options) differ: normalise.
  const { client, transport, connectOptions } = await loadSdk();
  if (opts.sdk === 'v2') {
    const orig = client.callTool.bind(client);
    client.callTool = (params, _schema, ro) => orig(params, ro);
  }
  client.onerror = (e) => { (out.clientErrors ??= []).push(errorInfo(e)); };
  await registerLogHandler(client);
  const t0 = performance.now();
  try {
    await client.connect(transport, connectOptions);
  } catch (e) {
    out.connect = { ok: false, ms: Math.round(performance.now() - t0), error: errorInfo(e) };
    try { await client.close(); } catch { /* ignore */ }
    return finish(1, `connect failed: ${e?.message ?? e}`);
  }
  out.connect = {
    ok: true,
    ms: Math.round(performance.now() - t0),
    protocolVersion: client.getNegotiatedProtocolVersion?.() ?? transport.protocolVersion,
    era: client.getProtocolEra?.() ?? 'legacy',
    sessionId: transport.sessionId ?? null,
    serverInfo: client.getServerVersion() ?? null,
    capabilities: client.getServerCapabilities() ?? null,
    instructions: client.getInstructions?.() ?? null,
  };
  let failed = null;
  for (const step of opts.steps) {
    currentStep = step;
    const rec = await runStep(client, step);
    currentStep = null;
    out.steps.push(rec);
    if (!rec.ok) { failed = `step ${out.steps.length} (${step.op}${step.name ? ' ' + step.name : ''}) failed: ${rec.error?.message}`; break; }
  }
  out.close = { ok: true, terminated: false, sessionId: transport.sessionId ?? null };
  out.notifications = noteBuffer;
  try {
    if (opts.terminate && transport.sessionId !== undefined) {
      await transport.terminateSession();
      out.close.terminated = true;
    }
    await client.close();
  } catch (e) {
    out.close = { ok: false, error: errorInfo(e) };
    if (!failed) failed = `close failed: ${e?.message ?? e}`;
  }
  clearTimeout(hardTimer);
  finish(failed ? 1 : 0, failed ?? undefined);
}

main().catch((e) => finish(1, `harness error: ${e?.stack ?? e}`));
