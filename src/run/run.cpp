#include "run/run.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <map>
#include <string_view>
#include <thread>

#include "diagnose/diagnose.h"
#include "diagnose/probe_evidence.h"
#include "fix/artefacts.h"
#include "fix/fix_plan.h"
#include "input/dump_source.h"
#include "input/normalise.h"
#include "input/text_source.h"
#include "probe/http_fetch.h"
#include "util/error.h"
#include "util/kube_names.h"

namespace certdoctor {

Engine::Engine(const std::string& patterns_dir) : Engine(load_catalog_or_throw(patterns_dir)) {}

Engine::Engine(Catalog catalog)
    : catalog_(std::make_unique<Catalog>(std::move(catalog))),
      matcher_(std::make_unique<Matcher>(*catalog_)) {}

namespace {

// Certificates in what was pasted or dumped (an `openssl s_client -showcerts` output, a ConfigMap's
// bundle) can be judged offline as Go would: the report offers the command.
bool holds_certificates(const std::string& text) { return text.find("-----BEGIN CERTIFICATE-----") != std::string::npos; }

// A fix's command or manifest still holds the NAMESPACE placeholder.
bool fixes_name_the_namespace_placeholder(const Report& report) {
    for (const auto& f : report.findings)
        for (const auto& fix : f.fixes)
            if (std::find(fix.placeholders.begin(), fix.placeholders.end(), "NAMESPACE") != fix.placeholders.end())
                return true;
    return false;
}

// Tekton's message for a step that exited non-zero names the command that prints the step's log
// (tektoncd/pipeline pkg/pod/status.go: "%q exited with code %d (image: %q); for logs run:
// kubectl -n %s logs %s -c %s"), where the error the message leaves out is. A pasted text that gave
// no finding (a `tkn taskrun describe`) gets that command, as a dump does, rebuilt from names
// checked as Kubernetes names and quoted for the shell: the command printed is the tool's, never
// the input's. At most five, each once.
std::vector<std::string> failed_step_logs(std::string_view text) {
    static const RE2 step(
        R"re("[^"\n]{1,100}" exited with code (\d{1,3})(?: \(image: "[^"\n]*"\))?; for logs run: kubectl -n ([a-z0-9][a-z0-9.-]*) logs ([a-z0-9][a-z0-9.-]*) -c ([a-z0-9][a-z0-9-]*)(?:$|[\s"'\\]))re");
    std::vector<std::string> notes;
    re2::StringPiece rest(text.data(), text.size());
    std::string code, ns, pod, container;
    while (notes.size() < 5 && RE2::FindAndConsume(&rest, step, &code, &ns, &pod, &container)) {
        if (!is_dns_label(ns) || !is_dns_subdomain(pod) || !is_dns_label(container)) continue;
        std::string note = failed_step_pointer(container, code, ns, pod);
        if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
    }
    return notes;
}

void offer_offline_probe(Report& report) {
    report.notes.push_back(
        "the input holds certificates: save the chain (leaf first) to a file and run `kubectl tekton-certdoctor probe "
        "--chain-file FILE --server-name REGISTRY-HOST` to judge it offline as the controller (Go) would");
}

}  // namespace

Report explain_text(const Engine& engine, std::string text, const std::string& source,
                    const ProbeOptions* probe, const std::string& run_namespace) {
    InputBatch batch = read_text(text, source);
    DiagnoseOptions options;
    options.context = engine.matcher().context_sites(text);  // who the text around the messages names
    // Lines behind a CI's or a logger's prefix ("[2021-07-20T09:00:38Z] ERROR: for app ...") start
    // where their prefix ends: what the context reads at a line's start is read there too.
    if (std::string bare = without_log_prefixes(text); bare != text) {
        for (auto& c : engine.matcher().context_sites(bare))
            if (std::none_of(options.context.begin(), options.context.end(),
                             [&](const ContextMatch& o) { return o.site == c.site; }))
                options.context.push_back(std::move(c));
    }
    options.context_from_messages = true;
    options.max_findings = kMaxFindings;
    options.registry_api_in_text = names_registry_api(text);
    options.lone_dependent_causes = true;
    options.image_in_text = image_named_by_commands(text);
    bool certificates = holds_certificates(text);
    std::vector<std::string> step_logs = failed_step_logs(text);
    std::string().swap(text);  // the records hold what is needed: the text goes before the diagnosis
    Report report = diagnose(batch, engine.matcher(), engine.catalog(), options);
    if (certificates) offer_offline_probe(report);
    if (report.findings.empty())
        for (auto& n : step_logs) report.notes.push_back(std::move(n));
    if (!run_namespace.empty())
        for (auto& f : report.findings)
            if (f.object.namespace_.empty()) f.object.namespace_ = run_namespace;
    if (probe) probe_findings(report, *probe);
    plan_report_fixes(report, engine.catalog());
    if (run_namespace.empty() && fixes_name_the_namespace_placeholder(report))
        report.notes.push_back("NAMESPACE in the fixes stands for the namespace of the failing run (or pod), which the text "
                               "does not name: `explain -n NAMESPACE ...` writes it in");
    return report;
}

Report diagnose_dump(const Engine& engine, const std::string& text, const std::string& source,
                     const ProbeOptions* probe) {
    Report report = diagnose(read_dump(text, source), engine.matcher(), engine.catalog());
    if (holds_certificates(text)) offer_offline_probe(report);
    if (probe) probe_findings(report, *probe);
    plan_report_fixes(report, engine.catalog());
    return report;
}

void read_step_images(Finding& f, const ProbeOptions& options, std::map<std::string, ImageView>& cache,
                      std::vector<std::string>& notes) {
    ProbeOptions image_options = options;
    image_options.entrypoint = true;
    for (const auto& step : f.lookup_steps) {
        if (step.image.empty() || registry_of_image(step.image) != f.registry) continue;
        auto [image, fresh] = cache.try_emplace(step.image);
        if (fresh) {
            try {
                image->second = probe_registry(parse_probe_target(step.image), image_options).image;
            } catch (const Error& e) {
                image->second.error = e.what();
            }
            if (!image->second.read)
                notes.push_back("the Entrypoint of " + step.image + " could not be read: " + image->second.error);
        }
        f.step_images.emplace_back(step.image, image->second);
    }
}

void probe_findings(Report& report, const ProbeOptions& options) {
    RegistryProber prober(options);
    prober.add(report.findings);
    prober.fold_into(report);
}

namespace {
constexpr size_t kParallelProbes = 8;  // probes side by side, each bounded by its own timeout
}

RegistryProber::RegistryProber(ProbeOptions options) : options_(std::move(options)) {}

RegistryProber::~RegistryProber() { wait(); }

void RegistryProber::add(const std::vector<Finding>& findings) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& f : findings) {
        if (!worth_probing(f) || targets_.count(f.registry)) continue;
        try {
            targets_.emplace(f.registry, parse_probe_target(f.registry));
        } catch (const Error&) {
            notes_.push_back("registry " + f.registry + " is not a host[:port]; not probed");
            targets_.emplace(f.registry, ProbeTarget{});
            continue;
        }
        registries_.push_back(f.registry);
        results_.emplace_back();
        errors_.emplace_back();
    }
    size_t waiting = registries_.size() - next_;
    if (waiting == 0) return;
    if (threads_.empty()) ensure_http_ready();  // libcurl's global set-up comes before any thread uses it
    for (; running_ < kParallelProbes && waiting > 0; --waiting) {
        ++running_;
        threads_.emplace_back([this] { work(); });
    }
}

void RegistryProber::work() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (next_ < registries_.size()) {
        size_t i = next_++;
        const ProbeTarget& target = targets_.at(registries_[i]);
        ProbeResult& result = results_[i];
        std::exception_ptr& error = errors_[i];
        lock.unlock();
        try {
            result = probe_registry(target, options_);
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
    }
    --running_;
}

void RegistryProber::wait() {
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

void RegistryProber::fold_into(Report& report) {
    wait();
    for (auto& e : errors_)
        if (e) std::rethrow_exception(e);
    for (auto& n : notes_) report.notes.push_back(n);
    std::map<std::string, const ProbeResult*> probed;
    for (size_t i = 0; i < registries_.size(); ++i) probed[registries_[i]] = &results_[i];
    // The Entrypoint and Cmd of the images whose lookup failed, where the registry passes with the
    // pool given (--ca-file): set-step-command then carries them. Each image read once.
    std::map<std::string, ImageView> images;
    bool any = false;
    for (auto& f : report.findings) {
        if (!worth_probing(f)) continue;
        auto it = probed.find(f.registry);
        if (it == probed.end()) continue;
        if (f.stage == "entrypoint-lookup" && it->second->problem == "ok" && it->second->failing_host.empty())
            read_step_images(f, options_, images, report.notes);
        apply_probe(f, *it->second);
        any = true;
    }
    if (!any && !report.findings.empty())
        report.notes.push_back("--probe: no finding names a registry with a certificate problem, so nothing was probed");
}

}  // namespace certdoctor
