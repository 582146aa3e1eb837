#!/usr/bin/env bash
# Sets up the machine, builds, and starts the chat example on 127.0.0.1:4000.
# Extra arguments go to the server (see `chat_server --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
exec build/examples/chat/chat_server --host 127.0.0.1 --port 4000 "$@"
