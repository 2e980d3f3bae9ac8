#!/usr/bin/env python3
"""Lambda cold start: N fresh JVMs each load the REST API handler and answer one chat event.

usage: coldstart.py JAR STUB_PORT RUNS
Runs `java -jar JAR chat` (sai.gateway.lambda.ColdStartProbe) against the SAI stub, reads the JSON line
it prints, and writes report notes (tab-separated `note<TAB>text`) with the median and spread of the
wall time (process start to exit), of JVM start to the answered event, of the handler's init and of
the first event, plus the jar's size.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def spread(values):
    return "median %d ms (min %d, max %d)" % (statistics.median(values), min(values), max(values))


def main():
    jar, port, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "SAI_URL": "http://127.0.0.1:%s" % port,
        "SAI_TEMPLATE_ID": "bench",
        "SAI_KEY": "bench-key",
        # The SAM template sets it; without it or REQUEST_TIMEOUT the Lambda build does not start.
        "FUNCTION_TIMEOUT": "120",
        # As the SAM template runs it: C1 only, the usual setting for short-lived functions.
        "JAVA_TOOL_OPTIONS": "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
        "LOG_DIR": os.environ.get("TMPDIR", "/tmp"),
    }
    wall, answer, init, first, failures = [], [], [], [], 0
    for _ in range(runs):
        started = time.monotonic()
        done = subprocess.run(["java", "-jar", jar, "chat"], env=env, capture_output=True, text=True, timeout=120)
        elapsed = int((time.monotonic() - started) * 1000)
        probe = next((json.loads(l) for l in done.stdout.splitlines() if l.startswith('{"probe"')), None)
        if done.returncode != 0 or probe is None:
            failures += 1
            continue
        wall.append(elapsed)
        answer.append(probe["jvm_start_to_answer_ms"])
        init.append(probe["init_ms"])
        first.append(probe["first_event_ms"])
    if not wall:
        print("note\tLambda cold start: all %d runs failed (see `java -jar %s chat`)" % (runs, jar))
        return
    print("note\tLambda cold start (%d fresh JVMs, REST API handler, one chat event against the SAI stub, "
          "-XX:TieredStopAtLevel=1; %d failed): process start to exit %s; JVM start to answered event %s; "
          "handler init %s; first event %s" % (len(wall), failures, spread(wall), spread(answer), spread(init), spread(first)))
    print("note\tLambda deployment jar: %s, %.1f MB" % (os.path.basename(jar), os.path.getsize(jar) / 1e6))


if __name__ == "__main__":
    main()
