#!/usr/bin/env bash
# OutputGuard, the whole system in one command (Linux, as root):
#   sudo ./demo/run.sh            build, run, show, tear down
#   sudo ./demo/run.sh --keep     ... and wait for Ctrl+C before tearing down
# With OG_CONTROL_PLANE_DLL, OG_GATEWAY_DLL and OG_ROUTE_DLL all set (framework-dependent builds, e.g. those under
# artifacts/bin after `dotnet cake --target=Build`) it runs those and builds nothing, as the test of this script does.
#
# Network namespaces stand in for three hosts:
#   client  10.250.0.2 ──veth── 10.250.0.1  gateway  203.0.113.1 ──veth── 203.0.113.254  internet
#   (route agent)                 (control plane, gateway agent)          (HTTP servers, dnsmasq)
# "The internet" uses the documentation ranges, configured as public with treat_as_public:
#   203.0.113.10  an HTTP server on :8080 and :8081  (allowed by IP, port rule tcp/8080 only)
#   198.51.100.20 an HTTP server on :8000            (allowed by domain: app.example.com)
#   192.0.2.30    an HTTP server on :80              (not allowed)
#   198.51.100.53 dnsmasq                            (allowed: udp/53)
# It prints what a user should see and exits non-zero if anything is not as shown.
set -euo pipefail
keep=no
[ "${1:-}" = "--keep" ] && keep=yes
[ "$(id -u)" = 0 ] || { echo "run as root (it creates network namespaces)" >&2; exit 2; }
for tool in ip nft dnsmasq python3 curl dotnet; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

repo=$(cd "$(dirname "$0")/.." && pwd)
run=$(mktemp -d /tmp/og-demo.XXXXXX)
tag=$(basename "$run" | tr -cd 'a-zA-Z0-9' | tail -c 6)
ns_client="og-demo-c-$tag"; ns_gw="og-demo-g-$tag"; ns_net="og-demo-n-$tag"
pids=()
failures=0

say() { printf '\n== %s\n' "$*"; }
ok() { printf '   ok    %s\n' "$*"; }
bad() { printf '   FAIL  %s\n' "$*"; failures=$((failures + 1)); }

cleanup() {
  set +e
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  for ns in "$ns_client" "$ns_gw" "$ns_net"; do ip netns del "$ns" 2>/dev/null; rm -rf "/etc/netns/$ns"; done
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for $what" >&2; return 1; }
    sleep 0.2
  done
}

if [ -n "${OG_CONTROL_PLANE_DLL:-}" ] && [ -n "${OG_GATEWAY_DLL:-}" ] && [ -n "${OG_ROUTE_DLL:-}" ]; then
  say "using the builds given (OG_CONTROL_PLANE_DLL, OG_GATEWAY_DLL, OG_ROUTE_DLL)"
  cp_dll=$OG_CONTROL_PLANE_DLL; gw_dll=$OG_GATEWAY_DLL; route_dll=$OG_ROUTE_DLL
  for f in "$cp_dll" "$gw_dll" "$route_dll"; do [ -f "$f" ] || { echo "missing: $f (build first: dotnet cake --target=Build)" >&2; exit 2; }; done
else
  say "building (Release)"
  export OG_ARTIFACTS="$run/artifacts"
  for p in OutputGuard.ControlPlane OutputGuard.Agent.Gateway OutputGuard.Agent.Route; do
    dotnet build -c Release "$repo/$p" -v q -nologo >"$run/build-$p.log" 2>&1 || { tail -20 "$run/build-$p.log"; exit 1; }
  done
  bin="$OG_ARTIFACTS/bin"
  cp_dll="$bin/OutputGuard.ControlPlane/release/outputguard-control-plane.dll"
  gw_dll="$bin/OutputGuard.Agent.Gateway/release/outputguard-gateway.dll"
  route_dll="$bin/OutputGuard.Agent.Route/release/outputguard-route.dll"
fi

say "network namespaces: client, gateway, internet ($ns_client $ns_gw $ns_net)"
for ns in "$ns_client" "$ns_gw" "$ns_net"; do
  ip netns add "$ns"
  mkdir -p "/etc/netns/$ns" && echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
  in_ns "$ns" ip link set lo up
