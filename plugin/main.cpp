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
#include <filesystem>
#include <new>
#include <iostream>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <algorithm>
#include <future>
#include <optional>
#include <sstream>

#include "cluster/runs_reader.h"
#include "cluster/cluster_logs.h"
#include "fix/export.h"
#include "input/utf16_log.h"
#include "run/apply_run.h"
#include "run/analyze.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "match/lint.h"
#include "match/regex_export.h"
#include "probe/offline_probe.h"
#include "probe/probe.h"
#include "redact/redact.h"
#include "build_info.h"
#include "command_tree.h"
#include "completion.h"
#include "flag_values.h"
#include "kube_flags.h"
#include "manpage.h"
#include "options.h"
#include "output_format.h"
#include "suggest.h"
#include "render/render.h"
#include "run/cluster_run.h"
#include "run/run.h"
#include "util/error.h"
#include "util/kube_names.h"
#include "util/read_input.h"
#include "util/escape.h"
#include "util/text.h"
#include "version.h"

namespace certdoctor {
namespace {

void write_error_line(const char* what);  // below: the one line of an error, control characters escaped

std::string quoted(const std::string& word) { return "\"" + word + "\""; }

// Bounds of the count flags. --chunk-size is sent as the list's limit: kube-apiserver answers
// pages of any size, but a page over 100,000 runs cannot fit the 64 MiB response bound.
constexpr long long kMaxChunkSize = 100000;
constexpr long long kMaxCount = 1000000000;  // --limit, --tail: a billion is "all" in practice

bool use_color(const Options& o) {
    if (o.no_color || o.output != OutputFormat::text) return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    const char* term = std::getenv("TERM");
    if (term && std::string(term) == "dumb") return false;
    return isatty(STDOUT_FILENO) == 1;
}

// One per command: --follow's events and its closing report share placeholders.
Redactor& redactor() {
    static Redactor r;
    return r;
}

// The report on standard output, in the format asked for (with --redact, redacted first).
void print(const Report& shown, const Options& o) {
    Report redacted;
    if (o.redact) {
        redacted = shown;
        redactor().apply(redacted);
    }
    const Report& report = o.redact ? redacted : shown;
    switch (o.output) {
        case OutputFormat::json: write_json(report, std::cout); return;
        case OutputFormat::yaml: {
            std::ostringstream json;
            write_json(report, json);
            std::cout << json_to_yaml(nlohmann::json::parse(json.str()));
            return;
        }
        case OutputFormat::markdown: std::cout << render_markdown(report, o.brief ? Detail::brief : Detail::full); return;
        case OutputFormat::text: break;
    }
    std::cout << render_text(report, use_color(o) ? Color::on : Color::off, o.brief ? Detail::brief : Detail::full);
}

// A plain document (patterns list, version) as JSON or YAML.
void print_document(const nlohmann::json& doc, const Options& o) {
    if (o.output == OutputFormat::yaml) std::cout << json_to_yaml(doc);
    else std::cout << doc.dump(2) << "\n";
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
    std::cerr << "tekton-certdoctor: read " << count_of(report.messages_read, "message") << " from " << visible(report.source)
              << "; " << count_of(report.findings.size(), "finding") << "\n";
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

// The arguments are one word that names a regular file.
bool names_a_file(const std::vector<std::string>& args) {
    if (args.size() != 1 || args[0].empty() || args[0].find_first_of(" \t\r\n") != std::string::npos) return false;
    std::error_code ec;
    return std::filesystem::is_regular_file(args[0], ec);
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
    } else if (names_a_file(o.text)) {
        // `explain build.log`: a lone word naming a file is that file (no message is one word
        // that happens to be a file's path).
        text = read_input(o.text[0]);
        source = o.text[0];
    } else {
        text = join(o.text, " ");
        source = "argument";
    }
    // A namespace's name is a DNS label; it is written into commands and manifests.
    if (!o.namespace_.empty() && !is_dns_label(o.namespace_))
        throw Error("-n: \"" + visible(o.namespace_) + "\" is not a namespace's name (lower-case letters, digits and '-', at most 63)",
                    ExitCode::usage);
    Engine engine(o.patterns_dir);
    auto probe = probe_if_asked(o);
    Report report = explain_text(engine, std::move(text), source, probe.get(), o.namespace_);
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

KubeClient::Logger kube_logger(const Options& o) {
    if (o.verbose <= 0) return nullptr;
    return [](const std::string& line) { std::cerr << "tekton-certdoctor: " << visible(line) << "\n"; };
}

// --apply's flags, checked before anything is read.
void check_apply_flags(const Options& o) {
    if (o.apply.empty()) {
        if (o.yes || o.verify || o.dry_run != "none")
            throw Error("--yes, --verify and --dry-run go with --apply", ExitCode::usage);
        return;
    }
    if (o.apply != "cluster" && o.apply != "task")
        throw Error("--apply takes no value, or =task (got '" + o.apply + "')", ExitCode::usage);
    if (o.dry_run != "none" && o.dry_run != "server")
        throw Error("--dry-run takes none or server (got '" + o.dry_run +
                        "'); a client-side dry run is what --apply shows before it asks",
                    ExitCode::usage);
    if (o.verify && o.apply == "task") throw Error("--verify goes with --apply, not --apply=task", ExitCode::usage);
    if (o.verify && o.no_probe) throw Error("--verify probes the registry; drop --no-probe", ExitCode::usage);
}

// --apply after the diagnosis: the report first (text), the plan and its diffs, the question,
// the writes; the JSON report then records what was applied.
int run_apply(const Options& o, KubeApi& api, Report& report, const Catalog& catalog, const ProbeOptions* probe) {
    const bool text = o.output == OutputFormat::text;
    std::ostream& out = text ? std::cout : std::cerr;
    if (text) print(report, o);
    ApplyRequest request;
    request.scope = o.apply == "task" ? ApplyScope::task : ApplyScope::cluster;
    request.dry_run = o.dry_run == "server" ? DryRun::server : DryRun::no;
    request.yes = o.yes;
    request.verify = o.verify;
    request.probe = probe;
    if (o.timeout_given)
        request.rollout_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration(o.timeout));
    ApplyIo io;
    io.show = [&out](const std::string& lines) { out << lines << std::flush; };
    if (isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1)
        io.confirm = [](const std::string& question) {
            std::cerr << question << " [y/N] " << std::flush;
            std::string answer;
            if (!std::getline(std::cin, answer)) return false;
            return answer == "y" || answer == "Y" || answer == "yes";
        };
    if (isatty(STDERR_FILENO) == 1)
        io.progress = [](const std::string& line) { std::cerr << "tekton-certdoctor: " << visible(line) << "\n"; };
    int code = 0;
    apply_report_fix(api, report, catalog, request, io);  // an error: what was written is on `out`
    if (!text) print(report, o);
    const ApplyView& a = report.apply;
    if (a.outcome == "declined") code = static_cast<int>(ExitCode::not_applied);
    else if (a.outcome == "applied") code = a.verified && a.verify_verdict != "ok" ? static_cast<int>(ExitCode::problem_found) : 0;
    else code = static_cast<int>(exit_code_for(report));
    return code;
}

int run_diagnose_cluster(const Options& o) {
    check_apply_flags(o);
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
    if (sweep && !o.apply.empty())
        throw Error("--apply changes the cluster for the diagnosis of one run, not of a sweep (its groups may need "
                    "different fixes, in other namespaces, and one group's fix applied alone would read as the "
                    "sweep fixed): run the sweep without --apply, then 'diagnose taskrun/NAME -n NAMESPACE --apply' "
                    "for a run of the group to fix; nothing was read or written",
                    ExitCode::usage);
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
    ClusterTarget target{rc.namespace_, rc.in_cluster ? std::string("in-cluster") : rc.context, rc.cluster.server};
    KubeClient client(std::move(rc), log);
    Report report = diagnose_cluster(engine_source, client, target, request, probe.get(), sweep ? progress_line() : nullptr);
    if (!o.apply.empty()) return run_apply(o, client, report, engine_source().catalog(), probe.get());
    if (log) log(std::to_string(client.requests()) + " API requests");
    log_verbose(o, engine_source(), report);
    print(report, o);
    return static_cast<int>(exit_code_for(report));
}

// kubectl's two spellings of a run: TYPE/NAME, or TYPE NAME (taskrun build-1, tr build-1).
std::string resource_of(const std::vector<std::string>& words) {
    if (words.empty()) return {};
    if (words.size() > 2 || (words.size() == 2 && words[0].find('/') != std::string::npos))
        throw Error("diagnose takes one run, as TYPE/NAME or TYPE NAME (e.g. taskrun/build-1 or tr build-1); got " +
                        std::to_string(words.size()) + " arguments",
                    ExitCode::usage);
    return words.size() == 2 ? words[0] + "/" + words[1] : words[0];
}

// What `kubectl describe` prints ("Name:  build-1", "API Version:  tekton.dev/v1") is no dump:
// `explain` reads it.
bool looks_like_describe_output(const std::string& text) {
    static const RE2 field(R"((?m)^(?:API Version|Kind|Name|Namespace):[ \t]+\S)");
    static const RE2 api_version(R"((?m)^API Version:[ \t]+\S)");
    static const RE2 name(R"((?m)^Name:[ \t]+\S)");
    std::string_view head(text.data(), std::min<size_t>(text.size(), 64 * 1024));
    return RE2::PartialMatch(head, field) && (RE2::PartialMatch(head, api_version) || RE2::PartialMatch(head, name)) &&
           head.find("apiVersion:") == std::string_view::npos && head.find("\"apiVersion\"") == std::string_view::npos;
}

int run_diagnose(Options o) {
    o.resource = resource_of(o.resource_args);
    if (!o.resource.empty() || o.all_namespaces) return run_diagnose_cluster(o);
    if (!o.apply.empty()) throw Error("--apply changes a cluster: name a run in it (diagnose taskrun/NAME --apply)", ExitCode::usage);
    check_apply_flags(o);
    if (o.filename.empty())
        throw Error("diagnose needs -f FILE (or -f - for standard input) with a dumped TaskRun or "
                    "PipelineRun (see --help)", ExitCode::usage);
    std::string text = read_input(o.filename);
    if (looks_like_describe_output(text))
        throw Error((o.filename == "-" ? std::string("standard input") : o.filename) +
                        ": this is 'kubectl describe' output, not a dump; pipe it to 'kubectl tekton-certdoctor explain -', "
                        "or dump the run with 'kubectl get taskrun NAME -o yaml'",
                    ExitCode::usage);
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
    if (o.follow && (o.output == OutputFormat::yaml || o.output == OutputFormat::markdown))
        throw Error("--follow prints text or JSON lines (-o json); -o yaml and -o markdown need the whole log", ExitCode::usage);
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
            if (o.redact) redactor().apply(one);
            std::cout << (o.output == OutputFormat::json ? render_new_group_json(one) : render_new_group_text(one)) << std::flush;
        };
        read_utf16_log(files.front(), Follow::yes);  // says what a UTF-16 file is, and stops
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
        for (const auto& f : files) {
            if (auto text = read_utf16_log(f, Follow::no)) analyzer.read_text(*text, f);
            else analyzer.read_file(f);
        }
        if (progress) progress("");
    }
    Report report = analysis_report(analyzer, engine);
    for (auto& n : notes) report.notes.push_back(std::move(n));
    log_verbose(o, engine, report);
    if (o.follow && o.output == OutputFormat::json) {
        if (o.redact) redactor().apply(report);
        std::cout << render_follow_end_json(report);
    }
    else {
        if (o.follow) std::cout << "\n";
        print(report, o);
    }
    return static_cast<int>(exit_code_for(report));
}

