"""Runs moto's server on a free loopback port for Vigil's tests.

Prints the port on the first line of stdout, then serves until stdin closes: the test process
holds the other end of the pipe, so moto stops when the tests end, however they end.

Requests are served one at a time: moto's backends are not safe under concurrent requests
(simultaneous DynamoDB transactions can fail with an internal error), and a real service's
atomicity is what the tests mean to exercise, not the emulator's races. No test long-polls.
"""
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

app = DomainDispatcherApplication(create_backend_app)
server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=MotoRequestHandler)
print(server.server_port, flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
