"""The local AWS stack: one moto server for DynamoDB (+ Streams), S3, SNS, SES
and Secrets Manager, with every DynamoDB request served one at a time.

Why the lock: moto's server answers requests on threads and keeps DynamoDB
state without a lock, so two concurrent conditional writes can both pass their
conditions (measured: 20 concurrent `coins >= 1` decrements on 5 coins, 7 won
in 1 round of 20). DynamoDB itself serialises writes per item; one lock around
each DynamoDB request gives at least that guarantee, so the concurrency tests
prove something. Other services keep moto's threads (an S3 upload does not
wait behind a transaction), and the threaded server keeps connections alive.

Also, two of moto's costs grow with the whole table, which the launcher cuts
(see below): a transaction deep-copies each table it touches (for rollback),
and a query sorts every item of the table before picking its partition.

Contention mode: moto never conflicts, DynamoDB does. `POST /_contention
{"table": NAME, "hold_ms": HOLD}` makes that table behave like DynamoDB under
load (0 turns it off): a TransactWriteItems holds its items for HOLD ms from
the moment the request arrived (before moto's lock), and another
transaction whose hold overlaps it on any item is cancelled with
`TransactionCanceledException` (reason `TransactionConflict` on the items
held), and a PutItem, UpdateItem or DeleteItem arriving inside a hold is
refused with `TransactionConflictException`, as DynamoDB refuses them:
transactions on one item do not queue, `ADD` included. `GET
/_contention?table=NAME` answers the hold and how many were cancelled and
refused. Other tables are untouched.

Footprints (for `make capacity`): with `"record": true` in that POST, every
write to the table is recorded as its operation, each item's key, size and
the index partitions its new image is in; `GET /_footprints?table=NAME`
answers them and starts over.

Outbox (for the tests): `GET /_outbox` answers the e-mails SES and the SMS
SNS "sent" so far, without moto's /moto-api/data.json, which dumps every
table and stream for the same answer.

Usage: python local/moto_server.py PORT [HOST]
"""

import copy
import json
import os
import sys
import threading
import time
from collections import defaultdict, deque
from urllib.parse import parse_qs

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.exceptions import DynamodbException, TransactionCanceledException
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

DYNAMODB_TARGETS = ("DynamoDB_", "DynamoDBStreams_")
# MOTO_TRACE=1: one line per DynamoDB request on stderr (operation, time, size).
TRACE = os.environ.get("MOTO_TRACE") == "1"


class SerialisedDynamoDB:
    """WSGI middleware: DynamoDB and DynamoDB Streams requests (told apart by
    their X-Amz-Target header) run under one lock, the rest as moto runs them."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/_contention":
            return contention_api(environ, start_response)
        if environ.get("PATH_INFO") == "/_footprints":
            return footprints_api(environ, start_response)
        if environ.get("PATH_INFO") == "/_outbox":
            return outbox_api(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(DYNAMODB_TARGETS):
            return self.app(environ, start_response)
        # When the request reached DynamoDB: holds are measured from here, not
        # from when moto's lock let it in (the queue is ours, not DynamoDB's).
        ARRIVAL.at = time.monotonic()
        with self.lock:
            # The body is produced inside the lock too: moto builds it from
            # live state, and werkzeug would otherwise iterate it after release.
            started = time.perf_counter()
            body = list(self.app(environ, start_response))
            if TRACE:
                ms = (time.perf_counter() - started) * 1000
                print(f"{target} {ms:.1f} ms {sum(map(len, body))} bytes", file=sys.stderr, flush=True)
            return body


class _NoTableCopies:
    """moto's `copy` as its DynamoDB backend sees it, but for whole tables:
    moto deep-copies every table a transaction touches so it can roll back,
    which makes each transaction cost the size of the table (a 20-send race
    on a test's small table took seconds, and a bench's table grows without
    bound). `journalled_transact_write_items` keeps the touched items instead."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(x, *args):
        return x if isinstance(x, Table) else copy.deepcopy(x, *args)


_transact_write_items = DynamoDBBackend.transact_write_items

ARRIVAL = threading.local()
# table -> hold (s), set through /_contention.
HOLD_BY_TABLE = {}
# table -> the writes recorded since the last read (None: not recording)
RECORDED = {}
# table -> {"cancelled": n, "refused": n}
CONFLICTS = defaultdict(lambda: {"cancelled": 0, "refused": 0})
# (table, hash key, range key) -> arrivals (s) of the recent transactions that committed on it.
HOLDS = defaultdict(lambda: deque(maxlen=16))


def hold_secs(table_name):
    return HOLD_BY_TABLE.get(table_name or "", 0)


