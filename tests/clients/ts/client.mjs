// McpGen test harness: drives a real MCP TypeScript client against a Streamable HTTP endpoint and prints ONE JSON document.
// Usage: node client.mjs --url URL --sdk v1|v2 --era legacy|modern|auto [--protocol-version V] [--list] [--call TOOL --args JSON [--progress]]
//        [--ping] [--script JSON|@file] [--answers JSON|@file] [--header 'Name: value'] [--terminate] [--trace] [--timeout MS]
//        [--probe-timeout MS] [--sessions N [--concurrency C] [--retry-once] [--request-timeout MS]]
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
//   {"op":"schemas","instances":{"tool":[{...args}]}} lists the tools and compiles every inputSchema and outputSchema with
//   Ajv's JSON Schema 2020-12 dialect (x-mcp-header allowed as an annotation), then validates the given argument objects:
//   result {"tools":[names],"compiled":N,"valid":{"tool":[true|false,...]}}; any schema that does not compile fails the step.
//   Any step may carry "expectError": true (the step is ok only if it fails) and "timeoutMs"; a call step may carry
//   "logLevel": "info" (sent as params._meta["io.modelcontextprotocol/logLevel"], the 2026-07-28 per-request level; v2 lets
//   user _meta keys win over its own envelope) and "meta": {...} (more params._meta keys).
//   notifications/message the client receives while a step runs are reported as the step's "logs" ([{level,logger,data}]):
//   present when the step has "logs": true or when any arrived.
//   Checks (the step fails when one does not hold): "expectText" (a call's content[0].text, exact), "expectIsError"
//   (a call's isError, true or false), "expectTool" (a list step's tools include this name), "minProgress" (a call
//   received at least this many progress notifications). In --sessions mode "{session}" in any string of a step is
//   replaced by the session's number, so each session can prove it got its own answers.
//   Fleet steps (tests/McpGen.IntegrationTests/FleetSessions.cs), beside subscribe/unsubscribe ({"op":"subscribe","uri":U}:
//   resources/(un)subscribe): {"op":"awaitGetStream"} (until the session's standalone GET stream answered 200);
//   {"op":"awaitNotification","method":M,"min":N} (until N notifications M reached the client, e.g.
//   notifications/resources/updated); {"op":"sleep","ms":N}; {"op":"terminate"} (DELETE, answered 200);
//   {"op":"checkWire","minReplicas":N,"maxReplicas":N,"minResumed":N} (see Wire below). Any step may carry "mark": NAME
//   (its start and end, Unix ms, go to the wire report's marks[NAME]); a call may carry "wireProgress"/"wireLogs": N
//   (exactly N notifications/progress / notifications/message for it on the wire).
// Output: {"ok","sdk","era","connect":{"ok","ms","protocolVersion","era","sessionId","serverInfo","capabilities","instructions"},
//          "steps":[{"op","ok","ms","result"|"error","progress","logs"}],"close":{"ok","terminated"},"http":[...with --trace],
//          "clientErrors":[...non-fatal transport errors, e.g. a GET answered 400],"error"}
// --answers {"elicitation":R|[R...],"sampling":R|[R...],"roots":R|[R...]} declares those client capabilities and answers the
//   server's elicitation/create, sampling/createMessage and roots/list requests with the given results (an array: one per
//   request, in order, the last one repeating). Legacy era: requests on the SSE stream; modern (v2): the client's automatic
//   multi round-trip fulfilment (input_required) uses the same handlers. Each request received is reported in "inputs"
//   ([{method, params}]).
// --oauth-client ID:SECRET [--oauth-issuer URL] gives the transport the SDK's ClientCredentialsProvider (both SDKs), so the
//   client authorizes itself through the spec's discovery flow when the server answers 401.
// --terminate sends DELETE (legacy, only if the server issued Mcp-Session-Id); plain close never sends DELETE in either TS SDK.
// --probe-timeout sets v2 versionNegotiation.probe.timeoutMs (on HTTP a probe timeout is an error, never a fallback).
// --sessions N runs the script in N sessions (each a new client and transport: connect, steps, close), at most
// --concurrency C (default 4) at a time, and prints a summary instead of step results:
//   {"ok","sdk","era","sessions":{"total","ok","failed","retried"},"replicas":{"<X-McpGen-Replica>":responses},
//    "failures":[{"session","attempt","stage","error"}],"retries":[...same, the first attempts that were retried],"ms"}
//   --retry-once runs a failed session once more from scratch (a new client): a session in flight on a replica that
//   died. --request-timeout bounds each request (default --timeout, which bounds the whole run).
//   --wire-report adds "wire": one entry per session attempt with what Wire saw on its HTTP exchanges.
// Wire: every session's fetch is tapped. It records per session the replicas (X-McpGen-Replica) and statuses, the request
// ids and their progress tokens, every SSE event (its id "{session digest}:{stream}:{sequence}" and message) and every
// JSON response, the GET streams opened and resumed (Last-Event-ID). checkWire fails the session when a stream's
// sequence numbers skip or repeat one (a lost or duplicated event), a request was answered other than exactly once,
// a response was 5xx, or the replica bounds do not hold.
// Inspector CLI (v1 SDK inside): npm run --silent inspector -- URL --transport http --method tools/list (the script cds into
// its build dir: inspector-cli 1.0.3 locates its package.json relative to the working directory).
import process from 'node:process';
import fs from 'node:fs';

