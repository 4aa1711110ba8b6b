// kubectl-tekton_certdoctor: the kubectl-facing shell. Parses the command line into Options,
// calls the core, renders, and maps the outcome onto the documented exit codes. The only place
// that prints "tekton-certdoctor: error: ...".
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <iostream>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>

#include "cluster/runs_reader.h"
#include "cluster/cluster_logs.h"
#include "fix/export.h"
#include "run/analyze.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "match/lint.h"
#include "match/regex_export.h"
#include "probe/offline_probe.h"
#include "probe/probe.h"
#include "flag_values.h"
#include "options.h"
#include "render/render.h"
#include "run/cluster_run.h"
#include "run/run.h"
#include "util/error.h"
#include "util/read_input.h"
#include "util/escape.h"
#include "util/text.h"
#include "version.h"

namespace certdoctor {
namespace {

constexpr const char* kName = "kubectl tekton-certdoctor";

// Bounds of the count flags. --chunk-size is sent as the list's limit: kube-apiserver answers
// pages of any size, but a page over 100,000 runs cannot fit the 64 MiB response bound.
constexpr long long kMaxChunkSize = 100000;
constexpr long long kMaxCount = 1000000000;  // --limit, --tail: a billion is "all" in practice

const char* kExitCodes = R"(Exit codes:
  0  no problem found
  1  a problem was diagnosed
  2  usage error
  3  input not understood, the failure not recognised, or the run does not exist
  4  the tool failed (I/O, network, API, a broken catalog))";

bool use_color(const Options& o) {
    if (o.no_color || o.output != OutputFormat::text) return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    const char* term = std::getenv("TERM");
    if (term && std::string(term) == "dumb") return false;
    return isatty(STDOUT_FILENO) == 1;
}

// The report on standard output, in the format asked for.
void print(const Report& report, const Options& o) {
    switch (o.output) {
        case OutputFormat::json: write_json(report, std::cout); return;
        case OutputFormat::markdown: std::cout << render_markdown(report); return;
        case OutputFormat::text: break;
    }
    std::cout << render_text(report, use_color(o) ? Color::on : Color::off);
}

ExitCode exit_code_for(const Report& report) {
    switch (report.status) {
        case ReportStatus::problems_found: return ExitCode::problem_found;
        case ReportStatus::no_problems: return ExitCode::no_problem;
        case ReportStatus::unrecognized: return ExitCode::not_understood;
    }
    return ExitCode::tool_failed;
}

void log_verbose(const Options& o, const Engine& engine, const Report& report) {
    if (o.verbose <= 0) return;
    const Catalog& c = engine.catalog();
    std::cerr << "tekton-certdoctor: catalog: " << c.sites.size() << " sites, " << c.causes.size()
              << " causes, " << c.fixes.size() << " fixes, " << c.chains.size() << " chains"
              << (o.patterns_dir.empty() ? "" : " (with " + o.patterns_dir + ")") << "\n";
    std::cerr << "tekton-certdoctor: read " << report.messages_read << " messages from " << visible(report.source)
              << "; " << report.findings.size() << " findings\n";
    for (const auto& f : report.findings)
        std::cerr << "tekton-certdoctor:   " << visible(f.pattern) << " at " << visible(seen_in_list(f)) << "\n";
}

// The probe settings the command line asked for (`probe`, and `--probe` of explain/diagnose).
ProbeOptions probe_options(const Options& o) {
    ProbeOptions p;
    p.ca_files = o.ca_files;
    p.system_roots = !o.no_system_roots;
    p.server_name = o.server_name;
    p.timeout = parse_duration(o.timeout);
    p.entrypoint = o.entrypoint;
    p.registry_config = o.registry_config;
    return p;
}

// --probe for explain and diagnose: null when not asked for.
std::unique_ptr<ProbeOptions> probe_if_asked(const Options& o) {
    if (!o.probe) {
        if (!o.ca_files.empty()) throw Error("--ca-file goes with --probe", ExitCode::usage);
        return nullptr;
    }
    return std::make_unique<ProbeOptions>(probe_options(o));
}

int run_explain(const Options& o) {
    std::string text, source;
    bool from_stdin = (o.text.size() == 1 && o.text[0] == "-") || (o.text.empty() && !isatty(STDIN_FILENO));
    if (from_stdin) {
        text = read_input("-");
        source = "stdin";
    } else if (o.text.empty()) {
        throw Error("explain needs the error text: as arguments, or '-' to read standard input "
                    "(see --help)", ExitCode::usage);
    } else {
        text = join(o.text, " ");
        source = "argument";
    }
    Engine engine(o.patterns_dir);
    auto probe = probe_if_asked(o);
    Report report = explain_text(engine, std::move(text), source, probe.get());
    log_verbose(o, engine, report);
    print(report, o);
    return static_cast<int>(exit_code_for(report));
}

// A one-line progress status on standard error, only when it is a terminal.
ProgressFn progress_line() {
    if (isatty(STDERR_FILENO) != 1) return nullptr;
    return [](const std::string& line) {
        std::cerr << "\r\x1b[K" << (line.empty() ? "" : "tekton-certdoctor: " + visible(line)) << std::flush;
    };
}

// --since, as whole seconds (at most a year).
std::chrono::seconds since_of(const Options& o) {
    return std::chrono::duration_cast<std::chrono::seconds>(parse_duration(o.since, "--since", 366.0 * 86400000));
}

KubeFlags kube_flags(const Options& o) {
    KubeFlags flags;
    flags.kubeconfig = o.kubeconfig;
    flags.context = o.context;
    flags.cluster = o.cluster;
    flags.user = o.user;
    flags.namespace_ = o.namespace_;
    flags.request_timeout = parse_duration(o.request_timeout, "--request-timeout");
    return flags;
}

KubeClient::Logger kube_logger(const Options& o) {
    if (o.verbose <= 0) return nullptr;
    return [](const std::string& line) { std::cerr << "tekton-certdoctor: " << visible(line) << "\n"; };
}

int run_diagnose_cluster(const Options& o) {
    if (!o.filename.empty()) throw Error("give either -f FILE or a run in the cluster, not both", ExitCode::usage);
    if (o.probe && o.no_probe) throw Error("--probe and --no-probe contradict each other", ExitCode::usage);
    ClusterRequest request;
    if (!o.resource.empty()) request = parse_resource_argument(o.resource);
    request.all_namespaces = o.all_namespaces;
    request.selector = o.selector;
    request.limit = static_cast<size_t>(parse_count(o.limit, "--limit", 0, kMaxCount));
    request.page_size = static_cast<size_t>(parse_count(o.chunk_size, "--chunk-size", 0, kMaxChunkSize));
    if (!o.since.empty())
        request.since = since_of(o);
    request.expiry_warning = std::chrono::duration_cast<std::chrono::seconds>(
        parse_duration(o.expiry_warning, "--expiry-warning", 3660.0 * 86400000));
    bool sweep = request.kind.empty();
    if (!sweep && (o.all_namespaces || !o.selector.empty() || !o.since.empty() || request.limit))
        throw Error("-A, -l, --since and --limit select runs for a sweep ('diagnose taskruns'); '" + o.resource +
                    "' names one run", ExitCode::usage);

    KubeFlags flags = kube_flags(o);
    KubeClient::Logger log = kube_logger(o);
    // The catalog is loaded while the API answers.
    std::future<std::unique_ptr<Engine>> engine_future =
        std::async(std::launch::async, [dir = o.patterns_dir] { return std::make_unique<Engine>(dir); });
    std::unique_ptr<Engine> engine;
    auto engine_source = [&]() -> const Engine& {
        if (!engine) engine = engine_future.get();
        return *engine;
    };
    std::unique_ptr<ProbeOptions> probe;
    if (!o.no_probe) probe = std::make_unique<ProbeOptions>(probe_options(o));
    else if (!o.ca_files.empty()) throw Error("--ca-file goes with probing; drop --no-probe", ExitCode::usage);
    RestConfig rc = load_rest_config(flags);
    if (log)
        log("context " + (rc.in_cluster ? std::string("in-cluster") : shell_quote(rc.context)) + ", cluster " +
            rc.cluster.server + ", namespace " + rc.namespace_ + (rc.files.empty() ? "" : ", from " + join(rc.files, ":")));
    KubeClient client(std::move(rc), log);
    Report report = diagnose_cluster(engine_source, client, request, probe.get(), sweep ? progress_line() : nullptr);
    if (log) log(std::to_string(client.requests()) + " API requests");
    log_verbose(o, engine_source(), report);
    print(report, o);
    return static_cast<int>(exit_code_for(report));
}

int run_diagnose(const Options& o) {
    if (!o.resource.empty() || o.all_namespaces) return run_diagnose_cluster(o);
    if (o.filename.empty())
        throw Error("diagnose needs -f FILE (or -f - for standard input) with a dumped TaskRun or "
                    "PipelineRun (see --help)", ExitCode::usage);
    std::string text = read_input(o.filename);
    Engine engine(o.patterns_dir);
    auto probe = probe_if_asked(o);
    Report report = diagnose_dump(engine, text, o.filename == "-" ? "stdin" : o.filename, probe.get());
    log_verbose(o, engine, report);
    print(report, o);
    return static_cast<int>(exit_code_for(report));
}

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop = true; }

