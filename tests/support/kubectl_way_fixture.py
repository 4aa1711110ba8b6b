#!/usr/bin/python3
"""Writes a fake_apiserver.py fixture for the command-line tests (completion, connection flags,
README's recipes): namespaces ci and default, the failed TaskRun of tests/samples as ci/build-1,
and ci/build-2, default/other-1, and the PipelineRun ci/release-7.

Usage: kubectl_way_fixture.py OUT.json
"""
import copy
import json
import os
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "samples", "taskrun-unknown-authority.yaml")) as f:
    sample = yaml.safe_load(f)


def taskrun(namespace, name):
    tr = copy.deepcopy(sample)
    tr["metadata"] = {"name": name, "namespace": namespace, "uid": "uid-" + name,
                      "creationTimestamp": "2026-11-20T09:13:00Z", "labels": sample["metadata"]["labels"]}
    cond = tr["status"]["conditions"][0]
    cond["message"] = cond["message"].replace("build-and-push-r4x8q", name).replace("ci/", namespace + "/")
    return tr


def namespace(name):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


pipelinerun = {
    "apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
    "metadata": {"name": "release-7", "namespace": "ci", "uid": "uid-release-7"},
    "spec": {"pipelineRef": {"name": "release"}},
    "status": {"conditions": [{"type": "Succeeded", "status": "False", "reason": "Failed",
                               "message": "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0"}],
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
with open(sys.argv[1], "w") as f:
    json.dump(fixture, f)
