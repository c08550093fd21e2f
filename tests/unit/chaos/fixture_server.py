#!/usr/bin/env python3
"""An MCP server for the chaos runner's tests, with state kept per instance on purpose.

  fixture_server.py --port P [--transport streamable|sse] [--state session|initialized|none]
                    [--notify-200] [--deep-json]

--transport streamable: MCP's Streamable HTTP at /mcp (POST; GET answers 405).
--transport sse: the 2024-11-05 HTTP+SSE transport: GET /sse opens the stream, whose first
    event (`endpoint`) names /message?sessionId=ID; POSTs there are answered 202 and their
    responses come on the stream. An unknown session id is answered 404.
--state session: a table of sessions in this process (Mcp-Session-Id; unknown ids get 404).
--state initialized: no session id, but a flag set by initialize; requests before it get the
    JSON-RPC error -32002 "Server not initialized" (as nlpresearchai/mcpcpp does).
--state none: nothing kept between requests (notes go to a file shared by the instances, the
    --store file), so any instance serves any request.
--notify-200: answer notifications with 200 instead of 202.
--deep-json: answer initialize with JSON nested 100,000 levels deep.
Tools: remember {text} keeps a note, recall returns {"notes": [...]}. GET /health answers 200.
"""
import argparse
import json
import os
import queue
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ARGS = None
LOCK = threading.Lock()
SESSIONS = {}       # session id -> {"notes": [...], "stream": queue or None}
INSTANCE = {"initialized": False, "notes": []}

TOOLS = [
    {"name": "remember", "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}},
    {"name": "recall", "inputSchema": {"type": "object"}},
]


def notes_of(session):
    if ARGS.state == "session":
        return SESSIONS[session]["notes"]
    if ARGS.state == "initialized":
        return INSTANCE["notes"]
    return None  # kept in the shared store file


def shared_notes(add=None):
    with LOCK:
        notes = []
        if os.path.exists(ARGS.store):
            with open(ARGS.store) as f:
                notes = json.load(f)
        if add is not None:
            notes.append(add)
            with open(ARGS.store, "w") as f:
                json.dump(notes, f)
        return notes


def call_tool(session, params):
    name = params.get("name")
    args = params.get("arguments") or {}
    notes = notes_of(session)
    if name == "remember":
        if notes is None:
            shared_notes(args.get("text"))
        else:
            notes.append(args.get("text"))
        return {"content": [{"type": "text", "text": "ok"}]}
    if name == "recall":
        got = shared_notes() if notes is None else list(notes)
        return {"content": [{"type": "text", "text": json.dumps({"notes": got})}],
                "structuredContent": {"notes": got}}
    return {"content": [{"type": "text", "text": "no such tool"}], "isError": True}


def answer(session, message):
    """The JSON-RPC response to a request (None for a notification)."""
    method, rid = message.get("method"), message.get("id")
    if rid is None:
        return None
    if method == "initialize":
        INSTANCE["initialized"] = True
        if ARGS.deep_json:
            return "[" * 100000 + "]" * 100000
        version = message.get("params", {}).get("protocolVersion", "2025-06-18")
        result = {"protocolVersion": version, "capabilities": {"tools": {}},
                  "serverInfo": {"name": "fixture", "version": "1"}}
    elif ARGS.state == "initialized" and not INSTANCE["initialized"]:
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32002, "message": "Server not initialized"}}
    elif method == "tools/list":
        result = {"tools": TOOLS}
    elif method == "tools/call":
        result = call_tool(session, message.get("params") or {})
    elif method == "ping":
        result = {}
    else:
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "Method not found"}}
    return {"jsonrpc": "2.0", "id": rid, "result": result}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=b"", content_type="application/json", headers=()):
        if not isinstance(body, bytes):
            body = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        if body:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/health":
            return self.send(200, {"status": "ok"})
        if ARGS.transport == "sse" and url.path == "/sse":
            return self.stream()
        if ARGS.transport == "streamable" and url.path == "/mcp":
            return self.send(405)
        self.send(404, {"error": "not found"})

    def do_DELETE(self):
        with LOCK:
            SESSIONS.pop(self.headers.get("Mcp-Session-Id", ""), None)
        self.send(200)

    def do_POST(self):
        url = urlparse(self.path)
        if ARGS.transport == "streamable" and url.path == "/mcp":
            return self.streamable_post()
        if ARGS.transport == "sse" and url.path == "/message":
            return self.legacy_post(parse_qs(url.query).get("sessionId", [""])[0])
        self.send(404, {"error": "not found"})

    def streamable_post(self):
        message = self.body()
        session = self.headers.get("Mcp-Session-Id", "")
        headers = []
        if message.get("method") == "initialize":
            if ARGS.state == "session":
                session = uuid.uuid4().hex
                with LOCK:
                    SESSIONS[session] = {"notes": [], "stream": None}
                headers.append(("Mcp-Session-Id", session))
        elif ARGS.state == "session" and session not in SESSIONS:
            return self.send(404, {"jsonrpc": "2.0", "id": None,
                                   "error": {"code": -32001, "message": "Session not found"}})
        response = answer(session, message)
        if response is None:
            return self.send(200 if ARGS.notify_200 else 202)
        self.send(200, response, headers=headers)

    def legacy_post(self, session):
        with LOCK:
            known = session in SESSIONS
        if not known:
            return self.send(404, "Could not find session", "text/plain")
        response = answer(session, self.body())
        self.send(202, "Accepted", "text/plain")
        if response is not None:
            SESSIONS[session]["stream"].put(response if isinstance(response, str) else json.dumps(response))

    def stream(self):
        session = uuid.uuid4().hex
        events = queue.Queue()
        with LOCK:
            SESSIONS[session] = {"notes": [], "stream": events}
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(("event: endpoint\ndata: /message?sessionId=%s\n\n" % session).encode())
            self.wfile.flush()
            while True:
                try:
                    data = events.get(timeout=1)
                    self.wfile.write(("event: message\ndata: %s\n\n" % data).encode())
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:
            pass  # the client went away


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--transport", choices=["streamable", "sse"], default="streamable")
    p.add_argument("--state", choices=["session", "initialized", "none"], default="session")
    p.add_argument("--store", help="the shared note file of --state none")
    p.add_argument("--notify-200", action="store_true")
    p.add_argument("--deep-json", action="store_true")
    ARGS = p.parse_args()
    if ARGS.state == "none" and not ARGS.store:
        p.error("--state none keeps its notes in the --store file")
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