done
echo "nameserver 198.51.100.53" >"/etc/netns/$ns_client/resolv.conf"
ip link add "c-$tag" netns "$ns_client" type veth peer name "gc-$tag" netns "$ns_gw"
ip link add "gn-$tag" netns "$ns_gw" type veth peer name "n-$tag" netns "$ns_net"
in_ns "$ns_client" ip addr add 10.250.0.2/24 dev "c-$tag"
in_ns "$ns_client" ip link set "c-$tag" up
in_ns "$ns_gw" ip addr add 10.250.0.1/24 dev "gc-$tag"
in_ns "$ns_gw" ip addr add 203.0.113.1/24 dev "gn-$tag"
in_ns "$ns_gw" ip link set "gc-$tag" up
in_ns "$ns_gw" ip link set "gn-$tag" up
in_ns "$ns_gw" ip route add default via 203.0.113.254
in_ns "$ns_gw" sysctl -qw net.ipv4.ip_forward=1
in_ns "$ns_net" ip addr add 203.0.113.254/24 dev "n-$tag"
for a in 203.0.113.10/32 198.51.100.20/32 192.0.2.30/32 198.51.100.53/32; do in_ns "$ns_net" ip addr add "$a" dev lo; done
in_ns "$ns_net" ip link set "n-$tag" up
in_ns "$ns_net" ip route add 10.250.0.0/24 via 203.0.113.1   # only for the demo's "internet"; the gateway masquerades anyway

say "the internet: HTTP servers and dnsmasq"
cat >"$run/serve.py" <<'PY'
import http.server, socketserver, sys, threading
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello from {self.server.server_address[0]}:{self.server.server_address[1]}, you are {self.client_address[0]}\n".encode()
        self.send_response(200); self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
servers = [Server((a.split(":")[0], int(a.split(":")[1])), Handler) for a in sys.argv[1:]]
for s in servers[1:]: threading.Thread(target=s.serve_forever, daemon=True).start()
servers[0].serve_forever()
PY
ip netns exec "$ns_net" python3 "$run/serve.py" 203.0.113.10:8080 203.0.113.10:8081 198.51.100.20:8000 192.0.2.30:80 >"$run/http.log" 2>&1 &
pids+=($!)
echo "198.51.100.20 app.example.com" >"$run/hosts"
ip netns exec "$ns_net" dnsmasq --keep-in-foreground --no-resolv --no-hosts --addn-hosts="$run/hosts" --listen-address=198.51.100.53 \
  --bind-interfaces --local-ttl=5 --user=root --pid-file="$run/dnsmasq.pid" --local=/example.com/ >"$run/dnsmasq.log" 2>&1 &
pids+=($!)

say "control plane (in the gateway host, embedded SQLite)"
admin=demo-admin-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')
gwtoken=demo-gateway-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s' "$gwtoken" >"$run/gateway.token"
cat >"$run/control-plane.yaml" <<EOF
data_dir: "$run/data"
http_address: "127.0.0.1:18080"
grpc_address: "127.0.0.1:18081"
treat_as_public: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32]
resolver_name_servers: [198.51.100.53]
resolver_interval_s: 10
resolver_ttl_floor_s: 5
tokens:
  - { name: demo-admin, role: admin, secret: "$admin" }
  - { name: demo-gateway, role: gateway, secret: "$gwtoken" }
EOF
ip netns exec "$ns_gw" dotnet "$cp_dll" --config "$run/control-plane.yaml" >"$run/control-plane.log" 2>&1 &
pids+=($!)
api() { in_ns "$ns_gw" curl -sS -H "authorization: Bearer $admin" -H 'content-type: application/json' "$@"; }
wait_for 60 "the control plane" grep -q "ready;" "$run/control-plane.log"
ok "control plane ready on 127.0.0.1:18080 (JSON) and :18081 (gRPC) inside the gateway host"

say "gateway agent (nf_tables table inet outputguard, metrics on :9900)"
ip netns exec "$ns_gw" dotnet "$gw_dll" --control-plane http://127.0.0.1:18081 --token-file "$run/gateway.token" \
  --state-file "$run/gateway.state" --metrics-address 127.0.0.1:9900 --gateway-id demo-gateway \
  --treat-as-public 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 >"$run/gateway.log" 2>&1 &
pids+=($!)
wait_for 60 "the gateway's table" in_ns "$ns_gw" nft list table inet outputguard
ok "table inet outputguard enforced (forward policy drop)"

say "route agent (in the client host): every public range via 10.250.0.1"
dotnet "$route_dll" --netns "$ns_client" --gateway 10.250.0.1 \
  --treat-as-public 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 >"$run/route.log" 2>&1 &
