#!/usr/bin/python3
"""A loopback HTTPS registry that answers /v2/ and serves crafted manifests, index entries and
config blobs: the JSON a broken or hostile registry sends, which Debian's docker-registry never
would. Each repository is one case; every request path is logged, one a line.

Repositories: numeric-digest (an index entry's digest is a number), string-entry (an index entry
is a string), hostile-digest (an index entry's digest is "../../../evil?x=1"), config-number
(a manifest's config digest is a number), manifests-string (an index's manifests is a string),
wrong-types (a config blob's fields of the wrong types), many-platforms (an index of 10,000
platforms, each with its own manifest), config-swapped (a manifest naming a config by a digest
the blob served does not hash to), crlf-token (a Bearer challenge whose token endpoint, on
this server, answers a token holding CR/LF and a header of its own). A request carrying an
X-Injected header is logged with " X-Injected" after its path.

usage: crafted_registry.py --cert C --key K --log L --port-file P
"""
import argparse
import hashlib
import json
import os
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
PLATFORM = {"os": "linux", "architecture": "amd64"}


def sha(text):
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()



def index(entries):
    return {"schemaVersion": 2, "mediaType": INDEX, "manifests": entries}





def entry(digest, platform=PLATFORM):
    return {"mediaType": MANIFEST, "digest": digest, "size": 2, "platform": platform}


GOOD_CONFIG = {"os": "linux", "architecture": "amd64", "config": {"Entrypoint": ["/bin/app"], "Cmd": ["serve"]}}
WRONG_TYPES_CONFIG = {"os": 5, "architecture": ["amd64"], "variant": None,
                      "config": {"Entrypoint": "/bin/not-a-list", "Cmd": [1, "serve", {"x": 1}]}}


def served(doc):
    """The digest of a document as Handler.send serves it: what the probe checks it against."""
    return sha(json.dumps(doc))


def manifest(config=GOOD_CONFIG, config_digest=None):
    return {"schemaVersion": 2, "mediaType": MANIFEST, "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": served(config) if config_digest is None else config_digest, "size": 2}, "layers": []}


PLATFORM_MANIFEST = manifest()
TOP = {
    "numeric-digest": index([entry(12345)]),
    "string-entry": index(["sha256:" + "a" * 64]),
    "hostile-digest": index([entry("../../../evil?x=1")]),
    "config-number": manifest(config_digest=7),
    "manifests-string": {"schemaVersion": 2, "mediaType": INDEX, "manifests": "all of them"},
    "wrong-types": manifest(WRONG_TYPES_CONFIG),
    "config-swapped": manifest(config_digest=served({"config": {"Entrypoint": ["/bin/other"]}})),
    "many-platforms": index([entry(served(PLATFORM_MANIFEST), dict(PLATFORM, variant="v%d" % i)) for i in range(10000)]),
}
CONFIG = {"wrong-types": WRONG_TYPES_CONFIG}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, doc, content_type="application/json"):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with open(self.server.log, "a") as f:
            f.write(self.path + (" X-Injected" if "X-Injected" in self.headers else "") + "\n")
        parts = self.path.split("/")
        if self.path == "/v2/":
            return self.send(200, {})
        if self.path.startswith("/token"):
            return self.send(200, {"token": "abc\r\nX-Injected: yes"})
        if len(parts) > 2 and parts[2] == "crlf-token":
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="https://localhost:%d/token",service="crafted"'
                             % self.server.server_address[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if len(parts) == 5 and parts[1] == "v2" and parts[3] == "manifests":
            repo, ref = parts[2], parts[4]
            if repo not in TOP:
                return self.send(404, {"errors": [{"code": "NAME_UNKNOWN"}]})
            if ref.startswith("sha256:"):  # a platform's manifest
                return self.send(200, PLATFORM_MANIFEST, MANIFEST)
            doc = TOP[repo]
            return self.send(200, doc, doc.get("mediaType", MANIFEST))
        if len(parts) == 5 and parts[1] == "v2" and parts[3] == "blobs":
            return self.send(200, CONFIG.get(parts[2], GOOD_CONFIG), "application/octet-stream")
        return self.send(404, {"errors": [{"code": "NOT_FOUND"}]})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.log = args.log
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
