#!/usr/bin/env python3
"""Writes everything the benchmark sends and serves, so all contenders see the same bytes.

Usage: gen.py OUT_DIR STUB_PORT HOP_PORT NGINX_WORKERS

OUT_DIR receives:
  chat.json          the OpenAI chat request (system message + a few turns, ~2 KB)
  chat-stream.json   the same with "stream": true and stream_options.include_usage
  chat-seq.json      chat.json with a reference ending the last user message, its value the placeholder
                     @@SEQ@@ (the cache contenders' wrk script, cache.lua, fills it in per request)
  chat-seq-stream.json  the same for chat-stream.json
  sai.json           the same conversation as SAI's execute request (what the gateway sends upstream)
  answer.txt         the fixed answer text (its last sentence is the marker the Lua script checks)
  nginx.conf         one nginx: the stubs (SAI shape, OpenAI JSON, OpenAI SSE) and the one-hop proxy
"""
import json
import os
import sys

TEMPLATE_ID = "bench"
SAI_KEY = "bench-key"
MODEL = "sai-model"
UPSTREAM_MODEL = "bench-model-2025"
PROMPT_TOKENS = 540
COMPLETION_TOKENS = 260
CREATED = 1732240000
MARKER = "Let me know if you want the full migration script."
SEQ_PLACEHOLDER = "@@SEQ@@"

SYSTEM = (
    "You are the internal engineering assistant of a mid-sized logistics company. Answer in the "
    "language of the question, concisely and precisely. When you show code, use fenced code blocks "
    "with the language name, keep examples minimal and runnable, and explain only what is not "
    "obvious. Our stack: Java 17 services on Micronaut, PostgreSQL 15, Kafka for events, React on "
    "the front end, everything deployed on Kubernetes with Helm. Never invent internal URLs, hosts "
    "or credentials; if something depends on our configuration, say so and name the setting. If a "
    "question is ambiguous, state your assumption in one sentence and answer it. Prefer standard "
    "library solutions over new dependencies, and mention the trade-offs when you recommend one."
)

TURNS = [
    ("user", "We have a table shipments(id bigserial, status text, updated_at timestamptz) with about "
             "40 million rows. A nightly job marks stale shipments as EXPIRED with a single UPDATE and "
             "it now takes over an hour and blocks other writers. How would you restructure it?"),
    ("assistant", "Run the update in small batches keyed on the primary key, each in its own short "
                  "transaction, so locks are held briefly and autovacuum can keep up. Add a partial index "
                  "on (updated_at) WHERE status <> 'EXPIRED' so each batch finds its rows without scanning "
                  "the table, and pause briefly between batches if replicas lag."),
    ("user", "Makes sense. The job is a Micronaut @Scheduled bean using JDBC. What batch size would you "
             "start with, and how do I stop it from overlapping with the next run if it is slow?"),
    ("assistant", "Start with 5,000 rows per batch and measure: aim for batches under 200 ms. To avoid "
                  "overlap, take a PostgreSQL advisory lock (pg_try_advisory_lock) at the start of the run "
                  "and skip the run when the lock is held; it is released when the session ends."),
    ("user", "Show me the core loop in Java with plain JDBC, including the advisory lock, and tell me "
             "which index to create first."),
]

ANSWER = (
    "Create the partial index first, concurrently, so it does not block writers:\n\n"
    "```sql\nCREATE INDEX CONCURRENTLY shipments_stale_idx\n"
    "    ON shipments (updated_at) WHERE status <> 'EXPIRED';\n```\n\n"
    "Then the loop. Each batch is its own transaction, and the advisory lock keeps two runs apart:\n\n"
    "```java\ntry (Connection c = dataSource.getConnection()) {\n"
    "    if (!tryLock(c, 42L)) return;            // another run is still busy\n"
    "    c.setAutoCommit(false);\n"
    "    int updated;\n"
    "    do {\n"
    "        try (PreparedStatement ps = c.prepareStatement(BATCH_SQL)) {\n"
    "            ps.setObject(1, cutoff);\n"
    "            ps.setInt(2, 5000);\n"
    "            updated = ps.executeUpdate();\n"
    "        }\n"
    "        c.commit();\n"
    "    } while (updated > 0);\n"
    "}\n```\n\n"
    "BATCH_SQL selects the ids with a LIMIT inside a CTE and updates only those rows, so every "
    "batch touches at most 5,000 rows. Watch the batch time in your metrics and adjust the size. "
    + MARKER
)


