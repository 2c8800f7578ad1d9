-- McpGen.PostgreSql schema, version 3: sessions, SSE event logs and backplane payloads of store-backed MCP servers, and
-- tasks (the 2026-07-28 Tasks extension) of servers of any session mode.
--
-- McpGen runs this script itself on first use (PostgreSqlMcpOptions.AutoCreateSchema, the default). To create the
-- objects ahead of time instead (the application's role has no CREATE right, or a DBA reviews every change), run
--
--     psql "host=db.example dbname=app user=owner" -v schema=mcpgen -f schema.sql
--
-- with the schema name you configure in PostgreSqlMcpOptions.SchemaName (default mcpgen), and set AutoCreateSchema to
-- false. The application's role then needs USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on its tables.
-- Every statement is idempotent: running the script again changes nothing.
--
-- psql variables: :"schema" is the schema as an identifier, :'schema' as a string literal. McpGen substitutes both and
-- skips the lines that start with a backslash.
\if :{?schema}
\else
\set schema mcpgen
\endif

BEGIN;

-- Replicas starting at once create the schema one at a time (concurrent CREATE ... IF NOT EXISTS can still collide).
SELECT pg_advisory_xact_lock(1296257095, hashtext(:'schema'));

CREATE SCHEMA IF NOT EXISTS :"schema";

-- One row per initialize-era session (Mcp-Session-Id). Expiry is sliding: every request moves last_seen and expires_at.
CREATE TABLE IF NOT EXISTS :"schema".sessions (
    id           text        PRIMARY KEY,
    -- McpSessionStateJson (UTF-8 JSON); read it with convert_from(state, 'UTF8')::json.
    state        bytea       NOT NULL,
    -- The idle timeout the session was created with; 0 means it never expires.
    idle_timeout interval    NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    -- last_seen + idle_timeout, or NULL when the session never expires.
    expires_at   timestamptz NULL,
    -- Optimistic concurrency: each update writes over the version it read and moves it on (schema version 2).
    version      bigint      NOT NULL DEFAULT 0
);

-- Version 1 tables gain the column (existing sessions start at 0).
ALTER TABLE :"schema".sessions ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS sessions_expires_at ON :"schema".sessions (expires_at) WHERE expires_at IS NOT NULL;

-- The sequence counter of each SSE stream of a session: appends lock this row, so sequence numbers are consecutive
-- even when several replicas append to one stream at once.
CREATE TABLE IF NOT EXISTS :"schema".streams (
    session_id text   NOT NULL REFERENCES :"schema".sessions (id) ON DELETE CASCADE,
    stream_id  text   NOT NULL,
    last_seq   bigint NOT NULL,
    PRIMARY KEY (session_id, stream_id)
);

-- The retained events of each stream (the last N, N = the capacity the endpoint appends with), for Last-Event-ID.
CREATE TABLE IF NOT EXISTS :"schema".events (
    session_id text    NOT NULL,
    stream_id  text    NOT NULL,
    seq        bigint  NOT NULL,
    -- One complete JSON-RPC message (UTF-8 JSON).
    message    bytea   NOT NULL,
    -- Whether the event ends its stream (the response that completes a request stream).
    last       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (session_id, stream_id, seq),
    FOREIGN KEY (session_id, stream_id) REFERENCES :"schema".streams (session_id, stream_id) ON DELETE CASCADE
);

-- Backplane messages too large for a NOTIFY payload: the notification carries the id, receivers read the row.
-- Unlogged: the rows live for minutes and are worthless after a crash.
CREATE UNLOGGED TABLE IF NOT EXISTS :"schema".payloads (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    data       bytea       NOT NULL
);

CREATE INDEX IF NOT EXISTS payloads_created_at ON :"schema".payloads (created_at);

-- Tasks (schema version 3): one row per task. The record is McpTaskRecordJson (UTF-8 JSON; read it with
-- convert_from(record, 'UTF8')::json); status, lease and expiry are columns for the sweeps and the live-task limit.
CREATE TABLE IF NOT EXISTS :"schema".tasks (
    id               text        PRIMARY KEY,
    server           text        NOT NULL,
    principal        text        NOT NULL,
    -- McpTaskStatus: 0 working, 1 input_required (live); 2 completed, 3 failed, 4 cancelled (terminal).
    status           smallint    NOT NULL,
    -- Until when the replica running the task holds it; a live task past it lost its worker.
    lease_expires_at timestamptz NOT NULL,
    -- created_at + ttl: the task is deleted after it.
    expires_at       timestamptz NOT NULL,
    -- Compare-and-swap: each replacement writes over the version it read and moves it on.
    version          bigint      NOT NULL,
    record           bytea       NOT NULL
);

CREATE INDEX IF NOT EXISTS tasks_live ON :"schema".tasks (server, principal) WHERE status < 2;
CREATE INDEX IF NOT EXISTS tasks_lease ON :"schema".tasks (server, lease_expires_at) WHERE status < 2;
CREATE INDEX IF NOT EXISTS tasks_expires_at ON :"schema".tasks (expires_at);

COMMENT ON SCHEMA :"schema" IS 'McpGen.PostgreSql session store, backplane and task store, schema version 3';

COMMIT;
