// Writes a Tekton controller-style log for the `analyze` benchmark: zap JSON lines as the
// controller writes them, mixed with the step, resolver, kubelet and containerd lines an
// incident bundle holds. One line in `--every` (1000: 0.1%) is a registry or TLS failure of one
// of the kinds below, against one of `--registries` registries; the rest are ordinary lines,
// some of which hold words the prefilter looks for (found, timeout, secret...).
//
//   gen_controller_log --bytes 1073741824 --registries 200 --every 1000 > controller.log
//   prints to stderr: lines written, failure lines written (the exact count analyze must report)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Rng {
    uint64_t s = 0x9e3779b97f4a7c15ull;
    uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

std::string ts(uint64_t second, unsigned millis) {
    unsigned day = static_cast<unsigned>(20 + second / 86400 % 8);
    unsigned h = static_cast<unsigned>(second / 3600 % 24), m = static_cast<unsigned>(second / 60 % 60),
             sec = static_cast<unsigned>(second % 60);
    char out[40];
    std::snprintf(out, sizeof out, "2026-11-%02uT%02u:%02u:%02u.%03uZ", day, h, m, sec, millis % 1000);
    return out;
}

const char* kCauses[] = {
    "tls: failed to verify certificate: x509: certificate signed by unknown authority",
    "x509: certificate signed by unknown authority",
    "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-20T09:14:03Z is after 2026-10-01T00:00:00Z",
    "tls: failed to verify certificate: x509: certificate relies on legacy Common Name field, use SANs instead",
    "http: server gave HTTP response to HTTPS client",
};

// Line shapes. In them {ts} is the time stamp, {ns} and {run} the run's namespace and number,
// {reg} the registry and {cause} the failure (in failure lines), {n:K} a number below K, {nn:K}
// the same in two digits, and {hex} 16 hex digits.
const char* kFailureShapes[] = {
    // The controller's entrypoint lookup (twice as often as the others).
    "{\"level\":\"error\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller.taskrun-reconciler\","
    "\"caller\":\"taskrun/taskrun.go:803\",\"msg\":\"Failed to create task run pod for taskrun "
    "\\\"build-{run}\\\": translating TaskSpec to Pod: Get \\\"https://{reg}/v2/\\\": {cause}\","
    "\"knative.dev/controller\":\"github.com.tektoncd.pipeline.pkg.reconciler.taskrun.Reconciler\","
    "\"knative.dev/kind\":\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-{ns}/build-{run}\"}",
    nullptr,  // the same as the one before
    "{\"level\":\"error\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
    "\"controller/controller.go:566\",\"msg\":\"Reconcile error\",\"knative.dev/kind\":"
    "\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-{ns}/build-{run}\",\"duration\":\"1.2s\","
    "\"error\":\"failed to create task run pod \\\"build-{run}\\\": translating TaskSpec to Pod: Get "
    "\\\"https://{reg}/v2/\\\": {cause}. Maybe missing or invalid Task team-{ns}/build\"}",
    "{\"level\":\"error\",\"ts\":\"{ts}\",\"logger\":\"bundleresolver\",\"caller\":"
    "\"framework/reconciler.go:121\",\"msg\":\"error getting \\\"bundleresolver\\\" "
    "\\\"team-{ns}/bundles-{run}\\\": cannot retrieve the oci image: Get \\\"https://{reg}/v2/\\\": "
    "{cause}\",\"knative.dev/key\":\"team-{ns}/bundles-{run}\"}",
    "time=\"{ts}\" level=error msg=\"PullImage \\\"{reg}/team/app:v1\\\" failed\" error=\"failed "
    "to pull and unpack image \\\"{reg}/team/app:v1\\\": failed to resolve reference "
    "\\\"{reg}/team/app:v1\\\": failed to do request: Head \\\"https://{reg}/v2/team/app/manifests/v1\\\": "
    "{cause}\"",
    "{ts} error checking push permissions -- make sure you entered the correct tag name, and that "
    "you are authenticated correctly, and try again: checking push permission for "
    "\"{reg}/team/app:v1\": creating push check transport for {reg} failed: Get \"https://{reg}/v2/\": {cause}",
    "{ts} Error: creating build container: initializing source docker://{reg}/team/base:1: pinging "
    "container registry {reg}: Get \"https://{reg}/v2/\": {cause}",
    "{\"level\":\"error\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller.taskrun-reconciler\","
    "\"msg\":\"Failed to create task run pod for taskrun \\\"build-{run}\\\": translating TaskSpec "
    "to Pod: GET https://{reg}/v2/team/app/manifests/v1: UNAUTHORIZED: authentication required; "
    "[map[Action:pull Class: Name:team/app Type:repository]]\",\"knative.dev/kind\":"
    "\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-{ns}/build-{run}\"}",
};