def contention_api(environ, start_response):
    """`POST /_contention {table, hold_ms}` sets a table's hold; `GET
    /_contention?table=` reads it and its conflicts so far."""
    if environ.get("REQUEST_METHOD") == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        req = json.loads(environ["wsgi.input"].read(size) or b"{}")
        table, hold_ms = req["table"], int(req.get("hold_ms", 0))
        if hold_ms > 0:
            HOLD_BY_TABLE[table] = hold_ms / 1000
        else:
            HOLD_BY_TABLE.pop(table, None)
        if "record" in req:
            if req["record"]:
                RECORDED.setdefault(table, [])
            else:
                RECORDED.pop(table, None)
    else:
        table = parse_qs(environ.get("QUERY_STRING", "")).get("table", [""])[0]
    body = json.dumps({"table": table, "hold_ms": int(HOLD_BY_TABLE.get(table, 0) * 1000), **CONFLICTS[table]})
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body.encode()]


def outbox_api(environ, start_response):
    """`GET /_outbox`: the e-mails SES and the SMS SNS "sent", as the tests
    read them; moto's own /moto-api/data.json dumps every table (streams
    included) for the same answer."""
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    emails, sms = [], []
    for regions in ses_backends.values():
        for backend in regions.values():
            for m in list(backend.sent_messages):
                to = (getattr(m, "destinations", None) or {}).get("ToAddresses", [])
                emails.append({"to": list(to), "body": str(getattr(m, "body", "") or "")})
    for regions in sns_backends.values():
        for backend in regions.values():
            for phone, message in list(backend.sms_messages.values()):
                sms.append({"phone": phone, "message": message})
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"emails": emails, "sms": sms}).encode()]


def held(key, hold, at):
    """Whether a committed transaction's hold on `key` overlaps `[at, at + hold)`."""
    return any(abs(at - other) < hold for other in HOLDS.get(key, ()))


class TransactionConflictException(DynamodbException):
    error_type = "com.amazonaws.dynamodb.v20120810#TransactionConflictException"

    def __init__(self):
        super().__init__(self.error_type, message="Transaction is ongoing for the item")


def item_key(table, attrs):
    """(table name, hash, range) of an item's key attributes, or None."""
    if table is None or table.hash_key_attr not in attrs:
        return None
    rk = table.range_key_attr
    if rk is not None and rk not in attrs:
        return None
    return (table.name, DynamoType(attrs[table.hash_key_attr]), DynamoType(attrs[rk]) if rk else None)


def footprints_api(environ, start_response):
    table = parse_qs(environ.get("QUERY_STRING", "")).get("table", [""])[0]
    body = json.dumps(RECORDED.get(table) or [])
    if table in RECORDED:
        RECORDED[table] = []
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body.encode()]


GSI_KEYS = ("gsi1pk", "gsi2pk", "gsi3pk", "gsi4pk", "gsi5pk")


def footprint(table, key):
    """An item's key, size (bytes, roughly as DynamoDB counts) and the index
    partitions its image is in, read after the write (before it for a delete)."""
    _, hk, rk = key
    part = table.items.get(hk)
    item = (part or {}).get(rk) if rk is not None else part
    attrs = item.to_json()["Attributes"] if item is not None else {}
    size = len(json.dumps(attrs))
    gsi = {k: next(iter(attrs[k].values())) for k in GSI_KEYS if k in attrs}
    return {"pk": hk.value, "sk": rk.value if rk is not None else None, "size": size, "gsi": gsi}


def record(backend, op, keys):
    for name in {k[0] for k in keys if k is not None}:
        if name in RECORDED:
            table = backend.tables.get(name)
            RECORDED[name].append({"op": op, "items": [footprint(table, k) for k in keys if k and k[0] == name]})


def refuse_inside_holds(original):
    """A single write arriving inside a transaction's hold on its item is refused."""

    def write(self, table_name, *args, **kwargs):
        if getattr(ARRIVAL, "in_transaction", False):
            # moto applies a transaction's actions through these: not single writes.
            return original(self, table_name, *args, **kwargs)
        hold = hold_secs(table_name)
        if hold:
            table = self.tables.get(table_name)
            attrs = kwargs.get("key") or kwargs.get("item_attrs") or (args[0] if args else {})
            key = item_key(table, attrs or {})
            if key and held(key, hold, getattr(ARRIVAL, "at", time.monotonic())):
                CONFLICTS[table_name]["refused"] += 1
                raise TransactionConflictException()
        if table_name in RECORDED:
            table = self.tables.get(table_name)
            attrs = kwargs.get("key") or kwargs.get("item_attrs") or (args[0] if args else {})
            key = item_key(table, attrs or {})
            before = footprint(table, key) if key else None
            out = original(self, table_name, *args, **kwargs)
            if key:
                after = footprint(table, key)
                if not after["gsi"] and before:
                    after["gsi"] = before["gsi"]
                RECORDED[table_name].append({"op": original.__name__, "items": [after]})
            return out
        return original(self, table_name, *args, **kwargs)

    return write


