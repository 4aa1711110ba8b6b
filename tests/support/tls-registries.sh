#!/usr/bin/env bash
# Starts Debian's docker-registry on 127.0.0.1 once per TLS fault, with certificates made here by
# openssl (never checked in: checked-in certificates expire). Source it from a test:
#
#   source tests/support/tls-registries.sh
#   registries_start "$workdir"        # sets REGISTRY_PORT[fault]; registries_stop on exit
#
# Faults: good (root -> intermediate -> leaf, full chain served), unknown-ca (same chain, client
# does not trust the root), self-signed, missing-intermediate (leaf served without its
# intermediate; its caIssuers URL points at an HTTP server on 127.0.0.1 that serves the
# intermediate), wrong-name, expired, not-yet-valid, no-ip-san, cn-only, plain-http,
# token-realm (good TLS, but /v2/ demands a bearer token from the wrong-name registry's host),
# basic-auth (good TLS, htpasswd user "certdoctor" with the password in $workdir/basic-auth.password),
# realm-good, realm-untrusted and realm-silent (good TLS, and the token realm is the good
# registry's host, the self-signed registry's host, or the silent server).
# Also REGISTRY_PORT[closed] (nothing listens) and REGISTRY_PORT[silent] (accepts, never answers).
# The trusted root for clients is "$workdir/trust/ca.crt" (a --cert-dir for skopeo).

declare -gA REGISTRY_PORT=()
declare -ga REGISTRY_PIDS=()

_reg_openssl() { openssl "$@" >/dev/null 2>&1 || { echo "tls-registries: openssl $1 failed" >&2; return 1; }; }

# _reg_ca_sign DIR NAME EXTFILE START END: signs NAME.csr with DIR's CA for the given dates.
_reg_ca_sign() {
  local dir=$1 issuer=$2 name=$3 ext=$4 start=$5 end=$6
  mkdir -p "$dir/ca-$issuer"
  : > "$dir/ca-$issuer/index.txt"
  [ -f "$dir/ca-$issuer/serial" ] || echo 1000 > "$dir/ca-$issuer/serial"
  cat > "$dir/ca-$issuer/ca.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
dir = $dir/ca-$issuer
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $dir/$issuer.pem
private_key = $dir/$issuer.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
CNF
  _reg_openssl ca -batch -config "$dir/ca-$issuer/ca.cnf" -in "$dir/$name.csr" -out "$dir/$name.pem" \
    -startdate "$start" -enddate "$end" -extfile "$ext" -notext
}