const USAGE = 'usage: node client.mjs --url URL --sdk v1|v2 --era legacy|modern|auto [--protocol-version V] [--list] [--call TOOL --args JSON [--progress]] [--ping] [--script JSON|@file] [--answers JSON|@file] [--header "N: v"] [--terminate] [--trace] [--timeout MS] [--probe-timeout MS] [--sessions N [--concurrency C] [--retry-once] [--request-timeout MS]]';

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
      case '--answers': {
        let text = next();
        if (text.startsWith('@')) text = fs.readFileSync(text.slice(1), 'utf8');
        try { o.answers = JSON.parse(text); } catch (e) { usage(`--answers is not JSON: ${e.message}`); }
        if (o.answers === null || typeof o.answers !== 'object' || Array.isArray(o.answers)) usage('--answers must be a JSON object');
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
      case '--sessions': o.sessions = Number(next()); break;
      case '--concurrency': o.concurrency = Number(next()); break;
      case '--retry-once': o.retryOnce = true; break;
      case '--request-timeout': o.requestTimeout = Number(next()); break;
      case '--wire-report': o.wireReport = true; break;
      case '--oauth-client': {
        // OAuth client credentials (pre-registered at the authorization server): the SDK's ClientCredentialsProvider does
        // discovery on the first 401 (WWW-Authenticate resource_metadata -> PRM -> AS metadata) and the token request.
        const [clientId, clientSecret] = next().split(':');
        o.oauth = { clientId, clientSecret };
        break;
      }
      case '--oauth-issuer': o.oauthIssuer = next(); break;
      case '-h': case '--help': process.stdout.write(USAGE + '\n'); process.exit(0); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.url) usage('--url is required');
  if (!['v1', 'v2'].includes(o.sdk)) usage('--sdk must be v1 or v2');
  if (!['legacy', 'modern', 'auto'].includes(o.era)) usage('--era must be legacy, modern or auto');
  if (o.sdk === 'v1' && o.era !== 'legacy') usage('the v1 SDK speaks only the initialize era: use --era legacy');
  if (!(o.timeout > 0)) usage('--timeout must be a positive number of ms');
  if (o.sessions !== undefined && !(Number.isInteger(o.sessions) && o.sessions > 0)) usage('--sessions must be a positive integer');
  o.concurrency ??= 4;
  if (!(Number.isInteger(o.concurrency) && o.concurrency > 0)) usage('--concurrency must be a positive integer');
  o.requestTimeout ??= o.timeout;
  if (!(o.requestTimeout > 0)) usage('--request-timeout must be a positive number of ms');
  if (o.sessions !== undefined && (o.trace || o.terminate)) usage('--trace and --terminate are for a single session');
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

// Responses per replica, from the X-McpGen-Replica header (samples/Everything with MCPGEN_REPLICA_ID): which replicas
// behind a load balancer served this run.
const replicaCounts = {};

