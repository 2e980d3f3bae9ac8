#!/usr/bin/env python3
"""Lambda cold start: N fresh JVMs each answer one chat request, in either Lambda mode.

usage: coldstart.py JAR STUB_PORT RUNS      the buffered mode's jar (function-lambda-0.1.0.jar)
       coldstart.py ZIP STUB_PORT RUNS      the streaming mode's package (function-lambda-streaming-0.1.0.zip)

Buffered: runs `java -jar JAR chat` (sai.gateway.lambda.ColdStartProbe) against the SAI stub, reads the JSON line
it prints, and writes report notes (tab-separated `note<TAB>text`) with the median and spread of the
wall time (process start to exit), of JVM start to the answered event, of the handler's init and of
the first event, plus the jar's size.

Streaming: unpacks the zip as Lambda does and starts its run.sh as the Lambda Web Adapter does (the template's
adapter variables, AWS_LWA_PORT on a free port), polls GET /health every 10 ms as the adapter's readiness check
does, then sends one chat request: process start to ready, and process start to the answered request (the
adapter itself, a Rust binary, adds little and is not here).
"""
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile


def spread(values):
    return "median %d ms (min %d, max %d)" % (statistics.median(values), min(values), max(values))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streaming(package, port, runs):
    root = tempfile.mkdtemp(prefix="lwa-task-")
    try:
        with zipfile.ZipFile(package) as z:
            for info in z.infolist():
                z.extract(info, root)
                os.chmod(os.path.join(root, info.filename), (info.external_attr >> 16) & 0o777 or 0o644)
        ready, answer, failures = [], [], 0
        for _ in range(runs):
            lwa_port = free_port()
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": os.environ.get("HOME", "/root"),
                "LAMBDA_TASK_ROOT": root, "_HANDLER": "run.sh",
                "AWS_LAMBDA_FUNCTION_NAME": "bench", "AWS_REGION": "eu-west-1", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
                "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap", "AWS_LWA_INVOKE_MODE": "response_stream",
                "AWS_LWA_READINESS_CHECK_PATH": "/health", "AWS_LWA_PORT": str(lwa_port),
                "SAI_URL": "http://127.0.0.1:%s" % port, "SAI_TEMPLATE_ID": "bench", "SAI_KEY": "bench-key",
                "FUNCTION_TIMEOUT": "900",
                "JAVA_TOOL_OPTIONS": "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
            }
            started = time.monotonic()
            process = subprocess.Popen([os.path.join(root, "run.sh")], cwd=root, env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            base = "http://127.0.0.1:%d" % lwa_port
            ready_ms = answered_ms = None
            try:
                while time.monotonic() - started < 60 and process.poll() is None:
                    try:
                        with urllib.request.urlopen(base + "/health", timeout=2) as r:
                            if r.status < 500:
                                ready_ms = int((time.monotonic() - started) * 1000)
                                break
                    except (urllib.error.URLError, ConnectionError, OSError):
                        time.sleep(0.01)
                if ready_ms is not None:
                    body = json.dumps({"model": "sai-model", "messages": [{"role": "user", "content": "cold start"}]}).encode()
                    request = urllib.request.Request(base + "/v1/chat/completions", data=body,
                                                     headers={"Content-Type": "application/json"})
                    with urllib.request.urlopen(request, timeout=30) as r:
                        r.read()
                        if r.status == 200:
                            answered_ms = int((time.monotonic() - started) * 1000)
            except (urllib.error.URLError, OSError):
                pass
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if answered_ms is None:
                failures += 1
                continue
            ready.append(ready_ms)
            answer.append(answered_ms)
        if not answer:
            print("note\tLambda cold start, streaming: all %d runs failed (start %s/run.sh by hand)" % (runs, root))
            return
        print("note\tLambda cold start, streaming mode (%d fresh JVMs, run.sh as the Lambda Web Adapter starts it, readiness on "
              "/health every 10 ms, then one chat request against the SAI stub, -XX:TieredStopAtLevel=1; %d failed): "
              "process start to ready %s; process start to answered request %s"
              % (len(answer), failures, spread(ready), spread(answer)))
        print("note\tLambda streaming package: %s, %.1f MB" % (os.path.basename(package), os.path.getsize(package) / 1e6))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    jar, port, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if jar.endswith(".zip"):
        streaming(jar, port, runs)
        return
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