_reg_make_certs() {
  local d=$1
  local now_start ok_end past_start past_end future_start future_end
  now_start=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
  ok_end=$(date -u -d '+2 days' +%Y%m%d%H%M%SZ)
  past_start=$(date -u -d '-3 days' +%Y%m%d%H%M%SZ)
  past_end=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
  future_start=$(date -u -d '+1 day' +%Y%m%d%H%M%SZ)
  future_end=$(date -u -d '+3 days' +%Y%m%d%H%M%SZ)

  printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' > "$d/ca.ext"
  printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > "$d/int.ext"
  local leaf='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n'
  printf "${leaf}subjectAltName=DNS:localhost,IP:127.0.0.1\n" > "$d/leaf.ext"
  printf "${leaf}subjectAltName=DNS:wrong.example\n" > "$d/wrong.ext"
  printf "${leaf}subjectAltName=DNS:localhost\n" > "$d/noip.ext"
  printf "${leaf}" > "$d/cn.ext"
  REGISTRY_PORT[aia]=$(_reg_free_port) || return 1
  printf "${leaf}subjectAltName=DNS:localhost,IP:127.0.0.1\nauthorityInfoAccess=caIssuers;URI:http://127.0.0.1:%s/int.der\n" \
    "${REGISTRY_PORT[aia]}" > "$d/aia.ext"

  _reg_openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/root.key" -out "$d/root.pem" -days 3 \
    -subj "/CN=certdoctor test root" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign || return 1
  _reg_openssl req -newkey rsa:2048 -nodes -keyout "$d/int.key" -out "$d/int.csr" -subj "/CN=certdoctor test intermediate" || return 1
  _reg_ca_sign "$d" root int "$d/int.ext" "$now_start" "$ok_end" || return 1
  local n
  for n in leaf aia wrong noip cn expired future; do
    _reg_openssl req -newkey rsa:2048 -nodes -keyout "$d/$n.key" -out "$d/$n.csr" -subj "/CN=localhost" || return 1
  done
  _reg_ca_sign "$d" int leaf "$d/leaf.ext" "$now_start" "$ok_end" || return 1
  _reg_ca_sign "$d" int aia "$d/aia.ext" "$now_start" "$ok_end" || return 1
  _reg_ca_sign "$d" int wrong "$d/wrong.ext" "$now_start" "$ok_end" || return 1
  _reg_ca_sign "$d" int noip "$d/noip.ext" "$now_start" "$ok_end" || return 1
  _reg_ca_sign "$d" int cn "$d/cn.ext" "$now_start" "$ok_end" || return 1
  _reg_ca_sign "$d" int expired "$d/leaf.ext" "$past_start" "$past_end" || return 1
  _reg_ca_sign "$d" int future "$d/leaf.ext" "$future_start" "$future_end" || return 1
  _reg_openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/self.key" -out "$d/self.pem" -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" || return 1

  # What each registry serves: leaf first, then the intermediates it sends.
  cat "$d/leaf.pem" "$d/int.pem" > "$d/serve-good.pem"
  cp "$d/serve-good.pem" "$d/serve-unknown-ca.pem"; cp "$d/leaf.key" "$d/serve-unknown-ca.key"
  cp "$d/leaf.key" "$d/serve-good.key"
  cp "$d/aia.pem" "$d/serve-missing-intermediate.pem"; cp "$d/aia.key" "$d/serve-missing-intermediate.key"
  cp "$d/serve-good.pem" "$d/serve-token-realm.pem"; cp "$d/leaf.key" "$d/serve-token-realm.key"
  cp "$d/serve-good.pem" "$d/serve-basic-auth.pem"; cp "$d/leaf.key" "$d/serve-basic-auth.key"
  for n in realm-good realm-untrusted realm-silent; do cp "$d/serve-good.pem" "$d/serve-$n.pem"; cp "$d/leaf.key" "$d/serve-$n.key"; done
  openssl rand -hex 12 > "$d/basic-auth.password"
  if command -v htpasswd >/dev/null 2>&1; then
    htpasswd -Bbn certdoctor "$(cat "$d/basic-auth.password")" > "$d/htpasswd" 2>/dev/null || return 1
  else
    : > "$d/htpasswd"
  fi
  mkdir -p "$d/aia-files"
  openssl x509 -in "$d/int.pem" -outform DER -out "$d/aia-files/int.der" 2>/dev/null || return 1
  for n in wrong noip cn expired future; do cat "$d/$n.pem" "$d/int.pem" > "$d/serve-$n.pem"; cp "$d/$n.key" "$d/serve-$n.key"; done
  mv "$d/serve-wrong.pem" "$d/serve-wrong-name.pem"; mv "$d/serve-wrong.key" "$d/serve-wrong-name.key"
  mv "$d/serve-noip.pem" "$d/serve-no-ip-san.pem"; mv "$d/serve-noip.key" "$d/serve-no-ip-san.key"
  mv "$d/serve-cn.pem" "$d/serve-cn-only.pem"; mv "$d/serve-cn.key" "$d/serve-cn-only.key"
  mv "$d/serve-future.pem" "$d/serve-not-yet-valid.pem"; mv "$d/serve-future.key" "$d/serve-not-yet-valid.key"
  cp "$d/self.pem" "$d/serve-self-signed.pem"; cp "$d/self.key" "$d/serve-self-signed.key"

  mkdir -p "$d/trust" "$d/trust-none"
  cp "$d/root.pem" "$d/trust/ca.crt"
}

# _reg_free_port: a port on 127.0.0.1 nothing listens on, below the ephemeral range (32768 and
# up), where the clients' own connections never take it, and none given out before (some are
# reserved before their server starts).
_reg_free_port() {
  local p tries=0
  while [ $tries -lt 50 ]; do
    p=$(( 20000 + RANDOM % 12000 ))
    if [[ " ${REGISTRY_PORT[*]} " != *" $p "* ]] && ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo $p; return 0; fi
    tries=$((tries + 1))
  done
  return 1
}