int run_patterns_list(const Options& o) {
    Engine engine(o.patterns_dir);
    const Catalog& c = engine.catalog();
    if (o.output == OutputFormat::json || o.output == OutputFormat::yaml) {
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
        print_document(nlohmann::json{{"rules", rules}, {"fixes", fixes}}, o);
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
              << " fixes, " << c.chains.size() << " chains: " << count_of(issues.size(), "problem") << "\n";
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
    bool fine = r.failing_host.empty() && (!o.entrypoint || r.image.read);
    if (o.redact) redactor().apply(r);
    switch (o.output) {
        case OutputFormat::json: std::cout << render_probe_json(r); break;
        case OutputFormat::yaml: std::cout << json_to_yaml(nlohmann::json::parse(render_probe_json(r))); break;
        case OutputFormat::markdown: std::cout << render_probe_markdown(r); break;
        case OutputFormat::text: std::cout << render_probe_text(r, use_color(o) ? Color::on : Color::off); break;
    }
    return static_cast<int>(fine ? ExitCode::no_problem : ExitCode::problem_found);
}

// export DIR: the fixes of a report (`-o json` of diagnose or explain) as files for a change process.
int run_export(const Options& o) {
    std::string from = o.filename.empty() ? "-" : o.filename;
    if (from == "-" && isatty(STDIN_FILENO))
        throw Error("export reads a report: pipe `diagnose ... -o json` into it, or give -f FILE", ExitCode::usage);
    Report report = report_from_json(read_input(from), from == "-" ? "standard input" : from);
    if (o.redact) redactor().apply(report);
    auto names = export_fixes(report, {o.export_dir, o.force ? Overwrite::yes : Overwrite::no});
    std::cout << "wrote " << names.size() << " files to " << visible(o.export_dir) << ": " << visible(join(names, ", ")) << "\n";
    return 0;
}

// The Tekton releases the catalog's call chains cover: from the oldest variant's first release,
// "and later" when a variant is open-ended ("v0.5 and later").
std::string tekton_range(const Catalog& c) {
    static const RE2 version_re(R"(v(\d+)\.(\d+))");
    int oldest_major = -1, oldest_minor = -1;
    bool open_ended = false;
    std::string newest;
    for (const auto& chain : c.chains)
        for (const auto& variant : chain.variants) {
            int major = 0, minor = 0;
            if (RE2::PartialMatch(variant.versions, version_re, &major, &minor) &&
                (oldest_major < 0 || major < oldest_major || (major == oldest_major && minor < oldest_minor))) {
                oldest_major = major;
                oldest_minor = minor;
            }
            if (variant.versions.find("and later") != std::string::npos || variant.versions == "any") open_ended = true;
        }
    if (oldest_major < 0) return "any";
    return "v" + std::to_string(oldest_major) + "." + std::to_string(oldest_minor) + (open_ended ? " and later" : "");
}

int run_version(const Options& o) {
    Engine engine(o.patterns_dir);
    const Catalog& c = engine.catalog();
    size_t rules = c.sites.size() + c.causes.size();
    std::string range = tekton_range(c);
    if (o.output == OutputFormat::json || o.output == OutputFormat::yaml) {
        print_document({{"version", CERTDOCTOR_VERSION},
                        {"commit", kBuildCommit},
                        {"build_date", kBuildDate},
                        {"catalog", {{"rules", rules}, {"sites", c.sites.size()}, {"causes", c.causes.size()},
                                     {"fixes", c.fixes.size()}, {"chains", c.chains.size()}}},
                        {"tekton", {{"versions", range}, {"apis", {"tekton.dev/v1", "tekton.dev/v1beta1"}}}}},
                       o);
        return 0;
    }
    std::cout << "tekton-certdoctor " << CERTDOCTOR_VERSION << "\n"
              << "  commit:      " << kBuildCommit << "\n"
              << "  built:       " << kBuildDate << "\n"
              << "  catalog:     " << count_of(rules, "rule") << " (" << c.sites.size() << " sites, " << c.causes.size()
              << " causes), " << c.fixes.size() << " fixes, " << count_of(c.chains.size(), "call chain") << "\n"
              << "  Tekton:      " << range << " (tekton.dev/v1 and v1beta1)\n";
    return 0;
}

int run_completion(const Options& o) {
    if (o.shell.empty()) throw Error("completion needs a shell: bash, zsh or fish", ExitCode::usage);
    std::cout << completion_script(o.shell);
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
    if (o.command == "completion") return run_completion(o);
    throw Error("unknown command", ExitCode::usage);
}

// The command a word names under `cmd` (aliases too); null when none.
CLI::App* subcommand_named(CLI::App& cmd, const std::string& word) {
    for (CLI::App* sub : cmd.get_subcommands([](CLI::App*) { return true; }))
        if (sub->check_name(word)) return sub;
    return nullptr;
}

std::vector<std::string> visible_subcommand_names(CLI::App& cmd) {
    std::vector<std::string> names;
    for (CLI::App* sub : cmd.get_subcommands([](CLI::App* c) { return !c->get_group().empty(); }))
        names.push_back(sub->get_name());
    return names;
}

// The innermost command the parse selected.
CLI::App* selected_command(CLI::App& app) {
    CLI::App* cmd = &app;
    for (bool deeper = true; deeper;) {
        deeper = false;
        for (CLI::App* sub : cmd->get_subcommands())
            if (sub->parsed()) {
                cmd = sub;
                deeper = true;
                break;
            }
    }
    return cmd;
}

// A mistake on the command line, answered as kubectl does: the error on one line, suggestions
// when a name was mistyped, and where the command's help is. Exit 2.
int usage_error(const CLI::App& cmd, const std::string& what, const std::string& suggestion = "") {
    write_error_line(what.c_str());
    std::cerr << suggestion << (suggestion.empty() ? "" : "\n") << "See '" << command_path(cmd) << " --help' for usage.\n";
    return static_cast<int>(ExitCode::usage);
}

// The flag names a command takes, its own and the global ones.
std::vector<std::string> flag_names(const CLI::App& cmd) {
    std::vector<std::string> names;
    for (const CLI::Option* opt : cmd.get_options()) {
        if (opt->get_positional()) continue;
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    }
    return names;
}

// Words the parse left over: an unknown flag, an unknown command, or one argument too many.
int unexpected_words(CLI::App& cmd, const std::vector<std::string>& extras) {
    const std::string& first = extras.front();
    std::string path = kBinaryName;
    if (cmd.get_parent() != nullptr) path = std::string(kBinaryName) + command_path(cmd).substr(std::string(kName).size());
    if (first.size() > 1 && first[0] == '-') {
        std::string name = first.substr(0, first.find('='));
        bool is_short = name.size() >= 2 && name[1] != '-';
        std::string what = is_short ? "unknown shorthand flag: '" + name.substr(1, 1) + "' in " + name : "unknown flag: " + name;
        return usage_error(cmd, what, is_short ? "" : did_you_mean(suggestions(name, flag_names(cmd))));
    }
    std::vector<std::string> names = visible_subcommand_names(cmd);
    if (!names.empty() || cmd.get_parent() == nullptr)
        return usage_error(cmd, "unknown command " + quoted(first) + " for \"" + path + "\"",
                           did_you_mean(suggestions(first, names)));
    return usage_error(cmd, "unexpected argument " + quoted(first) + " for \"" + path + "\"");
}

// CLI11's own words for what it found wrong, in kubectl's.
std::string parse_error_words(const CLI::ParseError& e) {
    std::string what = e.what(), flag;
    static const RE2 missing(R"((\S+): \d+ required \S+ missing)");
    if (RE2::FullMatch(what, missing, &flag)) return "flag needs an argument: " + flag;
    return what;
}

// The help of one command (CLI::App::help() would show the selected subcommand's instead).
std::string help_of(CLI::App& cmd) {
    return cmd.get_formatter()->make_help(&cmd, command_path(cmd), CLI::AppFormatMode::Normal);
}

int run_help(CLI::App& app, const Options& o) {
    CLI::App* cmd = &app;
    for (const auto& word : o.help_words) {
        CLI::App* sub = subcommand_named(*cmd, word);
        if (sub == nullptr || sub->get_group().empty())
            return usage_error(*cmd, "unknown help topic " + quoted(word) + " for \"" + std::string(kBinaryName) +
                                         "\"", did_you_mean(suggestions(word, visible_subcommand_names(*cmd))));
        cmd = sub;
    }
    std::cout << help_of(*cmd);
    return 0;
}

// `help [COMMAND...]`: the words after it name a command and are never parsed as one (CLI11
// would switch to a command they name). Null when the first word is not `help`.
std::optional<std::vector<std::string>> help_request(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-o" || a == "--output" || a == "--patterns-dir") {
            ++i;
        } else if (a.size() < 2 || a[0] != '-') {
            if (a != "help") return std::nullopt;
            std::vector<std::string> words;
            for (size_t j = i + 1; j < args.size(); ++j)
                if (args[j].empty() || args[j][0] != '-') words.push_back(args[j]);
            return words;
        }
    }
    return std::nullopt;
}

