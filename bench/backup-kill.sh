#!/bin/sh
# The kill -9 test of Backup of Mail Box (tests/backup/test_kill.sh) with
# more runs than the suite's 200 of each: default 1000 of create and 1000
# of restore. SEED repeats a failing series.
#
#   bench/backup-kill.sh [path/to/svcmode] [RUNS]
set -eu
cd "$(dirname "$0")/.."
SVCMODE=$(realpath "${1:-build/src/svcmode}") SRC=$(pwd) RUNS=${2:-1000} \
	sh tests/backup/test_kill.sh
