"""`make capacity`: what the money paths would do on DynamoDB at production
rates, from their footprints on the local stack.

1. Footprints: each operation is run once (twice for gifts) through the HTTP
   API of a dev server while the launcher records every write to its table
   (`/_contention {"record": true}`, `local/moto_server.py`): each item's key,
   size and the index partitions it is in. Keys are then told apart by what
   they belong to: the payer, the host, the room, the gift type, a platform
   stats lane (one of 16), a constant platform item (a catalog, an index
   partition every account is in), or the request alone (ledger entries,
   events, idempotency records).
2. A discrete-event model of DynamoDB runs those footprints at the rates of
   each scenario: a transaction holds its items for HOLD ms and a transaction
   touching a held item is cancelled (`TransactionConflict`: they do not queue,
   `ADD` included), a single write inside a hold is refused; a partition (base
   table or index) takes 1,000 write units a second, past that the write is
   throttled; a cancelled request retries as `store::retry` does (at once,
   then random pauses up to 2, 4, … 50 ms, for 3 s, then 503), a throttled one
   as the SDK does (3 attempts, exponential backoff) and then fails.
   Printed per scenario: goodput, error rate, p50/p99 latency, write units per
   operation.

Usage: python3 local/capacity.py MOTO_URL API_URL TABLE [SECONDS]
Loopback only; the model is deterministic (fixed seed).
"""

import heapq
import json
import random
import re
import sys
import time
import urllib.request
from collections import defaultdict

from apiclient import ADMIN_PASSWORD, AGENCY_PASSWORD, call, configure, login, new_host, ok, register

MOTO, API, TABLE = sys.argv[1], sys.argv[2], sys.argv[3]
TRACE = bool(__import__("os").environ.get("CAPACITY_TRACE"))
SECONDS = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
configure(API)
assert urllib.request.urlparse(MOTO).hostname in ("127.0.0.1", "localhost"), "loopback only"

# ---------------------------------------------------------------- footprints