int run_analyze(const Options& o) {
    if (o.from_cluster && !o.files.empty()) throw Error("give either log files or --from-cluster, not both", ExitCode::usage);
    if (o.follow && o.from_cluster) throw Error("--follow reads a file or standard input, not --from-cluster", ExitCode::usage);
    long tail = o.tail.empty() ? -1 : static_cast<long>(parse_count(o.tail, "--tail", -1, kMaxCount));
    if (!o.from_cluster && (!o.since.empty() || tail >= 0 || o.previous))
        throw Error("--since, --tail and --previous go with --from-cluster", ExitCode::usage);
    std::vector<std::string> files = o.files;
    if (files.empty() && !o.from_cluster) {
        if (isatty(STDIN_FILENO))
            throw Error("analyze needs log files, '-' for standard input, or --from-cluster (see --help)", ExitCode::usage);
        files.push_back("-");
    }
    if (o.follow && files.size() != 1) throw Error("--follow reads one file (or '-')", ExitCode::usage);
    Engine engine(o.patterns_dir);
    LogAnalyzer analyzer(engine.catalog(), engine.matcher());
    std::vector<std::string> notes;
    if (o.follow) {
        struct sigaction sa{};
        sa.sa_handler = on_stop_signal;  // no SA_RESTART: a blocked read returns
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        analyzer.on_new_group = [&](const LogGroup& g) {
            Report one = group_report(g, engine);
            std::cout << (o.output == OutputFormat::json ? render_new_group_json(one) : render_new_group_text(one)) << std::flush;
        };
        analyzer.follow(files.front(), g_stop);
    } else if (o.from_cluster) {
        PodLogRequest request;
        if (!o.since.empty()) request.since = since_of(o);
        request.tail = tail;
        request.previous = o.previous;
        KubeClient client(load_rest_config(kube_flags(o)), kube_logger(o));
        read_cluster_logs(analyzer, client, request, progress_line(), notes);
    } else {
        ProgressFn progress = progress_line();
        if (progress)
            analyzer.on_progress = [&](const std::string& name, uint64_t done, uint64_t size) {
                progress("reading " + name + ": " + human_bytes(done) + " of " + human_bytes(size));
            };
        for (const auto& f : files) analyzer.read_file(f);
        if (progress) progress("");
    }
    Report report = analysis_report(analyzer, engine);
    for (auto& n : notes) report.notes.push_back(std::move(n));
    log_verbose(o, engine, report);
    if (o.follow && o.output == OutputFormat::json) std::cout << render_follow_end_json(report);
    else {
        if (o.follow) std::cout << "\n";
        print(report, o);
    }
    return static_cast<int>(exit_code_for(report));
}

