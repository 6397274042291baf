"""The local AWS stack: one moto server for DynamoDB (+ Streams), S3, SNS, SES
and Secrets Manager, with every DynamoDB request served one at a time.

Why the lock: moto's server answers requests on threads and keeps DynamoDB
state without a lock, so two concurrent conditional writes can both pass their
conditions (measured: 20 concurrent `coins >= 1` decrements on 5 coins, 7 won
in 1 round of 20). DynamoDB itself serialises writes per item; one lock around
each DynamoDB request gives at least that guarantee, so the concurrency tests
prove something. Other services keep moto's threads (an S3 upload does not
wait behind a transaction), and the threaded server keeps connections alive.

Usage: python local/moto_server.py PORT [HOST]
"""

import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

DYNAMODB_TARGETS = ("DynamoDB_", "DynamoDBStreams_")


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
            return list(self.app(environ, start_response))


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    app = SerialisedDynamoDB(DomainDispatcherApplication(create_backend_app))
    run_simple(host, port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
