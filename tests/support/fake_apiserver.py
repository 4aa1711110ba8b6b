#!/usr/bin/python3
"""A loopback HTTPS server that answers the Kubernetes API paths tekton-certdoctor reads, the way
kube-apiserver does: APIGroup discovery, objects and lists (labelSelector, fieldSelector,
limit/continue pagination with 410 on a bad token), Status objects for 401/403/404/405, bearer
token and client-certificate authentication, impersonation (Impersonate-User, -Group), per-user
RBAC denials and ClusterRole rules bound to users and groups, and container logs. It records
every request (method, path, user, status, header names) as JSON lines, and re-reads its fixture file when it
changes, so one server can play several clusters in a row.

Fixture (JSON): {"served": {"tekton.dev": ["v1", "v1beta1"]},
                 "objects": [ full objects with apiVersion, kind, metadata ],
                 "logs": {"ns/pod/container": "text"},
                 "deny": {"user": ["list taskruns.tekton.dev", "get configmaps"]},
                 "bindings": {"group:support": [ClusterRole rules], "user:jane": [...]},
                 "generate": {"taskruns": 10000, "failed": 500, "registries": 10, "namespaces": 20},
                 "continue": {"mode": "endless" | "repeat" | "cycle" | "expire", "bytes": 100000, "period": 3}}

Writes, as kube-apiserver answers them: POST (create; 409 AlreadyExists), PUT (update; 409 Conflict
on a stale metadata.resourceVersion), PATCH as application/merge-patch+json (409 when the patch
carries a stale resourceVersion) or application/json-patch+json (a failed `test` is 422 Invalid),
`?dryRun=All` (admitted, answered, not stored), resourceVersion bumped on every stored write, a
managedFields entry with the time of the write, and 403 for a write the "deny" list names
("patch configmaps", "update configmaps", "patch deployments.apps"). SelfSubjectAccessReview
(POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews) answers from the same "deny" list and
"bindings", unless "ssar_allows_all" is true (to play a review that disagrees with the write).
Rollouts: a write that changes a Deployment's or StatefulSet's pod template bumps its generation;
after "rollout_polls" GETs of it (default 2) its status shows the rollout done and its pods are
replaced by one created then; "rollout_stuck": true never finishes it. "concurrent":
[{"path": P, "append": {"key": "text"}, "patch": [JSON patch]}] plays another writer: once, just
before the first write to P, the text is appended to P's data[key] and the JSON patch applied (and
its resourceVersion bumped), so that the write's resourceVersion is stale.

"continue" plays a broken or hostile server for TaskRun list requests: every page is the first page of the
list (its first `limit` items) with a continue token that never ends. "endless": a new token on
every page; "repeat": the same token every time; "cycle": `period` tokens in turn; "expire": 410
Expired for any continue token, as when a list's snapshot is compacted away. Tokens are padded to
`bytes` (default: short).

Usage: fake_apiserver.py --cert C --key K --client-ca CA --tokens FILE --fixture F --log L --port-file P
"""
import argparse
import base64
import copy
import datetime
import gc
import json
import os
import socket
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PLURALS = {
    ("", "pods"): "Pod", ("", "events"): "Event", ("", "configmaps"): "ConfigMap", ("", "namespaces"): "Namespace",
    ("apps", "deployments"): "Deployment", ("apps", "statefulsets"): "StatefulSet",
    ("tekton.dev", "taskruns"): "TaskRun", ("tekton.dev", "pipelineruns"): "PipelineRun", ("tekton.dev", "tasks"): "Task",
    ("tekton.dev", "stepactions"): "StepAction", ("operator.tekton.dev", "tektonconfigs"): "TektonConfig",
    ("config.openshift.io", "proxies"): "Proxy",
}


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class PatchFailed(Exception):
    pass