_reg_start_one() {
  local d=$1 fault=$2 port
  port=$(_reg_free_port) || return 1
  mkdir -p "$d/data-$fault"
  {
    printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n' "$d/data-$fault"
    printf 'http:\n  addr: 127.0.0.1:%s\n' "$port"
    if [ "$fault" != plain-http ]; then
      printf '  tls:\n    certificate: %s\n    key: %s\n' "$d/serve-$fault.pem" "$d/serve-$fault.key"
    fi
    if [ "$fault" = basic-auth ]; then
      printf 'auth:\n  htpasswd:\n    realm: certdoctor-test\n    path: %s\n' "$d/htpasswd"
    fi
    local realm_of=""
    case $fault in
      token-realm) realm_of=wrong-name ;;
      realm-good) realm_of=good ;;
      realm-untrusted) realm_of=self-signed ;;
      realm-silent) realm_of=silent ;;
    esac
    if [ -n "$realm_of" ]; then
      printf 'auth:\n  token:\n    realm: https://localhost:%s/token\n    service: certdoctor-test\n' "${REGISTRY_PORT[$realm_of]}"
      printf '    issuer: certdoctor-test\n    rootcertbundle: %s\n' "$d/root.pem"
    fi
  } > "$d/registry-$fault.yml"
  docker-registry serve "$d/registry-$fault.yml" > "$d/registry-$fault.log" 2>&1 &
  REGISTRY_PIDS+=($!)
  REGISTRY_PORT[$fault]=$port
}

registries_stop() {
  local pid
  for pid in "${REGISTRY_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${REGISTRY_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  REGISTRY_PIDS=()
}

# registries_start WORKDIR: makes the certificates and starts one registry per fault; waits (at
# most 10 s) until every port accepts connections.
registries_start() {
  local d=$1 fault tries
  mkdir -p "$d"
  _reg_make_certs "$d" || return 1
  # A port nothing listens on, and one for a server that accepts and never answers (started below).
  REGISTRY_PORT[closed]=$(_reg_free_port) || return 1
  REGISTRY_PORT[silent]=$(_reg_free_port) || return 1
  for fault in good unknown-ca self-signed missing-intermediate wrong-name expired not-yet-valid no-ip-san cn-only plain-http \
               token-realm basic-auth realm-good realm-untrusted realm-silent; do
    _reg_start_one "$d" "$fault" || return 1
  done
  # caIssuers downloads for the missing intermediate.
  python3 -m http.server --bind 127.0.0.1 --directory "$d/aia-files" "${REGISTRY_PORT[aia]}" > "$d/aia.log" 2>&1 &
  REGISTRY_PIDS+=($!)
  # The server that accepts and never answers (for 60 s at most).
  python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
end = time.time() + 60
conns = []
while time.time() < end:
    s.settimeout(max(0.1, end - time.time()))
    try: conns.append(s.accept()[0])
    except OSError: pass' "${REGISTRY_PORT[silent]}" > /dev/null 2>&1 &
  REGISTRY_PIDS+=($!)
  for fault in "${!REGISTRY_PORT[@]}"; do
    [ "$fault" = closed ] && continue
    tries=0
    until (exec 3<>/dev/tcp/127.0.0.1/${REGISTRY_PORT[$fault]}) 2>/dev/null; do
      tries=$((tries + 1))
      # Another test took the port between the check and the bind: start it again on another.
      if [ -f "$d/registry-$fault.log" ] && grep -q "address already in use" "$d/registry-$fault.log" && [ $tries -lt 90 ]; then
        _reg_start_one "$d" "$fault" || return 1
        tries=$((tries + 5))
        continue
      fi
      if [ $tries -gt 100 ]; then echo "tls-registries: $fault registry did not start" >&2; cat "$d/registry-$fault.log" >&2; return 1; fi
      sleep 0.1
    done
  done
}

# registries_setup TOOL...: the start of a test script. Skips it (exit 77) unless docker-registry,
# openssl, python3 and every TOOL are installed; then makes $work, starts the registries in
# $work/r, and stops them and removes $work on exit.
registries_setup() {
  local tool
  for tool in docker-registry openssl python3 "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed (.ci/install-deps installs it)"; exit 77; }
  done
  work=$(mktemp -d)
  trap 'registries_stop; rm -rf "$work"' EXIT
  registries_start "$work/r" || { echo "FAIL: could not start the registries"; exit 1; }
}