// What one session's HTTP exchanges carried (see "Wire" at the top): the fetch wrapper feeds it, checkWire judges it.
class Wire {
  constructor() {
    this.replicas = {};       // X-McpGen-Replica -> responses
    this.statuses = {};       // HTTP status -> responses
    this.requests = {};       // JSON-RPC id (JSON text) -> { method, name, progressToken }
    this.responses = {};      // JSON-RPC id -> times answered (SSE events and JSON bodies)
    this.streams = {};        // SSE stream id -> sequence numbers in arrival order
    this.streamReplica = {};  // SSE stream id -> replica whose response carried its first event
    this.streamOf = {};       // JSON-RPC id -> SSE stream id its response came on
    this.streamMethods = {};  // SSE stream id -> { notification method -> count }
    this.progress = {};       // progress token (JSON text) -> notifications/progress received
    this.notifications = {};  // notification method -> count, every stream
    this.gets = 0;            // standalone GET streams opened (200, no Last-Event-ID)
    this.resumed = 0;         // request streams resumed with Last-Event-ID and answered 200
    this.resumedElsewhere = 0; // ... on another replica than the one that began the stream
    this.initializes = 0;
    this.deletes = [];        // statuses of DELETE requests
    this.marks = {};          // step mark -> [[start, end], ...] (Unix ms)
    this.events = 0;
    this.started = Date.now();
    this.getOpen = new Promise((resolve) => { this._opened = resolve; });
  }

  // The request's JSON-RPC message: its id, method, tool name and progress token.
  request(body) {
    let msg;
    try { msg = JSON.parse(body); } catch { return; }
    if (!msg || typeof msg.method !== 'string') return;
    if (msg.method === 'initialize') this.initializes++;
    if (msg.id === undefined) return;
    const token = msg.params?._meta?.progressToken;
    this.requests[JSON.stringify(msg.id)] = { method: msg.method, name: msg.params?.name, progressToken: token === undefined ? undefined : JSON.stringify(token) };
  }

  // A response: counts it and, for SSE and JSON bodies, returns a response whose body is read through the tap.
  response(method, headers, res) {
    const replica = res.headers.get('x-mcpgen-replica') ?? '?';
    this.replicas[replica] = (this.replicas[replica] ?? 0) + 1;
    this.statuses[res.status] = (this.statuses[res.status] ?? 0) + 1;
    if (method === 'DELETE') this.deletes.push(res.status);
    const lastEventId = headers.get('last-event-id');
    if (method === 'GET' && res.status === 200) {
      if (lastEventId === null) {
        this.gets++;
        this._opened();
      } else {
        const stream = Wire.parseId(lastEventId)?.stream;
        if (stream !== undefined && stream !== 'g') {
          this.resumed++;
          if (this.streamReplica[stream] !== undefined && this.streamReplica[stream] !== replica) this.resumedElsewhere++;
        }
      }
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    if (!res.body || (type !== 'text/event-stream' && type !== 'application/json')) return res;
    const sse = type === 'text/event-stream';
    const decoder = new TextDecoder();
    let text = '';
    const wire = this;
    let event = { id: undefined, data: [] };
    const line = (l) => {
      if (l === '') {
        if (event.id !== undefined || event.data.length > 0) wire.event(event.id, event.data.join('\n'), replica);
        event = { id: undefined, data: [] };
      } else if (l.startsWith('id:')) {
        event.id = l.slice(3).trimStart();
      } else if (l.startsWith('data:')) {
        event.data.push(l.slice(5).replace(/^ /, ''));
      }
    };
    const tap = new TransformStream({
      transform(chunk, controller) {
        text += decoder.decode(chunk, { stream: true });
        if (sse) {
          let nl;
          while ((nl = text.indexOf('\n')) >= 0) {
            line(text.slice(0, nl).replace(/\r$/, ''));
            text = text.slice(nl + 1);
          }
        }
        controller.enqueue(chunk);
      },
      flush() {
        if (!sse) wire.message(text, undefined);
      },
    });
    return new Response(res.body.pipeThrough(tap), { status: res.status, statusText: res.statusText, headers: res.headers });
  }

  // "{session digest}:{stream}:{sequence}" -> { stream, sequence }
  static parseId(id) {
    const first = id.indexOf(':');
    const last = id.lastIndexOf(':');
    if (first <= 0 || last <= first) return undefined;
    const sequence = Number(id.slice(last + 1));
    return Number.isInteger(sequence) ? { stream: id.slice(first + 1, last), sequence } : undefined;
  }

  event(id, data, replica) {
    this.events++;
    let stream;
    const parsed = id === undefined ? undefined : Wire.parseId(id);
    if (parsed !== undefined) {
      stream = parsed.stream;
      (this.streams[stream] ??= []).push(parsed.sequence);
      this.streamReplica[stream] ??= replica;
    }
    if (data !== '') this.message(data, stream);
  }

  message(text, stream) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    if (!msg || typeof msg !== 'object') return;
    if (msg.id !== undefined && (msg.result !== undefined || msg.error !== undefined)) {
      const key = JSON.stringify(msg.id);
      this.responses[key] = (this.responses[key] ?? 0) + 1;
      if (stream !== undefined) this.streamOf[key] = stream;
    } else if (typeof msg.method === 'string' && msg.id === undefined) {
      this.notifications[msg.method] = (this.notifications[msg.method] ?? 0) + 1;
      if (stream !== undefined) {
        const counts = (this.streamMethods[stream] ??= {});
        counts[msg.method] = (counts[msg.method] ?? 0) + 1;
      }
      if (msg.method === 'notifications/progress') {
        const token = JSON.stringify(msg.params?.progressToken);
        this.progress[token] = (this.progress[token] ?? 0) + 1;
      }
    }
  }

