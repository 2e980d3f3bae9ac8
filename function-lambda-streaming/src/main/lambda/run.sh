#!/bin/sh
# The streaming Lambda mode's handler. The Lambda Web Adapter layer's wrapper (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap)
# runs this file instead of the Java runtime's own entry point; the adapter then waits until GET
# AWS_LWA_READINESS_CHECK_PATH (/health) answers and relays every API Gateway event to this server as an HTTP request,
# streaming the answer back (AWS_LWA_INVOKE_MODE=response_stream). It is the container's server: same code, same
# heartbeats.
set -eu
cd "$(dirname "$0")"

# The adapter calls AWS_LWA_PORT, else PORT, else 8080: the gateway listens where it will call.
PORT="${AWS_LWA_PORT:-${PORT:-8080}}"
export PORT

# The runtime's own JVM flags do not apply (this JVM is started here, not by the runtime), so heap and collector are
# set as the Java runtime would: a share of the function's memory (the JVM sees it as the machine's), the serial
# collector on Lambda's one or two vCPUs. JAVA_TOOL_OPTIONS (the template's) still applies.
# Environments "lambda" (application-lambda.yml, both Lambda modes) and "streaming" (application-streaming.yml);
# never "function", the buffered handlers' (application-function.yml turns heartbeats off).
exec java -XX:+UseSerialGC -XX:MaxRAMPercentage=75 -Xshare:auto \
    -Dmicronaut.environments=lambda,streaming \
    -jar gateway.jar