int run_patterns_list(const Options& o) {
    Engine engine(o.patterns_dir);
    const Catalog& c = engine.catalog();
    if (o.output == OutputFormat::json) {
        nlohmann::json rules = nlohmann::json::array();
        for (const auto* list : {&c.sites, &c.causes})
            for (const auto& r : *list)
                rules.push_back({{"id", r.id},
                                 {"kind", r.kind == RuleKind::site ? "site" : "cause"},
                                 {"component", r.component},
                                 {"stage", r.stage},
                                 {"problem", r.problem},
                                 {"lookalike", r.lookalike},
                                 {"title", r.title},
                                 {"file", r.file}});
        nlohmann::json fixes = nlohmann::json::array();
        for (const auto& f : c.fixes) fixes.push_back({{"id", f.id}, {"title", f.title}});
        std::cout << nlohmann::json{{"rules", rules}, {"fixes", fixes}}.dump(2) << "\n";
        return 0;
    }
    std::printf("%-5s  %-40s  %-17s  %-17s  %s\n", "KIND", "ID", "COMPONENT", "STAGE", "PROBLEM / TITLE");
    for (const auto& r : c.sites)
        std::printf("%-5s  %-40s  %-17s  %-17s  %s%s\n", "site", r.id.c_str(), r.component.c_str(),
                    r.stage.c_str(), r.lookalike ? "(look-alike) " : "", r.title.c_str());
    for (const auto& r : c.causes)
        std::printf("%-5s  %-40s  %-17s  %-17s  %s%s\n", "cause", r.id.c_str(), "", "",
                    r.problem.c_str(), r.lookalike ? " (look-alike)" : "");
    for (const auto& f : c.fixes) std::printf("%-5s  %-40s  %s\n", "fix", f.id.c_str(), f.title.c_str());
    return 0;
}

int run_patterns_lint(const Options& o) {
    LoadResult loaded = load_catalog(catalog_sources(o.patterns_dir));
    std::vector<CatalogIssue> issues = loaded.issues;
    for (auto& i : lint_catalog(loaded.catalog)) issues.push_back(std::move(i));
    for (const auto& i : issues) std::cout << i.to_string() << "\n";
    const Catalog& c = loaded.catalog;
    std::cerr << "tekton-certdoctor: " << (c.sites.size() + c.causes.size()) << " rules, " << c.fixes.size()
              << " fixes, " << c.chains.size() << " chains: " << issues.size() << " problems\n";
    return issues.empty() ? 0 : static_cast<int>(ExitCode::problem_found);
}

