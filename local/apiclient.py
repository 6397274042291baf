"""The benches' HTTP client for the local API (loopback only): one keep-alive
connection per thread, and the set-up steps the apps take (sign up, sign in,
become a host through the demo agency, go live)."""

import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid

BASE = urllib.parse.urlparse("http://127.0.0.1:3000")
ADMIN_PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "demo-admin-pass")
AGENCY_PASSWORD = os.environ.get("DEMO_AGENCY_PASSWORD", "demo-agency-pass")
RUN = uuid.uuid4().hex[:8]
PASSWORD = "bench-password"

local = threading.local()


def configure(base_url):
    global BASE
    BASE = urllib.parse.urlparse(base_url)
    assert BASE.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"


def call(method, path, token=None, body=None):
    """One request on this thread's keep-alive connection: (status, body, seconds)."""
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = http.client.HTTPConnection(BASE.hostname, BASE.port or 80, timeout=30)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body) if body is not None else None
    started = time.perf_counter()
    try:
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        raw = res.read()
        status = res.status
    except (OSError, http.client.HTTPException):
        conn.close()
        local.conn = None
        return 0, None, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    return status, (json.loads(raw) if raw and raw[:1] in b"{[" else None), elapsed


def ok(status, body, want=(200, 201)):
    if status not in want:
        sys.exit(f"setup failed: {status} {body}")
    return body


def login(who, password):
    return ok(*call("POST", "/auth/login", body={"login": who, "password": password})[:2])["access_token"]


def email(name):
    return f"{name}-{RUN}@bench.local"


def register(name):
    body = {"email": email(name), "password": PASSWORD, "name": name}
    b = ok(*call("POST", "/auth/register", body=body)[:2])
    return b["user"]["id"], b["access_token"]


def new_host(name, agency_token):
    """A host of the demo agency, live in a room: (id, token, room id)."""
    host_id, token = register(name)
    app = {"agency_code": "DEMO01", "display_name": name, "about": "bench", "country": "in", "languages": ["en"]}
    app_id = ok(*call("POST", "/host-applications", token, app)[:2])["id"]
    ok(*call("POST", f"/agency/host-applications/{app_id}/approve", agency_token, {})[:2])
    # The role is in the token: sign in again as a host.
    token = login(email(name), PASSWORD)
    room = ok(*call("POST", "/rooms", token, {"title": "bench"})[:2])["room"]["id"]
    return host_id, token, room


def wallet(token):
    return ok(*call("GET", "/me/wallet", token)[:2])