pids+=($!)
client_routed() { in_ns "$ns_client" ip -4 route | grep -q 'via 10.250.0.1'; }
wait_for 30 "the client's routes" client_routed
ok "$(in_ns "$ns_client" ip -4 route | grep -c 'via 10.250.0.1') IPv4 routes via the gateway in the client host"

say "allow through the API: a domain, an IP with a port rule, the DNS server"
api -d '{"value": "app.example.com", "ports": ["tcp/8000"], "note": "demo domain"}' http://127.0.0.1:18080/v1/entries >/dev/null
api -d '{"value": "203.0.113.10", "ports": ["tcp/8080"], "note": "demo IP, port 8080 only"}' http://127.0.0.1:18080/v1/entries >/dev/null
api -d '{"value": "198.51.100.53", "ports": ["udp/53"], "note": "demo DNS"}' http://127.0.0.1:18080/v1/entries >/dev/null
api http://127.0.0.1:18080/v1/entries | python3 -c 'import json,sys; [print("   entry", e["name"], e["value"], e.get("ports", [])) for e in json.load(sys.stdin)["entries"]]'
revision() { api http://127.0.0.1:18080/v1/desiredState | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("revision", 0), len(d.get("destinations", [])))'; }
desired_has() { api http://127.0.0.1:18080/v1/desiredState | grep -q "$1"; }
wait_for 30 "the domain's address in the desired state" desired_has 198.51.100.20
read -r rev count < <(revision)
applied() { api http://127.0.0.1:18080/v1/gateways | python3 -c 'import json,sys; g=json.load(sys.stdin)["gateways"]; print(g[0].get("appliedRevision", 0) if g else 0)'; }
applied_at_least() { [ "$(applied)" -ge "$1" ]; }
wait_for 30 "the gateway to apply revision $rev" applied_at_least "$rev"
ok "desired state at revision $rev with $count destinations, applied by the gateway"

say "what the client sees"
fetch() { in_ns "$ns_client" curl -sS -m 3 "$@" 2>&1; }
if out=$(fetch http://app.example.com:8000/); then ok "app.example.com:8000 (allowed domain): $out"; else bad "app.example.com:8000 should work: $out"; fi
if out=$(fetch http://203.0.113.10:8080/); then ok "203.0.113.10:8080 (allowed IP and port): $out"; else bad "203.0.113.10:8080 should work: $out"; fi
case "$out" in *"you are 203.0.113.1"*) ok "the server saw the gateway's address (masquerade)";; *) bad "the server should see 203.0.113.1";; esac
if out=$(fetch http://203.0.113.10:8081/); then bad "203.0.113.10:8081 should be dropped (port rule tcp/8080): $out"; else ok "203.0.113.10:8081 (port not allowed): dropped"; fi
if out=$(fetch http://192.0.2.30/); then bad "192.0.2.30 should be dropped: $out"; else ok "192.0.2.30:80 (not allowed): dropped"; fi

say "denied destinations (admin API, as the gateway reports them)"
denied_has() { api http://127.0.0.1:18080/v1/deniedDestinations | grep -q "$1"; }
if wait_for 30 "192.0.2.30 among the denied destinations" denied_has 192.0.2.30; then
  api http://127.0.0.1:18080/v1/deniedDestinations | python3 -c 'import json,sys; [print("  ", d["address"], "port", d.get("port", 0), d.get("packets", 0), "packets") for d in json.load(sys.stdin)["denied"]]'
  ok "192.0.2.30 is listed as denied"
else
  bad "192.0.2.30 should be listed as denied"
fi

say "per-destination metrics (the gateway's :9900, names of the system OutputGuard replaces)"
metrics=$(in_ns "$ns_gw" curl -sS http://127.0.0.1:9900/metrics)
grep -E '^iptables_(bytes|packets)_count\{' <<<"$metrics" | sed 's/^/   /'
if grep -qE '^iptables_bytes_count\{.*ip="203\.0\.113\.10.*type="INPUT"|^iptables_bytes_count\{.*type="INPUT".*ip="203\.0\.113\.10' <<<"$metrics"; then
  ok "iptables_bytes_count for 203.0.113.10 is exported"
else
  bad "iptables_bytes_count for 203.0.113.10 should be exported"
fi

if [ "$keep" = yes ]; then
  say "running; Ctrl+C tears everything down"
  while true; do sleep 3600; done
fi
if [ "$failures" -gt 0 ]; then
  say "$failures check(s) failed; logs were in $run (removed on exit)"
  for f in control-plane gateway route; do echo "--- $f.log"; tail -15 "$run/$f.log"; done
  exit 1
fi
say "all as expected; tearing down"