def nginx_quote(s):
    """A single-quoted nginx string: backslashes and quotes escaped, newlines as \\n."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def chat_request(stream, seq=False):
    turns = list(TURNS)
    if seq:
        # In the last user message: SAI's inputs.user, so a different value is a different cache key.
        role, content = turns[-1]
        turns[-1] = (role, content + " (ref " + SEQ_PLACEHOLDER + ")")
    body = {
        "model": MODEL,
        "messages": [{"role": "system", "content": SYSTEM}] + [{"role": r, "content": c} for r, c in turns],
        "temperature": 0.2,
        "max_tokens": 1024,
        "user": "bench-user-0001",
    }
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return json.dumps(body, ensure_ascii=False)


def sai_request():
    base = CREATED * 1000
    return json.dumps({
        "inputs": {"system": SYSTEM, "user": TURNS[-1][1]},
        "chatMessages": [{"content": c, "role": r, "id": base + i + 1} for i, (r, c) in enumerate(TURNS)],
    }, ensure_ascii=False)


def openai_json():
    return json.dumps({
        "id": "chatcmpl-bench0001",
        "object": "chat.completion",
        "created": CREATED,
        "model": UPSTREAM_MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
                  "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS},
    }, separators=(",", ":"))


def openai_sse():
    """The stream a client gets: role chunk, content in chunks of at most 512 characters (as the
    gateway splits it), a finish chunk, the usage chunk, [DONE]."""
    def chunk(delta, finish=None, usage=None, choices=True):
        c = {"id": "chatcmpl-bench0001", "object": "chat.completion.chunk", "created": CREATED,
             "model": UPSTREAM_MODEL,
             "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}] if choices else []}
        if usage is not None:
            c["usage"] = usage
        return "data: " + json.dumps(c, separators=(",", ":")) + "\n\n"
    out = [chunk({"role": "assistant", "content": ""})]
    for i in range(0, len(ANSWER), 512):
        out.append(chunk({"content": ANSWER[i:i + 512]}))
    out.append(chunk({}, finish="stop"))
    out.append(chunk(None, choices=False, usage={"prompt_tokens": PROMPT_TOKENS,
                                                 "completion_tokens": COMPLETION_TOKENS,
                                                 "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS}))
    out.append("data: [DONE]\n\n")
    return "".join(out)


def nginx_conf(prefix, stub_port, hop_port, workers):
    user = "user root root;\n" if os.geteuid() == 0 else ""
    for s in (ANSWER, openai_json(), openai_sse()):
        assert "$" not in s, "nginx would read $ as a variable"
    return f"""# Generated by bench/lib/gen.py; lives only for one benchmark run.
{user}worker_processes {workers};
worker_rlimit_nofile 16384;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;

events {{
    worker_connections 8192;
    multi_accept on;
}}

http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_body_buffer_size 64k;
    client_max_body_size 10m;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server_tokens off;

    # The stubs: a fixed answer, instantly. The request body is read and discarded.
    server {{
        listen 127.0.0.1:{stub_port} backlog=4096;

        # SAI shape: plain text, usage and model in headers. Checks the system key like SAI would.
        location = /api/templates/{TEMPLATE_ID}/execute {{
            if ($http_x_api_key != "{SAI_KEY}") {{
                return 401 'invalid api key';
            }}
            default_type "text/plain; charset=utf-8";
            add_header prompttokens {PROMPT_TOKENS} always;
            add_header completiontokens {COMPLETION_TOKENS} always;
            add_header model {UPSTREAM_MODEL} always;
            return 200 {nginx_quote(ANSWER)};
        }}

        # OpenAI shape, the same answer and usage: JSON ...
        location = /openai/v1/chat/completions {{
            default_type application/json;
            return 200 {nginx_quote(openai_json())};
        }}

        # ... and as a stream (a client asks for it with "stream": true; nginx cannot read the body,
        # so the streaming contenders are pointed at this path instead).
        location = /openai-stream/v1/chat/completions {{
            default_type text/event-stream;
            add_header Cache-Control no-cache always;
            return 200 {nginx_quote(openai_sse())};
        }}

        # The OTLP receiver of the features contender: every export accepted with an empty (valid) answer, each one
        # logged so the report can say that spans were exported.
        location = /otlp/v1/traces {{
            access_log stub-access.log;
            default_type application/x-protobuf;
            return 200 '';
        }}

        location / {{
            return 404 'unknown stub path';
        }}
    }}

    # nginx one hop: a bare reverse proxy in front of the same stubs, keepalive to the upstream.
    upstream bench_stub {{
        server 127.0.0.1:{stub_port};
        keepalive 512;
        keepalive_requests 1000000;
        keepalive_timeout 300s;
    }}

    server {{
        listen 127.0.0.1:{hop_port} backlog=4096;
        location / {{
            proxy_pass http://bench_stub;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_buffering off;
        }}
    }}
}}
"""


def main():
    out, stub_port, hop_port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    files = {
        "chat.json": chat_request(False),
        "chat-stream.json": chat_request(True),
        "chat-seq.json": chat_request(False, seq=True),
        "chat-seq-stream.json": chat_request(True, seq=True),
        "sai.json": sai_request(),
        "answer.txt": ANSWER,
        "marker.txt": MARKER,
        "nginx.conf": nginx_conf(out, stub_port, hop_port, workers),
    }
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
    for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    print("request bytes: chat=%d chat-stream=%d sai=%d; answer chars=%d" % (
        len(files["chat.json"].encode()), len(files["chat-stream.json"].encode()),
        len(files["sai.json"].encode()), len(ANSWER)))


if __name__ == "__main__":
    main()
