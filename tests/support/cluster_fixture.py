#!/usr/bin/python3
"""Writes the objects of one test cluster for fake_apiserver.py: a Tekton installation shaped like
the release manifests (controller Deployment and pod, config-registry-cert, remote resolvers) and
failed runs shaped like the ones Tekton writes, for one scenario.

usage: cluster_fixture.py SCENARIO OUT.json --registry HOST:PORT --ca ROOT.pem [--registry2 HOST:PORT]
"""
import argparse
import datetime
import json

OTHER_CA = ""  # another team's CA, for the scenario other-team
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def ago(**kw):
    return (NOW - datetime.timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(name, ns, **extra):
    m = {"name": name, "namespace": ns, "uid": "uid-" + ns + "-" + name, "resourceVersion": "4711",
         "creationTimestamp": ago(days=30)}
    m.update(extra)
    return m


def controller(version="v0.56.0", ns="tekton-pipelines"):
    labels = {"app.kubernetes.io/name": "controller", "app.kubernetes.io/component": "controller",
              "app.kubernetes.io/instance": "default", "app.kubernetes.io/part-of": "tekton-pipelines",
              "app.kubernetes.io/version": version, "pipeline.tekton.dev/release": version}
    select = {"app.kubernetes.io/name": "controller", "app.kubernetes.io/component": "controller",
              "app.kubernetes.io/instance": "default", "app.kubernetes.io/part-of": "tekton-pipelines"}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta("tekton-pipelines-controller", ns, labels=labels),
            "spec": {"replicas": 1, "selector": {"matchLabels": select},
                     "template": {"metadata": {"labels": dict(select, app="tekton-pipelines-controller")},
                                  "spec": {"serviceAccountName": "tekton-pipelines-controller",
                                           "containers": [{"name": "tekton-pipelines-controller",
                                                           "image": "gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/controller:%s@sha256:%s" % (version, "ab" * 32),
                                                           "env": [{"name": "SSL_CERT_FILE", "value": "/etc/config-registry-cert/cert"},
                                                                   {"name": "SSL_CERT_DIR", "value": "/etc/ssl/certs"}],
                                                           "volumeMounts": [{"name": "config-registry-cert", "mountPath": "/etc/config-registry-cert"}]}],
                                           "volumes": [{"name": "config-registry-cert", "configMap": {"name": "config-registry-cert"}}]}}}}


def controller_pod(started, ns="tekton-pipelines"):
    labels = {"app.kubernetes.io/name": "controller", "app.kubernetes.io/component": "controller",
              "app.kubernetes.io/instance": "default", "app.kubernetes.io/part-of": "tekton-pipelines",
              "app": "tekton-pipelines-controller", "pod-template-hash": "7d9f8b6c5"}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": meta("tekton-pipelines-controller-7d9f8b6c5-x2k4q", ns, labels=labels, creationTimestamp=started),
            "spec": {"containers": [{"name": "tekton-pipelines-controller", "image": "controller"}]},
            "status": {"phase": "Running", "startTime": started,
                       "containerStatuses": [{"name": "tekton-pipelines-controller", "ready": True, "restartCount": 0,
                                              "state": {"running": {"startedAt": started}}}]}}


