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
    out.reserve(8u << 20);
    uint64_t written = 0, lines = 0, failures = 0;
    char line[2048];
    while (written < bytes) {
        uint64_t second = lines / 200;
        std::string t = ts(second, static_cast<unsigned>(lines % 1000));
        size_t ns = rng.below(40), run = rng.below(100000);
        int n = 0;
        if (lines % every == every / 2) {
            ++failures;
            size_t r = rng.below(registries);
            char reg[64];
            std::snprintf(reg, sizeof reg, "registry-%zu.corp.example:%zu", r, 5000 + r % 7);
            const char* cause = kCauses[rng.below(5)];
            switch (rng.below(8)) {
                case 0:
                case 1:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"error\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller.taskrun-reconciler\","
                                      "\"caller\":\"taskrun/taskrun.go:803\",\"msg\":\"Failed to create task run pod for taskrun "
                                      "\\\"build-%zu\\\": translating TaskSpec to Pod: Get \\\"https://%s/v2/\\\": %s\","
                                      "\"knative.dev/controller\":\"github.com.tektoncd.pipeline.pkg.reconciler.taskrun.Reconciler\","
                                      "\"knative.dev/kind\":\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-%zu/build-%zu\"}\n",
                                      t.c_str(), run, reg, cause, ns, run);
                    break;
                case 2:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"error\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
                                      "\"controller/controller.go:566\",\"msg\":\"Reconcile error\",\"knative.dev/kind\":"
                                      "\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-%zu/build-%zu\",\"duration\":\"1.2s\","
                                      "\"error\":\"failed to create task run pod \\\"build-%zu\\\": translating TaskSpec to Pod: Get "
                                      "\\\"https://%s/v2/\\\": %s. Maybe missing or invalid Task team-%zu/build\"}\n",
                                      t.c_str(), ns, run, run, reg, cause, ns);
                    break;
                case 3:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"error\",\"ts\":\"%s\",\"logger\":\"bundleresolver\",\"caller\":"
                                      "\"framework/reconciler.go:121\",\"msg\":\"error getting \\\"bundleresolver\\\" "
                                      "\\\"team-%zu/bundles-%zu\\\": cannot retrieve the oci image: Get \\\"https://%s/v2/\\\": "
                                      "%s\",\"knative.dev/key\":\"team-%zu/bundles-%zu\"}\n",
                                      t.c_str(), ns, run, reg, cause, ns, run);
                    break;
                case 4:
                    n = std::snprintf(line, sizeof line,
                                      "time=\"%s\" level=error msg=\"PullImage \\\"%s/team/app:v1\\\" failed\" error=\"failed "
                                      "to pull and unpack image \\\"%s/team/app:v1\\\": failed to resolve reference "
                                      "\\\"%s/team/app:v1\\\": failed to do request: Head \\\"https://%s/v2/team/app/manifests/v1\\\": "
                                      "%s\"\n",
                                      t.c_str(), reg, reg, reg, reg, cause);
                    break;
                case 5:
                    n = std::snprintf(line, sizeof line,
                                      "%s error checking push permissions -- make sure you entered the correct tag name, and that "
                                      "you are authenticated correctly, and try again: checking push permission for "
                                      "\"%s/team/app:v1\": creating push check transport for %s failed: Get \"https://%s/v2/\": %s\n",
                                      t.c_str(), reg, reg, reg, cause);
                    break;
                case 6:
                    n = std::snprintf(line, sizeof line,
                                      "%s Error: creating build container: initializing source docker://%s/team/base:1: pinging "
                                      "container registry %s: Get \"https://%s/v2/\": %s\n",
                                      t.c_str(), reg, reg, reg, cause);
                    break;
                default:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"error\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller.taskrun-reconciler\","
                                      "\"msg\":\"Failed to create task run pod for taskrun \\\"build-%zu\\\": translating TaskSpec "
                                      "to Pod: GET https://%s/v2/team/app/manifests/v1: UNAUTHORIZED: authentication required; "
                                      "[map[Action:pull Class: Name:team/app Type:repository]]\",\"knative.dev/kind\":"
                                      "\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-%zu/build-%zu\"}\n",
                                      t.c_str(), run, reg, ns, run);
                    break;
            }
        } else {
            // Lines 5 and 6 hold needles (found, timeout, secret) but no failure: 1% of the lines each.
            size_t kind = rng.below(100);
            kind = kind < 80 ? kind % 5 : kind < 81 ? 5 : kind < 82 ? 6 : 7 + kind % 3;
            switch (kind) {
                case 0:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"info\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
                                      "\"controller/controller.go:550\",\"msg\":\"Reconcile succeeded\",\"commit\":\"3ee1745\","
                                      "\"knative.dev/controller\":\"github.com.tektoncd.pipeline.pkg.reconciler.taskrun.Reconciler\","
                                      "\"knative.dev/kind\":\"tekton.dev.TaskRun\",\"knative.dev/traceid\":\"%016llx\","
                                      "\"knative.dev/key\":\"team-%zu/build-%zu\",\"duration\":\"%zums\"}\n",
                                      t.c_str(), static_cast<unsigned long long>(rng.next()), ns, run, rng.below(900));
                    break;
                case 1:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"info\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller.taskrun-reconciler\","
                                      "\"caller\":\"taskrun/taskrun.go:520\",\"msg\":\"Successfully reconciled taskrun build-%zu/team-%zu "
                                      "with status: &apis.Condition{Type:\\\"Succeeded\\\", Status:\\\"Unknown\\\", Reason:\\\"Running\\\"}\","
                                      "\"knative.dev/kind\":\"tekton.dev.TaskRun\",\"knative.dev/key\":\"team-%zu/build-%zu\"}\n",
                                      t.c_str(), run, ns, ns, run);
                    break;
                case 2:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"debug\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
                                      "\"controller/controller.go:404\",\"msg\":\"Adding to queue team-%zu/build-%zu (depth: %zu)\","
                                      "\"knative.dev/controller\":\"github.com.tektoncd.pipeline.pkg.reconciler.taskrun.Reconciler\"}\n",
                                      t.c_str(), ns, run, rng.below(30));
                    break;
                case 3:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"info\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller.pipelinerun-reconciler\","
                                      "\"caller\":\"pipelinerun/pipelinerun.go:1211\",\"msg\":\"PipelineRun release-%zu status is being "
                                      "set to &{Succeeded Unknown  {2026-11-20 09:14:03 +0000 UTC} Running Tasks Completed: 2 (Failed: 0, "
                                      "Cancelled 0), Incomplete: 3, Skipped: 0}\",\"knative.dev/key\":\"team-%zu/release-%zu\"}\n",
                                      t.c_str(), run, ns, run);
                    break;
                case 4:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"info\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
                                      "\"pod/entrypoint_lookup_impl.go:95\",\"msg\":\"resolved entrypoint for image "
                                      "registry-%zu.corp.example:5000/team/app@sha256:%016llx%016llx\",\"knative.dev/key\":"
                                      "\"team-%zu/build-%zu\"}\n",
                                      t.c_str(), rng.below(200), static_cast<unsigned long long>(rng.next()),
                                      static_cast<unsigned long long>(rng.next()), ns, run);
                    break;
                case 5:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"warn\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
                                      "\"taskrun/taskrun.go:241\",\"msg\":\"taskrun team-%zu/build-%zu not found in the lister, "
                                      "retrying after timeout of 5s\"}\n",
                                      t.c_str(), ns, run);
                    break;
                case 6:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"info\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-webhook\",\"caller\":"
                                      "\"webhook/webhook.go:198\",\"msg\":\"Webhook ServeHTTP request=&http.Request{Method:\\\"POST\\\", "
                                      "URL:\\\"/resource-validation\\\"} took %zums\",\"knative.dev/secret\":\"webhook-certs\"}\n",
                                      t.c_str(), rng.below(50));
                    break;
                case 7:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"info\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller\",\"caller\":"
                                      "\"leaderelection/context.go:156\",\"msg\":\"\\\"tekton-pipelines-controller-7d9f8b6c5-x2k4q_%zu\\\" "
                                      "has started leading \\\"tekton-pipelines-controller.github.com.tektoncd.pipeline.pkg.reconciler."
                                      "taskrun.reconciler.%02zu-of-%02zu\\\"\"}\n",
                                      t.c_str(), rng.below(1000), rng.below(10), static_cast<size_t>(10));
                    break;
                case 8:
                    n = std::snprintf(line, sizeof line,
                                      "%s INFO[0003] Retrieving image manifest registry-%zu.corp.example:5000/team/base:1.%zu\n",
                                      t.c_str(), rng.below(200), rng.below(20));
                    break;
                default:
                    n = std::snprintf(line, sizeof line,
                                      "{\"level\":\"info\",\"ts\":\"%s\",\"logger\":\"tekton-pipelines-controller.resolution\","
                                      "\"caller\":\"resolution/resolution.go:77\",\"msg\":\"resolution request team-%zu/rr-%zu "
                                      "is complete, took %zu ms\",\"knative.dev/key\":\"team-%zu/rr-%zu\"}\n",
                                      t.c_str(), ns, run, rng.below(2000), ns, run);
                    break;
            }
        }
        if (n <= 0) continue;
        out.append(line, static_cast<size_t>(n));
        written += static_cast<uint64_t>(n);
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
