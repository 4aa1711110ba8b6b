// The command tree: every command, flag, help text and example of kubectl tekton-certdoctor,
// over one Options. main.cpp parses with it; completion and the man page read it, so that the
// three never disagree.
#include "command_tree.h"

#include <memory>

#include "model/report.h"
#include "util/text.h"

namespace certdoctor {

namespace {

// Help as kubectl prints it: a flag that takes an optional value reads `--apply[=task]`, not
// CLI11's `--apply{cluster} [=task]` (the value a bare flag stands for, in braces, then the
// option text after a space).
class KubectlFormatter : public CLI::Formatter {
  public:
    std::string make_option_name(const CLI::Option* opt, bool positional) const override {
        std::string name = CLI::Formatter::make_option_name(opt, positional);
        if (positional) return name;
        for (size_t open = name.find('{'); open != std::string::npos; open = name.find('{', open)) {
            size_t close = name.find('}', open);
            if (close == std::string::npos) break;
            name.erase(open, close + 1 - open);
        }
        return name;
    }
    std::string make_option_opts(const CLI::Option* opt) const override {
        const std::string& text = opt->get_option_text();
        if (text.rfind("[=", 0) == 0) return text;  // glued to the flag: --apply[=task]
        return CLI::Formatter::make_option_opts(opt);
    }
};

}  // namespace

const char* const kExitCodes = R"(Exit codes:
  0  no problem found
  1  a problem was diagnosed
  2  usage error
  3  input not understood, the failure not recognised, or the run does not exist
  4  the tool failed (I/O, network, API, a broken kubeconfig or catalog)
  5  --apply changed nothing: no terminal to ask on and no --yes, or the answer was no)";

void for_each_command(CLI::App& app, const std::function<void(CLI::App&)>& visit) {
    visit(app);
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
        for_each_command(*sub, visit);
}

std::string command_path(const CLI::App& cmd) {
    std::string path;
    for (const CLI::App* c = &cmd; c != nullptr; c = c->get_parent())
        path = c->get_parent() == nullptr ? kName + path : " " + c->get_name() + path;
    return path;
}

void add_global_flags(CLI::App* cmd, Options& o, const std::string& group) {
    std::string formats;
    for (const char* f : kOutputFormats) formats += std::string(formats.empty() ? "" : ", ") + f;
    cmd->add_option("-o,--output", o.output_text,
                    "Output format: " + formats + " (-o json, -o=json, -ojson)")
        ->option_text("FORMAT")
        ->group(group);
    cmd->add_option("--patterns-dir", o.patterns_dir,
                    "Extra catalog rules (*.yaml); a rule with a built-in id replaces it")
        ->option_text("DIR")
        ->group(group);
    cmd->add_flag("--no-color", o.no_color, "Never colour the output (NO_COLOR does the same)")
        ->group(group);
    cmd->add_flag("--redact", o.redact,
                  "Replace registry hosts, IPs, namespaces, object names and image paths with stable "
                  "placeholders, for sharing the report outside the company")
        ->group(group);
    cmd->add_flag("-v,--verbose", o.verbose,
                  "Log what was read and matched (and each API request) to standard error")
        ->group(group);
}

void add_connection_flags(CLI::App* cmd, Options& o) {
    const std::string g = kClusterGroup;
    cmd->add_option("--kubeconfig", o.kubeconfig,
                    "Path to the kubeconfig file (else KUBECONFIG, else ~/.kube/config)")
        ->option_text("FILE")
        ->group(g);
    cmd->add_option("--context", o.context, "The kubeconfig context to use")
        ->option_text("NAME")
        ->group(g);
    cmd->add_option("--cluster", o.cluster, "The kubeconfig cluster to use")
        ->option_text("NAME")
        ->group(g);
    cmd->add_option("--user", o.user, "The kubeconfig user to use")->option_text("NAME")->group(g);
    cmd->add_option("-s,--server", o.server,
                    "The address of the API server (https://HOST:PORT); no kubeconfig needed")
        ->option_text("URL")
        ->group(g);
    cmd->add_option("--token", o.token, "Bearer token for the API server (never printed)")
        ->option_text("TOKEN")
        ->group(g);
    cmd->add_option("--certificate-authority", o.certificate_authority,
                    "A CA bundle to verify the API server with")
        ->option_text("FILE")
        ->group(g);
    cmd->add_flag("--insecure-skip-tls-verify", o.insecure_skip_tls_verify,
                  "Do not verify the API server's certificate (insecure)")
        ->group(g);
    cmd->add_option("--as", o.as, "Impersonate this user (Impersonate-User)")
        ->option_text("USER")
        ->group(g);
    cmd->add_option("--as-group", o.as_groups, "Impersonate this group, with --as (repeatable)")
        ->allow_extra_args(false)
        ->option_text("GROUP")
        ->group(g);
    cmd->add_option(
           "--request-timeout", o.request_timeout,
           "Bound for each API request and exec credential plugin (default 30s; 1m30s, 90s)")
        ->option_text("DURATION")
        ->group(g);
}