  // notifications/progress and notifications/message the wire carried for the request of the last call to a tool.
  forCall(name) {
    const ids = Object.keys(this.requests).filter((k) => this.requests[k].method === 'tools/call' && this.requests[k].name === name);
    const key = ids[ids.length - 1];
    if (key === undefined) return undefined;
    const token = this.requests[key].progressToken;
    const stream = this.streamOf[key];
    return {
      progress: token === undefined ? 0 : (this.progress[token] ?? 0),
      logs: stream === undefined ? 0 : (this.streamMethods[stream]?.['notifications/message'] ?? 0),
    };
  }

  // Why the wire shows a lost or duplicated event, a request not answered exactly once, a 5xx, or other replicas than
  // the bounds allow; null when none of that happened.
  problems(step) {
    const found = [];
    for (const [stream, seqs] of Object.entries(this.streams)) {
      if (seqs[0] !== 0 && seqs[0] !== 1) found.push(`stream ${stream} began at event ${seqs[0]}`);
      for (let i = 1; i < seqs.length; i++) {
        if (seqs[i] !== seqs[i - 1] + 1) found.push(`stream ${stream}: event ${seqs[i]} after ${seqs[i - 1]}`);
      }
    }
    for (const [key, req] of Object.entries(this.requests)) {
      const n = this.responses[key] ?? 0;
      if (n !== 1) found.push(`${req.method}${req.name ? ' ' + req.name : ''} (id ${key}) answered ${n} times`);
    }
    const fivexx = Object.keys(this.statuses).filter((s) => Number(s) >= 500);
    if (fivexx.length > 0) found.push(`5xx responses: ${fivexx.map((s) => `${s} x${this.statuses[s]}`).join(', ')}`);
    const replicas = Object.keys(this.replicas).length;
    if (step.minReplicas !== undefined && replicas < step.minReplicas) found.push(`served by ${replicas} replica(s), expected at least ${step.minReplicas}`);
    if (step.maxReplicas !== undefined && replicas > step.maxReplicas) found.push(`served by ${replicas} replicas (${Object.keys(this.replicas).join(', ')}), expected at most ${step.maxReplicas}`);
    if (step.minResumed !== undefined && this.resumed < step.minResumed) found.push(`${this.resumed} request streams resumed with Last-Event-ID, expected at least ${step.minResumed}`);
    return found.length === 0 ? null : found.join('; ');
  }

  report() {
    return {
      replicas: this.replicas, statuses: this.statuses, initializes: this.initializes, gets: this.gets, resumed: this.resumed,
      resumedElsewhere: this.resumedElsewhere, deletes: this.deletes, events: this.events, notifications: this.notifications,
      marks: this.marks, started: this.started, ended: Date.now(),
    };
  }
}