// Ordinary lines; the lister's and the webhook's (5 and 6) hold needles (found, timeout, secret)
// but no failure.
const char* kOrdinaryShapes[] = {
    "{\"level\":\"info\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
    "\"controller/controller.go:550\",\"msg\":\"Reconcile succeeded\",\"commit\":\"3ee1745\","
    "\"knative.dev/controller\":\"github.com.tektoncd.pipeline.pkg.reconciler.taskrun.Reconciler\","
    "\"knative.dev/kind\":\"tekton.dev.TaskRun\",\"knative.dev/traceid\":\"{hex}\","
    "\"knative.dev/key\":\"team-{ns}/build-{run}\",\"duration\":\"{n:900}ms\"}",
    "{\"level\":\"info\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller.taskrun-reconciler\","
    "\"caller\":\"taskrun/taskrun.go:520\",\"msg\":\"Successfully reconciled taskrun build-{run}/team-{ns} "
    "with status: &apis.Condition{Type:\\\"Succeeded\\\", Status:\\\"Unknown\\\", Reason:\\\"Running\\\"}\","
    "\"knative.dev/kind\":\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-{ns}/build-{run}\"}",
    "{\"level\":\"debug\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
    "\"controller/controller.go:404\",\"msg\":\"Adding to queue team-{ns}/build-{run} (depth: {n:30})\","
    "\"knative.dev/controller\":\"github.com.tektoncd.pipeline.pkg.reconciler.taskrun.Reconciler\"}",
    "{\"level\":\"info\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller.pipelinerun-reconciler\","
    "\"caller\":\"pipelinerun/pipelinerun.go:1211\",\"msg\":\"PipelineRun release-{run} status is being "
    "set to &{Succeeded Unknown  {2026-11-20 09:14:03 +0000 UTC} Running Tasks Completed: 2 (Failed: 0, "
    "Cancelled 0), Incomplete: 3, Skipped: 0}\",\"knative.dev/key\":\"team-{ns}/release-{run}\"}",
    "{\"level\":\"info\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
    "\"pod/entrypoint_lookup_impl.go:95\",\"msg\":\"resolved entrypoint for image "
    "registry-{n:200}.corp.example:5000/team/app@sha256:{hex}{hex}\",\"knative.dev/key\":"
    "\"team-{ns}/build-{run}\"}",
    "{\"level\":\"warn\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
    "\"taskrun/taskrun.go:241\",\"msg\":\"taskrun team-{ns}/build-{run} not found in the lister, "
    "retrying after timeout of 5s\"}",
    "{\"level\":\"info\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-webhook\",\"caller\":"
    "\"webhook/webhook.go:198\",\"msg\":\"Webhook ServeHTTP request=&http.Request{Method:\\\"POST\\\", "
    "URL:\\\"/resource-validation\\\"} took {n:50}ms\",\"knative.dev/secret\":\"webhook-certs\"}",
    "{\"level\":\"info\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
    "\"leaderelection/context.go:156\",\"msg\":\"\\\"tekton-pipelines-controller-7d9f8b6c5-x2k4q_{n:1000}\\\" "
    "has started leading \\\"tekton-pipelines-controller.github.com.tektoncd.pipeline.pkg.reconciler."
    "taskrun.reconciler.{nn:10}-of-10\\\"\"}",
    "{ts} INFO[0003] Retrieving image manifest registry-{n:200}.corp.example:5000/team/base:1.{n:20}",
    "{\"level\":\"info\",\"ts\":\"{ts}\",\"logger\":\"tekton-pipelines-controller.resolution\","
    "\"caller\":\"resolution/resolution.go:77\",\"msg\":\"resolution request team-{ns}/rr-{run} "
    "is complete, took {n:2000} ms\",\"knative.dev/key\":\"team-{ns}/rr-{run}\"}",
};