// The option a flag word (--name, --name=value, -n, -nVALUE) names on `cmd`; null when none.
const CLI::Option* option_named(const CLI::App& cmd, const std::string& word) {
    std::string name = word.rfind("--", 0) == 0 ? word.substr(0, word.find('=')) : word.substr(0, 2);
    return cmd.get_option_no_throw(name);
}

// kubectl takes its flags before the command too (`kubectl -n ci get pods`): a flag before the
// command that only the command knows (`-n ci diagnose tr/x`) is moved after the command's name.
std::vector<std::string> command_flags_after_command(CLI::App& app, const std::vector<std::string>& args) {
    // Where the command's name is: after the leading flags and their values (a flag unknown at
    // the top takes a value when the option of that name on any command does).
    auto takes_value = [&app](const std::string& w) {
        const CLI::Option* opt = option_named(app, w);
        for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
            if (opt == nullptr) opt = option_named(*sub, w);
        return opt != nullptr && opt->get_type_size_max() > 0 && w.find('=') == std::string::npos &&
               (w[1] == '-' || w.size() == 2);
    };
    bool any_moved = false;
    size_t i = 0;
    for (; i < args.size() && args[i].size() > 1 && args[i][0] == '-' && args[i] != "--"; ++i) {
        if (option_named(app, args[i]) == nullptr) any_moved = true;
        if (takes_value(args[i])) ++i;
    }
    if (!any_moved || i >= args.size()) return args;
    CLI::App* cmd = subcommand_named(app, args[i]);
    if (cmd == nullptr) return args;
    // Move only when every flag is the command's and its values come along.
    std::vector<std::string> before, flags;
    for (size_t j = 0; j < i; ++j) {
        const std::string& w = args[j];
        const CLI::Option* at_root = option_named(app, w);
        const CLI::Option* own = at_root == nullptr ? option_named(*cmd, w) : nullptr;
        std::vector<std::string>& to = own != nullptr ? flags : before;
        if (at_root == nullptr && own == nullptr) return args;  // unknown: the parser says so
        to.push_back(w);
        if (takes_value(w) && j + 1 < i) to.push_back(args[++j]);
    }
    std::vector<std::string> out = before;
    out.push_back(args[i]);
    out.insert(out.end(), flags.begin(), flags.end());
    out.insert(out.end(), args.begin() + static_cast<long>(i) + 1, args.end());
    return out;
}