// fetch wrapper: records the exchange (--trace), counts replicas and, for v1 with --protocol-version, rewrites the
// offered version.
const MCP_HEADERS = ['mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-session-id', 'accept', 'content-type', 'last-event-id'];
const isTracedHeader = (k) => MCP_HEADERS.includes(k) || k.startsWith('mcp-param-');
function makeFetch(rewriteInitVersion, wire) {
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
    new Headers(init.headers ?? {}).forEach((v, k) => { if (isTracedHeader(k)) reqHeaders[k] = v; });
    const entry = { method: init.method ?? 'GET', url: String(input), headers: reqHeaders };
    if (typeof body === 'string') {
      try { entry.body = JSON.parse(body); } catch { entry.body = body; }
    }
    if (opts.trace) http.push(entry);
    if (typeof body === 'string') wire.request(body);
    try {
      const res = await fetch(input, init);
      const replica = res.headers.get('x-mcpgen-replica');
      if (replica !== null) replicaCounts[replica] = (replicaCounts[replica] ?? 0) + 1;
      entry.status = res.status;
      entry.responseHeaders = {};
      for (const k of ['content-type', 'mcp-session-id']) if (res.headers.get(k) !== null) entry.responseHeaders[k] = res.headers.get(k);
      return wire.response(entry.method, new Headers(init.headers ?? {}), res);
    } catch (e) {
      entry.error = errorInfo(e);
      throw e;
    }
  };
}

async function loadSdk(wire) {
  if (opts.sdk === 'v1') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    const client = new Client({ name: 'mcpgen-harness-v1', version: '1.32.2' }, { capabilities: answerCapabilities() });
    const transport = new StreamableHTTPClientTransport(new URL(opts.url), {
      fetch: makeFetch(opts.protocolVersion, wire),
      requestInit: { headers: opts.headers },
      authProvider: opts.oauth ? new (await import('@modelcontextprotocol/sdk/client/auth-extensions.js')).ClientCredentialsProvider(oauthOptions()) : undefined,
    });
    return { client, transport, connectOptions: { timeout: opts.timeout } };
  }
  const { Client, StreamableHTTPClientTransport, ClientCredentialsProvider } = await import('@modelcontextprotocol/client');
  const clientOptions = { capabilities: answerCapabilities() };
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
    fetch: makeFetch(undefined, wire),
    requestInit: { headers: opts.headers },
    authProvider: opts.oauth ? new ClientCredentialsProvider(oauthOptions()) : undefined,
  });
  return { client, transport, connectOptions: { timeout: opts.timeout } };
}

function oauthOptions() {
  return opts.oauthIssuer ? { ...opts.oauth, expectedIssuer: opts.oauthIssuer } : { ...opts.oauth };
}

// --answers: the capabilities they declare, and handlers that answer (and record) the server's input requests.
const ANSWER_METHODS = { elicitation: 'elicitation/create', sampling: 'sampling/createMessage', roots: 'roots/list' };

function answerCapabilities() {
  const capabilities = {};
  for (const kind of Object.keys(opts.answers ?? {})) {
    if (!(kind in ANSWER_METHODS)) usage(`--answers: unknown kind ${kind} (elicitation, sampling, roots)`);
    capabilities[kind] = {};
  }
  return capabilities;
}

async function registerAnswerHandlers(client) {
  if (!opts.answers) return;
  const schemas = opts.sdk === 'v1' ? await import('@modelcontextprotocol/sdk/types.js') : null;
  const v1Schemas = { elicitation: schemas?.ElicitRequestSchema, sampling: schemas?.CreateMessageRequestSchema, roots: schemas?.ListRootsRequestSchema };
  for (const [kind, answer] of Object.entries(opts.answers)) {
    const method = ANSWER_METHODS[kind];
    const queue = Array.isArray(answer) ? [...answer] : [answer];
    const handler = async (request) => {
      (out.inputs ??= []).push({ method, params: request.params ?? {} });
      return queue.length > 1 ? queue.shift() : queue[0];
    };
    client.setRequestHandler(opts.sdk === 'v1' ? v1Schemas[kind] : method, handler);
  }
}

// notifications/message the client received so far (one buffer per client); runStep reports the ones that arrived
// while its step ran.
// Change notifications received so far (list_changed, resources/updated), in arrival order (single-session runs).
const noteBuffer = [];
const CHANGE_METHODS = ['notifications/tools/list_changed', 'notifications/prompts/list_changed',
  'notifications/resources/list_changed', 'notifications/resources/updated'];

