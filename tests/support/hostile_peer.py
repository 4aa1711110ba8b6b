#!/usr/bin/env python3
"""A hostile HTTPS peer on loopback, playing an API server or a registry that misbehaves.

  hostile_peer.py --mode MODE --cert server.pem --key server.key --port-file F [--log F] [--chain F]

Modes (every loop is bounded; the server is killed by the test when done):
  silent         accepts connections and never reads or answers (not even the TLS handshake)
  trickle        completes the handshake, then answers one byte a second
  big-body       answers 200 with a 100 MB JSON body announced by its Content-Length; the bytes
                 of it the client took before closing are logged (--log) as {"body_sent": N}
  big-chunked    the same body chunked (no Content-Length), its bytes logged the same way
  many-certs     serves the certificate chain in --chain (thousands of certificates)
  redirect-loop  answers every request with a redirect to itself
  redirect-away  a registry: /v2/ asks for Basic credentials; the manifest names a config blob;
                 the blob redirects to the same port on 127.0.0.2 (another host), which logs
                 whether an Authorization header came with it (--log)
  bad-json       answers 200 with JSON cut short
  endless-list   answers lists with no items and a new continue token every time
"""
import argparse
import hashlib
import json
import os
import socket
import ssl
import threading
import time

MB = 1 << 20
REDIRECTED_CONFIG = json.dumps({"config": {"Entrypoint": ["/app"]}}).encode()


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return None, {}
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    request_line = head[0].split(" ")
    headers = {}
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return (request_line[1] if len(request_line) > 1 else "/"), headers


def send(conn, status, body=b"", headers=()):
    reason = {200: "OK", 302: "Found", 307: "Temporary Redirect", 401: "Unauthorized"}.get(status, "X")
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
    for h in headers:
        head += h + "\r\n"
    conn.sendall(head.encode() + b"\r\n" + body)


def send_big_body(args, conn, chunked):
    size = 100 * MB
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n\r\n".encode())
    chunk = b"{}," * (MB // 3)
    pieces = [b"["] + [chunk] * ((size - 3) // len(chunk))
    pieces.append(b"{}" + b" " * (size - 3 - sum(map(len, pieces))) + b"]")
    sent = 0
    try:
        for piece in pieces:
            conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            conn.sendall(b"0\r\n\r\n")
    finally:
        with open(args.log, "a") as log:
            log.write(json.dumps({"body_sent": sent}) + "\n")


def serve(args, conn, host):
    mode = args.mode
    if mode == "trickle":
        read_request(conn)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + b" " * 600:
            conn.sendall(bytes([byte]))
            time.sleep(1)
        return
    while True:
        path, headers = read_request(conn)
        if path is None:
            return
        if args.requests:
            with open(args.requests, "a") as log:
                log.write(f"{host} {path}\n")
        if mode in ("big-body", "big-chunked"):
            send_big_body(args, conn, chunked=mode == "big-chunked")
        elif mode == "redirect-loop":
            send(conn, 302, b"", [f"Location: https://{host}:{args.port}{path}"])
        elif mode == "bad-json":
            body = b'{"kind": "TaskRunList", "apiVersion": "tekton.dev/v1", "items": [{"metadata": {"name": "x"'
            send(conn, 200, body, ["Content-Type: application/json"])
        elif mode == "endless-list" and path.startswith("/apis/tekton.dev") and "taskruns" not in path:
            # discovery, as kube-apiserver answers it, so that the list is asked for
            if path.rstrip("/") == "/apis/tekton.dev":
                body = {"kind": "APIGroup", "apiVersion": "v1", "name": "tekton.dev",
                        "versions": [{"groupVersion": "tekton.dev/v1", "version": "v1"}],
                        "preferredVersion": {"groupVersion": "tekton.dev/v1", "version": "v1"}}
            else:
                body = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "tekton.dev/v1",
                        "resources": [{"name": "taskruns", "namespaced": True, "kind": "TaskRun", "verbs": ["get", "list"]},
                                      {"name": "pipelineruns", "namespaced": True, "kind": "PipelineRun", "verbs": ["get", "list"]}]}
            send(conn, 200, json.dumps(body).encode(), ["Content-Type: application/json"])
        elif mode == "endless-list":
            token = os.urandom(12).hex()
            body = json.dumps({"kind": "TaskRunList", "apiVersion": "tekton.dev/v1",
                               "metadata": {"continue": token, "resourceVersion": "1"}, "items": []}).encode()
            send(conn, 200, body, ["Content-Type: application/json"])
        elif mode == "redirect-away":
            if host == "127.0.0.2":
                with open(args.log, "a") as log:
                    log.write(json.dumps({"path": path, "authorization": "authorization" in headers}) + "\n")
                send(conn, 200, REDIRECTED_CONFIG, ["Content-Type: application/json"])
            elif path == "/v2/" or "authorization" not in headers:
                send(conn, 401, b"{}", ['WWW-Authenticate: Basic realm="hostile"'])
            elif "/manifests/" in path:
                digest = "sha256:" + hashlib.sha256(REDIRECTED_CONFIG).hexdigest()
                body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                                   "config": {"digest": digest, "size": 2}}).encode()
                send(conn, 200, body, ["Content-Type: application/vnd.docker.distribution.manifest.v2+json"])
            else:
                send(conn, 307, b"", [f"Location: https://127.0.0.2:{args.port}/elsewhere{path}"])
        else:  # many-certs: a plain answer once the (huge) handshake is through
            send(conn, 200, b"{}", ["Content-Type: application/json"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--chain")
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", default=os.devnull)
    p.add_argument("--requests", help="a file to log each request's host and path to")
    args = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.chain or args.cert, args.key)
    hosts = ["127.0.0.1", "127.0.0.2"] if args.mode == "redirect-away" else ["127.0.0.1"]
    listeners = []
    port = 0
    for host in hosts:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        port = s.getsockname()[1]
        s.listen(64)
        listeners.append((s, host))
    args.port = port
    held = []  # silent: connections kept open, never answered

    def accept(listener, host):
        while True:
            conn, _ = listener.accept()
            if args.mode == "silent":
                held.append(conn)
                continue

            def run(conn=conn):
                try:
                    tls = ctx.wrap_socket(conn, server_side=True)
                    serve(args, tls, host)
                except (OSError, ssl.SSLError):
                    pass
                finally:
                    conn.close()
            threading.Thread(target=run, daemon=True).start()

    for listener, host in listeners:
        threading.Thread(target=accept, args=(listener, host), daemon=True).start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(args.port_file + ".tmp", args.port_file)
    time.sleep(3600)


if __name__ == "__main__":
    main()