struct Fields {
    std::string ts, reg, cause;
    size_t ns = 0, run = 0;
};

// Appends `shape` to `out` with its fields filled in, and a newline.
void expand(const char* shape, const Fields& f, Rng& rng, std::string& out) {
    char number[40];
    for (const char* p = shape; *p;) {
        const char* close = *p == '{' ? std::strchr(p, '}') : nullptr;
        std::string name = close ? std::string(p + 1, close) : std::string();
        size_t colon = name.find(':');
        std::string field = name.substr(0, colon);
        size_t bound = colon == std::string::npos ? 0 : std::strtoul(name.c_str() + colon + 1, nullptr, 10);
        if (field == "ts") out += f.ts;
        else if (field == "reg") out += f.reg;
        else if (field == "cause") out += f.cause;
        else if (field == "ns") out += std::to_string(f.ns);
        else if (field == "run") out += std::to_string(f.run);
        else if (field == "n" && bound) out += std::to_string(rng.below(bound));
        else if (field == "nn" && bound) {
            std::snprintf(number, sizeof number, "%02zu", rng.below(bound));
            out += number;
        } else if (field == "hex") {
            std::snprintf(number, sizeof number, "%016llx", static_cast<unsigned long long>(rng.next()));
            out += number;
        } else {
            out += *p++;  // not a field: JSON's own braces
            continue;
        }
        p = close + 1;
    }
    out += '\n';
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t bytes = 1ull << 30;
    size_t registries = 200, every = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--bytes")) bytes = std::strtoull(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--registries")) registries = std::strtoul(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--every")) every = std::strtoul(argv[i + 1], nullptr, 10);
        else {
            std::fprintf(stderr, "usage: gen_controller_log [--bytes N] [--registries N] [--every N]\n");
            return 2;
        }
    }
    if (!registries || !every) return 2;
    Rng rng;
    std::string out;
    out.reserve(9u << 20);
    uint64_t written = 0, lines = 0, failures = 0;
    constexpr size_t kFailureKinds = sizeof kFailureShapes / sizeof *kFailureShapes;
    while (written < bytes) {
        Fields f;
        f.ts = ts(lines / 200, static_cast<unsigned>(lines % 1000));
        f.ns = rng.below(40);
        f.run = rng.below(100000);
        const char* shape;
        if (lines % every == every / 2) {
            ++failures;
            size_t r = rng.below(registries);
            f.reg = "registry-" + std::to_string(r) + ".corp.example:" + std::to_string(5000 + r % 7);
            f.cause = kCauses[rng.below(5)];
            size_t kind = rng.below(kFailureKinds);
            shape = kFailureShapes[kind] ? kFailureShapes[kind] : kFailureShapes[kind - 1];
        } else {
            // The lister's and the webhook's lines: 1% of the lines each.
            size_t kind = rng.below(100);
            kind = kind < 80 ? kind % 5 : kind < 81 ? 5 : kind < 82 ? 6 : 7 + kind % 3;
            shape = kOrdinaryShapes[kind];
        }
        size_t before = out.size();
        expand(shape, f, rng, out);
        written += out.size() - before;
        ++lines;
        if (out.size() >= (8u << 20)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fprintf(stderr, "%llu lines, %llu failure lines, %llu bytes\n", static_cast<unsigned long long>(lines),
                 static_cast<unsigned long long>(failures), static_cast<unsigned long long>(written));
    return 0;
}
