#include "input/dump_source.h"

#include "diagnose/diagnose.h"
#include "render/render.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_engine.h"
#include "util/error.h"

namespace certdoctor {
namespace {

Report diagnose_sample(const std::string& name) {
    return diagnose_dump(test::shipped_engine(), test::sample_text(name), name);
}

TEST(DumpSource, ReadsAV1TaskRunAndWhichStepsTriggerTheLookup) {
    InputBatch b = read_dump(test::sample_text("taskrun-unknown-authority.yaml"), "tr.yaml");
    EXPECT_EQ(b.runs, 1u);
    EXPECT_EQ(b.failed_runs, 1u);
    ASSERT_EQ(b.records.size(), 1u);
    EXPECT_EQ(b.records[0].origin, "status.conditions[Succeeded]");
    EXPECT_EQ(b.records[0].reason, "PodCreationFailed");
    ASSERT_EQ(b.records[0].steps.size(), 3u);
    EXPECT_FALSE(b.records[0].steps[0].needs_entrypoint_lookup());  // script
    EXPECT_TRUE(b.records[0].steps[1].needs_entrypoint_lookup());   // image and args only
    EXPECT_FALSE(b.records[0].steps[2].needs_entrypoint_lookup());  // command
}

TEST(DumpSource, DiagnosesTheDumpedTaskRun) {
    Report r = diagnose_sample("taskrun-unknown-authority.yaml");
    ASSERT_EQ(r.findings.size(), 1u);
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.stage, "entrypoint-lookup");
    EXPECT_EQ(f.problem, "unknown-authority");
    EXPECT_EQ(f.registry, "registry.corp.example:8443");
    EXPECT_EQ(f.object.name, "build-and-push-r4x8q");
    ASSERT_EQ(f.lookup_steps.size(), 1u);
    EXPECT_EQ(f.lookup_steps[0].name, "build");
    EXPECT_EQ(f.chain.versions, "v0.47 and later");
}

TEST(DumpSource, ReadsRetriesAndPicksTheChainByReason) {
    Report r = diagnose_sample("taskrun-v1beta1-retries.json");
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].problem, "no-ip-sans");
    EXPECT_EQ(r.findings[0].registry, "10.20.30.40:5000");
    EXPECT_EQ(r.findings[0].seen_in.size(), 2u);  // condition and retriesStatus[0]
    EXPECT_EQ(r.findings[0].chain.versions, "v0.32 to v0.46");  // CouldntGetTask
    EXPECT_EQ(r.findings[0].parent.name, "release-42");
}

TEST(DumpSource, TheInstalledVersionPicksTheChainOnlyWhereNoReasonDoes) {
    const Engine& e = test::shipped_engine();
    InputBatch batch;
    FailureRecord r;
    r.message = "failed to create task run pod \"t\": translating TaskSpec to Pod: Get \"https://registry.private/v2/\": "
                "x509: certificate signed by unknown authority. Maybe missing or invalid Task ns/t";
    batch.records.push_back(r);
    DiagnoseOptions options;
    options.tekton_version = "v0.40.2";
    EXPECT_EQ(diagnose(batch, e.matcher(), e.catalog()).findings[0].chain.versions, "v0.47 and later");
    EXPECT_EQ(diagnose(batch, e.matcher(), e.catalog(), options).findings[0].chain.versions, "v0.32 to v0.46");
    batch.records[0].reason = "PodCreationFailed";  // the run's own reason outranks the installation
    EXPECT_EQ(diagnose(batch, e.matcher(), e.catalog(), options).findings[0].chain.versions, "v0.47 and later");
}

TEST(DumpSource, ReadsTheChildrenEmbeddedInAV1beta1PipelineRun) {
    Report r = diagnose_sample("pipelinerun-v1beta1-two-failures.yaml");
    ASSERT_EQ(r.findings.size(), 2u);
    EXPECT_EQ(r.findings[0].object.name, "nightly-7-fetch");
    EXPECT_EQ(r.findings[0].parent.name, "nightly-7");
    EXPECT_EQ(r.findings[0].stage, "entrypoint-lookup");
    EXPECT_EQ(r.findings[1].object.name, "nightly-7-scan");
    EXPECT_EQ(r.findings[1].stage, "image-pull");
    EXPECT_EQ(r.findings[1].problem, "hostname-mismatch");
    EXPECT_EQ(r.findings[1].step, "scan");
}