void build_command_tree(CLI::App& app, Options& o) {
    app.name(kName);
    app.formatter(std::make_shared<KubectlFormatter>());  // before the subcommands: they copy it
    app.description(
        "Diagnoses Tekton runs that fail on registry certificates: finds where on Tekton's\n"
        "call chains the failure sits, explains the root cause, and gives the fix.");
    app.fallthrough();
    app.allow_extras();  // unknown commands and flags are answered as kubectl does, in main.cpp
    app.footer(std::string("Examples:\n"
                           "  # Diagnose a failed TaskRun in the cluster: messages, events, "
                           "installation checks, the registry's chain\n"
                           "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci\n\n"
                           "  # Every failed TaskRun of the last hour, grouped by root cause\n"
                           "  kubectl tekton-certdoctor diagnose taskruns -A --since 1h\n\n"
                           "  # Explain a pasted error message\n"
                           "  kubectl tekton-certdoctor explain 'failed to create task run pod "
                           "\"x\": ... x509: certificate signed by unknown authority'\n\n"
                           "  # Diagnose a dumped TaskRun, as JSON for scripts\n"
                           "  kubectl get taskrun build-1 -o yaml | kubectl tekton-certdoctor "
                           "diagnose -f - -o json\n\n") +
               kExitCodes);
    add_global_flags(&app, o, "Flags");
    app.add_flag("--version", o.show_version, "Print the version and exit (as 'version')");
    auto* explain =
        app.add_subcommand("explain", "Explain an error message, a pasted block, or a log");
    explain->add_option("text", o.text, "The text; '-' or a pipe reads standard input, and one argument naming a file reads that file")
        ->option_text("TEXT...");
    // The trust flags of `probe`, also taken by explain and diagnose for --probe (`lead` says so).
    auto add_trust_flags = [&o](CLI::App* cmd, const std::string& lead) {
        cmd->add_option(
               "--ca-file", o.ca_files,
               lead + "A PEM bundle to trust as well (repeatable): does it make Go's check pass?")
            ->allow_extra_args(false)  // one file per flag: never swallow the positional text
            ->option_text("FILE");
        cmd->add_flag("--no-system-roots", o.no_system_roots,
                      lead + "Trust only the --ca-file bundles");
        cmd->add_option("--timeout", o.timeout,
                        lead + "Bound for each registry's probe (default 10s)")
            ->option_text("DURATION");
    };
    auto add_probe_flags = [&](CLI::App* cmd) {
        cmd->add_flag(
            "--probe", o.probe,
            "Probe each registry named in the findings: its real chain, judged as Go does");
        add_trust_flags(cmd, "With --probe: ");
    };
    add_probe_flags(explain);
    // For incidents: the summary, then each problem's verdict and first fix (text, Markdown).
    auto add_brief_flag = [&o](CLI::App* cmd) {
        cmd->add_flag("--brief", o.brief,
                      "Only the summary and, per problem, its verdict and first fix (text and "
                      "Markdown; -o json always has everything)");
    };
    add_brief_flag(explain);
    explain
        ->add_option("-n,--namespace", o.namespace_,
                     "The namespace the failing run or pod was in: the fixes' commands use it where the text "
                     "names none (else they show NAMESPACE)")
        ->option_text("NAMESPACE");
    explain->footer(
        "Examples:\n"
        "  kubectl tekton-certdoctor explain 'failed to create task run pod \"task-run\": "
        "translating TaskSpec to Pod: "
        "error getting image manifest: Get https://registry.private/v2/: x509: certificate signed "
        "by unknown "
        "authority. Maybe missing or invalid Task default/task'\n"
        "  kubectl describe taskrun build-1 | kubectl tekton-certdoctor explain -\n"
        "  kubectl tekton-certdoctor explain ticket-1234.txt\n"
        "  # A step's message, for a run in the namespace ci (the fixes' commands name it):\n"
        "  kubectl tekton-certdoctor explain -n ci 'error checking push permissions -- make sure you entered the "
        "correct tag name, and that you are authenticated correctly, and try again: checking push permission for "
        "\"registry.corp.example/app:1\": POST https://registry.corp.example/v2/app/blobs/uploads/: UNAUTHORIZED: "
        "authentication required'\n"
        "  kubectl -n tekton-pipelines logs deploy/tekton-pipelines-controller | kubectl "
        "tekton-certdoctor explain -o markdown\n"
        "  # Also check the registry's real chain, and put its CA into the fix:\n"
        "  kubectl tekton-certdoctor explain --probe 'Get \"https://registry.corp.example/v2/\": "
        "x509: certificate signed by unknown authority'\n\n"
        "A text is read in full; its first " + std::to_string(kMaxFindings) +
        " distinct failures are diagnosed and the rest counted (`analyze` groups a log of any size).\n\n" +
        std::string(kExitCodes));

    auto* diagnose = app.add_subcommand(
        "diagnose", "Diagnose TaskRuns and PipelineRuns: in the cluster, or dumped to a file");
    diagnose
        ->add_option("-f,--filename", o.filename,
                     "A TaskRun/PipelineRun (or a List, or several documents) as YAML or JSON; '-' "
                     "for stdin")
        ->option_text("FILE");
    diagnose
        ->add_option("resource", o.resource_args,
                     "A run in the cluster: taskrun/NAME (tr/NAME) or pipelinerun/NAME (pr/NAME), "
                     "also as TYPE NAME "
                     "(taskrun build-1); or 'taskruns' for every failed TaskRun in the namespace")
        ->option_text("TYPE/NAME | TYPE NAME");
    add_probe_flags(diagnose);
    add_brief_flag(diagnose);
    diagnose->add_flag(
        "--no-probe", o.no_probe,
        "Cluster mode: do not probe the registries (probing is on by default there)");
    const std::string kube = kClusterGroup;
    auto add_kube_flags = [&](CLI::App* cmd) { add_connection_flags(cmd, o); };
    add_kube_flags(diagnose);
    diagnose
        ->add_option("-n,--namespace", o.namespace_,
                     "The namespace (else the context's, else default)")
        ->option_text("NAMESPACE")
        ->group(kube);
    diagnose
        ->add_flag("-A,--all-namespaces", o.all_namespaces,
                   "Sweep the failed TaskRuns of every namespace")
        ->group(kube);
    diagnose
        ->add_option("-l,--selector", o.selector,
                     "Sweep only TaskRuns with these labels (e.g. app=web,tier!=test)")
        ->option_text("SELECTOR")
        ->group(kube);
    diagnose
        ->add_option("--since", o.since,
                     "Sweep only runs that failed within this long (e.g. 2h, 30m, 7d)")
        ->option_text("DURATION")
        ->group(kube);
    diagnose->add_option("--limit", o.limit, "Diagnose at most this many failed runs in a sweep")
        ->option_text("N")
        ->group(kube);
    diagnose
        ->add_option("--expiry-warning", o.expiry_warning,
                     "Fail the check certificates-expire-soon for a registry chain or a CA in "
                     "config-registry-cert "
                     "that stops verifying within this long (default 30d)")
        ->option_text("DURATION")
        ->group(kube);
    diagnose
        ->add_option(
            "--chunk-size", o.chunk_size,
            "TaskRuns per list request in a sweep (default 500; 0 reads the list in one request)")
        ->option_text("N")
        ->group(kube);
    const std::string fix_group = "Fix it (cluster mode)";
    diagnose
        ->add_flag("--apply{cluster}", o.apply,
                   "Make the primary finding's fix in the cluster: add the CA to config-registry-cert (or, on "
                   "OpenShift, to the ConfigMap the proxy's trustedCA names), move it to `cert`, create the "
                   "ConfigMap, restart the controller. Shows each object's diff first and asks; --apply=task "
                   "patches a Task, StepAction or Pipeline instead. One run only (taskrun/NAME, pipelinerun/NAME): a "
                   "sweep is refused. Under the Tekton Operator nothing is written; the edit is shown")
        ->option_text("[=task]")
        ->group(fix_group);
    diagnose->add_flag("-y,--yes", o.yes, "With --apply: do not ask (needed without a terminal)")->group(fix_group);
    diagnose
        ->add_option("--dry-run", o.dry_run,
                     "With --apply: 'server' sends every write with dryRun=All and shows what the server "
                     "would store; 'none' (default) writes")
        ->option_text("none|server")
        ->group(fix_group);
    diagnose
        ->add_flag("--verify", o.verify,
                   "With --apply: probe the registry again with exactly the bundle now in the cluster, "
                   "and check that the controller pods started after the change")
        ->group(fix_group);
    diagnose->footer(
        "Examples:\n"
        "  # One run in the cluster: its messages, pod events, Task, the installation's checks, a "
        "probe of the registry\n"
        "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci\n"
        "  kubectl tekton-certdoctor diagnose pr/release-7 -n ci -o markdown > ticket.md\n"
        "  # Every failed TaskRun of the last 2 hours in all namespaces, grouped by root cause:\n"
        "  kubectl tekton-certdoctor diagnose taskruns -A --since 2h\n"
        "  # The same for an incident channel: per root cause, the verdict and the first fix:\n"
        "  kubectl tekton-certdoctor diagnose taskruns -A --since 2h --brief\n"
        "  # Make the fix: diff, confirm, write (keeping every CA and key), restart, verify:\n"
        "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci --apply --verify\n"
        "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci --apply --dry-run=server\n"
        "  kubectl tekton-certdoctor diagnose taskruns -n ci -l tekton.dev/pipeline=release "
        "--limit 50 -o json\n"
        "  # Offline, from a dump:\n"
        "  kubectl get taskrun build-1 -o yaml > tr.yaml && kubectl tekton-certdoctor diagnose -f "
        "tr.yaml\n"
        "  kubectl get pipelinerun release-7 -o json | kubectl tekton-certdoctor diagnose -f - -o "
        "json\n"
        "  # A PipelineRun with its child TaskRuns, their pods and the events, in one file:\n"
        "  { kubectl get pipelinerun release-7 -o yaml; echo ---; kubectl get taskruns -l "
        "tekton.dev/pipelineRun=release-7 -o yaml;\n"
        "    echo ---; kubectl get pods -l tekton.dev/pipelineRun=release-7 -o yaml; echo ---; "
        "kubectl get events -o yaml; } |\n"
        "    kubectl tekton-certdoctor diagnose -f -\n\n" +
        std::string(kExitCodes));

    auto* analyze = app.add_subcommand("analyze",
                                       "Find and group the registry and TLS failures in logs: "
                                       "controller, resolvers, steps, nodes");
    analyze
        ->add_option("files", o.files,
                     "Log files, plain or gzip; '-' (or a pipe) reads standard input")
        ->option_text("FILE...");
    analyze->add_flag(
        "-f,--follow", o.follow,
        "Read one file (or standard input) as it grows and print each new group as it appears");
    analyze
        ->add_flag(
            "--from-cluster", o.from_cluster,
            "Read the logs of the Tekton controller and remote resolvers pods through the API")
        ->group(kube);
    analyze
        ->add_option("--since", o.since,
                     "With --from-cluster: only log lines newer than this (e.g. 1h, 30m)")
        ->option_text("DURATION")
        ->group(kube);
    analyze
        ->add_option("--tail", o.tail,
                     "With --from-cluster: only the last N lines of each container's log")
        ->option_text("N")
        ->group(kube);
    analyze
        ->add_flag("-p,--previous", o.previous,
                   "With --from-cluster: the previous instance of each container (after a restart)")
        ->group(kube);
    add_kube_flags(analyze);
    add_brief_flag(analyze);
    analyze->footer(
        "Examples:\n"
        "  # The controller's log, grouped by component, problem and registry, with the runs hit "
        "and the fixes\n"
        "  kubectl -n tekton-pipelines logs deploy/tekton-pipelines-controller | kubectl "
        "tekton-certdoctor analyze\n"
        "  kubectl tekton-certdoctor analyze controller.log resolvers.log.gz -o json\n"
        "  # For an incident channel: the groups, then each one's verdict and first fix:\n"
        "  kubectl tekton-certdoctor analyze controller.log --brief -o markdown\n"
        "  # The controller's and resolvers' pods of the current context, the last two hours:\n"
        "  kubectl tekton-certdoctor analyze --from-cluster --since 2h -o markdown > incident.md\n"
        "  # Watch a live log; each new kind of failure is printed as soon as it shows:\n"
        "  kubectl -n tekton-pipelines logs -f deploy/tekton-pipelines-controller | kubectl "
        "tekton-certdoctor analyze -f -\n"
        "  # Step and node logs too:\n"
        "  kubectl logs build-1-pod -c step-build | kubectl tekton-certdoctor analyze -\n"
        "  journalctl -u kubelet -u containerd --since today | kubectl tekton-certdoctor "
        "analyze\n\n"
        "Exit codes: 0 no failure line found, 1 failure lines found, 2 usage, 3 input not "
        "understood, 4 the tool failed.");

    auto* probe = app.add_subcommand(
        "probe", "Check a registry's certificate chain the way the Tekton controller (Go) does");
    probe
        ->add_option("target", o.target,
                     "host, host:port, https://host[:port]/..., or an image reference")
        ->option_text("TARGET");
    add_trust_flags(probe, "");
    probe
        ->add_option("--server-name", o.server_name,
                     "The name to send (SNI) and check, instead of the target's host; with "
                     "--chain-file, the name "
                     "the client dialled (without it, names are not checked)")
        ->option_text("NAME");
    probe
        ->add_option("--chain-file", o.chain_file,
                     "Judge a chain you were handed, offline: PEM, a pasted 'openssl s_client "
                     "-showcerts' output, "
                     "or DER ('-' reads standard input)")
        ->option_text("FILE");
    probe
        ->add_option("--at", o.at,
                     "With --chain-file: verify at this time (RFC 3339, or +30d, +12h from now)")
        ->option_text("TIME");
    probe->add_flag(
        "--entrypoint", o.entrypoint,
        "Read the image's Entrypoint and Cmd per platform (what set-step-command needs)");
    probe
        ->add_option("--registry-config", o.registry_config,
                     "A docker config.json with credentials for the registry")
        ->option_text("FILE");
    probe->footer(
        "Examples:\n"
        "  kubectl tekton-certdoctor probe registry.corp.example:8443\n"
        "  kubectl tekton-certdoctor probe registry.corp.example:8443/team/app:v1 --ca-file "
        "corp-root.pem\n"
        "  # Would exactly what is in config-registry-cert work for the controller?\n"
        "  kubectl -n tekton-pipelines get configmap config-registry-cert -o "
        "jsonpath='{.data.cert}' > cert.pem\n"
        "  kubectl tekton-certdoctor probe registry.corp.example --ca-file cert.pem -o json\n"
        "  # The command to give a step so that the controller skips the lookup:\n"
        "  kubectl tekton-certdoctor probe registry.corp.example/team/builder:2.4 --entrypoint "
        "--registry-config ~/.docker/config.json\n"
        "  # Offline: a pasted 'openssl s_client -showcerts' output, judged for a name, as it will "
        "be in 30 days\n"
        "  kubectl tekton-certdoctor probe --chain-file pasted.txt --server-name "
        "registry.corp.example --ca-file corp-root.pem --at +30d\n\n"
        "Exit codes: 0 Go would accept the registry (or chain), 1 a problem was found, 2 usage, 3 "
        "a bad --ca-file or\n"
        "chain file, 4 the tool failed.");

    auto* patterns = app.add_subcommand("patterns", "List, lint and test the pattern catalog");
    patterns->footer(
        "Examples:\n"
        "  kubectl tekton-certdoctor patterns list -o json\n"
        "  kubectl tekton-certdoctor patterns lint --patterns-dir ./my-rules\n"
        "  kubectl tekton-certdoctor patterns test --patterns-dir ./my-rules -v\n"
        "  kubectl tekton-certdoctor patterns regexes > failures.re && rg -c -f failures.re "
        "controller.log");
    patterns->add_subcommand("list", "List every rule and fix")
        ->footer("Example:\n  kubectl tekton-certdoctor patterns list -o json");
    patterns
        ->add_subcommand("lint", "Check the catalog: ids, vocabulary, fields, regexes, fix rules")
        ->footer("Example:\n  kubectl tekton-certdoctor patterns lint --patterns-dir ./my-rules");
    patterns->add_subcommand("test", "Run every rule's examples through the engine")
        ->footer(
            "Example:\n  kubectl tekton-certdoctor patterns test --patterns-dir ./my-rules -v");
    auto* regexes = patterns->add_subcommand(
        "regexes", "Print the failure (cause) regexes, one a line, for rg -f or grep -E -f");
    regexes
        ->add_option("--syntax", o.syntax, "re2 (also what rg reads) or ere (grep -E); default re2")
        ->option_text("SYNTAX");
    regexes->footer(
        "Examples:\n  kubectl tekton-certdoctor patterns regexes > failures.re && rg -c -f "
        "failures.re controller.log\n"
        "  kubectl tekton-certdoctor patterns regexes --syntax ere > failures.ere && grep -E -c -f "
        "failures.ere controller.log");
    auto* exporter = app.add_subcommand(
        "export", "Write a report's fixes to a folder: manifests, scripts, runbook.md, backup.sh");
    exporter->add_option("dir", o.export_dir, "The folder to write (created; must be empty unless --force)")
        ->required()
        ->option_text("DIR");
    exporter
        ->add_option("-f,--filename", o.filename,
                     "The report (`-o json` of diagnose or explain); '-' or a pipe for stdin")
        ->option_text("FILE");
    exporter->add_flag("--force", o.force, "Replace what DIR holds");
    exporter->footer(
        "Examples:\n"
        "  kubectl tekton-certdoctor diagnose taskrun/build-1 -n ci -o json | kubectl "
        "tekton-certdoctor export change-1234\n"
        "  kubectl tekton-certdoctor export change-1234 -f report.json --force");
    app.add_subcommand(
           "version",
           "Print the version, commit, build date, catalog size and supported Tekton versions")
        ->footer(
            "Examples:\n  kubectl tekton-certdoctor version\n  kubectl tekton-certdoctor version "
            "-o json");

    auto* completion =
        app.add_subcommand("completion", "Print the shell completion script: bash, zsh or fish");
    completion->add_option("shell", o.shell, "bash, zsh or fish")->option_text("SHELL");
    completion->footer(
        "Examples:\n"
        "  # bash, for this shell; add the line to ~/.bashrc to keep it:\n"
        "  source <(kubectl-tekton_certdoctor completion bash)\n"
        "  # zsh:\n"
        "  kubectl-tekton_certdoctor completion zsh > \"${fpath[1]}/_kubectl-tekton_certdoctor\"\n"
        "  # fish:\n"
        "  kubectl-tekton_certdoctor completion fish > "
        "~/.config/fish/completions/kubectl-tekton_certdoctor.fish\n"
        "  # kubectl tekton-certdoctor <TAB> (kubectl 1.26 and later): put "
        "kubectl_complete-tekton_certdoctor\n"
        "  # (shipped next to the binary) on PATH; kubectl runs it for the plugin's words.");

    auto* help = app.add_subcommand("help", "Help about any command");
    // main.cpp reads the words after `help` itself: they name a command, never run one.
    help->add_option("command", o.help_words, "The command, e.g. diagnose or patterns list")
        ->option_text("COMMAND...");
    help->footer(
        "Examples:\n  kubectl tekton-certdoctor help diagnose\n  kubectl tekton-certdoctor help "
        "patterns regexes");

    // Every command shows the flags that apply to it: the global ones too, under their own heading.
    for_each_command(app, [&o](CLI::App& cmd) {
        if (cmd.get_parent() != nullptr) add_global_flags(&cmd, o, kGlobalGroup);
    });
}

}  // namespace certdoctor