int run_patterns_test(const Options& o) {
    Engine engine(o.patterns_dir);
    size_t passed = 0, failed = 0;
    for (const auto& r : run_examples(engine)) {
        if (r.failure.empty()) {
            ++passed;
            if (o.verbose) std::cout << "ok    " << r.file << ":" << r.line << ": " << r.rule << "\n";
        } else {
            ++failed;
            std::cout << "FAIL  " << r.file << ":" << r.line << ": " << r.rule << ": " << r.failure << "\n";
        }
    }
    std::cout << "patterns: " << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : static_cast<int>(ExitCode::problem_found);
}

int run_patterns_regexes(const Options& o) {
    if (o.syntax != "re2" && o.syntax != "ere") throw Error("--syntax takes re2 or ere", ExitCode::usage);
    Engine engine(o.patterns_dir);
    for (const auto& r : engine.catalog().causes) {
        try {
            std::cout << (o.syntax == "ere" ? to_posix_ere(r.expanded) : without_group_names(r.expanded)) << "\n";
        } catch (const Error& e) {
            throw Error(r.file + ": rule '" + r.id + "': " + e.what());
        }
    }
    return 0;
}

// --chain-file: the offline probe, with its own checks of which flags go together.
ProbeResult probe_offline(const Options& o) {
    if (!o.target.empty()) throw Error("give a TARGET or --chain-file, not both", ExitCode::usage);
    if (o.entrypoint || !o.registry_config.empty())
        throw Error("--entrypoint and --registry-config need a registry; drop --chain-file", ExitCode::usage);
    ChainFileOptions c;
    c.path = o.chain_file;
    c.ca_files = o.ca_files;
    c.system_roots = !o.no_system_roots;
    c.server_name = o.server_name;
    if (!o.at.empty()) c.at = parse_verification_time(o.at, std::time(nullptr));
    return probe_chain_file(c);
}

int run_probe(const Options& o) {
    if (o.chain_file.empty() && o.target.empty())
        throw Error("probe needs a TARGET, or --chain-file FILE for a chain you were handed", ExitCode::usage);
    if (o.chain_file.empty() && !o.at.empty()) throw Error("--at goes with --chain-file", ExitCode::usage);
    ProbeResult r = o.chain_file.empty() ? probe_registry(parse_probe_target(o.target), probe_options(o)) : probe_offline(o);
    switch (o.output) {
        case OutputFormat::json: std::cout << render_probe_json(r); break;
        case OutputFormat::markdown: std::cout << render_probe_markdown(r); break;
        case OutputFormat::text: std::cout << render_probe_text(r, use_color(o) ? Color::on : Color::off); break;
    }
    bool fine = r.failing_host.empty() && (!o.entrypoint || r.image.read);
    return static_cast<int>(fine ? ExitCode::no_problem : ExitCode::problem_found);
}

// export DIR: the fixes of a report (`-o json` of diagnose or explain) as files for a change process.
int run_export(const Options& o) {
    std::string from = o.filename.empty() ? "-" : o.filename;
    if (from == "-" && isatty(STDIN_FILENO))
        throw Error("export reads a report: pipe `diagnose ... -o json` into it, or give -f FILE", ExitCode::usage);
    Report report = report_from_json(read_input(from), from == "-" ? "standard input" : from);
    auto names = export_fixes(report, {o.export_dir, o.force ? Overwrite::yes : Overwrite::no});
    std::cout << "wrote " << names.size() << " files to " << visible(o.export_dir) << ": " << visible(join(names, ", ")) << "\n";
    return 0;
}

int run_version(const Options& o) {
    if (o.output == OutputFormat::json) {
        std::cout << nlohmann::json{{"version", CERTDOCTOR_VERSION}}.dump() << "\n";
    } else {
        std::cout << "tekton-certdoctor " << CERTDOCTOR_VERSION << "\n";
    }
    return 0;
}

// Every count flag is checked first, whatever the command: a bad one is never ignored or sent.
void check_counts(const Options& o) {
    parse_count(o.limit, "--limit", 0, kMaxCount);
    parse_count(o.chunk_size, "--chunk-size", 0, kMaxChunkSize);
    if (!o.tail.empty()) parse_count(o.tail, "--tail", -1, kMaxCount);
}

