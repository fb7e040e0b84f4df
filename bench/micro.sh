#!/usr/bin/env bash
# Runs the BenchmarkDotNet micro-benchmarks of bench/Micro (Release, out of process).
#
#   bench/micro.sh                 # short job: a quick look (~3-5 minutes, of which ~1.5 building)
#   bench/micro.sh --full          # BenchmarkDotNet's default job: the numbers to quote (~10-15 minutes)
#   bench/micro.sh --filter '*Dispatch*'   # any BenchmarkDotNet filter (default '*')
#   bench/micro.sh -- --list flat  # everything after -- goes to BenchmarkDotNet as is
#
# The summary tables (with the Allocated column of [MemoryDiagnoser]) are printed and written to
# bench/Micro/BenchmarkDotNet.Artifacts/results/ (git-ignored, see bench/.gitignore).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
job=short
filter='*'
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --full) job=default ;;
    --short) job=short ;;
    --filter) filter="$2"; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

cd "$here/Micro"
timeout 900 dotnet build -c Release -nologo -v q
args=(--filter "$filter" --artifacts "$here/Micro/BenchmarkDotNet.Artifacts")
if [ "$job" = short ]; then args+=(--job short); fi
# Bound the whole run: the default job over every benchmark takes ~15 minutes on 2 quiet cores.
timeout 3600 dotnet "bin/Release/net10.0/Micro.dll" "${args[@]}" "${extra[@]}"