def registry_cert(data, changed, ns="tekton-pipelines"):
    m = meta("config-registry-cert", ns, labels={"app.kubernetes.io/instance": "default",
                                                 "app.kubernetes.io/part-of": "tekton-pipelines"})
    m["managedFields"] = [{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1",
                           "time": ago(days=30), "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}]
    if data is not None:
        m["managedFields"].append({"manager": "kubectl-patch", "operation": "Update", "apiVersion": "v1", "time": changed,
                                   "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}})
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": m}
    if data:
        cm["data"] = data
    return cm


def resolvers(ca=False):
    env = [{"name": "SYSTEM_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]
    if ca:
        env.append({"name": "SSL_CERT_DIR", "value": "/etc/registry-ca:/etc/ssl/certs"})
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta("tekton-pipelines-remote-resolvers", "tekton-pipelines-resolvers",
                             labels={"app.kubernetes.io/part-of": "tekton-pipelines"}),
            "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "resolvers"}},
                     "template": {"spec": {"containers": [{"name": "controller", "image": "resolvers", "env": env}]}}}}


def resolvers_pod():
    labels = {"app.kubernetes.io/name": "resolvers", "app.kubernetes.io/component": "resolvers",
              "app.kubernetes.io/part-of": "tekton-pipelines", "pod-template-hash": "5c8d7"}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": meta("tekton-pipelines-remote-resolvers-5c8d7-ab12c", "tekton-pipelines-resolvers", labels=labels),
            "spec": {"containers": [{"name": "controller", "image": "resolvers"}]},
            "status": {"phase": "Running"}}


def task(ns, reg):
    return {"apiVersion": "tekton.dev/v1", "kind": "Task", "metadata": meta("build", ns),
            "spec": {"steps": [{"name": "build", "image": reg + "/team/app:v1"},
                               {"name": "test", "image": "docker.io/library/alpine:3.20", "script": "echo ok"}]}}


def lookup_message(pod, reg, ns, task_name="build"):
    """The entrypoint lookup's failure as Tekton v0.32 and later write it (reason PodCreationFailed
    from v0.47, CouldntGetTask before)."""
    return ('failed to create task run pod "%s": translating TaskSpec to Pod: Get "https://%s/v2/": tls: failed to '
            'verify certificate: x509: certificate signed by unknown authority. Maybe missing or invalid Task %s/%s'
            % (pod, reg, ns, task_name))


def taskrun(name, ns, reason, message, failed_at, api="tekton.dev/v1", pod="", labels=None, spec_task=True):
    tr = {"apiVersion": api, "kind": "TaskRun",
          "metadata": meta(name, ns, labels=labels or {"tekton.dev/task": "build"}, creationTimestamp=failed_at),
          "spec": {"serviceAccountName": "default", "taskRef": {"kind": "Task", "name": "build"}, "timeout": "1h0m0s"},
          "status": {"conditions": [{"type": "Succeeded", "status": "False", "reason": reason, "message": message,
                                     "lastTransitionTime": failed_at}],
                     "startTime": failed_at, "completionTime": failed_at, "podName": pod}}
    return tr


def base(reg, ca, scenario):
    # A cluster that serves tekton.dev only as v1beta1 runs a release before v0.44.
    objs = [controller("v0.40.2" if scenario == "v1beta1" else "v0.56.0"), resolvers(), task("ci", reg)]
    started = ago(hours=1)
    if scenario == "openshift":
        ns = "openshift-pipelines"
        bundle = {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": meta("config-trusted-cabundle", ns, labels={"config.openshift.io/inject-trusted-cabundle": "true"}),
                  "data": {"ca-bundle.crt": ca}}
        return [controller(ns=ns), task("ci", reg), controller_pod(started, ns=ns), registry_cert({}, ago(days=30), ns=ns), bundle]
    if scenario == "bundles-v0.48":
        return [controller(version="v0.48.2"), task("ci", reg), controller_pod(started), registry_cert({}, ago(days=30))]
    if scenario == "ca-missing":
        objs += [controller_pod(started), registry_cert({}, ago(days=30))]
    elif scenario == "stale-controller":
        objs += [controller_pod(started), registry_cert({"cert": ca}, ago(minutes=10))]
    elif scenario == "restarted":
        objs += [controller_pod(started), registry_cert({"cert": ca}, ago(hours=2))]
    elif scenario == "operator-statefulset":
        # The operator's statefulset-ordinals: the controller is a StatefulSet its InstallerSet owns.
        ss = objs[0]
        ss["kind"] = "StatefulSet"
        ss["metadata"]["ownerReferences"] = [{"apiVersion": "operator.tekton.dev/v1alpha1", "kind": "TektonInstallerSet",
                                              "name": "pipeline-main-static-abcde", "uid": "uid-is", "controller": True}]
        objs += [controller_pod(started), registry_cert({}, ago(days=30)),
                 {"apiVersion": "operator.tekton.dev/v1alpha1", "kind": "TektonConfig",
                  "metadata": {"name": "config", "uid": "uid-tektonconfig", "resourceVersion": "4711",
                               "creationTimestamp": ago(days=30)},
                  "spec": {"profile": "all", "targetNamespace": "tekton-pipelines",
                           "pipeline": {"options": {"statefulSets": {"tekton-pipelines-controller": {}}}}}}]
    elif scenario == "statefulset":
        # A controller run as a StatefulSet without the operator (statefulset-ordinals set by hand).
        objs[0]["kind"] = "StatefulSet"
        objs += [controller_pod(started), registry_cert({}, ago(days=30))]
    elif scenario == "other-team":
        # Another team's CA is already in `cert`, with a key and an annotation of its own.
        cm = registry_cert({"cert": OTHER_CA, "README": "owned by the platform team"}, ago(days=30))
        cm["metadata"]["annotations"] = {"team.example/owner": "platform"}
        objs += [controller_pod(started), cm]
    elif scenario == "wrong-key":
        objs += [controller_pod(started), registry_cert({"ca.crt": ca}, ago(minutes=10))]
    elif scenario == "cm-absent":
        objs += [controller_pod(started)]
    else:
        objs += [controller_pod(started), registry_cert({}, ago(days=30))]
    return objs


def build(scenario, reg, reg2, ca):
    served = {"tekton.dev": ["v1", "v1beta1"]}
    logs = {}
    objs = base(reg, ca, scenario)
    if scenario in ("ca-missing", "stale-controller", "wrong-key", "cm-absent", "restarted", "openshift", "other-team",
                    "operator-statefulset", "statefulset"):
        failed_at = ago(hours=3) if scenario == "restarted" else ago(minutes=2)
        objs.append(taskrun("build-1", "ci", "PodCreationFailed", lookup_message("build-1", reg, "ci"), failed_at))
    elif scenario == "upgraded":
        # A run that failed under v0.12–v0.31 (the message still says "error getting image manifest"),
        # read from a cluster upgraded since.
        objs.append(taskrun("build-1", "ci", "CouldntGetTask",
                            'failed to create task run pod "build-1": translating TaskSpec to Pod: error getting image '
                            'manifest: Get https://%s/v2/: x509: certificate signed by unknown authority. Maybe missing '
                            'or invalid Task ci/build' % reg, ago(days=200)))
    elif scenario == "v1beta1":
        served = {"tekton.dev": ["v1beta1"]}
        objs.append(taskrun("build-1", "ci", "CouldntGetTask", lookup_message("build-1", reg, "ci"), ago(minutes=2),
                            api="tekton.dev/v1beta1"))
    elif scenario in ("kubelet", "hostile-image"):
        # hostile-image: a tenant's step image that tries to add a shell command and to set the
        # terminal's title; the kubelet's messages quote it back.
        image = reg + "/team/app:v1" + ("\nrm -rf ~ #\x1b]0;pwned\x07" if scenario == "hostile-image" else "")
        objs.append(taskrun("pull-1", "ci", "TaskRunImagePullFailed",
                            'the step "build" in TaskRun "pull-1" failed to pull the image "%s". The pod errored with the '
                            'message: "Back-off pulling image "%s"."' % (image, image), ago(minutes=2), pod="pull-1-pod"))
        objs.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": meta("pull-1-pod", "ci", labels={"tekton.dev/taskRun": "pull-1"}),
                     "spec": {"nodeName": "worker-2", "containers": [{"name": "step-build", "image": image}]},
                     "status": {"phase": "Pending", "containerStatuses": [
                         {"name": "step-build", "image": image, "ready": False,
                          "state": {"waiting": {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "%s"' % image}}}]}})
        objs.append({"apiVersion": "v1", "kind": "Event",
                     "metadata": meta("pull-1-pod.17a2b3c4d5e6f708", "ci"),
                     "involvedObject": {"kind": "Pod", "namespace": "ci", "name": "pull-1-pod", "fieldPath": "spec.containers{step-build}"},
                     "reason": "Failed", "type": "Warning", "count": 4, "lastTimestamp": ago(minutes=2),
                     "source": {"component": "kubelet", "host": "worker-2"},
                     "message": 'Failed to pull image "%s": rpc error: code = Unknown desc = failed to pull and unpack image '
                                '"%s": failed to resolve reference "%s": failed to do request: Head "https://%s/v2/team/app/manifests/v1": '
                                'tls: failed to verify certificate: x509: certificate signed by unknown authority' % (image, image, image, reg)})
    elif scenario == "kaniko":
        objs.append(taskrun("kaniko-1", "ci", "Failed", '"step-build" exited with code 1', ago(minutes=2), pod="kaniko-1-pod"))
        objs.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": meta("kaniko-1-pod", "ci", labels={"tekton.dev/taskRun": "kaniko-1"}),
                     "spec": {"containers": [{"name": "step-build", "image": "gcr.io/kaniko-project/executor:v1.23.2"}]},
                     "status": {"phase": "Failed", "containerStatuses": [
                         {"name": "step-build", "image": "gcr.io/kaniko-project/executor:v1.23.2", "ready": False,
                          "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}})
        logs["ci/kaniko-1-pod/step-build"] = (
            'INFO[0000] Retrieving image manifest docker.io/library/alpine:3.20\n'
            'INFO[0001] Built cross stage deps: map[]\n'
            'error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated '
            'correctly, and try again: checking push permission for "%s/team/app:v1": creating push check transport for %s '
            'failed: Get "https://%s/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority\n'
            % (reg, reg, reg))
    elif scenario in ("bundles", "bundles-v0.48"):
        objs.append(taskrun("bundle-1", "ci", "TaskRunResolutionFailed",
                            'error requesting remote resource: error getting "bundleresolver" "ci/bundles-3f2a1c": cannot retrieve '
                            'the oci image: Get "https://%s/v2/": tls: failed to verify certificate: x509: certificate signed by '
                            'unknown authority' % reg, ago(minutes=2)))
    elif scenario == "stuck-resolving":
        # A run waiting on the git resolver whose TLS handshake times out: the resolution framework
        # retries the transient error, so the run stays Unknown in ResolvingTaskRef (tektoncd/pipeline
        # pkg/reconciler/taskrun/taskrun.go prepare()); the wrappers are the resolvers' own
        # ("error requesting remote resource: error getting %q %q: %v", "couldn't fetch repository: %w").
        tr = taskrun("git-1", "ci", "ResolvingTaskRef",
                     'error requesting remote resource: error getting "Git" "ci/git-5c1f0a": couldn\'t fetch repository: '
                     'Get "https://git.corp.example/api/v4/projects/team%2Fpipelines": net/http: TLS handshake timeout',
                     ago(minutes=20))
        tr["spec"]["taskRef"] = {"resolver": "git", "params": [{"name": "url", "value": "https://git.corp.example/team/pipelines.git"}]}
        tr["status"]["conditions"][0]["status"] = "Unknown"
        del tr["status"]["completionTime"]
        objs.append(tr)
        # Still resolving, with Tekton's own progress message: not a failure.
        waiting = taskrun("git-2", "ci", "ResolvingTaskRef", "TaskRun ci/git-2 awaiting remote resource", ago(minutes=1))
        waiting["status"]["conditions"][0]["status"] = "Unknown"
        del waiting["status"]["completionTime"]
        objs.append(waiting)
    elif scenario == "pipelinerun":
        objs.append({"apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
                     "metadata": meta("release-1", "ci"),
                     "spec": {"pipelineRef": {"name": "release"}},
                     "status": {"conditions": [{"type": "Succeeded", "status": "False", "reason": "Failed",
                                                "message": "Tasks Completed: 2 (Failed: 2, Cancelled 0), Skipped: 0",
                                                "lastTransitionTime": ago(minutes=2)}],
                                "childReferences": [{"kind": "TaskRun", "name": "release-1-build", "pipelineTaskName": "build"},
                                                    {"kind": "TaskRun", "name": "release-1-push", "pipelineTaskName": "push"}]}})
        for child, r in (("release-1-build", reg), ("release-1-push", reg2)):
            objs.append(taskrun(child, "ci", "PodCreationFailed", lookup_message(child, r, "ci"), ago(minutes=2),
                                labels={"tekton.dev/pipelineRun": "release-1", "tekton.dev/task": "build"}))
        objs.append(taskrun("unrelated-1", "ci", "PodCreationFailed", lookup_message("unrelated-1", reg, "ci"), ago(minutes=2)))
    elif scenario == "logs":
        # analyze --from-cluster: the controller's log (and its previous instance), the resolvers'.
        objs.append(resolvers_pod())
        cpod = "tekton-pipelines/tekton-pipelines-controller-7d9f8b6c5-x2k4q/tekton-pipelines-controller"
        line = ('{"level":"error","ts":"2026-11-20T09:1%d:00.000Z","logger":"tekton-pipelines-controller.taskrun-reconciler",'
                '"msg":"Failed to create task run pod for taskrun \\"build-%d\\": translating TaskSpec to Pod: Get '
                '\\"https://%s/v2/\\": tls: failed to verify certificate: x509: certificate signed by unknown authority",'
                '"knative.dev/kind":"tekton.dev.TaskRun","knative.dev/key":"ci/build-%d"}\n')
        ordinary = '{"level":"info","ts":"2026-11-20T09:10:00.000Z","logger":"tekton-pipelines-controller","msg":"Reconcile succeeded","knative.dev/key":"ci/ok-%d"}\n'
        logs[cpod] = "".join(ordinary % i for i in range(4)) + "".join(line % (i, i, reg, i) for i in range(3))
        logs[cpod + "#previous"] = line % (0, 9, reg2, 9)
        logs["tekton-pipelines-resolvers/tekton-pipelines-remote-resolvers-5c8d7-ab12c/controller"] = (
            '{"level":"error","ts":"2026-11-20T09:12:00.000Z","logger":"bundleresolver","msg":"error getting '
            '\\"bundleresolver\\" \\"ci/bundles-1\\": cannot retrieve the oci image: Get \\"https://%s/v2/\\": '
            'tls: failed to verify certificate: x509: certificate signed by unknown authority"}\n' % reg2)
    elif scenario == "sweep":
        for i in range(7):
            ns = "team-a" if i % 2 else "team-b"
            r = reg if i < 5 else reg2
            objs.append(taskrun("run-%d" % i, ns, "PodCreationFailed", lookup_message("run-%d" % i, r, ns), ago(minutes=5 + i)))
        objs.append(taskrun("old-1", "team-a", "PodCreationFailed", lookup_message("old-1", reg, "team-a"), ago(days=3)))
        ok = taskrun("fine-1", "team-a", "Succeeded", "All Steps have completed executing", ago(minutes=3))
        ok["status"]["conditions"][0]["status"] = "True"
        objs.append(ok)
    else:
        raise SystemExit("unknown scenario " + scenario)
    return {"served": served, "objects": objs, "logs": logs,
            "deny": {"limited": ["list taskruns.tekton.dev", "get configmaps"]}}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario")
    p.add_argument("out")
    p.add_argument("--registry", required=True)
    p.add_argument("--registry2", default="")
    p.add_argument("--ca", required=True)
    p.add_argument("--other-ca", default="")
    a = p.parse_args()
    global OTHER_CA
    if a.other_ca:
        with open(a.other_ca) as f:
            OTHER_CA = f.read()
    with open(a.ca) as f:
        ca = f.read()
    fixture = build(a.scenario, a.registry, a.registry2 or a.registry, ca)
    with open(a.out + ".tmp", "w") as f:
        json.dump(fixture, f, indent=1)
    import os
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