int dispatch(const Options& o) {
    check_counts(o);
    if (o.command == "explain") return run_explain(o);
    if (o.command == "diagnose") return run_diagnose(o);
    if (o.command == "patterns list") return run_patterns_list(o);
    if (o.command == "patterns lint") return run_patterns_lint(o);
    if (o.command == "patterns test") return run_patterns_test(o);
    if (o.command == "patterns regexes") return run_patterns_regexes(o);
    if (o.command == "version") return run_version(o);
    if (o.command == "probe") return run_probe(o);
    if (o.command == "analyze") return run_analyze(o);
    if (o.command == "export") return run_export(o);
    throw Error("unknown command", ExitCode::usage);
}

int main_impl(int argc, char** argv) {
    Options o;
    CLI::App app{"Diagnoses Tekton runs that fail on registry certificates: finds where on Tekton's\n"
                 "call chains the failure sits, explains the root cause, and gives the fix.",
                 kName};
    app.fallthrough();
    app.require_subcommand(1);
    app.footer(std::string("Examples:\n"
               "  # Diagnose a failed TaskRun in the cluster: messages, events, installation checks, the registry's chain\n"
               "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci\n\n"
               "  # Every failed TaskRun of the last hour, grouped by root cause\n"
               "  kubectl tekton-certdoctor diagnose taskruns -A --since 1h\n\n"
               "  # Explain a pasted error message\n"
               "  kubectl tekton-certdoctor explain 'failed to create task run pod \"x\": ... x509: certificate signed by unknown authority'\n\n"
               "  # Diagnose a dumped TaskRun, as JSON for scripts\n"
               "  kubectl get taskrun build-1 -o yaml | kubectl tekton-certdoctor diagnose -f - -o json\n\n") +
               kExitCodes);
    std::map<std::string, OutputFormat> formats = {
        {"text", OutputFormat::text}, {"json", OutputFormat::json}, {"markdown", OutputFormat::markdown}};
    app.add_option("-o,--output", o.output, "Output format: text, json or markdown")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
        ->option_text("FORMAT");
    app.add_option("--patterns-dir", o.patterns_dir,
                   "Extra catalog rules (*.yaml); a rule with a built-in id replaces it")
        ->option_text("DIR");
    app.add_flag("--no-color", o.no_color, "Never colour the output (NO_COLOR does the same)");
    app.add_flag("-v,--verbose", o.verbose, "Log what was read and matched (and each API request) to standard error");

    auto* explain = app.add_subcommand("explain", "Explain an error message, a pasted block, or a log");
    explain->add_option("text", o.text, "The text; '-' or a pipe reads standard input")->option_text("TEXT...");
    // The trust flags of `probe`, also taken by explain and diagnose for --probe (`lead` says so).
    auto add_trust_flags = [&o](CLI::App* cmd, const std::string& lead) {
        cmd->add_option("--ca-file", o.ca_files, lead + "A PEM bundle to trust as well (repeatable): does it make Go's check pass?")
            ->allow_extra_args(false)  // one file per flag: never swallow the positional text
            ->option_text("FILE");
        cmd->add_flag("--no-system-roots", o.no_system_roots, lead + "Trust only the --ca-file bundles");
        cmd->add_option("--timeout", o.timeout, lead + "Bound for each registry's probe (default 10s)")->option_text("DURATION");
    };
    auto add_probe_flags = [&](CLI::App* cmd) {
        cmd->add_flag("--probe", o.probe, "Probe each registry named in the findings: its real chain, judged as Go does");
        add_trust_flags(cmd, "With --probe: ");
    };
    add_probe_flags(explain);
    explain->footer(
        "Examples:\n"
        "  kubectl tekton-certdoctor explain 'failed to create task run pod \"task-run\": translating TaskSpec to Pod: "
        "error getting image manifest: Get https://registry.private/v2/: x509: certificate signed by unknown "
        "authority. Maybe missing or invalid Task default/task'\n"
        "  kubectl describe taskrun build-1 | kubectl tekton-certdoctor explain -\n"
        "  kubectl -n tekton-pipelines logs deploy/tekton-pipelines-controller | kubectl tekton-certdoctor explain -o markdown\n"
        "  # Also check the registry's real chain, and put its CA into the fix:\n"
        "  kubectl tekton-certdoctor explain --probe 'Get \"https://registry.corp.example/v2/\": x509: certificate signed by unknown authority'\n\n" +
        std::string(kExitCodes));

    auto* diagnose = app.add_subcommand("diagnose", "Diagnose TaskRuns and PipelineRuns: in the cluster, or dumped to a file");
    diagnose->add_option("-f,--filename", o.filename,
                         "A TaskRun/PipelineRun (or a List, or several documents) as YAML or JSON; '-' for stdin")
        ->option_text("FILE");
    diagnose->add_option("resource", o.resource,
                         "A run in the cluster: taskrun/NAME (tr/NAME) or pipelinerun/NAME (pr/NAME); or 'taskruns' for "
                         "every failed TaskRun in the namespace")
        ->option_text("TYPE/NAME");
    add_probe_flags(diagnose);
    diagnose->add_flag("--no-probe", o.no_probe, "Cluster mode: do not probe the registries (probing is on by default there)");
    const std::string kube = "Cluster";
    auto add_kube_flags = [&](CLI::App* cmd) {
        cmd->add_option("--kubeconfig", o.kubeconfig, "Path to the kubeconfig file (else KUBECONFIG, else ~/.kube/config)")
            ->option_text("FILE")->group(kube);
        cmd->add_option("--context", o.context, "The kubeconfig context to use")->option_text("NAME")->group(kube);
        cmd->add_option("--cluster", o.cluster, "The kubeconfig cluster to use")->option_text("NAME")->group(kube);
        cmd->add_option("--user", o.user, "The kubeconfig user to use")->option_text("NAME")->group(kube);
        cmd->add_option("--request-timeout", o.request_timeout, "Bound for each API request and exec credential plugin (default 30s)")
            ->option_text("DURATION")->group(kube);
    };
    add_kube_flags(diagnose);
    diagnose->add_option("-n,--namespace", o.namespace_, "The namespace (else the context's, else default)")
        ->option_text("NAMESPACE")->group(kube);
    diagnose->add_flag("-A,--all-namespaces", o.all_namespaces, "Sweep the failed TaskRuns of every namespace")->group(kube);
    diagnose->add_option("-l,--selector", o.selector, "Sweep only TaskRuns with these labels (e.g. app=web,tier!=test)")
        ->option_text("SELECTOR")->group(kube);
    diagnose->add_option("--since", o.since, "Sweep only runs that failed within this long (e.g. 2h, 30m, 7d)")
        ->option_text("DURATION")->group(kube);
    diagnose->add_option("--limit", o.limit, "Diagnose at most this many failed runs in a sweep")->option_text("N")->group(kube);
    diagnose->add_option("--expiry-warning", o.expiry_warning,
                         "Fail the check certificates-expire-soon for a registry chain or a CA in config-registry-cert "
                         "that stops verifying within this long (default 30d)")
        ->option_text("DURATION")->group(kube);
    diagnose->add_option("--chunk-size", o.chunk_size, "TaskRuns per list request in a sweep (default 500; 0 reads the list in one request)")
        ->option_text("N")->group(kube);
    diagnose->footer(
        "Examples:\n"
        "  # One run in the cluster: its messages, pod events, Task, the installation's checks, a probe of the registry\n"
        "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci\n"
        "  kubectl tekton-certdoctor diagnose pr/release-7 -n ci -o markdown > ticket.md\n"
        "  # Every failed TaskRun of the last 2 hours in all namespaces, grouped by root cause:\n"
        "  kubectl tekton-certdoctor diagnose taskruns -A --since 2h\n"
        "  kubectl tekton-certdoctor diagnose taskruns -n ci -l tekton.dev/pipeline=release --limit 50 -o json\n"
        "  # Offline, from a dump:\n"
        "  kubectl get taskrun build-1 -o yaml > tr.yaml && kubectl tekton-certdoctor diagnose -f tr.yaml\n"
        "  kubectl get pipelinerun release-7 -o json | kubectl tekton-certdoctor diagnose -f - -o json\n"
        "  # A PipelineRun with its child TaskRuns, their pods and the events, in one file:\n"
        "  { kubectl get pipelinerun release-7 -o yaml; echo ---; kubectl get taskruns -l tekton.dev/pipelineRun=release-7 -o yaml;\n"
        "    echo ---; kubectl get pods -l tekton.dev/pipelineRun=release-7 -o yaml; echo ---; kubectl get events -o yaml; } |\n"
        "    kubectl tekton-certdoctor diagnose -f -\n\n" +
        std::string(kExitCodes));

    auto* analyze = app.add_subcommand("analyze", "Find and group the registry and TLS failures in logs: controller, resolvers, steps, nodes");
    analyze->add_option("files", o.files, "Log files, plain or gzip; '-' (or a pipe) reads standard input")->option_text("FILE...");
    analyze->add_flag("-f,--follow", o.follow, "Read one file (or standard input) as it grows and print each new group as it appears");
    analyze->add_flag("--from-cluster", o.from_cluster, "Read the logs of the Tekton controller and remote resolvers pods through the API")
        ->group(kube);
    analyze->add_option("--since", o.since, "With --from-cluster: only log lines newer than this (e.g. 1h, 30m)")
        ->option_text("DURATION")->group(kube);
    analyze->add_option("--tail", o.tail, "With --from-cluster: only the last N lines of each container's log")
        ->option_text("N")->group(kube);
    analyze->add_flag("-p,--previous", o.previous, "With --from-cluster: the previous instance of each container (after a restart)")
        ->group(kube);
    add_kube_flags(analyze);
    analyze->footer(
        "Examples:\n"
        "  # The controller's log, grouped by component, problem and registry, with the runs hit and the fixes\n"
        "  kubectl -n tekton-pipelines logs deploy/tekton-pipelines-controller | kubectl tekton-certdoctor analyze\n"
        "  kubectl tekton-certdoctor analyze controller.log resolvers.log.gz -o json\n"
        "  # The controller's and resolvers' pods of the current context, the last two hours:\n"
        "  kubectl tekton-certdoctor analyze --from-cluster --since 2h -o markdown > incident.md\n"
        "  # Watch a live log; each new kind of failure is printed as soon as it shows:\n"
        "  kubectl -n tekton-pipelines logs -f deploy/tekton-pipelines-controller | kubectl tekton-certdoctor analyze -f -\n"
        "  # Step and node logs too:\n"
        "  kubectl logs build-1-pod -c step-build | kubectl tekton-certdoctor analyze -\n"
        "  journalctl -u kubelet -u containerd --since today | kubectl tekton-certdoctor analyze\n\n"
        "Exit codes: 0 no failure line found, 1 failure lines found, 2 usage, 3 input not understood, 4 the tool failed.");

    auto* probe = app.add_subcommand("probe", "Check a registry's certificate chain the way the Tekton controller (Go) does");
    probe->add_option("target", o.target, "host, host:port, https://host[:port]/..., or an image reference")
        ->option_text("TARGET");
    add_trust_flags(probe, "");
    probe->add_option("--server-name", o.server_name,
                      "The name to send (SNI) and check, instead of the target's host; with --chain-file, the name "
                      "the client dialled (without it, names are not checked)")
        ->option_text("NAME");
    probe->add_option("--chain-file", o.chain_file,
                      "Judge a chain you were handed, offline: PEM, a pasted 'openssl s_client -showcerts' output, "
                      "or DER ('-' reads standard input)")
        ->option_text("FILE");
    probe->add_option("--at", o.at, "With --chain-file: verify at this time (RFC 3339, or +30d, +12h from now)")
        ->option_text("TIME");
    probe->add_flag("--entrypoint", o.entrypoint,
                    "Read the image's Entrypoint and Cmd per platform (what set-step-command needs)");
    probe->add_option("--registry-config", o.registry_config, "A docker config.json with credentials for the registry")
        ->option_text("FILE");
    probe->footer(
        "Examples:\n"
        "  kubectl tekton-certdoctor probe registry.corp.example:8443\n"
        "  kubectl tekton-certdoctor probe registry.corp.example:8443/team/app:v1 --ca-file corp-root.pem\n"
        "  # Would exactly what is in config-registry-cert work for the controller?\n"
        "  kubectl -n tekton-pipelines get configmap config-registry-cert -o jsonpath='{.data.cert}' > cert.pem\n"
        "  kubectl tekton-certdoctor probe registry.corp.example --ca-file cert.pem -o json\n"
        "  # The command to give a step so that the controller skips the lookup:\n"
        "  kubectl tekton-certdoctor probe registry.corp.example/team/builder:2.4 --entrypoint --registry-config ~/.docker/config.json\n"
        "  # Offline: a pasted 'openssl s_client -showcerts' output, judged for a name, as it will be in 30 days\n"
        "  kubectl tekton-certdoctor probe --chain-file pasted.txt --server-name registry.corp.example --ca-file corp-root.pem --at +30d\n\n"
        "Exit codes: 0 Go would accept the registry (or chain), 1 a problem was found, 2 usage, 3 a bad --ca-file or\n"
        "chain file, 4 the tool failed.");

    auto* patterns = app.add_subcommand("patterns", "List, lint and test the pattern catalog");
    patterns->require_subcommand(1);
    patterns->add_subcommand("list", "List every rule and fix")->footer("Example:\n  kubectl tekton-certdoctor patterns list -o json");
    patterns->add_subcommand("lint", "Check the catalog: ids, vocabulary, fields, regexes, fix rules")
        ->footer("Example:\n  kubectl tekton-certdoctor patterns lint --patterns-dir ./my-rules");
    patterns->add_subcommand("test", "Run every rule's examples through the engine")
        ->footer("Example:\n  kubectl tekton-certdoctor patterns test --patterns-dir ./my-rules -v");
    auto* regexes = patterns->add_subcommand("regexes", "Print the failure (cause) regexes, one a line, for rg -f or grep -E -f");
    regexes->add_option("--syntax", o.syntax, "re2 (also what rg reads) or ere (grep -E); default re2")->option_text("SYNTAX");
    regexes->footer("Examples:\n  kubectl tekton-certdoctor patterns regexes > failures.re && rg -c -f failures.re controller.log\n"
                    "  kubectl tekton-certdoctor patterns regexes --syntax ere > failures.ere && grep -E -c -f failures.ere controller.log");
    auto* exporter = app.add_subcommand("export", "Write a report's fixes to a folder: manifests, scripts, runbook.md, backup.sh");
    exporter->add_option("dir", o.export_dir, "The folder to write (created; must be empty unless --force)")
        ->required()
        ->option_text("DIR");
    exporter->add_option("-f,--filename", o.filename, "The report (`-o json` of diagnose or explain); '-' or a pipe for stdin")
        ->option_text("FILE");
    exporter->add_flag("--force", o.force, "Replace what DIR holds");
    exporter->footer(
        "Examples:\n"
        "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci -o json | kubectl tekton-certdoctor export change-1234\n"
        "  kubectl tekton-certdoctor export change-1234 -f report.json --force\n");
    app.add_subcommand("version", "Print the version")->footer("Example:\n  kubectl tekton-certdoctor version -o json");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "tekton-certdoctor: error: " << visible(e.what()) << "\n"
                  << "Run '" << kName << " --help' for usage.\n";
        return static_cast<int>(ExitCode::usage);
    }
    for (auto* sub : app.get_subcommands()) {
        o.command = sub->get_name();
        for (auto* inner : sub->get_subcommands()) o.command += " " + inner->get_name();
    }
    return dispatch(o);
}

}  // namespace

