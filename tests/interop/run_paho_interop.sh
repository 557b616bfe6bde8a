#!/usr/bin/env bash
# Run the Eclipse Paho MQTT 3.1.1 interoperability client tests (interoperability/client_test.py of
# https://github.com/eclipse/paho.mqtt.testing) against a running broker.
#
#   tests/interop/run_paho_interop.sh PATH_TO_CHECKOUT HOST PORT
#
# PATH_TO_CHECKOUT is a checkout of eclipse/paho.mqtt.testing (not part of this repository; see README.md).
# Their script reads --hostname/--port itself and then calls unittest.main(), which would reject those
# options; this driver hands unittest its own argument list instead, and exits non-zero if any test failed.
# Extra environment: PYTHON (default /usr/bin/python3), PAHO_INTEROP_TESTS (space-separated test names,
# e.g. "Test.test_keepalive"; default: all).
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 PATH_TO_CHECKOUT HOST PORT" >&2
  exit 2
fi
checkout=$1 host=$2 port=$3
script="$checkout/interoperability/client_test.py"
if [ ! -f "$script" ]; then
  echo "error: $script not found (is $checkout a checkout of eclipse/paho.mqtt.testing?)" >&2
  exit 2
fi
python=${PYTHON:-/usr/bin/python3}

# wait (up to 10 s) for the broker to accept connections
for _ in $(seq 100); do
  if "$python" -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()" \
       "$host" "$port" 2>/dev/null; then break; fi
  sleep 0.1
done

cd "$checkout/interoperability"
exec "$python" - "$script" "$host" "$port" ${PAHO_INTEROP_TESTS:-} <<'PY'
import os, runpy, sys, unittest

path, host, port, selected = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
original_main = unittest.main

def run_tests(*args, **kwargs):
    kwargs.update(argv=[path, "-v"] + selected, exit=False)
    result = original_main(*args, **kwargs).result
    failed = len(result.failures) + len(result.errors)
    print(f"\nPAHO INTEROP SUMMARY: {result.testsRun} run, {result.testsRun - failed} passed, {failed} failed"
          f" (broker {host}:{port})")
    for test, _ in result.failures + result.errors:
        print(f"  FAILED: {test.id()}")
    sys.stdout.flush()
    os._exit(0 if result.wasSuccessful() else 1)

unittest.main = run_tests
sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
sys.argv = [path, f"--hostname={host}", f"--port={port}"]
runpy.run_path(path, run_name="__main__")
PY
