#!/usr/bin/env bash
# Measures one route-agent binary in throw-away namespaces (run as root; not part of the test run):
# route counts (defaults, IPv4 + IPv6), RSS at start and after N deleted routes, and the time from each
# deletion to its restoration as the kernel reports them (`ip -ts monitor route` timestamps).
#   measure-agent.sh PATH/outputguard-route [LABEL] [N]
# e.g. the NativeAOT publish against the framework-dependent build:
#   measure-agent.sh artifacts/publish/route/outputguard-route aot
#   measure-agent.sh artifacts/bin/OutputGuard.Agent.Route/release/outputguard-route framework
set -euo pipefail
agent=$1; label=${2:-agent}; n=${3:-30}
id=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
c=og-rt-m${id}c; g=og-rt-m${id}g; work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; ip netns del "$c" 2>/dev/null || true; ip netns del "$g" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$c"; ip netns add "$g"
ip -n "$c" link set lo up
ip -n "$c" link add eth0 type veth peer name eth0 netns "$g"
ip -n "$c" link set eth0 addrgenmode none; ip -n "$g" link set eth0 addrgenmode none
ip -n "$c" addr add 10.77.0.1/24 dev eth0; ip -n "$c" addr add 2001:db8:77::1/64 dev eth0 nodad; ip -n "$c" link set eth0 up
ip -n "$g" addr add 10.77.0.2/24 dev eth0; ip -n "$g" addr add 10.77.0.3/24 dev eth0
ip -n "$g" addr add 2001:db8:77::2/64 dev eth0 nodad; ip -n "$g" link set eth0 up
"$agent" --gateway 10.77.0.2 --gateway 10.77.0.3 --gateway 2001:db8:77::2 --netns "$c" >"$work/agent.log" 2>&1 &
pids+=($!); a=$!
for _ in $(seq 1 100); do [ "$(ip -n "$c" -6 route show proto 197 | grep -c '^[0-9a-f]')" -gt 0 ] && break; sleep 0.05; done
sleep 1
v4=$(ip -n "$c" -4 route show proto 197 | grep -c '^[0-9]'); v6=$(ip -n "$c" -6 route show proto 197 | grep -c '^[0-9a-f]')
rss0=$(awk '/VmRSS/ {print $2}' /proc/$a/status)
ip -n "$c" -ts monitor route >"$work/monitor.log" 2>&1 &
pids+=($!)
sleep 0.3
for _ in $(seq 1 "$n"); do ip -n "$c" route del 1.0.0.0/8 proto 197; sleep 0.1; ip -n "$c" -6 route del 2400::/6 proto 197; sleep 0.1; done
sleep 0.5
rss1=$(awk '/VmRSS/ {print $2}' /proc/$a/status)
python3 - "$work/monitor.log" "$label" "$v4" "$v6" "$rss0" "$rss1" "$n" <<'PY'
import sys, re, datetime
log, label, v4, v6, rss0, rss1, n = sys.argv[1:]
watched = ("1.0.0.0/8", "2400::/6")
deleted, ms = None, []
for line in open(log):
    m = re.match(r"\[(\S+)\]\s*(Deleted )?(\S+)", line)
    if not m or m.group(3) not in watched:
        continue
    t = datetime.datetime.fromisoformat(m.group(1))
    if m.group(2):
        deleted = t
    elif deleted:
        ms.append((t - deleted).total_seconds() * 1000)
        deleted = None
ms.sort()
print(f"{label}: routes IPv4 {v4}, IPv6 {v6}; RSS {int(rss0)/1024:.1f} MiB at start, {int(rss1)/1024:.1f} MiB after {2*int(n)} restorations; "
      f"restore median {ms[len(ms)//2]:.2f} ms, worst {ms[-1]:.2f} ms over {len(ms)}")
PY