// Standard streams that were closed when the program started get /dev/null opened read-only in
// their place: a file opened later never takes their number, and a write to them fails, so a
// closed standard output is reported rather than written into another file.
void guard_standard_streams() {
    for (int fd = 0; fd <= 2; ++fd)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int opened = open("/dev/null", O_RDONLY);
            if (opened >= 0 && opened != fd) {
                dup2(opened, fd);
                close(opened);
            }
        }
}

// A report that did not reach its reader (a full disk, a closed standard output) is a failure.
void check_output_written() {
    std::cout.flush();
    bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (failed)
        throw Error(std::string("could not write the report to standard output: ") +
                    (errno ? std::strerror(errno) : "write error"));
}

}  // namespace certdoctor

namespace certdoctor {
namespace {

// "tekton-certdoctor: error: WHAT" on standard error, with WHAT's control characters (C0, DEL, C1
// and bidi controls) shown as escapes as visible() does, on one line; allocates nothing.
void write_error_line(const char* what) {
    char out[4096];
    size_t n = 0;
    auto put = [&](const char* text) {
        for (; *text && n + 1 < sizeof out; ++text) out[n++] = *text;
    };
    put("tekton-certdoctor: error: ");
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char* p = reinterpret_cast<const unsigned char*>(what); *p && n + 8 < sizeof out; ++p) {
        unsigned code = 0;
        size_t skip = 0;
        if (*p < 0x20 || *p == 0x7f) code = *p;
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) code = p[1], skip = 1;
        else if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) || (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
            code = 0x2000 + ((p[1] & 0x3f) << 6) + (p[2] & 0x3f), skip = 2;
        else {
            out[n++] = static_cast<char>(*p);
            continue;
        }
        bool wide = code > 0x7f;
        out[n++] = '\\';
        out[n++] = wide ? 'u' : 'x';
        for (int shift = wide ? 12 : 4; shift >= 0; shift -= 4) out[n++] = hex[(code >> shift) & 15];
        p += skip;
    }
    out[n++] = '\n';
    for (size_t done = 0; done < n;) {
        ssize_t w = ::write(STDERR_FILENO, out + done, n - done);
        if (w <= 0) break;
        done += static_cast<size_t>(w);
    }
}

// The one line and exit code for whatever ended the run. Workers carry their exceptions to the
// main thread (std::async futures, exception_ptr); this also serves the terminate handler, for
// what cannot be carried (an exception out of a destructor). Allocates nothing, since it may run
// because memory ran out.
[[noreturn]] void exit_on(std::exception_ptr failure) {
    std::cout.flush();
    const char* what = "unknown failure";
    ExitCode code = ExitCode::tool_failed;
    try {
        if (failure) std::rethrow_exception(failure);
    } catch (const Error& e) {
        what = e.what();
        code = e.code();
    } catch (const std::bad_alloc&) {
        what = "out of memory";
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    write_error_line(what);
    std::_Exit(static_cast<int>(code));
}

}  // namespace
}  // namespace certdoctor

int main(int argc, char** argv) {
    std::set_terminate([] { certdoctor::exit_on(std::current_exception()); });
    certdoctor::guard_standard_streams();
    int code = 0;
    try {
        code = certdoctor::main_impl(argc, argv);
        certdoctor::check_output_written();
    } catch (...) {
        certdoctor::exit_on(std::current_exception());
    }
    return code;
}