def pointer_parts(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchFailed("bad path " + path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def json_patch(doc, ops):
    """RFC 6902: add, remove, replace, test (what the applier sends); raises PatchFailed."""
    doc = copy.deepcopy(doc)
    for op in ops:
        parts = pointer_parts(op.get("path", ""))
        if not parts:
            raise PatchFailed("the root cannot be patched")
        parent = doc
        for p in parts[:-1]:
            if isinstance(parent, list):
                if not p.isdigit() or int(p) >= len(parent):
                    raise PatchFailed("no such path " + op["path"])
                parent = parent[int(p)]
            elif isinstance(parent, dict) and p in parent:
                parent = parent[p]
            else:
                raise PatchFailed("no such path " + op["path"])
        last, kind = parts[-1], op.get("op")
        if isinstance(parent, list):
            if last == "-" and kind == "add":
                parent.append(op["value"])
                continue
            if not last.isdigit() or int(last) > len(parent) or (kind != "add" and int(last) >= len(parent)):
                raise PatchFailed("no such index " + op["path"])
            i = int(last)
            if kind == "add":
                parent.insert(i, op["value"])
            elif kind == "replace":
                parent[i] = op["value"]
            elif kind == "remove":
                del parent[i]
            elif kind == "test":
                if parent[i] != op["value"]:
                    raise PatchFailed("test failed at " + op["path"])
            else:
                raise PatchFailed("unsupported op " + str(kind))
        elif isinstance(parent, dict):
            if kind == "add":
                parent[last] = op["value"]
            elif kind == "replace":
                if last not in parent:
                    raise PatchFailed("no such path " + op["path"])
                parent[last] = op["value"]
            elif kind == "remove":
                if last not in parent:
                    raise PatchFailed("no such path " + op["path"])
                del parent[last]
            elif kind == "test":
                if parent.get(last, object()) != op["value"]:
                    raise PatchFailed("test failed at " + op["path"])
            else:
                raise PatchFailed("unsupported op " + str(kind))
        else:
            raise PatchFailed("no such path " + op["path"])
    return doc


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def rbac_allows(rule, verb, group, resource, name):
    return (verb in rule.get("verbs", []) or "*" in rule.get("verbs", [])) and group in rule.get("apiGroups", []) and \
        (resource in rule.get("resources", []) or "*" in rule.get("resources", [])) and \
        (not rule.get("resourceNames") or (name is not None and name in rule["resourceNames"]))


class Store:
    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.lock = threading.Lock()
        self.data = {}
        self.index = {}
        self.version = 5000
        self.rollouts = {}     # (group, plural, ns, name) -> GETs left before the rollout is done
        self.concurrent_done = set()

    def current(self):
        with self.lock:
            m = os.stat(self.path).st_mtime_ns
            if m != self.mtime:
                with open(self.path) as f:
                    self.data = json.load(f)
                self.mtime = m
                self.build()
            return self.data, self.index

    def find(self, group, plural, ns, name):
        for i, (o, _) in enumerate(self.index.get((group, plural), [])):
            md = o["metadata"]
            if md["name"] == name and (ns is None or md.get("namespace") == ns):
                return i, o
        return None, None

    def put(self, group, plural, obj, at=None):
        """Stores `obj` (a new resourceVersion, a managedFields entry); call with the lock held."""
        self.version += 1
        md = obj["metadata"]
        md["resourceVersion"] = str(self.version)
        md.setdefault("managedFields", []).append({"manager": "kubectl-tekton_certdoctor", "operation": "Update",
                                                   "apiVersion": obj.get("apiVersion", "v1"), "time": now_text(),
                                                   "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}})
        items = self.index.setdefault((group, plural), [])
        entry = (obj, json.dumps(obj, separators=(",", ":")))
        if at is None:
            items.append(entry)
            items.sort(key=lambda e: (e[0]["metadata"].get("namespace", ""), e[0]["metadata"]["name"]))
        else:
            items[at] = entry

    def reindex(self, group, plural, obj):
        i, _ = self.find(group, plural, obj["metadata"].get("namespace"), obj["metadata"]["name"])
        self.index[(group, plural)][i] = (obj, json.dumps(obj, separators=(",", ":")))

    def advance_rollout(self, group, plural, ns, name):
        """A GET of a workload: its rollout moves on, and ends with new pods."""
        key = (group, plural, ns, name)
        if key not in self.rollouts:
            return
        if self.data.get("rollout_stuck"):
            return
        self.rollouts[key] -= 1
        if self.rollouts[key] > 0:
            return
        del self.rollouts[key]
        _, w = self.find(group, plural, ns, name)
        replicas = w.get("spec", {}).get("replicas", 1)
        w["status"] = {"observedGeneration": w["metadata"]["generation"], "replicas": replicas,
                       "updatedReplicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                       "currentRevision": "rev-%d" % w["metadata"]["generation"],
                       "updateRevision": "rev-%d" % w["metadata"]["generation"]}
        self.reindex(group, plural, w)
        select = w.get("spec", {}).get("selector", {}).get("matchLabels", {})
        pods = self.index.get(("", "pods"), [])
        old = [o for o, _ in pods if o["metadata"].get("namespace") == ns and
               all(o["metadata"].get("labels", {}).get(k) == v for k, v in select.items())]
        if not old:
            return
        template = old[0]
        self.index[("", "pods")] = [e for e in pods if e[0] not in old]
        stamp = now_text()
        pod = copy.deepcopy(template)
        pod["metadata"]["name"] = "%s-%x" % (name, self.version)
        pod["metadata"]["creationTimestamp"] = stamp
        pod["metadata"].pop("managedFields", None)
        pod.setdefault("status", {})["startTime"] = stamp
        for cs in pod["status"].get("containerStatuses", []):
            cs["state"] = {"running": {"startedAt": stamp}}
            cs["restartCount"] = 0
        self.put("", "pods", pod)

    def build(self):
        objects = list(self.data.get("objects", []))
        gen = self.data.get("generate")
        if gen:
            objects.extend(generated_taskruns(gen))
        index = {}
        for o in objects:
            api = o.get("apiVersion", "v1")
            group = api.split("/")[0] if "/" in api else ""
            plural = next((p for (g, p), k in PLURALS.items() if g == group and k == o["kind"]), None)
            if plural is None:
                continue
            index.setdefault((group, plural), []).append(o)
        for items in index.values():
            items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        # Workloads start rolled out, as a running installation's are.
        for plural in ("deployments", "statefulsets"):
            for o in index.get(("apps", plural), []):
                md = o["metadata"]
                md.setdefault("generation", 1)
                replicas = o.get("spec", {}).get("replicas", 1)
                o.setdefault("status", {"observedGeneration": md["generation"], "replicas": replicas,
                                        "updatedReplicas": replicas, "readyReplicas": replicas,
                                        "availableReplicas": replicas})
        self.rollouts = {}
        self.concurrent_done = set()
        # Items serialised once: lists of thousands are assembled from these strings.
        self.index = {k: [(o, json.dumps(o, separators=(",", ":"))) for o in v] for k, v in index.items()}
        # The fixture lives as long as the server: keep the collector from walking it again and
        # again, which stalls a response now and then by tens of milliseconds with 10,000 objects.
        gc.collect()
        gc.freeze()


def generated_taskruns(gen):
    total, failed, registries = gen["taskruns"], gen["failed"], gen["registries"]
    namespaces = gen.get("namespaces", 10)
    step_every = max(1, total // max(1, failed))
    out = []
    nfailed = 0
    per_namespace = -(-total // namespaces)
    for i in range(total):
        # Namespaces hold consecutive runs, so that the failures, one every step_every runs, are
        # spread over the list's pages as it is sorted by namespace and name.
        ns = "team-%02d" % (i // per_namespace)
        name = "build-%05d" % i
        fail = nfailed < failed and i % step_every == 0
        reg = gen["registry_list"][nfailed % registries] if fail else "registry.example.com"
        cond = {"type": "Succeeded", "status": "True", "reason": "Succeeded", "message": "All Steps have completed executing",
                "lastTransitionTime": gen.get("time", "2026-11-25T10:00:00Z")}
        if fail:
            nfailed += 1
            cond = {"type": "Succeeded", "status": "False", "reason": "PodCreationFailed",
                    "lastTransitionTime": gen.get("time", "2026-11-25T10:00:00Z"),
                    "message": 'failed to create task run pod "%s": translating TaskSpec to Pod: Get "https://%s/v2/": tls: '
                               'failed to verify certificate: x509: certificate signed by unknown authority. Maybe missing or '
                               'invalid Task %s/build' % (name, reg, ns)}
        out.append({
            "apiVersion": "tekton.dev/v1", "kind": "TaskRun",
            "metadata": {"name": name, "namespace": ns, "uid": "uid-%d" % i, "resourceVersion": str(1000 + i),
                         "creationTimestamp": "2026-11-25T09:59:00Z",
                         "labels": {"app.kubernetes.io/managed-by": "tekton-pipelines", "tekton.dev/task": "build"},
                         "annotations": {"pipeline.tekton.dev/release": "v0.56.0"}},
            "spec": {"serviceAccountName": "default", "taskRef": {"kind": "Task", "name": "build"}, "timeout": "1h0m0s"},
            "status": {"conditions": [cond], "podName": "" if fail else name + "-pod",
                       "startTime": "2026-11-25T09:59:01Z",
                       "taskSpec": {"steps": [{"name": "build", "image": reg + "/team/app:v1"}]}},
        })
    return out


def match_labels(obj, selector):
    labels = obj.get("metadata", {}).get("labels", {}) or {}
    for term in filter(None, selector.split(",")):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = term.split("=", 1)
            k = k.rstrip("=")
            if labels.get(k) != v:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def field(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def match_fields(obj, selector):
    for term in filter(None, selector.split(",")):
        k, v = term.split("=", 1)
        if str(field(obj, k.rstrip("="))) != v:
            return False
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-apiserver"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def record(self, status, user):
        with self.server.log_lock:
            with open(self.server.args.log, "a") as f:
                # A path is cut at 1000 characters: a hostile continue token must not fill the disk.
                f.write(json.dumps({"method": self.command, "path": self.path[:1000], "user": user, "status": status,
                                    "content_type": self.headers.get("Content-Type"),
                                    "review": getattr(self, "access_log", None),
                                    "headers": sorted(self.headers.keys()),
                                    "agent": self.headers.get("User-Agent", "")[:200],
                                    "impersonate_user": self.headers.get("Impersonate-User"),
                                    "impersonate_groups": self.headers.get_all("Impersonate-Group") or []}) + "\n")
        self.access_log = None

    def send(self, status, body, user, content_type="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        # Logged before the answer goes out: a client that exits on the last answer must find its
        # request in the log already, as the tests read it right after.
        self.record(status, user)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def status(self, code, reason, message, user, details=None):
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
                "reason": reason, "code": code}
        if details:
            body["details"] = details
        self.send(code, json.dumps(body), user)

    def authenticate(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return self.server.tokens.get(auth[7:])
        cert = self.connection.getpeercert()
        if cert:
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        return v
        return None

    def who(self):
        """The request's user after impersonation, or None when an error was sent."""
        user = self.authenticate()
        if user is None:
            self.status(401, "Unauthorized", "Unauthorized", None)
            return None
        # Impersonation, as kube-apiserver: only "admin" may; the request then runs as that user.
        self.groups = self.headers.get_all("Impersonate-Group") or []
        impersonated = self.headers.get("Impersonate-User")
        if impersonated is not None:
            if user != "admin":
                self.status(403, "Forbidden", 'users "%s" is forbidden: User "%s" cannot impersonate resource "users" '
                            'in API group "" at the cluster scope' % (impersonated, user), user)
                return None
            user = impersonated
        return user

    def do_GET(self):
        user = self.who()
        if user is None:
            return
        data, index = self.server.store.current()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/")]
        served = data.get("served", {"tekton.dev": ["v1"]})
        if self.server.args.slow_ms:
            threading.Event().wait(self.server.args.slow_ms / 1000)

        if parts[:2] == ["apis", "tekton.dev"] and len(parts) == 2:
            versions = [{"groupVersion": "tekton.dev/" + v, "version": v} for v in served.get("tekton.dev", [])]
            if not versions:
                return self.status(404, "NotFound", "the server could not find the requested resource", user)
            return self.send(200, json.dumps({"kind": "APIGroup", "apiVersion": "v1", "name": "tekton.dev",
                                              "versions": versions, "preferredVersion": versions[0]}), user)
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            group, version, rest = parts[1], parts[2], parts[3:]
            if group in served and version not in served[group]:
                return self.status(404, "NotFound", "the server could not find the requested resource", user)
        else:
            return self.status(404, "NotFound", "the server could not find the requested resource", user)
        ns = None
        if len(rest) >= 2 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        if not rest:
            return self.status(404, "NotFound", "the server could not find the requested resource", user)
        plural, name, sub = rest[0], (rest[1] if len(rest) > 1 else None), (rest[2] if len(rest) > 2 else None)
        kind = PLURALS.get((group, plural))
        if kind is None:
            return self.status(404, "NotFound", "the server could not find the requested resource", user)
        resource = plural + ("." + group if group else "")
        verb = "get" if name else "list"
        for denied in data.get("deny", {}).get(user, []):
            d_verb, d_res = denied.split(" ", 1)
            if d_verb == verb and d_res == (resource + ("/" + sub if sub else "")):
                where = ' in the namespace "%s"' % ns if ns else " at the cluster scope"
                msg = '%s%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s"%s' % (
                    resource, ' "%s"' % name if name else "", user, verb, plural + ("/" + sub if sub else ""), group, where)
                return self.status(403, "Forbidden", msg, user, {"name": name or "", "group": group, "kind": plural})

        # ClusterRoles bound to a user or group ({"user:jane": rules, "group:support": rules}): a
        # subject named there gets only what its rules allow, as kube-apiserver's RBAC.
        bindings = data.get("bindings", {})
        subjects = ["user:" + user] + ["group:" + g for g in self.groups]
        if any(sbj in bindings for sbj in subjects):
            rules = [r for sbj in subjects for r in bindings.get(sbj, [])]
            full = plural + ("/" + sub if sub else "")
            if not any(rbac_allows(r, verb, group, full, name) for r in rules):
                where = ' in the namespace "%s"' % ns if ns else " at the cluster scope"
                msg = '%s%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s"%s' % (
                    resource, ' "%s"' % name if name else "", user, verb, full, group, where)
                return self.status(403, "Forbidden", msg, user, {"name": name or "", "group": group, "kind": plural})

        if name and plural in ("deployments", "statefulsets"):
            with self.server.store.lock:
                self.server.store.advance_rollout(group, plural, ns, name)
        items = index.get((group, plural), [])
        if name:
            for o, text in items:
                md = o["metadata"]
                if md["name"] == name and (ns is None or md.get("namespace") == ns):
                    if sub == "log":
                        key = "%s/%s/%s" % (ns, name, query.get("container", ""))
                        previous = query.get("previous") == "true"
                        log = data.get("logs", {}).get(key + ("#previous" if previous else ""))
                        if log is None and previous:
                            return self.status(400, "BadRequest", 'previous terminated container "%s" in pod "%s" not found'
                                               % (query.get("container", ""), name), user)
                        if log is None:
                            return self.status(404, "NotFound", 'container not found', user)
                        lines = log.splitlines(True)
                        if "tailLines" in query:
                            lines = lines[-int(query["tailLines"]):]
                        body = "".join(lines).encode()
                        if "limitBytes" in query:
                            body = body[: int(query["limitBytes"])]
                        return self.send(200, body, user, "text/plain")
                    if group == "tekton.dev":
                        o = dict(o, apiVersion="tekton.dev/" + version)
                        text = json.dumps(o)
                    return self.send(200, text, user)
            return self.status(404, "NotFound", '%s "%s" not found' % (resource, name), user,
                               {"name": name, "group": group, "kind": plural})

        def wanted(o):
            return ((ns is None or o["metadata"].get("namespace") == ns) and
                    ("labelSelector" not in query or match_labels(o, query["labelSelector"])) and
                    ("fieldSelector" not in query or match_fields(o, query["fieldSelector"])))

        # Only TaskRun lists (what a sweep pages through) are broken: the installation's lists, read
        # at the same time, must not shift the page count the tokens are made from.
        broken = data.get("continue") if plural == "taskruns" else None
        if broken:
            return self.broken_continue(broken, items, wanted, query, kind, group, version, user)

        # Like kube-apiserver reading etcd by key range, a page costs what its items cost: the
        # continue token holds the position in the whole (sorted) list where the next page starts.
        start = 0
        if query.get("continue"):
            try:
                token = json.loads(base64.b64decode(query["continue"]))
                start = int(token["start"])
                if not 0 <= start <= len(items):
                    raise ValueError(start)
            except Exception:
                return self.status(410, "Expired", "The provided continue parameter is too old to display a consistent "
                                   "list result. You can start a new list without the continue parameter.", user)
        limit = int(query.get("limit", "0") or 0)
        page, position = [], start
        while position < len(items) and (limit <= 0 or len(page) < limit):
            if wanted(items[position][0]):
                page.append(items[position][1])
            position += 1
        while position < len(items) and not wanted(items[position][0]):
            position += 1
        meta = {"resourceVersion": "99999"}
        if position < len(items):
            meta["continue"] = base64.b64encode(json.dumps({"start": position, "rv": "99999"}).encode()).decode()
            if "labelSelector" not in query and "fieldSelector" not in query and ns is None:
                meta["remainingItemCount"] = len(items) - position
        api = "tekton.dev/" + version if group == "tekton.dev" else (group + "/" + version if group else "v1")
        body = '{"kind":"%sList","apiVersion":"%s","metadata":%s,"items":[%s]}' % (
            kind, api, json.dumps(meta), ",".join(page))
        return self.send(200, body, user)

    def broken_continue(self, broken, items, wanted, query, kind, group, version, user):
        with self.server.log_lock:
            self.server.pages += 1
            page_number = self.server.pages
        mode = broken.get("mode", "endless")
        if mode == "expire" and query.get("continue"):
            return self.status(410, "Expired", "The provided continue parameter is too old to display a consistent "
                               "list result. You can start a new list without the continue parameter.", user)
        serial = {"endless": page_number, "expire": page_number, "repeat": 0,
                  "cycle": page_number % max(1, broken.get("period", 3))}[mode]
        token = base64.b64encode(json.dumps({"start": 0, "page": serial}).encode()).decode()
        token += "A" * max(0, broken.get("bytes", 0) - len(token))
        limit = int(query.get("limit", "0") or 0)
        page = [text for o, text in items if wanted(o)]
        page = page[:limit] if limit > 0 else page
        api = "tekton.dev/" + version if group == "tekton.dev" else (group + "/" + version if group else "v1")
        body = '{"kind":"%sList","apiVersion":"%s","metadata":%s,"items":[%s]}' % (
            kind, api, json.dumps({"resourceVersion": "99999", "continue": token}), ",".join(page))
        return self.send(200, body, user)

    def refuse(self):
        user = self.authenticate()
        length = int(self.headers.get("Content-Length", "0") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        self.status(405, "MethodNotAllowed", "this test server does not delete", user)

    do_DELETE = refuse

    def denied(self, data, user, verb, group, plural, ns, name):
        """True when RBAC (the fixture's "deny" list or "bindings") refuses `verb` on the resource."""
        resource = plural + ("." + group if group else "")
        if ("%s %s" % (verb, resource)) in data.get("deny", {}).get(user, []):
            return True
        bindings = data.get("bindings", {})
        subjects = ["user:" + user] + ["group:" + g for g in getattr(self, "groups", [])]
        if any(sbj in bindings for sbj in subjects):
            rules = [r for sbj in subjects for r in bindings.get(sbj, [])]
            return not any(rbac_allows(r, verb, group, plural, name) for r in rules)
        return False

    def forbid(self, user, verb, group, plural, ns, name):
        where = ' in the namespace "%s"' % ns if ns else " at the cluster scope"
        resource = plural + ("." + group if group else "")
        msg = '%s%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s"%s' % (
            resource, ' "%s"' % name if name else "", user, verb, plural, group, where)
        return self.status(403, "Forbidden", msg, user, {"name": name or "", "group": group, "kind": plural})

    def do_POST(self):
        self.write_request("create")

    def do_PUT(self):
        self.write_request("update")

    def do_PATCH(self):
        self.write_request("patch")

    def write_request(self, verb):
        user = self.who()
        length = int(self.headers.get("Content-Length", "0") or 0)
        if length > (3 << 20):
            return self.status(413, "RequestEntityTooLarge", "the request is too large", user)
        raw = self.rfile.read(length) if length else b""
        if user is None:
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return self.status(400, "BadRequest", "the body is not JSON", user)
        store = self.server.store
        data, _ = store.current()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        dry = query.get("dryRun") == "All"
        if "dryRun" in query and not dry:
            return self.status(400, "BadRequest", 'dryRun must be "All"', user)
        parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/")]
        if parts == ["apis", "authorization.k8s.io", "v1", "selfsubjectaccessreviews"] and verb == "create":
            return self.access_review(data, user, body)
        if parts[:2] == ["api", "v1"]:
            group, rest = "", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            group, rest = parts[1], parts[3:]
        else:
            return self.status(404, "NotFound", "the server could not find the requested resource", user)
        ns = None
        if len(rest) >= 2 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        if not rest or (group, rest[0]) not in PLURALS:
            return self.status(404, "NotFound", "the server could not find the requested resource", user)
        plural = rest[0]
        name = rest[1] if len(rest) > 1 else None
        if verb == "create" and name is not None or verb != "create" and name is None:
            return self.status(405, "MethodNotAllowed", "the server does not allow this method on the resource", user)
        if verb == "create":
            if not isinstance(body, dict) or not isinstance(body.get("metadata"), dict) or not body["metadata"].get("name"):
                return self.status(422, "Invalid", "metadata.name: Required value", user)
            name = body["metadata"]["name"]
        # As RBAC: resourceNames cannot allow a create (the name is not known when it is checked).
        if self.denied(data, user, verb, group, plural, ns, None if verb == "create" else name):
            return self.forbid(user, verb, group, plural, ns, name)
        resource = plural + ("." + group if group else "")
        with store.lock:
            path = url.path
            if verb != "create" and path not in store.concurrent_done:
                for c in data.get("concurrent", []):
                    if c["path"] == path:
                        store.concurrent_done.add(path)
                        _, target = store.find(group, plural, ns, name)
                        if target is not None:
                            for k, v in c.get("append", {}).items():
                                target.setdefault("data", {})[k] = target.get("data", {}).get(k, "") + v
                            if c.get("patch"):
                                target = json_patch(target, c["patch"])
                            i, _ = store.find(group, plural, ns, name)
                            store.put(group, plural, target, at=i)
            i, current = store.find(group, plural, ns, name)
            if verb == "create":
                if current is not None:
                    return self.status(409, "AlreadyExists", '%s "%s" already exists' % (resource, name), user,
                                       {"name": name, "group": group, "kind": plural})
                new = copy.deepcopy(body)
                new["metadata"]["namespace"] = ns
                new["metadata"]["uid"] = "uid-new-%s-%s" % (ns, name)
                new["metadata"]["creationTimestamp"] = now_text()
                code = 201
            else:
                if current is None:
                    return self.status(404, "NotFound", '%s "%s" not found' % (resource, name), user,
                                       {"name": name, "group": group, "kind": plural})
                have = current["metadata"].get("resourceVersion")
                if verb == "update":
                    sent = (body.get("metadata") or {}).get("resourceVersion") if isinstance(body, dict) else None
                    if not sent:
                        return self.status(422, "Invalid", "metadata.resourceVersion: Invalid value: 0x0: must be "
                                           "specified for an update", user)
                    if sent != have:
                        return self.conflict(resource, name, user, group, plural)
                    new = copy.deepcopy(body)
                else:
                    ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                    if ctype == "application/merge-patch+json":
                        sent = ((body or {}).get("metadata") or {}).get("resourceVersion") if isinstance(body, dict) else None
                        if sent and sent != have:
                            return self.conflict(resource, name, user, group, plural)
                        new = merge_patch(copy.deepcopy(current), body)
                    elif ctype == "application/json-patch+json":
                        try:
                            new = json_patch(current, body if isinstance(body, list) else [])
                        except PatchFailed as e:
                            return self.status(422, "Invalid", "the server rejected our request due to an error in "
                                               "our request: %s" % e, user)
                    else:
                        return self.status(415, "UnsupportedMediaType", "the body of the request was in an unknown "
                                           "format - accepted media types include: application/json-patch+json, "
                                           "application/merge-patch+json", user)
                new["metadata"]["resourceVersion"] = have
                for keep in ("uid", "creationTimestamp", "namespace", "name", "managedFields", "generation"):
                    if keep in current["metadata"]:
                        new["metadata"][keep] = copy.deepcopy(current["metadata"][keep])
                code = 200
            if plural in ("deployments", "statefulsets") and current is not None and \
                    new.get("spec", {}).get("template") != current.get("spec", {}).get("template"):
                new["metadata"]["generation"] = current["metadata"].get("generation", 1) + 1
                new["status"] = current.get("status", {})
                if not dry:
                    store.rollouts[(group, plural, ns, name)] = int(data.get("rollout_polls", 2))
            if dry:
                shown = copy.deepcopy(new)
                shown["metadata"]["resourceVersion"] = str(store.version + 1)
                return self.send(code, json.dumps(shown), user)
            new["metadata"].pop("managedFields", None) if current is None else None
            if current is not None:
                new["metadata"]["managedFields"] = copy.deepcopy(current["metadata"].get("managedFields", []))
            store.put(group, plural, new, at=i)
            return self.send(code, json.dumps(new), user)

    def conflict(self, resource, name, user, group, plural):
        return self.status(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been modified; '
                           'please apply your changes to the latest version and try again' % (resource, name), user,
                           {"name": name, "group": group, "kind": plural})

    def access_review(self, data, user, body):
        attrs = ((body or {}).get("spec") or {}).get("resourceAttributes") or {}
        verb, group, plural = attrs.get("verb", ""), attrs.get("group", ""), attrs.get("resource", "")
        allowed = data.get("ssar_allows_all") or not self.denied(data, user, verb, group, plural, attrs.get("namespace"),
                                                                  attrs.get("name"))
        answer = {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {},
                  "spec": body.get("spec", {}), "status": {"allowed": bool(allowed)}}
        if not allowed:
            answer["status"]["reason"] = "no RBAC rule allows it"
        self.access_log = "%s %s%s" % (verb, plural, "." + group if group else "")
        return self.send(201, json.dumps(answer), user)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--client-ca", required=True)
    p.add_argument("--tokens", required=True, help="lines: TOKEN USER")
    p.add_argument("--fixture", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--slow-ms", type=int, default=0)
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    ctx.load_verify_locations(args.client_ca)
    ctx.verify_mode = ssl.CERT_OPTIONAL
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.args = args
    server.store = Store(args.fixture)
    server.log_lock = threading.Lock()
    server.pages = 0
    server.tokens = {}
    with open(args.tokens) as f:
        for line in f:
            if line.strip():
                token, user = line.split()
                server.tokens[token] = user
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