TEST(DumpSource, ReadsChildrenAndEventsGivenAlongsideAV1PipelineRun) {
    Report r = diagnose_sample("pipelinerun-v1-with-children.yaml");
    ASSERT_EQ(r.findings.size(), 2u);
    EXPECT_EQ(r.findings[0].stage, "bundle-resolution");
    EXPECT_EQ(r.findings[1].stage, "image-pull");
    EXPECT_EQ(r.findings[1].problem, "unknown-authority");      // from the kubelet event
    EXPECT_EQ(r.findings[1].object.name, "deploy-19-smoke");    // the pod's TaskRun
    EXPECT_EQ(r.findings[1].registry, "registry.shop.example");
    EXPECT_TRUE(r.notes.empty());
}

TEST(DumpSource, ReadsAPodsWaitingContainersAndMapsThemToTheTaskRun) {
    std::string text = test::sample_text("pipelinerun-v1-with-children.yaml") +
                       "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: deploy-19-smoke-pod, namespace: shop}\n"
                       "status:\n  containerStatuses:\n  - name: step-smoke\n    state:\n      waiting:\n"
                       "        reason: ErrImagePull\n"
                       "        message: 'failed to pull and unpack image \"registry.shop.example/qa/smoke:7\": failed to resolve reference "
                       "\"registry.shop.example/qa/smoke:7\": failed to do request: Head \"https://registry.shop.example/v2/qa/smoke/manifests/7\": "
                       "tls: failed to verify certificate: x509: certificate is valid for a.example, not registry.shop.example'\n";
    Report r = diagnose_dump(test::shipped_engine(), text, "with-pod.yaml");
    bool found = false;
    for (const auto& f : r.findings) {
        if (f.problem != "hostname-mismatch") continue;
        found = true;
        EXPECT_EQ(f.object.name, "deploy-19-smoke");
        EXPECT_EQ(f.step, "smoke");
        EXPECT_EQ(f.seen_in.front(), "pod.status.containerStatuses[step-smoke].waiting");
    }
    EXPECT_TRUE(found);
}

// The kubelet pulled on one node: the run's pod (spec.nodeName) or the kubelet's event
// (source.host) names it, and the node's checks run there instead of on a placeholder. A name
// that is no Kubernetes name stays the placeholder.
TEST(DumpSource, TheNodeThatPulledIsNamedInTheNodesChecks) {
    auto dump = [](const std::string& pod_spec, const std::string& event_source) {
        return std::string(
                   "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: pull-2, namespace: ci}\n"
                   "spec: {taskRef: {name: build}}\n"
                   "status:\n  podName: pull-2-pod\n  conditions:\n  - type: Succeeded\n    status: 'False'\n"
                   "    reason: TaskRunImagePullFailed\n    message: 'the step \"build\" in TaskRun \"pull-2\" failed to pull the image'\n"
                   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: pull-2-pod, namespace: ci}\n") +
               pod_spec +
               "---\napiVersion: v1\nkind: Event\nmetadata: {name: pull-2-pod.1, namespace: ci}\n"
               "involvedObject: {kind: Pod, namespace: ci, name: pull-2-pod, fieldPath: 'spec.containers{step-build}'}\n"
               "reason: Failed\n" + event_source +
               "message: 'Failed to pull image \"registry.private/app:1\": rpc error: code = Unknown desc = failed to pull and "
               "unpack image \"registry.private/app:1\": failed to resolve reference \"registry.private/app:1\": failed to do "
               "request: Head \"https://registry.private/v2/app/manifests/1\": dial tcp 10.1.1.1:443: i/o timeout'\n";
    };
    auto node_check = [](const Report& r) -> std::string {
        for (const auto& f : r.findings)
            for (const auto& fix : f.fixes)
                if (fix.id == "check-network-path")
                    for (const auto& c : fix.commands)
                        if (c.find("kubectl debug node/") == 0) return c;
        return "";
    };
    Report from_pod = diagnose_dump(test::shipped_engine(), dump("spec: {nodeName: worker-3}\n", ""), "pod.yaml");
    ASSERT_FALSE(from_pod.findings.empty());
    EXPECT_EQ(from_pod.findings[0].component, "kubelet");
    EXPECT_EQ(from_pod.findings[0].object.name, "pull-2");
    EXPECT_EQ(from_pod.findings[0].node, "worker-3");
    EXPECT_EQ(node_check(from_pod).rfind("kubectl debug node/'worker-3' -it ", 0), 0u) << node_check(from_pod);

    Report from_event = diagnose_dump(test::shipped_engine(), dump("", "source: {component: kubelet, host: ip-10-0-1-7.ec2.internal}\n"),
                                      "event.yaml");
    ASSERT_FALSE(from_event.findings.empty());
    EXPECT_EQ(from_event.findings[0].node, "ip-10-0-1-7.ec2.internal");
    EXPECT_EQ(node_check(from_event).rfind("kubectl debug node/'ip-10-0-1-7.ec2.internal' -it ", 0), 0u);

    Report hostile = diagnose_dump(test::shipped_engine(), dump("spec: {nodeName: 'w; rm -rf ~'}\n", ""), "hostile.yaml");
    ASSERT_FALSE(hostile.findings.empty());
    EXPECT_EQ(node_check(hostile).rfind("kubectl debug node/'NODE' -it ", 0), 0u) << node_check(hostile);

    Report unnamed = diagnose_dump(test::shipped_engine(), dump("", ""), "unnamed.yaml");
    ASSERT_FALSE(unnamed.findings.empty());
    EXPECT_TRUE(unnamed.findings[0].node.empty());
    EXPECT_EQ(node_check(unnamed).rfind("kubectl debug node/'NODE' -it ", 0), 0u) << node_check(unnamed);
}

