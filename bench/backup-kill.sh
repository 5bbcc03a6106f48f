#!/bin/sh
# The kill -9 test of Backup of Mail Box with many more runs than the suite
# uses (default 100 of create and 100 of restore).
#
#   bench/backup-kill.sh [path/to/svcmode] [RUNS]
set -eu
cd "$(dirname "$0")/.."
SVCMODE=$(realpath "${1:-build/src/svcmode}") SRC=$(pwd) KILL_RUNS=${2:-100} \
	sh tests/backup/test_kill.sh
