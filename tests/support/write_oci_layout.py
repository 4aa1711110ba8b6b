#!/usr/bin/env python3
"""Writes an OCI image layout with known Entrypoint and Cmd, for the registry tests.

usage: write_oci_layout.py DIR

Tags in DIR: "single" (one linux/amd64 manifest: Entrypoint ["/bin/app","serve"], Cmd ["--port","8080"])
and "multi" (an index: linux/amd64 as above, and linux/arm64/v8 with Entrypoint ["/bin/app-arm"], no Cmd).
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(root, "blobs", "sha256")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def layer(root, name):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        content = ("#!/bin/sh\necho " + name + "\n").encode()
        info = tarfile.TarInfo("bin/" + name)
        info.size, info.mode, info.mtime = len(content), 0o755, 0
        tar.addfile(info, io.BytesIO(content))
    uncompressed = raw.getvalue()
    compressed = gzip.compress(uncompressed, mtime=0)
    desc = blob(root, compressed)
    desc["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
    return desc, "sha256:" + hashlib.sha256(uncompressed).hexdigest()


def manifest(root, arch, variant, entrypoint, cmd):
    layer_desc, diff_id = layer(root, entrypoint[0].rsplit("/", 1)[-1])
    config = {"architecture": arch, "os": "linux", "config": {"Entrypoint": entrypoint},
              "rootfs": {"type": "layers", "diff_ids": [diff_id]}}
    if variant:
        config["variant"] = variant
    if cmd is not None:
        config["config"]["Cmd"] = cmd
    config_desc = blob(root, json.dumps(config, sort_keys=True).encode())
    config_desc["mediaType"] = "application/vnd.oci.image.config.v1+json"
    body = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config_desc, "layers": [layer_desc]}
    desc = blob(root, json.dumps(body, sort_keys=True).encode())
    desc["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    desc["platform"] = {"os": "linux", "architecture": arch}
    if variant:
        desc["platform"]["variant"] = variant
    return desc


def main():
    root = sys.argv[1]
    os.makedirs(root, exist_ok=True)
    amd64 = manifest(root, "amd64", "", ["/bin/app", "serve"], ["--port", "8080"])
    arm64 = manifest(root, "arm64", "v8", ["/bin/app-arm"], None)
    index_body = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": [amd64, arm64]}
    index_desc = blob(root, json.dumps(index_body, sort_keys=True).encode())
    index_desc["mediaType"] = "application/vnd.oci.image.index.v1+json"
    single = {k: v for k, v in amd64.items() if k != "platform"}
    single["annotations"] = {"org.opencontainers.image.ref.name": "single"}
    index_desc["annotations"] = {"org.opencontainers.image.ref.name": "multi"}
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [single, index_desc]}, f)


if __name__ == "__main__":
    main()