def moto(path, body=None):
    req = urllib.request.Request(MOTO + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def recorded(action, settle=True):
    """The writes `action()` made to the table (after a pause for the dev
    server's aggregator to finish what earlier steps left it, so its writes
    are not taken for this action's; not for the tick's minute, which must not
    be charged before recording starts)."""
    if settle:
        time.sleep(1.0)
    moto("/_contention", {"table": TABLE, "hold_ms": 0, "record": True})
    moto(f"/_footprints?table={TABLE}")
    action()
    out = moto(f"/_footprints?table={TABLE}")
    moto("/_contention", {"table": TABLE, "hold_ms": 0, "record": False})
    return out


ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
# (key part, whose id picks the shard, shards): store/src/core/keys.rs.
SHARDED = [("LB#gifters#", "payer", 32), ("LB#hosts#", "host", 32), ("ROOMS#LIVE#", "room", 16),
           ("CALLS#ACTIVE#", "call", 16), ("CALLS#RINGING#", "call", 16), ("ROOMVIEWERS#", "payer", 16),
           ("ROOM_GIFTERS#", "payer", 8), ("EVENTS#<host>#", "event", 16), ("EVENTS#AT#", "event", 64),
           ("PK_GIFTERS#", "payer", 4), ("CALLS#DAY#", "call", 16), ("RECHARGES#DAY#", "own", 16)]
LANE = re.compile(r"#(\d{1,2})$")


def classify(key, roles):
    """What a key (or an index partition) belongs to: a role of this request
    (`payer`, `host`, …), `lane` (one of 16 shards of a platform item),
    `platform` (one item every such request writes) or `own` (this request's)."""
    sym = key
    for ident, role in roles.items():
        sym = sym.replace(ident, f"<{role}>")
    spk, _, ssk = sym.partition("|")
    for prefix, role, count in SHARDED:
        if prefix in spk and LANE.search(spk):
            return "shard", LANE.sub(f"#<shard:{role}:{count}>", spk) + ("|" + ULID.sub("<id>", ssk) if ssk else "")
    if sym != key:
        # The partition's owner names the class (a room's gifter entry is the room's).
        owner = re.search(r"<(\w+)>", sym.split("|")[0]) or re.search(r"<(\w+)>", sym)
        return owner.group(1), sym
    if ULID.search(key):
        return "own", ULID.sub("<id>", key)
    pk, _, sk = key.partition("|")
    # A login, a refresh token, a call's channel: this request's own.
    if pk.startswith(("LOGIN#", "REFRESH#")) or "CHANNEL#c_" in pk:
        return "own", f"{pk.split('#')[0]}#<id>" + ("|" + sk if sk else "")
    if "CHANNEL#r_" in pk:  # a room's channel (a hash of its id)
        return "room", re.sub(r"CHANNEL#r_\w+", "CHANNEL#r_<room>", key)
    # Index partitions sharded by what they list: the shard follows its owner.
    for prefix, role, count in SHARDED:
        if prefix in pk and LANE.search(pk):
            return "shard", LANE.sub(f"#<shard:{role}:{count}>", pk)
    if pk.startswith("STATS") and LANE.search(pk):
        return "lane", LANE.sub("#<lane>", pk) + ("|" + sk if sk else "")
    if "EVENTS#PENDING#" in pk:
        return "pending", LANE.sub("#<pending>", pk)
    return "platform", key


def shape(writes, roles):
    """A recorded operation as the model takes it: a list of writes, each
    (kind, [(partition class, symbolic key, is_index, units)]) where the first
    entry is the item itself."""
    out = []
    for w in writes:
        kind = "tx" if w["op"] == "TransactWriteItems" else "single"
        items = []
        for it in w["items"]:
            units = max(1, -(-it["size"] // 1024))
            cls, sym = classify(f'{it["pk"]}|{it["sk"]}', roles)
            items.append((cls, sym, False, units * (2 if kind == "tx" else 1)))
            for gsi, pk in it["gsi"].items():
                gcls, gsym = classify(f"{gsi}:{pk}", roles)
                items.append((gcls, gsym, True, units))
        out.append((kind, items))
    return out


def has(write, pk, sk):
    return any(i["pk"] == pk and i["sk"] == sk for i in write["items"])


# How long `applied` waits for the dev server's aggregator: on a machine
# busy with other work it trails by seconds (it ran out of a fixed 10 s here);
# it may take up to this long while it moves, and a quarter of it standing still.
APPLY_WAIT_S = 240.0


def applied(token, earnings):
    """Waits (a measuring tool, not a test) until the dev server's aggregator
    has credited the host `earnings` and counted the gift (it counts right
    after): as long as it is making progress, up to APPLY_WAIT_S, and at most
    a quarter of that without any."""
    start = last_move = time.monotonic()
    seen, told = None, False
    while True:
        now_earnings = ok(*call("GET", "/me/wallet", token)[:2])["earnings"]
        now = time.monotonic()
        if now_earnings >= earnings:
            time.sleep(0.5)
            return
        if now_earnings != seen:
            seen, last_move = now_earnings, now
        if now - start > APPLY_WAIT_S or now - last_move > APPLY_WAIT_S / 4:
            sys.exit(f"the aggregator applied nothing in {now - last_move:.0f} s "
                     f"({now - start:.0f} s waited; earnings {now_earnings} of {earnings})")
        if not told and now - start > 10:
            told = True
            print(f"  (waiting for the dev server's aggregator: up to {APPLY_WAIT_S:.0f} s while it moves)", flush=True)
        time.sleep(0.1)


def record_all():
    admin = login("admin@demo.local", ADMIN_PASSWORD)
    agency = login("agency@demo.local", AGENCY_PASSWORD)
    host_id, host_token, room = new_host("CapHost", agency)
    gift = ok(*call("POST", "/admin/gifts", admin, {"name": "Cap", "price_coins": 1, "image_key": "c.png"})[:2])["id"]
    fans = [register(f"CapFan{i}") for i in range(3)]
    for fid, _ in fans:
        ok(*call("POST", f"/admin/users/{fid}/coins", admin, {"amount": 1000, "reason": "capacity"})[:2])
    ops = {}

    def gift_from(i):
        return lambda: ok(*call("POST", f"/users/{host_id}/gifts", fans[i][1],
                                {"gift_id": gift, "quantity": 1, "room_id": room})[:2])

    roles = lambda fan: {fan: "payer", host_id: "host", room: "room", gift: "gift"}
    recorded(lambda: (gift_from(0)(), applied(host_token, 1)))  # a day's first gift creates items later ones update
    # The gift's own transaction, then what the aggregator writes for it: the
    # host's side (one transaction per host and batch) and the counters (one per batch).
    writes = recorded(lambda: (gift_from(1)(), applied(host_token, 2)))
    payer = fans[1][0]
    ops["gift"] = shape([w for w in writes if has(w, f"ACCOUNT#{payer}", "PROFILE")], roles(payer))
    # The gift's event as stored: what the reconciliation's workers read back, page by page.
    EVENT_BYTES.extend(i["size"] for w in writes for i in w["items"]
                       if i["pk"].startswith("EVENTS#") and i["sk"].startswith("EVENT#"))
    ops["credit"] = shape([w for w in writes if has(w, f"ACCOUNT#{host_id}", "PROFILE")], roles(payer))
    ops["rank"] = shape([w for w in writes if any(i["pk"].startswith("ROOMGIFTER#") for i in w["items"])], roles(payer))
    ops["count"] = shape([w for w in writes if any(i["pk"].startswith("STATS#") for i in w["items"])], roles(payer))
    viewer_id, viewer = register("CapViewer")
    ops["join"] = shape(recorded(lambda: ok(*call("POST", f"/rooms/{room}/join", viewer, {})[:2])),
                        {viewer_id: "payer", room: "room", host_id: "host"})
    ops["follow"] = shape(recorded(lambda: ok(*call("POST", f"/users/{host_id}/follow", viewer)[:2])),
                          {viewer_id: "payer", host_id: "host"})
    newbie = {}
    ops["signup"] = shape(recorded(lambda: newbie.setdefault("id", register("CapNew")[0])), {})
    ops["signup"] = [(k, [(("payer", s.replace(newbie["id"], "<payer>"), g, u) if newbie["id"] in s else (c, s, g, u))
                          for c, s, g, u in items]) for k, items in ops["signup"]]
    # A call: accepted, then its minutes charged by the tick (every 2 s here).
    ok(*call("PUT", "/host/call-settings", host_token, {"price_per_minute": 10, "online": True})[:2])
    caller_id, caller = fans[2]
    call_id = ok(*call("POST", "/calls", caller, {"host_id": host_id})[:2])["id"]
    accept = recorded(lambda: ok(*call("POST", f"/calls/{call_id}/accept", host_token, {})[:2]))
    croles = {caller_id: "payer", host_id: "host", call_id: "call"}
    ops["call_accept"] = shape(accept, croles)

    def next_minute():
        for _ in range(100):
            if ok(*call("GET", f"/calls/{call_id}", caller)[:2])["paid_minutes"] >= 2:
                return
            time.sleep(0.1)
        sys.exit("the tick charged no minute")

    minute = [w for w in recorded(next_minute, settle=False) if any(call_id in it["pk"] for it in w["items"])]
    ops["call_minute"] = shape(minute, croles)
    ok(*call("POST", f"/calls/{call_id}/end", caller, {})[:2])
    # A PK: the host's room against another's; a gift into it also adds to the
    # side's score (the host's credit) and the sender's entry on the side (rank).
    host2_id, host2_token, _ = new_host("CapHost2", agency)
    inv = ok(*call("POST", "/pk/invitations", host_token, {"host_id": host2_id, "duration_secs": 900})[:2])
    pk_id = ok(*call("POST", f"/pk/invitations/{inv['id']}/accept", host2_token, {})[:2])["battle"]["id"]
    proles = {**roles(fans[0][0]), pk_id: "pk"}
    writes = recorded(lambda: (gift_from(0)(), applied(host_token, 3)))
    ops["pk_credit"] = shape([w for w in writes if has(w, f"ACCOUNT#{host_id}", "PROFILE")], proles)
    ops["pk_rank"] = shape([w for w in writes if any(i["pk"].startswith("ROOMGIFTER#") for i in w["items"])], proles)
    # Seats: a party room; a guest asks, is approved onto seat 3, leaves.
    ahost_id, ahost_token, vroom = new_host("CapAudio", agency)
    ok(*call("POST", f"/rooms/{vroom}/end", ahost_token, {})[:2])
    aroom = ok(*call("POST", "/rooms", ahost_token, {"kind": "audio", "seats": 12})[:2])["room"]["id"]
    guest_id, guest = register("CapGuest")

    def change():
        ok(*call("POST", f"/rooms/{aroom}/seat-requests", guest, {})[:2])
        ok(*call("POST", f"/rooms/{aroom}/seat-requests/{guest_id}/approve", ahost_token, {"seat": 3})[:2])
        ok(*call("DELETE", f"/rooms/{aroom}/seats/3", guest)[:2], want=(204,))

    ops["seat_change"] = shape(recorded(change), {guest_id: "payer", aroom: "room", ahost_id: "host", "SEAT#03": "seat"})
    return ops


def describe(ops):
    for name, writes in ops.items():
        units = sum(u for _, items in writes for *_, u in items)
        print(f"  {name}: {len(writes)} write request(s), {units} write units")
        for kind, items in writes:
            shared = [f"{sym}{' (index)' if idx else ''}" for cls, sym, idx, _ in items if cls not in ("own", "payer")]
            print(f"    {kind} of {sum(1 for i in items if not i[2])} items; shared: {', '.join(shared) or 'none'}")


# --------------------------------------------------------------------- model

HOLD = 0.020  # a transaction's time on DynamoDB: its items are held this long
SINGLE = 0.005  # a single write, a read
PARTITION_WCU = 1000  # write units a partition (base or index) takes a second
BUDGET = 3.0  # store::retry
MAX_PAUSE = 0.050


class Model:
    def __init__(self, seed=7):
        self.rng = random.Random(seed)
        self.held = {}
        self.used = defaultdict(int)  # (partition, second) -> units
        self.queue = []
        self.seq = 0
        self.done = []  # (group, ok, latency, units, why, finished)
        self.hot = defaultdict(int)  # partitions (digits as n) by throttles
        self.cancelled = defaultdict(int)  # items by conflicts

    def at(self, t, req):
        self.seq += 1
        heapq.heappush(self.queue, (t, self.seq, req))

    def throttled(self, items, t):
        sec = int(t)
        need = defaultdict(int)
        for part, _, u in items:
            need[part] += u
        hot = [p for p, u in need.items() if self.used[(p, sec)] + u > PARTITION_WCU]
        for p in hot:
            self.hot[re.sub(r"[0-9.]+", "n", p)] += 1
        return bool(hot)

    def consume(self, items, t):
        sec = int(t)
        for part, _, u in items:
            self.used[(part, sec)] += u

    def step(self, t, r):
        kind, items = r["writes"][r["i"]]
        base = [key for _, key, _ in items if key is not None]
        if kind == "tx" and any(self.held.get(k, 0) > t for k in base):
            for k in base:
                if self.held.get(k, 0) > t:
                    self.cancelled[re.sub(r"[0-9.]+", "n", k)] += 1
            r["conflicts"] += 1
            r["tries"] += 1
            if t - r["start"] > BUDGET:
                return self.finish(r, t, False, "503 conflict")
            pause = 0 if r["tries"] <= 1 else self.rng.uniform(0, min(2 ** (r["tries"] - 1) / 1000, MAX_PAUSE))
            return self.at(t + HOLD / 2 + pause + SINGLE, r)  # cancelled after a while, re-read, retry
        refused = kind == "single" and any(self.held.get(k, 0) > t for k in base)
        if refused or self.throttled(items, t):
            r["sdk"] += 1
            if r["sdk"] >= 3:
                return self.finish(r, t, False, "503 refused" if refused else "throttled")
            return self.at(t + self.rng.uniform(0, 2 ** (r["sdk"] - 1)), r)
        self.consume(items, t)
        r["units"] += sum(u for _, _, u in items)
        if kind == "tx":
            for k in base:
                self.held[k] = t + HOLD
        r["i"] += 1
        r["sdk"] = 0
        done_at = t + (HOLD if kind == "tx" else SINGLE)
        if r["i"] == len(r["writes"]):
            return self.finish(r, done_at, True, "ok")
        self.at(done_at, r)

    def finish(self, r, t, good, why):
        r["good"] = good
        self.done.append((r["group"], good, t - r["arrived"], r["units"], why, t))
        if r.get("then"):
            r["then"](t)

    def run(self, until=1e9):
        while self.queue and self.queue[0][0] <= until:
            t, _, r = heapq.heappop(self.queue)
            self.step(t, r)


def instance(op, ids, rng):
    """`op`'s writes with concrete keys: each item (partition, item key or None
    for an index entry, units); `ids` names this request's payer, host, …"""
    writes = []
    for kind, items in op:
        lane = rng.randrange(16)
        out = []
        for cls, sym, is_index, units in items:
            if cls == "own":  # this request's own item: its own partition too when its key is an id
                key = sym.replace("<id>", f"{rng.random()}", 1) if "<id>" in sym.split("|")[0] else f"{sym}#{rng.random()}"
            elif cls == "lane":
                key = sym.replace("<lane>", str(lane))
            elif cls == "shard":
                # An integer when no id picks the shard: a float's hash has its low bits zero.
                key = re.sub(r"<shard:(\w+):(\d+)>",
                             lambda m: str(hash(ids.get(m.group(1), rng.randrange(1 << 30))) % int(m.group(2))), sym)
                key = re.sub(r"<(\w+)>", lambda m: ids.get(m.group(1), f"{rng.random()}"), key)
            elif cls == "pending":  # the 64 shards of pending events, by event id
                key = sym.replace("<pending>", str(rng.randrange(64)))
            elif cls == "platform":
                key = sym
            else:
                key = re.sub(r"<(\w+)>", lambda m: ids.get(m.group(1), f"?{rng.random()}"), sym)
            part = key.split("|")[0]
            out.append((part, None if is_index else key, units))
        writes.append((kind, out))
    return writes


def open_loop(m, rng, streams, seconds, agg=None):
    """Poisson arrivals: streams of (group, rate/s, op, ids()). With `agg` (an
    `Aggregator`), each gift that succeeds becomes an event for it."""
    for group, rate, op, ids in streams:
        t = 0.0
        while True:
            t += rng.expovariate(rate)
            if t >= seconds:
                break
            i = ids()
            r = {"group": group, "writes": instance(op, i, rng), "i": 0, "start": t + SINGLE,
                 "arrived": t, "tries": 0, "conflicts": 0, "sdk": 0, "units": 0}
            if agg is not None and "gift" in group:
                r["then"] = (lambda r, i: lambda at: r["good"] and agg.events.append((at, i)))(r, i)
            m.at(t, r)


class Aggregator:
    """The `aggregate` function on the model: every second (the batching
    window) the events of the last second are split over CONCURRENCY
    invocations (stream shards × parallelization) by their partition (a
    host's events live in HOST_EVENT_SHARDS partitions, store::keys::event);
    each applies its events one transaction after another: per host, the
    host's side of up to CREDIT_CHUNK events; then per sender its side (room
    gifter entries, gifters board); then the counters of up to COUNT_CHUNK
    events on a random lane. A transaction given up on is retried by Lambda
    a second later."""

    CONCURRENCY = 16  # e.g. 4 shards × ParallelizationFactor 4
    HOSTS_AT_ONCE = 16  # store::events: hosts (senders) an invocation applies at once
    HOST_EVENT_SHARDS = 16  # store::keys::HOST_EVENT_SHARDS
    CREDIT_CHUNK = 90  # 96 actions: marks, 4 for the host, the room's total, the host's board
    COUNT_CHUNK = 93  # 96 actions: the day's, the totals' and the gift types' lanes

    def __init__(self, m, ops, rng):
        self.m, self.ops, self.rng = m, ops, rng
        self.events = []  # (time applied by the payer, ids)
        self.lags = []  # host side applied
        self.board_lags = []  # senders' side (top gifters, gifters board) applied
        self.units = 0
        self.txs = self.failed = 0
        self.applied = defaultdict(int)  # host -> events credited

    def expand(self, op, group):
        """`op` (one event's footprint) for a group of events: the per-event
        items (the event's mark, the sender's entries) once per event."""
        writes = []
        for kind, items in op:
            mine = lambda it: it[0] in ("own", "payer", "pending") or "<payer>" in it[1] or "<id>" in it[1]
            shared = [it for it in items if not mine(it)]
            per_event = [it for it in items if mine(it)]
            writes.append((kind, shared + per_event * len(group)))
        ids = dict(group[0][1])
        out = instance(writes, ids, self.rng)
        # Each copy of a per-event item is its own item.
        return [(k, [(p, None if key is None else f"{key}#{n}", u) for n, (p, key, u) in enumerate(items)])
                for k, items in out]

    def window(self, end):
        batch = [e for e in self.events if end - 1 <= e[0] < end]
        lanes = [[] for _ in range(self.CONCURRENCY)]
        for e in batch:
            part = (e[1]["host"], self.rng.randrange(self.HOST_EVENT_SHARDS))
            lanes[hash(part) % self.CONCURRENCY].append(e)
        for events in lanes:
            by_host, by_sender = defaultdict(list), defaultdict(list)
            for e in events:
                by_host[e[1]["host"]].append(e)
                by_sender[e[1]["payer"]].append(e)
            spread = lambda groups, what, size: self.spread([
                (what, g[i:i + size]) for g in groups.values() for i in range(0, len(g), size)])
            hosts = spread(by_host, "credit", self.CREDIT_CHUNK)
            senders = spread(by_sender, "rank", self.CREDIT_CHUNK)
            counts = [[("count", events[i:i + self.COUNT_CHUNK]) for i in range(0, len(events), self.COUNT_CHUNK)]]
            # The passes in turn, each over its workers.
            self.passes([hosts, senders, counts], end)

    def spread(self, txs):
        workers = [[] for _ in range(self.HOSTS_AT_ONCE)]
        for n, tx in enumerate(txs):
            workers[n % self.HOSTS_AT_ONCE].append(tx)
        return [w for w in workers if w]

    def passes(self, passes, t):
        if not passes:
            return
        workers, rest = passes[0], passes[1:]
        if not workers:
            return self.passes(rest, t)
        left = {"n": len(workers)}

        def worker_done(at):
            left["n"] -= 1
            if left["n"] == 0:
                self.passes(rest, at)

        for w in workers:
            self.run_in_turn(w, t, worker_done)

    def run_in_turn(self, txs, t, done=None):
        if not txs:
            if done:
                done(t)
            return
        (what, group), rest = txs[0], txs[1:]
        r = {"group": f"aggregator ({what})", "writes": self.expand(self.ops[what], group), "i": 0,
             "start": t + SINGLE, "arrived": t, "tries": 0, "conflicts": 0, "sdk": 0, "units": 0}

        def then(at):
            self.txs += 1
            if r["good"]:
                self.units += r["units"]
                if what == "credit":
                    self.lags.extend(at - e[0] for e in group)
                    self.applied[group[0][1]["host"]] += len(group)
                if what == "rank":
                    self.board_lags.extend(at - e[0] for e in group)
                self.run_in_turn(rest, at, done)
            else:
                self.failed += 1
                self.run_in_turn(txs, at + 1.0, done)  # Lambda retries the batch

        r["then"] = then
        self.m.at(t, r)

    def run(self, seconds):
        for w in range(1, int(seconds) + 2):
            self.m.run(until=w)
            self.window(w)
        self.m.run()

    def report(self, title):
        def pct(lags, p):
            lags = sorted(lags)
            return lags[min(len(lags) - 1, int(p * len(lags)))] if lags else 0
        per_event = self.units / max(1, len(self.events))
        print(f"| {title} | aggregator | {len(self.events):,} events | {self.txs:,} transactions | "
              f"{self.failed} retried by Lambda | host side p50 {pct(self.lags, 0.5):.1f} s, p99 {pct(self.lags, 0.99):.1f} s | "
              f"boards p99 {pct(self.board_lags, 0.99):.1f} s | {per_event:.1f} per gift |")
        if TRACE:
            top = lambda d: sorted(d.items(), key=lambda kv: -kv[1])[:4]
            print(f"|   | throttled most: {top(self.m.hot)} | cancelled most: {top(self.m.cancelled)} |", file=sys.stderr)
        worst = max(pct(self.lags, 0.99), pct(self.board_lags, 0.99))
        return {"p99": worst, "units": per_event, "failed": self.failed}


def report(title, m, seconds, groups=None):
    by = defaultdict(list)
    for g, good, lat, units, why, t in m.done:
        by[g].append((good, lat, units, why, t))
    out = {}
    for g, rows in by.items():
        if groups and g not in groups:
            continue
        # Retries finish after the arrivals stop: goodput is over the group's whole run.
        span = max([seconds] + [r[4] for r in rows])
        n = len(rows)
        good = [r for r in rows if r[0]]
        lat = sorted(r[1] for r in rows)
        pct = lambda p: lat[min(n - 1, int(p * n))] * 1000
        errs = defaultdict(int)
        for r in rows:
            if not r[0]:
                errs[r[3]] += 1
        units = sum(r[2] for r in good) / max(1, len(good))
        print(f"| {title} | {g} | {n / seconds:,.0f} | {len(good) / span:,.0f} | "
              f"{100 * (n - len(good)) / n:.1f} % {dict(errs) if errs else ''} | {pct(0.5):.0f} | {pct(0.99):.0f} | {units:.0f} |")
        out[g] = {"errors": n - len(good), "goodput": len(good) / span, "units": units}
    return out


def scenarios(ops, seconds):
    rng = random.Random(11)
    uid = lambda p: f"{p}{rng.random()}"
    print("\n| scenario | requests | offered/s | goodput/s | errors | p50 ms | p99 ms | write units/op |")
    print("|---|---|---|---|---|---|---|---|")
    res, lags, exact = {}, {}, {}

    def run(title, streams, agg_ops=ops):
        m = Model()
        agg = Aggregator(m, agg_ops, rng)
        open_loop(m, rng, streams, seconds, agg)
        agg.run(seconds)
        users = report(title, m, seconds, groups={g for g, *_ in streams})
        lags[title] = agg.report(title)
        sent = defaultdict(int)
        for _, ids in agg.events:
            sent[ids["host"]] += 1
        exact[title] = dict(agg.applied) == dict(sent)
        return users

    for rate in (100, 300, 500, 1000):
        res[f"room{rate}"] = run(f"one room, {rate} gifts/s", [
            ("gifts", rate, ops["gift"], lambda: {"payer": uid("u"), "host": "H", "room": "R", "gift": "G"})])["gifts"]
    run("one gift type, 2,000/s over 1,000 hosts", [
        ("gifts", 2000, ops["gift"],
         lambda: (lambda h: {"payer": uid("u"), "host": f"H{h}", "room": f"R{h}", "gift": "G"})(rng.randrange(1000)))])
    spread = lambda: (lambda h: {"payer": uid("u"), "host": f"H{h}", "room": f"R{h}", "gift": f"G{rng.randrange(20)}"})(rng.randrange(10000))
    res["platform"] = run("platform, 10,000 gifts/s", [("gifts", 10000, ops["gift"], spread)])["gifts"]
    mixed = [
        ("other gifts", 1000, ops["gift"], spread),
        ("follows", 500, ops["follow"], lambda: {"payer": uid("u"), "host": f"H{rng.randrange(10000)}"}),
        ("sign-ups", 200, ops["signup"], lambda: {"payer": uid("u")}),
        ("call minutes", 300, ops["call_minute"], lambda: {"payer": uid("u"), "host": uid("h"), "call": uid("c")}),
    ]
    alone = run("2,000/s of mixed traffic alone", mixed)
    beside = run("a hot room beside 2,000/s of mixed traffic",
                 [("hot room gifts", 60, ops["gift"], lambda: {"payer": uid("u"), "host": "HOT", "room": "RHOT", "gift": "G"})]
                 + mixed)
    # A PK: two rooms, each side's score and top gifters written by its host's credits.
    side = lambda h: lambda: {"payer": uid("u"), "host": f"PKH{h}", "room": f"PKR{h}", "gift": "G", "pk": "P"}
    pk = run("a PK between two rooms, 300 gifts/s each", [("PK side 1 gifts", 300, ops["gift"], side(1)),
                                                          ("PK side 2 gifts", 300, ops["gift"], side(2))],
             {**ops, "credit": ops["pk_credit"], "rank": ops["pk_rank"]})
    pk_errors = sum(v["errors"] for v in pk.values())
    # The tick: 100,000 due calls, 100 in flight (TICK_CHUNK x TICK_CHUNKS_IN_FLIGHT).
    m = Model()
    total, in_flight = 100_000, 100
    left = iter(range(total))
    finished = {}

    def start(t):
        if next(left, None) is None:
            finished["t"] = t
            return
        m.at(t, {"group": "call minutes", "writes": instance(ops["call_minute"], {"payer": uid("u"), "host": uid("h"), "call": uid("c")}, rng),
                 "i": 0, "start": t + SINGLE, "arrived": t, "tries": 0, "conflicts": 0, "sdk": 0, "units": 0, "then": start})

    for _ in range(in_flight):
        start(0.0)
    m.run()
    took = max(t for t in [finished.get("t", 0)] + [0])
    if TRACE:
        top = lambda d: sorted(d.items(), key=lambda kv: -kv[1])[:4]
        print(f"|   | tick: throttled most: {top(m.hot)} | cancelled most: {top(m.cancelled)} |", file=sys.stderr)
    ok_n = sum(1 for d in m.done if d[1])
    print(f"| 100,000 calls billed by one tick (100 in flight) | call minutes | {total:,} due | {ok_n / max(took, 1e-9):,.0f} | "
          f"{100 * (total - ok_n) / total:.1f} % | took {took:.0f} s ({'inside' if took <= 60 else 'past'} the minute) | | |")
    m = Model()
    open_loop(m, rng, [("joins", 20000 / 60, ops["join"], lambda: {"payer": uid("u"), "room": "R", "host": "H"})], seconds)
    m.run()
    joins = report("20,000 viewers join one room in a minute", m, seconds)["joins"]
    m = Model()
    open_loop(m, rng, [("seat changes", 10, ops["seat_change"],
                        lambda: {"payer": uid("u"), "room": "R", "host": "H", "seat": f"SEAT#{rng.randrange(1, 13):02}"})],
              seconds)
    m.run()
    seats = report("12 seats of one audio room changing hands 10 times a second", m, seconds)["seat changes"]
    elsewhere = sum(v["errors"] for g, v in beside.items() if g != "hot room gifts")
    goals = [
        ("one room ≥ 500 gifts/s with 0 errors", res["room500"]["errors"] == 0),
        ("the platform ≥ 10,000 gifts/s with 0 errors", res["platform"]["errors"] == 0 and res["platform"]["goodput"] >= 9_500),
        ("a hot room causes 0 errors elsewhere", elsewhere <= sum(v["errors"] for v in alone.values()) and elsewhere == 0),
        ("≤ 12 write units per gift (its transaction; the aggregator's share is printed beside)", res["room100"]["units"] <= 12),
        ("the host's side and the boards applied within 2 s (p99) in every scenario", all(v["p99"] <= 2.0 for v in lags.values())),
        ("100,000 calls billed inside each minute", took <= 60 and ok_n == total),
        ("20,000 viewers join one room in a minute with 0 errors", joins["errors"] == 0),
    ]
    goals33 = [
        ("a PK between two rooms at 300 gifts/s each: 0 errors, every gift applied to its side once",
         pk_errors == 0 and exact["a PK between two rooms, 300 gifts/s each"]),
        ("12 seats of one audio room change hands 10 times a second with 0 errors", seats["errors"] == 0),
    ]
    print("\nGoals (issue 30):")
    for what, met in goals:
        print(f"  {'met    ' if met else 'not met'}  {what}")
    print("\nGoals (issue 33):")
    for what, met in goals33:
        print(f"  {'met    ' if met else 'not met'}  {what}")


# ----------------------------------------------------------- reconciliation

EVENT_BYTES = []  # the recorded gift event's size (record_all)
# shared/app/src/operations/reconcile_shards.rs
RECON_SHARDS, RECON_PAGE, RECON_AT_ONCE, WORKER_S, WORKER_LIMIT_S = 64, 500, 16, 270, 300
# Assumed traffic of the peak hour: 10,000 gifts/s from 200,000 payers to 10,000 hosts.
PEAK_RATE, PAYERS, HOSTS = 10_000, 200_000, 10_000
# DynamoDB, same region: a GetItem, a small Query or a PutItem 6 ms; a BatchGetItem
# of 100 ledger entries 12 ms; an index Query of a page, 10 ms a MB read.
REQ_S, BATCH_S, QUERY_S_PER_MB = 0.006, 0.012, 0.010
# A table's on-demand read limit unless raised (read request units a second).
TABLE_RRU = 40_000
# A worker's fixed memory (the function's binary and runtime, VmHWM of get-me in
# `make bench-cold` is ~12 MB; taken at 30), and what a decoded event costs against its stored bytes.
BASE_MB, DECODED_PER_STORED = 30, 3


def reconcile_model():
    """An hour at PEAK_RATE through the fan-out: per worker (one shard) its
    time and peak memory, the invocations it takes, and the hour's end-to-end
    time when the table's read limit binds."""
    ev = max(EVENT_BYTES or [1500])
    events = PEAK_RATE * 3600 // RECON_SHARDS
    pages = -(-events // RECON_PAGE)
    # An account is checked once an invocation in every shard its events are in.
    per_payer = PEAK_RATE * 3600 / PAYERS
    per_host = PEAK_RATE * 3600 / HOSTS
    reach = lambda n: 1 - (1 - 1 / RECON_SHARDS) ** n
    checks = PAYERS * reach(per_payer) + HOSTS * reach(per_host)
    page_s = QUERY_S_PER_MB * RECON_PAGE * ev / 1e6 + -(-RECON_PAGE // 100) * BATCH_S
    check_s = 5 * REQ_S  # two reads of the balances, the checkpoint, the ledger since, the new checkpoint
    worker_s = pages * page_s + checks * check_s / RECON_AT_ONCE
    runs = max(1, -(-int(worker_s) // WORKER_S))
    checked_per_run = checks / runs
    mem_mb = BASE_MB + RECON_PAGE * ev * DECODED_PER_STORED / 1e6 + checked_per_run * 90 / 1e6
    # Read units of the hour: each event once (strongly consistent: 1 a 4 KB), each debit, each check's 4 reads.
    rru = RECON_SHARDS * (events * (ev / 4096 + 1) + checks * 4)
    free_s = worker_s  # all 64 at once, as fast as they go
    free_rru_s = rru / free_s
    bound_s = max(free_s, rru / TABLE_RRU)
    print("\nreconciliation of an hour at 10,000 gifts/s (the fan-out, issue 41):")
    print(f"  {PEAK_RATE * 3600:,} gift events over {RECON_SHARDS} shards: {events:,} a shard, {pages:,} pages of "
          f"{RECON_PAGE} ({ev} B an event as recorded); {PAYERS:,} payers and {HOSTS:,} hosts: {checks:,.0f} account "
          f"checks a shard ({RECON_AT_ONCE} at once)")
    print(f"  a shard's worker: {worker_s:,.0f} s of work in {runs} invocation(s) of at most {WORKER_S} s "
          f"(time-out {WORKER_LIMIT_S} s); peak memory about {mem_mb:,.0f} MB (a page decoded, "
          f"{checked_per_run:,.0f} account ids checked in one invocation)")
    print(f"  the hour: {rru / 1e6:,.1f} M read units; all 64 shards at once would read {free_rru_s:,.0f}/s, "
          f"over the table's {TABLE_RRU:,}/s: bound by it, {bound_s / 60:,.0f} min from the run at :05 "
          f"(done by :{5 + bound_s / 60:02.0f} of the next hour)")
    return [
        (f"a reconcile worker takes at most {WORKER_LIMIT_S} s an invocation (≤ 5 min) and ≤ 1 GB "
         f"({mem_mb:,.0f} MB)", WORKER_S <= 300 and mem_mb <= 1024),
        (f"an hour at 10,000 gifts/s is reconciled within the next hour (by :{5 + bound_s / 60:02.0f})",
         5 * 60 + bound_s <= 3600),
    ]


# ------------------------------------------------------------ month close

# shared/app/src/payouts/statements.rs
CLOSE_AT_ONCE, MONTH_HOSTS = 32, 100_000
# A busy host's month as a statement reads and writes it: 4 settlements, 75
# lines (two kinds a day, three lines a settlement, the salary), so 1 list
# page share, the statement and last month's (2 GetItems), the ledger query
# (2 pages), the day items (1 BatchGetItem), the settlements (4 GetItems),
# the lines (3 BatchWriteItems), the statement (1 PutItem).
MONTH_REQUESTS = 2 + 2 + 1 + 4 + 3 + 1
MONTH_LINES, LINE_BYTES = 75, 6_000


def month_close_model():
    """`close-host-month` recorded on the local stack (as of next month, so
    this month's activity is "last month"), then scaled to 100,000 hosts."""
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)
    first = datetime.datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=datetime.timezone.utc)
    answers = {}

    def run(at):
        answers[at] = ok(*call("POST", "/dev/schedules/close-host-month", None, {"now": at.isoformat()})[:2])

    steps = [("drafted", first + datetime.timedelta(hours=1)), ("closed", first + datetime.timedelta(hours=73)),
             ("finalized", first + datetime.timedelta(hours=73 + 7 * 24 + 1))]
    print("\nmonth close (close-host-month, issue 45), recorded on the local stack:")
    hot = 0
    for what, at in steps:
        writes = recorded(lambda: run(at))
        n = max(1, answers[at][what])
        per = defaultdict(int)
        units = 0
        for w in writes:
            for it in w["items"]:
                per[it["pk"]] += 1
                units += max(1, -(-it["size"] // 1024))
        # A statement's items (its lines, its disputes) and its index partition are its own host's.
        shared = {pk: c for pk, c in per.items() if not pk.startswith(("STATEMENT#", "ACCOUNT#", "EVENTS#"))}
        worst = max(shared.values(), default=0)
        hot = max(hot, worst)
        print(f"  {what}: {answers[at][what]} statement(s), {units / n:.1f} write units and "
              f"{len(per) / n:.1f} partitions a statement; shared partitions written: "
              f"{', '.join(f'{k} ×{c}' for k, c in sorted(shared.items())) or 'none'}")
    per_host_s = MONTH_REQUESTS * REQ_S
    rate = CLOSE_AT_ONCE / per_host_s
    seconds = MONTH_HOSTS / rate
    line_wu = MONTH_LINES * -(-LINE_BYTES // 1024) + 2
    print(f"  {MONTH_HOSTS:,} busy hosts: {MONTH_REQUESTS} requests a host ({per_host_s * 1000:.0f} ms), "
          f"{CLOSE_AT_ONCE} at once: {rate:,.0f} hosts/s, {seconds / 60:.1f} min from the run at 00:30 "
          f"(done by 00:{30 + seconds / 60:02.0f}); {line_wu} write units a statement, "
          f"{rate * line_wu:,.0f} a second over {rate:,.0f} partitions of their own")
    # A shared item written once a run (the targets are read, never written) is far under 10 a second.
    shared_rate = hot / max(seconds, 1)
    return [
        (f"a month of {MONTH_HOSTS:,} hosts is drafted within the hour after it ({seconds / 60:.1f} min)",
         30 * 60 + seconds <= 3600),
        (f"no shared item written more than 10 times a second ({shared_rate:.2f}/s at most)", shared_rate <= 10),
    ]


def main():
    print(f"footprints (recorded on the local stack, table {TABLE}):")
    ops = record_all()
    describe(ops)
    print("\nmodel (every partition key value, base or index, capped at 1,000 write units/s: no split for heat,"
          " pessimistic for index partitions of many sort keys):")
    print(f"transactions hold their items {HOLD * 1000:.0f} ms, a partition takes {PARTITION_WCU} write units/s, "
          f"conflicts retried for {BUDGET:.0f} s (store::retry), throttles 3 attempts (SDK); {SECONDS:.0f} s of arrivals a scenario")
    scenarios(ops, SECONDS)
    goals41 = reconcile_model()
    print("\nGoals (issue 41):")
    for what, met in goals41:
        print(f"  {'met    ' if met else 'not met'}  {what}")
    goals45 = month_close_model()
    print("\nGoals (issue 45):")
    for what, met in goals45:
        print(f"  {'met    ' if met else 'not met'}  {what}")


if __name__ == "__main__":
    main()