TEST(DumpSource, ASucceededRunHasNoProblems) {
    EXPECT_EQ(diagnose_sample("taskrun-succeeded.yaml").status, ReportStatus::no_problems);
}

TEST(DumpSource, AStepFailureIsUnrecognisedWithAPointerToTheLog) {
    Report r = diagnose_sample("taskrun-step-failed.yaml");
    EXPECT_EQ(r.status, ReportStatus::unrecognized);
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("logs 'image-build-5-pod' -c 'step-build-and-push'"), std::string::npos);
}

// The same pointer for a pasted `tkn taskrun describe` (tektoncd/pipeline#2211), from the message's
// own command, its names checked and quoted again; none where a name is no Kubernetes name, and
// none beside a finding.
TEST(DumpSource, APastedStepFailurePointsToTheLogToo) {
    const std::string message =
        "\"step-git-source-git-sq2p6\" exited with code 1 (image: \"gcr.io/tekton-releases/github.com/tektoncd/"
        "pipeline/cmd/git-init@sha256:18ffa2bfc14b1fa6d39f62271beacf6bbc38e7cd2e255184dec477c2936270bc\"); for logs "
        "run: kubectl -n tekton-pipelines logs flow-and-policy-automation-task-run-pod-ctbgs -c "
        "step-git-source-git-sq2p6";
    Report r = explain_text(test::shipped_engine(), "Message\n\n" + message + "\n", "stdin");
    EXPECT_EQ(r.status, ReportStatus::unrecognized);
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("kubectl -n 'tekton-pipelines' logs 'flow-and-policy-automation-task-run-pod-ctbgs' -c "
                              "'step-git-source-git-sq2p6' | kubectl tekton-certdoctor explain -"),
              std::string::npos)
        << r.notes[0];

    // A name that is no Kubernetes name gives no command.
    for (const char* bad : {"kubectl -n ns..x logs pod -c step-a", "kubectl -n $(id) logs pod -c step-a",
                            "kubectl -n ns logs pod -c step_a;id"}) {
        Report hostile = explain_text(test::shipped_engine(),
                                      std::string("\"step-a\" exited with code 2; for logs run: ") + bad + "\n", "stdin");
        for (const auto& n : hostile.notes) EXPECT_EQ(n.find("logs"), std::string::npos) << bad << ": " << n;
    }

    // At most five, each once.
    std::string many;
    for (int i = 0; i < 7; ++i)
        for (int twice = 0; twice < 2; ++twice)
            many += "\"step-s" + std::to_string(i) + "\" exited with code 1; for logs run: kubectl -n ns logs p -c step-s" +
                    std::to_string(i) + "\n";
    EXPECT_EQ(explain_text(test::shipped_engine(), many, "stdin").notes.size(), 5u);

    // Beside a finding, the finding speaks.
    Report found = explain_text(
        test::shipped_engine(),
        message + "\nfatal: unable to access 'https://git.example/x.git/': SSL certificate problem: unable to get local "
                  "issuer certificate\n",
        "stdin");
    ASSERT_FALSE(found.findings.empty());
    for (const auto& n : found.notes) EXPECT_EQ(n.find("its error is in the step's log"), std::string::npos) << n;
}