DynamoDBBackend.put_item = refuse_inside_holds(DynamoDBBackend.put_item)
DynamoDBBackend.update_item = refuse_inside_holds(DynamoDBBackend.update_item)
DynamoDBBackend.delete_item = refuse_inside_holds(DynamoDBBackend.delete_item)


def contended_keys(backend, transact_items):
    """The item keys of a transaction on contended (or recorded) tables, and their hold."""
    keys, hold = [], 0
    for action in transact_items:
        op = next(iter(action.values()))
        name = op.get("TableName")
        h = hold_secs(name)
        table = backend.tables.get(name)
        key = item_key(table, op.get("Key") or op.get("Item") or {}) if h or name in RECORDED else None
        keys.append(key)
        hold = max(hold, h)
    return keys, hold


def journalled_transact_write_items(self, transact_items):
    """moto's TransactWriteItems with a rollback journal of just the items it
    touches (their copies before, and each stream's length), restored when
    the transaction is cancelled. Runs under the DynamoDB lock. On a
    contended table it is first cancelled if another's hold overlaps its own,
    and holds its items once it commits."""
    keys, hold = contended_keys(self, transact_items)
    at = getattr(ARRIVAL, "at", time.monotonic())
    if hold:
        conflicts = [k is not None and held(k, hold, at) for k in keys]
        if any(conflicts):
            for k in {k[0] for k in keys if k is not None}:
                CONFLICTS[k]["cancelled"] += 1
            reasons = [
                ("TransactionConflict", "Transaction is ongoing for the item", None) if c else (None, None, None)
                for c in conflicts
            ]
            raise TransactionCanceledException(reasons)
    journal, streams = [], {}
    for action in transact_items:
        op = next(iter(action.values()))
        table = self.tables.get(op.get("TableName"))
        if table is None:
            continue
        key = op.get("Key") or op.get("Item") or {}
        if table.hash_key_attr not in key:
            continue
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = None
        if table.range_key_attr is not None:
            if table.range_key_attr not in key:
                continue
            range_key = DynamoType(key[table.range_key_attr])
        before = table.items.get(hash_key, {}).get(range_key) if range_key else table.items.get(hash_key)
        journal.append((table, hash_key, range_key, copy.deepcopy(before)))
        if table.stream_shard is not None:
            streams[id(table)] = (table.stream_shard, len(table.stream_shard.items))
    ARRIVAL.in_transaction = True
    try:
        out = _transact_write_items(self, transact_items)
        for k in keys:
            if k is not None and hold_secs(k[0]):
                HOLDS[k].append(at)
        record(self, "TransactWriteItems", keys)
        return out
    except Exception:
        for table, hash_key, range_key, before in reversed(journal):
            if range_key is None:
                if before is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = before
            elif before is None:
                table.items.get(hash_key, {}).pop(range_key, None)
            else:
                table.items[hash_key][range_key] = before
        for shard, length in streams.values():
            del shard.items[length:]
        raise
    finally:
        ARRIVAL.in_transaction = False


def _items_unsorted(table):
    for hash_set in table.items.values():
        if table.range_key_attr:
            yield from hash_set.values()
        else:
            yield hash_set


_query = Table.query


def query_without_sorting_the_table(self, *args, **kwargs):
    """moto's Query, minus its first step: sorting every item of the table
    (`all_items`) before picking the partition, which makes each query cost
    the table's size in Python comparisons (a 15,000-item table: about a
    second per query). Query sorts what it picked by the key it was asked
    for anyway; scans keep the sorted `all_items`. Runs under the lock."""
    self.all_items = lambda: list(_items_unsorted(self))
    try:
        return _query(self, *args, **kwargs)
    finally:
        del self.all_items


dynamodb_models.copy = _NoTableCopies()
DynamoDBBackend.transact_write_items = journalled_transact_write_items
Table.query = query_without_sorting_the_table


class NoDelayRequestHandler(MotoRequestHandler):
    """The response's headers and body go out as separate writes; with Nagle's
    algorithm on, the body waits for the client's delayed ACK of the headers
    (up to 40 ms) on every request of a kept-alive connection but the first."""

    disable_nagle_algorithm = True


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    app = SerialisedDynamoDB(DomainDispatcherApplication(create_backend_app))
    run_simple(host, port, app, threaded=True, request_handler=NoDelayRequestHandler)


if __name__ == "__main__":
    main()