async function registerLogHandler(client, logBuffer) {
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

// Compiles every tool schema with Ajv (JSON Schema 2020-12: $defs, $ref, $anchor, if/then/else) and validates instances.
async function compileSchemas(client, step, ro) {
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const { default: addFormats } = await import('ajv-formats');
  // strictSchema: an unknown keyword is an error; unions (["string","null"]) and required-without-properties are valid 2020-12.
  const ajv = new Ajv2020({ strictSchema: true, strictNumbers: true, strictTypes: false, strictTuples: false, strictRequired: false, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-mcp-header', schemaType: 'string' });
  ajv.addKeyword('$anchor'); // Ajv resolves $anchor (and refuses duplicates) but leaves it out of its strict keyword list
  const { tools } = await client.listTools(undefined, ro);
  const validators = {};
  let compiled = 0;
  for (const tool of tools) {
    for (const key of ['inputSchema', 'outputSchema']) {
      if (!tool[key]) continue;
      try {
        const validate = ajv.compile(tool[key]);
        compiled++;
        if (key === 'inputSchema') validators[tool.name] = validate;
      } catch (e) {
        throw new Error(`${tool.name}.${key} does not compile: ${e.message}`);
      }
    }
  }
  const valid = {};
  for (const [name, instances] of Object.entries(step.instances ?? {})) {
    if (!validators[name]) throw new Error(`no tool ${name} to validate instances against`);
    valid[name] = instances.map((instance) => validators[name](instance));
  }
  return { tools: tools.map((t) => t.name), compiled, valid };
}

// The step's checks ("expectText", "expectIsError", "expectTool", "minProgress"): why the result is wrong, or null.
function checkResult(step, result, progress) {
  if (step.expectText !== undefined) {
    const text = result?.content?.[0]?.text;
    if (text !== step.expectText) return `expected text ${JSON.stringify(step.expectText)}, got ${JSON.stringify(text)}`;
  }
  if (step.expectIsError !== undefined && !!result?.isError !== step.expectIsError) {
    return `expected isError ${step.expectIsError}, got ${JSON.stringify(result?.isError)}`;
  }
  if (step.expectTool !== undefined && !(result?.tools ?? []).some((t) => t.name === step.expectTool)) {
    return `tool ${step.expectTool} is not in the list`;
  }
  if (step.minProgress !== undefined && progress.length < step.minProgress) {
    return `expected at least ${step.minProgress} progress notifications, got ${progress.length}`;
  }
  return null;
}

async function runStep(client, step, logBuffer) {
  const progress = [];
  const logStart = logBuffer.length;
  const noteStart = noteBuffer.length;
  const ro = { timeout: step.timeoutMs ?? opts.requestTimeout };
  if (step.progress || step.minProgress !== undefined) ro.onprogress = (p) => progress.push(p);
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
      case 'schemas': result = await compileSchemas(client, step, ro); break;
      case 'discover':
        if (typeof client.discover !== 'function') throw new Error('discover needs --sdk v2');
        result = await client.discover(ro);
        break;
      default: throw new Error(`unknown step op ${step.op}`);
    }
    rec.ok = !step.expectError;
    rec.result = result;
    if (step.expectError) rec.error = { message: 'expected an error, got a result' };
    const wrong = step.expectError ? null : checkResult(step, result, progress);
    if (wrong !== null) {
      rec.ok = false;
      rec.error = { name: 'CheckFailed', message: wrong };
    }
  } catch (e) {
    rec.ok = !!step.expectError;
    rec.error = errorInfo(e);
  }
  if (step.progress) rec.progress = progress;
  // Let notification handlers queued with the response run before the step's logs are collected.
  await new Promise((resolve) => setImmediate(resolve));
  const logs = logBuffer.slice(logStart);
  const notes = noteBuffer.slice(noteStart);
  if (notes.length > 0) rec.notifications = notes;
  if (step.logs || logs.length > 0) rec.logs = logs;
  rec.ms = Math.round(performance.now() - t0);
  return rec;
}

// The fleet steps (see the header), and the marks and wire checks any step may carry; the other steps go to runStep.
const FLEET_OPS = new Set(['awaitGetStream', 'awaitNotification', 'sleep', 'terminate', 'checkWire']);

async function runSessionStep(ctx, step) {
  const start = Date.now();
  const rec = FLEET_OPS.has(step.op) ? await runFleetStep(ctx, step) : await runStep(ctx.client, step, ctx.logBuffer);
  if (rec.ok && step.op === 'call' && (step.wireProgress !== undefined || step.wireLogs !== undefined)) {
    const seen = ctx.wire.forCall(step.name);
    let wrong = null;
    if (step.wireProgress !== undefined && seen?.progress !== step.wireProgress) wrong = `expected ${step.wireProgress} progress notifications on the wire, got ${seen?.progress}`;
    else if (step.wireLogs !== undefined && seen?.logs !== step.wireLogs) wrong = `expected ${step.wireLogs} log notifications on the wire, got ${seen?.logs}`;
    if (wrong !== null) {
      rec.ok = false;
      rec.error = { name: 'CheckFailed', message: wrong };
    }
  }
  if (step.mark !== undefined) (ctx.wire.marks[step.mark] ??= []).push([start, Date.now()]);
  return rec;
}

async function runFleetStep(ctx, step) {
  const { transport, wire, notified } = ctx;
  const timeout = step.timeoutMs ?? opts.requestTimeout;
  const t0 = performance.now();
  const rec = { op: step.op };
  try {
    switch (step.op) {
      case 'awaitGetStream':
        await within(wire.getOpen, timeout, 'the standalone GET stream');
        rec.result = { gets: wire.gets };
        break;
      case 'awaitNotification':
        await until(() => (notified[step.method] ?? 0) >= (step.min ?? 1), timeout, `${step.min ?? 1} ${step.method}`);
        rec.result = { received: notified[step.method] };
        break;
      case 'sleep':
        await new Promise((resolve) => setTimeout(resolve, step.ms));
        break;
      case 'terminate':
        await transport.terminateSession();
        if (wire.deletes.at(-1) !== 200) throw new Error(`DELETE answered ${wire.deletes.at(-1)}, expected 200`);
        break;
      case 'checkWire': {
        const wrong = wire.problems(step);
        if (wrong !== null) throw new Error(wrong);
        rec.result = wire.report();
        break;
      }
    }
    rec.ok = true;
  } catch (e) {
    rec.ok = false;
    rec.error = errorInfo(e);
  }
  rec.ms = Math.round(performance.now() - t0);
  return rec;
}

// promise, or a rejection after ms.
async function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Resolves when check() holds, polling every 10 ms; rejects after ms.
async function until(check, ms, what) {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Counts the notifications the transport hands to the client (notified[method]): the SDK sets transport.onmessage in
// connect(), so the counting wrapper is installed on the property itself.
function countNotifications(transport, notified) {
  let handler;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => handler && ((message, extra) => {
      if (typeof message?.method === 'string' && message.id === undefined) notified[message.method] = (notified[message.method] ?? 0) + 1;
      return handler(message, extra);
    }),
    set: (value) => { handler = value; },
  });
}

