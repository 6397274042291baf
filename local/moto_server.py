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

Usage: python local/moto_server.py PORT [HOST]
"""

import copy
import os
import sys
import threading
import time

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
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
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(DYNAMODB_TARGETS):
            return self.app(environ, start_response)
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


def journalled_transact_write_items(self, transact_items):
    """moto's TransactWriteItems with a rollback journal of just the items it
    touches (their copies before, and each stream's length), restored when
    the transaction is cancelled. Runs under the DynamoDB lock."""
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
    try:
        return _transact_write_items(self, transact_items)
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