TEST(DumpSource, NotesChildrenThatAreMissing) {
    std::string pr = test::sample_text("pipelinerun-v1-with-children.yaml");
    pr = pr.substr(0, pr.find("---"));
    InputBatch b = read_dump(pr, "pr.yaml");
    ASSERT_EQ(b.notes.size(), 2u);
    EXPECT_NE(b.notes[0].find("kubectl get taskrun 'deploy-19-build' -o yaml"), std::string::npos);
}

TEST(DumpSource, MalformedYamlNamesTheLine) {
    try {
        read_dump("kind: TaskRun\nmetadata:\n  name: [x\n", "bad.yaml");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::not_understood);
        EXPECT_EQ(std::string(e.what()).rfind("bad.yaml:", 0), 0u) << e.what();
        EXPECT_NE(std::string(e.what()).find("not valid YAML or JSON"), std::string::npos);
    }
}

TEST(DumpSource, RejectsBinaryAndObjectsThatAreNotRuns) {
    EXPECT_THROW(read_dump(std::string("\x7f" "ELF\0\0\x01", 7), "bin"), Error);
    try {
        read_dump("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "cm.yaml");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no TaskRun, PipelineRun, Pod or Event found (found: ConfigMap)"), std::string::npos);
    }
}

TEST(DumpSource, SurvivesOddlyShapedObjects) {
    // Fields of the wrong type are ignored, not fatal.
    InputBatch b = read_dump("kind: TaskRun\nmetadata: 3\nstatus:\n  conditions: [7, {a: [b]}, {type: Succeeded, status: 'True'}]\n"
                             "  steps: x\n  retriesStatus: {a: b}\n  taskSpec: [1]\n",
                             "odd.yaml");
    EXPECT_EQ(b.runs, 1u);
    EXPECT_EQ(b.failed_runs, 0u);
    EXPECT_TRUE(b.records.empty());
}

// The error a dump gets, or "" when it is read.
std::string dump_error(const std::string& text, const std::string& source = "dump.yaml") {
    try {
        read_dump(text, source);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::not_understood) << e.what();
        return e.what();
    }
    return "";
}

TEST(DumpSource, ARunCutBeforeItsStatusIsNotUnderstood) {
    std::string whole = test::sample_text("taskrun-unknown-authority.yaml");
    std::string cut = whole.substr(0, whole.find("status:"));
    std::string error = dump_error(cut, "tr.yaml");
    EXPECT_NE(error.find("tr.yaml: TaskRun ci/build-and-push-r4x8q: no Succeeded condition"), std::string::npos) << error;
}

TEST(DumpSource, ARunCutInsideItsConditionIsNotUnderstood) {
    // kubectl writes a condition's fields in alphabetical order: a cut in the message loses
    // status and type; at a line's end the quoted scalar still reads.
    std::string whole = test::sample_text("taskrun-unknown-authority.yaml");
    size_t in_message = whole.find("      to Pod:");
    std::string error = dump_error(whole.substr(0, in_message), "tr.yaml");
    EXPECT_NE(error.find("TaskRun ci/build-and-push-r4x8q"), std::string::npos) << error;
    std::string mid_line = dump_error(whole.substr(0, in_message + 8), "tr.yaml");
    EXPECT_NE(mid_line.find("tr.yaml:"), std::string::npos) << mid_line;
    // A PipelineRun and the items of a List alike; all are counted.
    std::string list = "kind: List\nitems:\n- kind: PipelineRun\n  metadata: {name: a, namespace: ci}\n"
                       "- kind: TaskRun\n  metadata: {name: b, namespace: ci}\n  status: {conditions: [{type: Succeeded}]}\n";
    std::string both = dump_error(list);
    EXPECT_NE(both.find("dump.yaml: PipelineRun ci/a (and 1 more): no Succeeded condition"), std::string::npos) << both;
}