// One session: a new client and transport, connect, the steps in order (stopping at the first failure), close.
// Returns { connect, steps, close, failed } where failed says why the session failed (null when it did not).
async function runSession(steps, hooks = {}) {
  // v1's callTool(params, resultSchema, options) and v2's callTool(params, options) differ: normalise.
  const wire = new Wire();
  const notified = {};
  const { client, transport, connectOptions } = await loadSdk(wire);
  countNotifications(transport, notified);
  if (opts.sdk === 'v2') {
    const orig = client.callTool.bind(client);
    client.callTool = (params, _schema, ro) => orig(params, ro);
  }
  const session = { connect: null, steps: [], close: null, failed: null, clientErrors: undefined, wire, notified };
  client.onerror = (e) => { (session.clientErrors ??= []).push(errorInfo(e)); };
  const logBuffer = [];
  await registerLogHandler(client, logBuffer);
  await registerAnswerHandlers(client);
  const t0 = performance.now();
  try {
    await client.connect(transport, connectOptions);
  } catch (e) {
    session.connect = { ok: false, ms: Math.round(performance.now() - t0), error: errorInfo(e) };
    session.failed = { stage: 'connect', error: session.connect.error };
    try { await client.close(); } catch { /* ignore */ }
    return session;
  }
  session.connect = {
    ok: true,
    ms: Math.round(performance.now() - t0),
    protocolVersion: client.getNegotiatedProtocolVersion?.() ?? transport.protocolVersion,
    era: client.getProtocolEra?.() ?? 'legacy',
    sessionId: transport.sessionId ?? null,
    serverInfo: client.getServerVersion() ?? null,
    capabilities: client.getServerCapabilities() ?? null,
    instructions: client.getInstructions?.() ?? null,
  };
  hooks.onConnect?.(session.connect);
  const ctx = { client, transport, logBuffer, wire, notified };
  for (const step of steps) {
    hooks.onStep?.(step);
    const rec = await runSessionStep(ctx, step);
    hooks.onStep?.(null);
    session.steps.push(rec);
    hooks.onStepDone?.(rec);
    if (!rec.ok) {
      session.failed = { stage: `step ${session.steps.length} (${step.op}${step.name ? ' ' + step.name : ''})`, error: rec.error };
      break;
    }
  }
  session.close = { ok: true, terminated: false, sessionId: transport.sessionId ?? null };
  try {
    if (opts.terminate && transport.sessionId !== undefined) {
      await transport.terminateSession();
      session.close.terminated = true;
    }
    await client.close();
  } catch (e) {
    session.close = { ok: false, error: errorInfo(e) };
    if (!session.failed) session.failed = { stage: 'close', error: session.close.error };
  }
  return session;
}

