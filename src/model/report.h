// The finished report: what every renderer reads and nothing after the diagnosis computes.
// Field names follow the JSON schema in plugin/report.schema.json.
#pragma once

#include <string>
#include <vector>

#include "model/probe_result.h"
#include "model/record.h"

namespace certdoctor {

struct ChainFrame {
    std::string function;
    std::string file;
    bool failed = false;  // the frame where the failure happened
    // Catalog only: the problems that fail here instead of at the frame marked `fails` (a 401
    // comes from the manifest request after the ping and the token).
    std::vector<std::string> fails_for;
};

struct CallChainView {
    std::string id;
    std::string title;
    std::string versions;  // the Tekton versions this shape of the chain belongs to
    std::vector<ChainFrame> frames;

    // Whether the text said where it failed (a frame is marked).
    bool any_failed() const {
        for (const auto& fr : frames)
            if (fr.failed) return true;
        return false;
    }
};

// A comment that goes with a fix's commands: it stands before command `before` (or after the
// last one when `before` is the number of commands).
struct CommandComment {
    size_t before = 0;
    std::string text;
};

struct FixView {
    std::string id;
    std::string title;
    std::string description;
    std::vector<std::string> commands;  // shell commands only, each one line, every value quoted
    std::vector<CommandComment> comments;
    std::string manifest;  // YAML, empty when the fix has none
    // The placeholders its commands and manifest still hold (NAMESPACE, REGISTRY-HOST ...): what
    // the input did not name, to be filled in before the fix is run. Empty: ready as it stands.
    std::vector<std::string> placeholders;
    bool needs_run = false;  // the fix re-creates the finding's run (one such fix per run is kept)
    // The fix holds only if the finding's guessed caller made the request (a component named at
    // medium or low confidence): `condition` says which; it is never presented as the fix.
    bool conditional = false;
    std::string condition;
};

struct Evidence {
    std::string text;       // the normalised message
    size_t key_begin = 0;   // the part that names the failure, as a byte range in `text`
    size_t key_end = 0;
    std::string origin;     // where the message was read
};

// How many places a finding lists where it was read; past it they are only counted.
inline constexpr size_t kMaxSeenIn = 20;
// Distinct failures the diagnosis of one pasted text keeps, in the order the text first shows them;
// past it they are counted, not kept (a log that large is what `analyze` summarises).
inline constexpr size_t kMaxFindings = 500;

// What the cluster mode read of the installation that a fix needs to be exact (cluster mode
// only; `read` false offline).
struct InstallationFacts {
    bool read = false;
    bool configmap_present = false;  // config-registry-cert exists
    std::vector<std::pair<std::string, std::string>> configmap_data;  // in the API's order
    std::vector<std::pair<std::string, std::string>> configmap_labels;
    std::vector<std::pair<std::string, std::string>> configmap_annotations;
    bool operator_managed = false;   // the Tekton Operator owns the installation (TektonConfig)
    bool statefulsets = false;       // the operator's statefulset-ordinals: the controller is a StatefulSet
    bool openshift = false;
};

// What the cluster checks established, for one finding.
struct ClusterFacts {
    bool openshift = false;
    bool controller =
        false;  // the request was the controller's own (config-registry-cert feeds it)
    bool resolvers_request = false;  // the remote resolvers Deployment made it
    bool resolvers_have_ca = false;
    std::string version;    // the controller's Tekton version
    std::string configmap;  // "namespace/config-registry-cert"
    bool configmap_absent = false;
    bool has_cert = false;  // a non-empty value under `cert`
    std::string wrong_key;  // a key other than `cert` that holds certificates
    // With exactly the certificates under `wrong_key`, Go's verdict on the registry: "ok", a
    // problem, or "unknown" (not probed).
    std::string moved_verdict = "unknown";
    bool trusted = false;      // with exactly the bundle under `cert`, Go accepts the registry
    std::string restarted;     // controller-restarted-after-config: pass, fail, skip
    std::string changed_text;  // when the ConfigMap last changed
    bool failed_before_restart =
        false;  // the run failed before the controller restarted with the CA
};

// What the API server's authoriser refused, as its Forbidden message names it ("User %q cannot %s
// resource %q in API group %q in the namespace %q", or "cannot %s path %q"); empty fields when the
// message does not say.
struct RefusedRequest {
    std::string user;
    std::string verb;
    std::string resource;    // with its subresource: "pods/exec"
    std::string api_group;   // "" is the core group
    std::string namespace_;  // "" at the cluster scope
    std::string path;        // a non-resource URL ("/metrics") when that is what was refused
};

struct Finding {
    std::string pattern;       // "<site-id>/<cause-id>", or just one of them
    std::string site_rule;     // the rule that placed it on a call chain ("" when none did)
    std::string cause_rule;    // the rule that named the problem ("" when none did)
    std::string component;
    std::string stage;
    std::string problem;
    bool lookalike = false;    // not a registry problem, though it reads like one
    // The words are a server's own log of a connection (a cause with side: server): `host` is the
    // client it names, and the caller is that client, not a guess.
    bool server_log = false;
    std::string registry;      // host or host:port, as in the image reference
    // Whether the peer is an image registry; else a host (a look-alike's server, a git server),
    // which the text and Markdown label so (JSON keeps the field `registry`).
    bool peer_is_registry() const { return (!lookalike || registry_answered) && stage != "git-fetch"; }
    // A look-alike only in that no registry fix applies (a registry's own answer: a missing
    // manifest), the text showing the registry's API: the peer is still a registry.
    bool registry_answered = false;
    // No rule named the caller and the text shows no registry (no image, no registry API path or
    // error code): the peer may be a registry or any other HTTPS server, and the prose says
    // "server" rather than assume one. The fixes still assume what the likely callers talk to.
    bool peer_unnamed = false;
    // "registry", "server" (a look-alike's: a webhook, the API server, a web site), "git-server",
    // or "unknown" (peer_unnamed).
    std::string peer() const {
        if (peer_unnamed) return "unknown";
        return peer_is_registry() ? "registry" : stage == "git-fetch" ? "git-server" : "server";
    }
    // The peer as prose and fix templates name it: "registry", "server" or "git server".
    std::string peer_in_prose() const {
        std::string p = peer();
        return p == "git-server" ? "git server" : p == "unknown" ? "server" : p;
    }
    // Whether text and Markdown label the peer's name "registry" (else "host").
    bool labelled_registry() const { return peer_is_registry() && !peer_unnamed; }
    std::string url;
    std::string image;
    std::string step;
    std::string tool;          // for step tools: kaniko, buildah, docker, skopeo, crane, helm; ssh for git over SSH
    std::string host;          // the name the certificate was checked against, when stated
    std::string dialled;       // the address the connection went to ("dial tcp 127.0.0.1:5000"), when stated
    ObjectRef object;
    ObjectRef parent;
    CallChainView chain;
    std::string title;         // one line: what failed, where
    std::string explanation;
    // What in the cluster decided the order of the fixes ("config-registry-cert already holds a
    // CA with which Go accepts ..."), one sentence each; the renderers show it after the explanation.
    std::vector<std::string> in_this_cluster;
    Evidence evidence;
    std::vector<std::string> seen_in;  // where the same failure was read: the first kMaxSeenIn places
    size_t seen_in_total = 0;          // how many places in all
    std::vector<StepSpec> lookup_steps;  // steps that trigger the entrypoint lookup
    std::vector<StepSpec> steps;         // all the run's steps, when known
    StepsSource steps_source;            // where they are declared
    std::string service_account;         // the ServiceAccount the run names ("" none: `default`)
    std::string missing_secret;          // the Secret the message says does not exist, when it names one
    std::string node;                    // the node of the run's pod, when the input names it
    RefusedRequest refused;              // what RBAC refused, when the message names it
    bool running = false;                // the run has not finished: it may still recover
    // The run waits in ResolvingTaskRef / ResolvingPipelineRef / ResolvingStepActionRef while
    // resolution retries the error the finding names.
    bool stuck_resolving = false;
    // The runs a re-run re-creates: the finding's own (or its PipelineRun), or every run of a
    // sweep's group; empty means the finding's own.
    std::vector<ObjectRef> rerun_runs;
    InstallationFacts installation;
    // Cluster mode: what the checks established for this finding; the fix policy decides on it.
    bool cluster_checked = false;
    ClusterFacts cluster_facts;
    // The images of `lookup_steps` as the probe read them (--probe with a verdict of ok): their
    // Entrypoint and Cmd per platform, by image reference.
    std::vector<std::pair<std::string, ImageView>> step_images;
    std::vector<FixView> fixes;
    std::vector<std::string> references;
    bool probed = false;       // --probe: the registry's real chain was checked
    ProbeResult probe;
    std::string message_problem;  // the problem the message named, when the probe corrected it
    // Cluster mode: where Tekton runs, and the key a misplaced CA sits under (fix templates).
    std::string tekton_namespace;
    std::string wrong_config_key;
    std::string failed_at;     // RFC 3339: when the run failed, when known
    // How sure the component is: high when the message names its caller, medium when the text
    // around it does (`context` says what named it), low when nothing does.
    std::string confidence = "low";
    std::string context;
    std::vector<std::string> candidates;  // sites the context named, when they disagree
    // A library's words that several callers print (a site of confidence low) name no caller:
    // `component` and `stage` are then unknown, and these hold the likeliest caller, whose fixes
    // the plan offers after the step that finds out who called.
    std::string likely_component;
    std::string likely_stage;
};

// One check of the installation (cluster mode), e.g. "config-registry-cert-key".
struct ClusterCheck {
    std::string id;
    std::string status;     // pass, fail, skip
    std::string detail;
    std::string registry;   // for the checks made per registry
};

// Where the cluster-mode report was read.
struct ClusterView {
    bool read = false;
    std::string context;
    std::string server;
    std::string namespace_;     // "" for all namespaces
    std::string tekton_api;     // tekton.dev/v1 or tekton.dev/v1beta1
    std::string tekton_version; // of the controller, "" when unknown
    std::string tekton_namespace;
    bool openshift = false;
};

// Sweeps and logs: findings with the same root cause, counted, with the runs they hit.
struct FindingGroup {
    std::string pattern;
    std::string component;
    std::string problem;
    std::string registry;
    size_t count = 0;            // failed runs (sweeps) or log lines (analyze)
    size_t finding = 0;          // index of the representative finding
    std::vector<ObjectRef> runs;  // the objects hit (logs: at most kMaxObjects of them)
    size_t runs_total = 0;       // logs: how many distinct objects, also past the list's cap
    std::string first_seen;      // logs: the earliest and latest time stamps of its lines
    std::string last_seen;
    std::string first_line;      // logs: where its first line was read ("controller.log:12")
    std::vector<FixView> fixes;  // logs: the fixes for this group's registry; `finding` has the
                                 // diagnosis its pattern shares with other groups
};

// What `analyze` read.
struct LogSourceStats {
    std::string name;
    uint64_t bytes = 0;
    uint64_t lines = 0;
    bool gzip = false;
};

// analyze: the lines of one (component, problem), over all its registries.
struct LogProblem {
    std::string component;
    std::string problem;
    uint64_t lines = 0;
    size_t registries = 0;  // groups
};

struct LogView {
    bool read = false;
    uint64_t lines_scanned = 0;
    uint64_t matched_lines = 0;  // registry or TLS failure lines, each counted once
    uint64_t bytes = 0;
    uint64_t long_lines = 0;     // lines searched only in their first MiB
    uint64_t ungrouped_lines = 0;  // failure lines counted but in no group (past the groups' bounds)
    std::vector<LogSourceStats> sources;
    std::vector<LogProblem> by_problem;  // most lines first
};

// What `diagnose --apply` did to one object (or would have, with --dry-run=server).
struct AppliedChange {
    std::string fix;        // the fix id it carries out
    std::string operation;  // its typed operation (merge-pems, restart-workload, ...)
    std::string kind;
    std::string namespace_;
    std::string name;
    std::string action;     // created, updated, patched, unchanged
    std::string before_resource_version;  // "" when the object did not exist
    std::string after_resource_version;
    bool dry_run = false;   // sent with dryRun=All: nothing was stored
    int conflicts = 0;      // 409s answered by re-reading and merging again
};

// What --apply did and --verify found.
struct ApplyView {
    bool requested = false;
    bool dry_run = false;
    std::string outcome;  // applied, nothing-to-change, declined, refused, dry-run
    std::vector<AppliedChange> changes;
    std::vector<std::string> refused;  // what was left undone, each with the change to make by hand
    bool verified = false;             // --verify ran
    std::string verify_verdict;        // Go's verdict with the bundle now in the cluster ("ok" or a problem)
    std::string verify_detail;
    std::string pods_newer;            // pass, fail, skip: the controller pods started after the ConfigMap changed
};

enum class ReportStatus { problems_found, no_problems, unrecognized };

struct Report {
    ReportStatus status = ReportStatus::unrecognized;
    std::string source;      // what was read: "arguments", "standard input", a file name
    size_t messages_read = 0;
    std::vector<Finding> findings;  // most significant first
    std::vector<std::string> notes;  // what the reader should know about the input
    ClusterView cluster;             // cluster mode only
    std::vector<ClusterCheck> cluster_checks;
    bool sweep = false;              // diagnose taskruns / -A: findings are grouped
    size_t runs_scanned = 0;
    size_t failed_runs = 0;
    size_t waiting_runs = 0;         // runs long waiting for their remote resource (a note says where its error is)
    size_t findings_not_kept = 0;    // distinct failures past kMaxFindings, counted only
    std::vector<FindingGroup> groups;
    LogView log;                     // analyze only
    ApplyView apply;                 // diagnose --apply only
};

const char* to_string(ReportStatus status);

}  // namespace certdoctor