TEST(DumpSource, ASucceededOrRunningRunIsRead) {
    EXPECT_EQ(dump_error(test::sample_text("taskrun-succeeded.yaml")), "");
    EXPECT_EQ(dump_error("kind: TaskRun\nmetadata: {name: a}\nstatus: {conditions: [{type: Succeeded, status: Unknown, reason: Running}]}\n"), "");
}

TEST(DumpSource, AliasesAreRefusedWithTheirLine) {
    // A "billion laughs": nine levels of nine aliases, under a key the reader never reads.
    std::string bomb = "kind: TaskRun\nmetadata: {name: bomb}\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int level = 1; level < 10; ++level) {
        bomb += "lol" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
        for (int k = 0; k < 9; ++k) bomb += (k ? ", *l" : "*l") + std::to_string(level - 1);
        bomb += "]\n";
    }
    std::string error = dump_error(bomb);
    EXPECT_NE(error.find("dump.yaml:4:"), std::string::npos) << error;
    EXPECT_NE(error.find("aliases"), std::string::npos) << error;
}

TEST(DumpSource, AnInflatingListIsRefusedWithinItsBudget) {
    // Empty maps where the reader keeps every element: each 3 bytes would cost about 100.
    std::string text = "kind: TaskRun\nmetadata: {name: a}\nstatus: {conditions: [";
    for (int k = 0; k < 1000000; ++k) text += "{},";
    text += "{}]}\n";
    std::string error = dump_error(text);
    EXPECT_NE(error.find("dump.yaml:3:"), std::string::npos) << error;
    EXPECT_NE(error.find("more values than its size allows"), std::string::npos) << error;
    // Deep nesting anywhere, kept or not.
    EXPECT_NE(dump_error("kind: TaskRun\nx: " + std::string(1000, '[') + std::string(1000, ']') + "\n").find("nested deeper"),
              std::string::npos);
}

TEST(DumpSource, FieldsTheReaderNeverReadsAreNotBuilt) {
    // A long list under a key the reader skips costs nothing but the time to read it.
    std::string text = "kind: TaskRun\nmetadata: {name: a}\nspec: {params: [";
    for (int k = 0; k < 1000000; ++k) text += "{},";
    text += "{}]}\nstatus: {conditions: [{type: Succeeded, status: 'True'}]}\n";
    EXPECT_EQ(dump_error(text), "");
}


TEST(DumpSource, ReadsTheServiceAccountTheStepsPlacesAndWhetherTheRunStillRuns) {
    std::string yaml = R"(apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: build-1, namespace: ci}
spec:
  serviceAccountName: deployer
  taskRef: {name: build-task}
status:
  conditions:
  - {type: Succeeded, status: Unknown, reason: PullImageFailed, message: 'build step "step-build" is pending with reason "Back-off pulling image"'}
  taskSpec:
    steps:
    - {name: clone, image: alpine/git, script: 'git clone'}
    - {name: build, ref: {name: builder-action}}
)";
    InputBatch b = read_dump(yaml, "tr.yaml");
    ASSERT_FALSE(b.records.empty());
    const FailureRecord& r = b.records[0];
    EXPECT_EQ(r.service_account, "deployer");
    EXPECT_TRUE(r.running);
    EXPECT_EQ(r.steps_source.kind, "Task");
    EXPECT_EQ(r.steps_source.name, "build-task");
    ASSERT_EQ(r.steps.size(), 2u);
    EXPECT_EQ(r.steps[1].index, 1);
    EXPECT_EQ(r.steps[1].ref, "builder-action");
}