int main_impl(int argc, char** argv) {
    Options o;
    CLI::App app;
    build_command_tree(app, o);
    std::vector<std::string> args(argv + 1, argv + argc);
    // Hidden entry points: cobra's completion protocol, and the man page build step.
    if (!args.empty() && args[0] == "__complete") return run_complete({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "__manpage") {
        std::cout << render_manpage(app, kBuildDate);
        return 0;
    }
    if (auto words = help_request(args)) {
        o.help_words = *words;
        return run_help(app, o);
    }
    try {
        std::vector<std::string> reversed = command_flags_after_command(app, args);
        std::reverse(reversed.begin(), reversed.end());
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(*selected_command(app), parse_error_words(e));
    }
    CLI::App* cmd = selected_command(app);
    if (const CLI::Option* timeout = cmd->get_option_no_throw("--timeout"); timeout && timeout->count() > 0)
        o.timeout_given = true;
    if (std::vector<std::string> extras = app.remaining(true); !extras.empty()) return unexpected_words(*cmd, extras);
    o.output = parse_output_format(o.output_text);
    if (o.brief && (o.output == OutputFormat::json || o.output == OutputFormat::yaml))
        throw Error("--brief shortens text and Markdown; -o json and -o yaml always hold every fix", ExitCode::usage);
    if (o.show_version) return run_version(o);
    for (CLI::App* c = cmd; c != nullptr && c->get_parent() != nullptr; c = c->get_parent())
        o.command = c->get_name() + (o.command.empty() ? "" : " " + o.command);
    if (o.command.empty() || o.command == "patterns") {
        // As kubectl: a command that only groups others prints its help.
        std::cout << help_of(*cmd);
        return 0;
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
