#!/usr/bin/env bash
# Runs the tour's training step under jdb with the reference kernels (ND4J operations, one thread),
# stops in conv's backward, prints `where` and `locals`, then follows conv's input gradient into the
# reference transposed-convolution kernel and prints the walk that led there. Its output is quoted in
# docs/DEBUGGING.md.
#   usage: docs/debug-demo.sh        (after: mvn -B -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=examples/target/adjoint-examples.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -q install -DskipTests" >&2; exit 1; }

coproc JDB { jdb -Dadjoint.kernels=reference -classpath "$JAR" dev.adjoint.examples.Main tour --step 2>&1; }
send() { echo "$1" >&"${JDB[1]}"; }
# Prints jdb's output until a line matches $1 (or jdb ends).
read_until() {
  local line
  while IFS= read -r -t 120 line <&"${JDB[0]}"; do
    echo "$line"
    [[ "$line" == *$1* ]] && return 0
  done
  return 1
}

send "stop in dev.adjoint.ops.conv.ConvNd.backward"
send "run"
read_until "Breakpoint hit"
# jdb's prompt has no newline, so pace the commands instead of parsing prompts.
for cmd in "where" "next" "next" "locals" "print this" "print w" \
           "eval dev.adjoint.autograd.Graphs.toText(this.saved(0))" \
           "stop in dev.adjoint.kernels.reference.ReferenceKernels.convTranspose2d" "cont" "where" "locals" "exit"; do
  sleep 2
  send "$cmd"
done
timeout 60 cat <&"${JDB[0]}" || true
wait "${JDB_PID:-}" 2>/dev/null || true
