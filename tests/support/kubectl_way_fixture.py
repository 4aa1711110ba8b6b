#!/usr/bin/python3
"""Writes a fake_apiserver.py fixture for the command-line tests (completion, connection flags,
README's recipes): namespaces ci and default, the failed TaskRun of tests/samples as ci/build-1,
and ci/build-2, default/other-1, and the PipelineRun ci/release-7.

The runs failed an hour ago. --registry puts another registry into the failure (a loopback
address, so that a probe stays on this machine); --bind-reader FILE binds the ClusterRole in FILE
(plugin/rbac/certdoctor-reader.yaml) to the group "support".

Usage: kubectl_way_fixture.py OUT.json [--registry HOST:PORT] [--bind-reader CLUSTERROLE.yaml]
"""
import argparse
import copy
import datetime
import json
import os

import yaml

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--registry")
p.add_argument("--bind-reader")
args = p.parse_args()
an_hour_ago = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "samples", "taskrun-unknown-authority.yaml")) as f:
    sample = yaml.safe_load(f)


def taskrun(namespace, name):
    tr = copy.deepcopy(sample)
    tr["metadata"] = {"name": name, "namespace": namespace, "uid": "uid-" + name,
                      "creationTimestamp": "2026-11-20T09:13:00Z", "labels": sample["metadata"]["labels"]}
    cond = tr["status"]["conditions"][0]
    cond["message"] = cond["message"].replace("build-and-push-r4x8q", name).replace("ci/", namespace + "/")
    if args.registry:
        cond["message"] = cond["message"].replace("registry.corp.example:8443", args.registry)
    cond["lastTransitionTime"] = an_hour_ago
    tr["status"]["completionTime"] = an_hour_ago
    tr["metadata"]["creationTimestamp"] = an_hour_ago
    return tr


def namespace(name):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


pipelinerun = {
    "apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
    "metadata": {"name": "release-7", "namespace": "ci", "uid": "uid-release-7"},
    "spec": {"pipelineRef": {"name": "release"}},
    "status": {"conditions": [{"type": "Succeeded", "status": "False", "reason": "Failed",
                               "message": "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0",
                               "lastTransitionTime": an_hour_ago}],
               "childReferences": [{"apiVersion": "tekton.dev/v1", "kind": "TaskRun", "name": "build-2",
                                    "pipelineTaskName": "build"}]},
}
release_child = taskrun("ci", "build-2")
release_child["metadata"]["labels"] = dict(release_child["metadata"]["labels"], **{"tekton.dev/pipelineRun": "release-7"})

fixture = {
    "served": {"tekton.dev": ["v1", "v1beta1"]},
    "objects": [namespace("ci"), namespace("default"), taskrun("ci", "build-1"), release_child,
                taskrun("default", "other-1"), pipelinerun],
    "deny": {"limited": ["list namespaces"]},
}
if args.bind_reader:
    with open(args.bind_reader) as f:
        fixture["bindings"] = {"group:support": yaml.safe_load(f)["rules"]}
with open(args.out, "w") as f:
    json.dump(fixture, f)