TEST(DumpSource, AChildTakesThePipelineRunsServiceAccount) {
    std::string yaml = R"(apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: nightly-7, namespace: ci}
spec:
  taskRunTemplate: {serviceAccountName: pipeline-sa}
status:
  conditions:
  - {type: Succeeded, status: "False", reason: Failed, message: 'Tasks Completed: 1 (Failed: 1)'}
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: nightly-7-build, namespace: ci, labels: {tekton.dev/pipelineRun: nightly-7}}
status:
  conditions:
  - {type: Succeeded, status: "False", reason: PodCreationFailed, message: 'failed'}
)";
    InputBatch b = read_dump(yaml, "pr.yaml");
    bool seen = false;
    for (const auto& r : b.records)
        if (r.object.name == "nightly-7-build") {
            seen = true;
            EXPECT_EQ(r.service_account, "pipeline-sa");
            EXPECT_FALSE(r.running);
        }
    EXPECT_TRUE(seen);
}

// A run stuck resolving: the resolution framework retries a transient error (a TLS time-out),
// so the run stays Unknown in ResolvingTaskRef with the error in its message.
const char* kStuckResolving = R"(apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: git-1, namespace: ci}
spec:
  taskRef:
    resolver: git
status:
  conditions:
  - type: Succeeded
    status: "Unknown"
    reason: ResolvingTaskRef
    message: 'error requesting remote resource: error getting "Git" "ci/git-5c1f0a": couldn''t fetch repository: Get "https://git.corp.example/api/v4/projects/team%2Fpipelines": net/http: TLS handshake timeout'
)";

TEST(DumpSource, ARunStuckResolvingOnARetriedTimeoutIsReportedAsWaiting) {
    EXPECT_TRUE(failing_condition("Unknown", "ResolvingTaskRef", "error requesting remote resource: i/o timeout"));
    EXPECT_FALSE(failing_condition("Unknown", "ResolvingTaskRef", "TaskRun ci/git-2 awaiting remote resource"));
    EXPECT_FALSE(failing_condition("Unknown", "ResolvingPipelineRef", ""));
    EXPECT_TRUE(failing_condition("False", "ResolvingTaskRef", ""));
    Report r = diagnose_dump(test::shipped_engine(), kStuckResolving, "git-1.yaml");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.stage, "remote-resolution");
    EXPECT_EQ(f.problem, "timeout");
    EXPECT_TRUE(f.stuck_resolving);
    EXPECT_TRUE(f.running);
    EXPECT_NE(f.explanation.find("stuck in ResolvingTaskRef"), std::string::npos) << f.explanation;
    for (const auto& fix : f.fixes) EXPECT_NE(fix.id, "rerun");
}

// A run that only says it awaits its remote resource has no error to diagnose; after a minute
// of waiting, the note says where the resolver's retried error is, with a command safe to paste.
TEST(DumpSource, ARunLongAwaitingItsRemoteResourceGetsANoteWithTheRequestToRead) {
    std::string text = kStuckResolving;
    text.replace(text.find("    message: "), std::string::npos,
                 "    lastTransitionTime: \"2026-01-01T00:00:00Z\"\n    message: TaskRun ci/git-1 awaiting remote resource\n");
    Report r = diagnose_dump(test::shipped_engine(), text, "git-1.yaml");
    EXPECT_TRUE(r.findings.empty());
    std::string notes;
    for (const auto& n : r.notes) notes += n + "\n";
    EXPECT_NE(notes.find("TaskRun ci/git-1 still waits for its remote resource (ResolvingTaskRef since "), std::string::npos)
        << notes;
    EXPECT_NE(notes.find("jq --arg run 'git-1' '.items[]"), std::string::npos) << notes;
    // The verdict says a run waits, not that all is well.
    EXPECT_EQ(r.waiting_runs, 1u);
    std::string shown = render_text(r, Color::off);
    EXPECT_EQ(shown.find("No problems found"), std::string::npos) << shown;
    EXPECT_NE(shown.find("No failure yet: 1 run has waited over a minute for a remote resource"), std::string::npos) << shown;
    EXPECT_NE(render_markdown(r).find("## tekton-certdoctor: no failure yet, 1 run waiting"), std::string::npos);
}

}  // namespace
}  // namespace certdoctor