// "{session}" in any string of the steps -> the session's number.
function stepsFor(index) {
  return JSON.parse(JSON.stringify(opts.steps), (_key, value) =>
    typeof value === 'string' ? value.replaceAll('{session}', String(index)) : value);
}

async function mainSingle() {
  // The hooks fill out as the session goes, so the hard timeout reports where it stopped.
  const session = await runSession(opts.steps, {
    onConnect: (connect) => { out.connect = connect; },
    onStep: (step) => { currentStep = step; },
    onStepDone: (rec) => { out.steps.push(rec); },
  });
  out.connect = session.connect;
  if (session.close !== null) out.close = session.close;
  out.notifications = noteBuffer;
  if (session.clientErrors) out.clientErrors = session.clientErrors;
  clearTimeout(hardTimer);
  if (session.failed?.stage === 'connect') return finish(1, `connect failed: ${session.failed.error?.message}`);
  const failed = session.failed ? `${session.failed.stage} failed: ${session.failed.error?.message}` : undefined;
  finish(failed ? 1 : 0, failed);
}

async function mainSessions() {
  const t0 = performance.now();
  const summary = { total: opts.sessions, ok: 0, failed: 0, retried: 0 };
  const failures = [];
  const retries = [];
  out.sessions = summary;
  out.replicas = replicaCounts;
  out.failures = failures;
  out.retries = retries;
  const wire = [];
  if (opts.wireReport) out.wire = wire;
  const report = (index, attempt, session) => wire.push({
    session: index, attempt, ok: !session.failed, ...session.wire.report(), notified: session.notified,
    clientErrors: session.clientErrors?.length ?? 0,
  });
  let next = 0;
  async function worker() {
    while (next < opts.sessions) {
      const index = next++;
      const steps = stepsFor(index);
      let session = await runSession(steps);
      report(index, 1, session);
      if (session.failed && opts.retryOnce) {
        retries.push({ session: index, attempt: 1, stage: session.failed.stage, error: session.failed.error });
        summary.retried++;
        session = await runSession(steps);
        report(index, 2, session);
      }
      if (session.failed) {
        summary.failed++;
        failures.push({ session: index, attempt: opts.retryOnce ? 2 : 1, stage: session.failed.stage, error: session.failed.error });
      } else {
        summary.ok++;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.sessions) }, () => worker()));
  out.ms = Math.round(performance.now() - t0);
  clearTimeout(hardTimer);
  finish(summary.failed === 0 ? 0 : 1, summary.failed === 0 ? undefined : `${summary.failed} of ${summary.total} sessions failed`);
}

(opts.sessions !== undefined ? mainSessions() : mainSingle()).catch((e) => finish(1, `harness error: ${e?.stack ?? e}`));
