// End-to-end tests of the built binary, run the way a user types it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/run_process.h"

namespace certdoctor {
namespace {

using test::ProcessOptions;
using test::ProcessResult;
using test::run_process;

const std::string kBinary = CERTDOCTOR_BINARY;
const std::string kSource = CERTDOCTOR_SOURCE_DIR;

const char* kDevelopersMessage =
    "failed to create task run pod \"task-run\": translating TaskSpec to Pod: error getting image\n"
    "    manifest: Get https://registry.private/v2/: x509: certificate signed by unknown authority.\n"
    "    Maybe missing or invalid Task default/task";

ProcessResult cli(std::vector<std::string> args, ProcessOptions options = {}) {
    args.insert(args.begin(), kBinary);
    ProcessResult r = run_process(args, options);
    EXPECT_FALSE(r.timed_out) << "timed out: " << args[1];
    return r;
}

nlohmann::json json_of(const ProcessResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
}

TEST(Explain, TheDevelopersMessageIsTheControllersLookupMissingACa) {
    ProcessResult r = cli({"explain", kDevelopersMessage, "-o", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto j = json_of(r);
    ASSERT_EQ(j["status"], "problems-found");
    const auto& f = j["findings"][0];
    EXPECT_EQ(f["component"], "tekton-controller");
    EXPECT_EQ(f["stage"], "entrypoint-lookup");
    EXPECT_EQ(f["problem"], "unknown-authority");
    EXPECT_EQ(f["registry"], "registry.private");
    EXPECT_EQ(f["object"]["name"], "task-run");
    EXPECT_EQ(f["object"]["namespace"], "default");
    ASSERT_GE(f["fixes"].size(), 2u);
    EXPECT_EQ(f["fixes"][0]["id"], "add-ca-to-config-registry-cert");
    EXPECT_EQ(f["fixes"][1]["id"], "set-step-command");
}

TEST(Explain, ReadsStandardInputWhenPipedOrGivenDash) {
    ProcessOptions in;
    in.stdin_text = kDevelopersMessage;
    ProcessResult piped = cli({"explain", "-o", "json"}, in);
    EXPECT_EQ(piped.exit_code, 1) << piped.err;
    EXPECT_EQ(json_of(piped)["findings"][0]["problem"], "unknown-authority");
    ProcessResult dash = cli({"explain", "-", "-o", "json"}, in);
    EXPECT_EQ(json_of(dash)["findings"][0]["evidence"]["origin"], "stdin:1");
}

// `explain ticket.txt`: a lone argument naming a file reads the file; a message of one word that
// names no file is still read as text.
TEST(Explain, ALoneArgumentNamingAFileReadsIt) {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("certdoctor-explain-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::path file = dir / "ticket-1234.txt";
    std::ofstream(file) << kDevelopersMessage << "\n";
    ProcessResult r = cli({"explain", file.string(), "-o", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto j = json_of(r);
    EXPECT_EQ(j["findings"][0]["problem"], "unknown-authority");
    EXPECT_EQ(j["findings"][0]["evidence"]["origin"], file.string() + ":1");
    ProcessResult word = cli({"explain", (dir / "no-such-file.txt").string()});
    EXPECT_EQ(word.exit_code, 3) << word.out << word.err;
    std::filesystem::remove_all(dir);
}

TEST(Explain, APastedBlockWithSeveralErrorsGivesSeveralFindings) {
    ProcessOptions in;
    in.stdin_text =
        "INFO building\n"
        "error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated "
        "correctly, and try again: checking push permission for \"reg.example/app:1\": creating push check transport "
        "for reg.example failed: Get \"https://reg.example/v2/\": x509: certificate signed by unknown authority\n"
        "fatal: unable to access 'https://git.example/a.git/': SSL certificate problem: certificate has expired\n";
    auto j = json_of(cli({"explain", "-", "-o", "json"}, in));
    ASSERT_EQ(j["count"], 2);
    EXPECT_EQ(j["findings"][0]["component"], "step-tool");
    EXPECT_EQ(j["findings"][1]["component"], "git");
    EXPECT_EQ(j["findings"][1]["problem"], "expired");
}

TEST(Explain, UnrecognisedTextExitsThree) {
    ProcessResult r = cli({"explain", "all steps completed"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.out.find("Not recognised"), std::string::npos);
}

TEST(Explain, AnEmptyPipeIsNothingRecognised) {
    ProcessOptions empty_pipe;
    empty_pipe.close_stdin = false;
    EXPECT_EQ(cli({"explain"}, empty_pipe).exit_code, 3);
}

TEST(Explain, NoTextOnATerminalIsAUsageError) {
    if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no script(1)";
    ProcessResult r = run_process({"script", "-qec", "'" + kBinary + "' explain; echo \"exit=$?\"", "/dev/null"});
    EXPECT_NE(r.out.find("explain needs the error text"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("exit=2"), std::string::npos) << r.out;
}

TEST(Explain, LookalikesGetNoRegistryFix) {
    auto j = json_of(cli({"explain", "-o", "json",
                          "Internal error occurred: failed calling webhook \"webhook.pipeline.tekton.dev\": failed to call "
                          "webhook: Post \"https://tekton-pipelines-webhook.tekton-pipelines.svc:443/defaulting\": x509: "
                          "certificate signed by unknown authority"}));
    const auto& f = j["findings"][0];
    EXPECT_TRUE(f["lookalike"].get<bool>());
    for (const auto& fix : f["fixes"]) {
        EXPECT_NE(fix["id"], "add-ca-to-config-registry-cert");
        EXPECT_NE(fix["id"], "trust-ca-on-nodes");
    }
}

// --brief, as a user types it: each problem's first fix, without the why and the call chain;
// with -o json it is a usage error, since JSON always holds everything.
TEST(Output, BriefShowsEachFirstFixAndRefusesJson) {
    const std::string log = kSource + "/tests/samples/controller.log";
    ProcessResult full = cli({"analyze", log});
    ProcessResult brief = cli({"analyze", log, "--brief"});
    EXPECT_EQ(brief.exit_code, 1) << brief.err;
    EXPECT_NE(brief.out.find("First fix: Add the registry's CA to config-registry-cert"), std::string::npos) << brief.out;
    EXPECT_EQ(brief.out.find("Call chain"), std::string::npos);
    EXPECT_LT(brief.out.size() * 2, full.out.size());
    ProcessResult md = cli({"diagnose", "-f", kSource + "/tests/samples/taskrun-unknown-authority.yaml", "--brief", "-o", "markdown"});
    EXPECT_EQ(md.exit_code, 1) << md.err;
    EXPECT_NE(md.out.find("| # | Problem | Where | Registry | Stands for | First fix |"), std::string::npos) << md.out;
    ProcessResult json = cli({"explain", kDevelopersMessage, "--brief", "-o", "json"});
    EXPECT_EQ(json.exit_code, 2);
    EXPECT_NE(json.err.find("--brief"), std::string::npos) << json.err;
    EXPECT_TRUE(json.out.empty());
}

// explain -n: the namespace a pasted step message's run was in goes into the fixes' commands
// (quoted, as every value); without it the placeholder stays and a note says how to fill it; a
// name that is no namespace's is a usage error, before anything is printed.
TEST(Output, ExplainNamespaceFillsTheFixesCommands) {
    const std::string message =
        "error checking push permissions -- make sure you entered the correct tag name, and that you are "
        "authenticated correctly, and try again: checking push permission for \"registry.corp.example/app:1\": POST "
        "https://registry.corp.example/v2/app/blobs/uploads/: UNAUTHORIZED: authentication required";
    ProcessResult bare = cli({"explain", message, "-o", "json"});
    ASSERT_EQ(bare.exit_code, 1) << bare.err;
    nlohmann::json without = nlohmann::json::parse(bare.out);
    ASSERT_FALSE(without["findings"].empty());
    const nlohmann::json& fix = without["findings"][0]["fixes"][0];
    ASSERT_EQ(fix["id"], "configure-step-tool-credentials");
    EXPECT_NE(fix["commands"].dump().find("kubectl -n 'NAMESPACE' create secret"), std::string::npos) << fix.dump();
    EXPECT_NE(without["notes"].dump().find("explain -n NAMESPACE"), std::string::npos) << without["notes"].dump();

    ProcessResult named = cli({"explain", "-n", "ci-builds", message, "-o", "json"});
    ASSERT_EQ(named.exit_code, 1) << named.err;
    nlohmann::json with = nlohmann::json::parse(named.out);
    const std::string commands = with["findings"][0]["fixes"][0]["commands"].dump();
    EXPECT_NE(commands.find("kubectl -n 'ci-builds' create secret"), std::string::npos) << commands;
    EXPECT_EQ(with.dump().find("NAMESPACE"), std::string::npos) << with.dump();

    // A namespace the text names is kept: -n only fills what the text leaves open.
    ProcessResult tekton = cli({"explain", "--namespace", "other", kDevelopersMessage, "-o", "json"});
    ASSERT_EQ(tekton.exit_code, 1) << tekton.err;
    EXPECT_EQ(nlohmann::json::parse(tekton.out)["findings"][0]["object"]["namespace"], "default");

    for (const std::string& bad : std::vector<std::string>{"Ci", "a;b", "-x", std::string(64, 'a')}) {
        ProcessResult refused = cli({"explain", "-n=" + bad, message});
        EXPECT_EQ(refused.exit_code, 2) << bad;
        EXPECT_TRUE(refused.out.empty()) << refused.out;
        EXPECT_NE(refused.err.find("is not a namespace's name"), std::string::npos) << refused.err;
    }
}

TEST(Output, MarkdownAndTextSayTheSame) {
    ProcessResult md = cli({"explain", kDevelopersMessage, "-o", "markdown"});
    EXPECT_EQ(md.exit_code, 1);
    EXPECT_NE(md.out.find("## tekton-certdoctor: 1 problem found"), std::string::npos);
    EXPECT_NE(md.out.find("| Field | Value |"), std::string::npos);
    EXPECT_EQ(md.out.find("| | |"), std::string::npos);
    EXPECT_NE(md.out.find("```yaml"), std::string::npos);
    ProcessResult text = cli({"explain", kDevelopersMessage});
    EXPECT_NE(text.out.find("add-ca-to-config-registry-cert"), std::string::npos);
    EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << "colour on a pipe";
}

TEST(Output, ColourOnlyOnATerminalAndNeverWithNoColor) {
    // `script` gives the binary a terminal.
    if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no script(1)";
    std::string cmd = "'" + kBinary + "' explain 'x509: certificate signed by unknown authority'";
    ProcessResult tty = run_process({"script", "-qec", cmd, "/dev/null"});
    EXPECT_NE(tty.out.find("\x1b["), std::string::npos);
    ProcessOptions no_color;
    no_color.env["NO_COLOR"] = "1";
    ProcessResult plain = run_process({"script", "-qec", cmd, "/dev/null"}, no_color);
    EXPECT_EQ(plain.out.find("\x1b["), std::string::npos);
    ProcessResult flag = run_process({"script", "-qec", cmd + " --no-color", "/dev/null"});
    EXPECT_EQ(flag.out.find("\x1b["), std::string::npos);
}

TEST(Diagnose, ADumpedTaskRun) {
    ProcessResult r = cli({"diagnose", "-f", kSource + "/tests/samples/taskrun-unknown-authority.yaml", "-o", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto j = json_of(r);
    const auto& f = j["findings"][0];
    EXPECT_EQ(f["registry"], "registry.corp.example:8443");
    ASSERT_EQ(f["lookup_steps"].size(), 1u);
    EXPECT_EQ(f["lookup_steps"][0]["name"], "build");
    std::string manifest = f["fixes"][1]["manifest"];
    EXPECT_NE(manifest.find("- name: build"), std::string::npos);
    EXPECT_EQ(manifest.find("unit-tests"), std::string::npos) << "a script step never triggers the lookup";
    EXPECT_EQ(manifest.find("publish"), std::string::npos) << "a step with a command never triggers the lookup";
}

TEST(Diagnose, APipelineRunFromStandardInput) {
    std::ifstream in(kSource + "/tests/samples/pipelinerun-v1-with-children.yaml");
    ProcessOptions options;
    options.stdin_text.assign(std::istreambuf_iterator<char>(in), {});
    auto j = json_of(cli({"diagnose", "-f", "-", "-o", "json"}, options));
    ASSERT_EQ(j["count"], 2);
    EXPECT_EQ(j["findings"][0]["fixes"][0]["id"], "add-ca-to-resolvers");
    EXPECT_EQ(j["findings"][1]["fixes"][0]["id"], "trust-ca-on-nodes");
    EXPECT_EQ(j["findings"][1]["parent"]["name"], "deploy-19");
}

TEST(Diagnose, ExitCodesForSucceededAndUnrecognisedRuns) {
    EXPECT_EQ(cli({"diagnose", "-f", kSource + "/tests/samples/taskrun-succeeded.yaml"}).exit_code, 0);
    ProcessResult step = cli({"diagnose", "-f", kSource + "/tests/samples/taskrun-step-failed.yaml"});
    EXPECT_EQ(step.exit_code, 3);
    EXPECT_NE(step.out.find("| kubectl tekton-certdoctor explain -"), std::string::npos);
}

TEST(Diagnose, BadInputGetsOneLineNamingWhatAndWhere) {
    auto dir = std::filesystem::temp_directory_path() / "certdoctor-e2e";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "bad.yaml") << "kind: TaskRun\nstatus:\n  conditions: [\n";
    ProcessResult bad = cli({"diagnose", "-f", (dir / "bad.yaml").string()});
    EXPECT_EQ(bad.exit_code, 3);
    EXPECT_EQ(bad.out, "");
    EXPECT_NE(bad.err.find("bad.yaml:"), std::string::npos) << bad.err;
    EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;

    ProcessResult missing = cli({"diagnose", "-f", (dir / "nope.yaml").string()});
    EXPECT_EQ(missing.exit_code, 4);
    EXPECT_NE(missing.err.find("nope.yaml: No such file or directory"), std::string::npos);

    std::ofstream(dir / "junk.bin", std::ios::binary) << std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10) << std::string(4096, '\xff');
    ProcessResult junk = cli({"diagnose", "-f", (dir / "junk.bin").string()});
    EXPECT_EQ(junk.exit_code, 3);
    EXPECT_NE(junk.err.find("binary data"), std::string::npos);
}

TEST(Diagnose, ClusterModeWithoutAnyKubeconfigSaysWhatToDo) {
    ProcessOptions options;
    options.env["KUBECONFIG"] = "/nonexistent/kubeconfig";
    options.unset_env = {"KUBERNETES_SERVICE_HOST"};
    ProcessResult r = cli({"diagnose", "taskrun/build-1"}, options);
    EXPECT_EQ(r.exit_code, 4) << r.err;  // the environment, not the command line
    EXPECT_NE(r.err.find("none of the files in KUBECONFIG exists"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("diagnose -f"), std::string::npos) << r.err;
}

TEST(Diagnose, ClusterFlagsAreCheckedBeforeAnyTraffic) {
    EXPECT_EQ(cli({"diagnose", "taskrun/x", "--since", "2h"}).exit_code, 2);  // --since selects runs of a sweep
    EXPECT_EQ(cli({"diagnose", "taskruns", "--since", "soon"}).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "taskruns", "--request-timeout", "0"}).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "taskruns", "--chunk-size", "-1"}).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "taskrun/x", "--probe", "--no-probe"}).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "taskrun/x", "-f", "x.yaml"}).exit_code, 2);
    ProcessResult r = cli({"diagnose", "pods/x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("taskrun/NAME (tr/NAME), pipelinerun/NAME (pr/NAME), or taskruns"), std::string::npos) << r.err;
}

TEST(Cli, NegativeOrHugeCountsAreOneLineUsageErrorsBeforeAnyTraffic) {
    // The cluster is a loopback port nothing listens on: a count let through would end in exit 4
    // ("cannot reach the API server"), not in the usage error.
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("certdoctor-counts-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "kubeconfig") << "apiVersion: v1\nkind: Config\n"
                                         "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
                                         "users: [{name: u, user: {token: t}}]\n"
                                         "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n";
    std::string kubeconfig = (dir / "kubeconfig").string();
    struct Case {
        std::vector<std::string> args;
        std::string flag;
    };
    for (const Case& c : std::vector<Case>{
             {{"diagnose", "taskruns", "--chunk-size", "-5"}, "--chunk-size -5"},
             {{"diagnose", "taskruns", "--chunk-size=-5"}, "--chunk-size -5"},
             {{"diagnose", "taskruns", "--chunk-size", "18446744073709551611"}, "--chunk-size 18446744073709551611"},
             {{"diagnose", "taskruns", "--chunk-size", "100001"}, "--chunk-size 100001"},
             {{"diagnose", "taskruns", "--limit", "-1"}, "--limit -1"},
             {{"diagnose", "taskruns", "--limit", "99999999999999999999999"}, "--limit 99999999999999999999999"},
             {{"diagnose", "taskruns", "--limit", "0x10"}, "--limit 0x10"},
             {{"analyze", "--from-cluster", "--tail", "-2"}, "--tail -2"},
             {{"analyze", "--from-cluster", "--tail", "9223372036854775808"}, "--tail 9223372036854775808"},
         }) {
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--kubeconfig", kubeconfig, "--no-color"});
        if (args[0] == "diagnose") args.push_back("--no-probe");
        ProcessResult r = cli(args);
        EXPECT_EQ(r.exit_code, 2) << c.flag << ": " << r.err;
        EXPECT_EQ(r.err, "tekton-certdoctor: error: " + c.flag + ": must be a whole number from " +
                             (c.flag.rfind("--tail", 0) == 0 ? "-1" : "0") + " to " +
                             (c.flag.rfind("--chunk-size", 0) == 0 ? "100000" : "1000000000") + "\n");
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
    // In range, the same command goes on to the (absent) server.
    ProcessResult fine = cli({"diagnose", "taskruns", "--chunk-size", "100000", "--limit", "0", "--kubeconfig", kubeconfig,
                              "--no-probe", "--request-timeout", "2s"});
    EXPECT_EQ(fine.exit_code, 4) << fine.err;
    EXPECT_NE(fine.err.find("cannot reach the API server"), std::string::npos) << fine.err;
    std::filesystem::remove_all(dir);
}

TEST(Explain, HugeAndBinaryInputNeitherCrashesNorHangs) {
    ProcessOptions options;
    options.stdin_text = std::string(3 << 20, 'a') + "\n" + std::string(1 << 16, '\0') + "\nx509: certificate signed by unknown authority\n";
    ProcessResult r = cli({"explain", "-", "-o", "json"}, options);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(json_of(r)["findings"][0]["problem"], "unknown-authority");
}

TEST(Patterns, ListLintAndTestTheShippedCatalog) {
    ProcessResult list = cli({"patterns", "list"});
    EXPECT_EQ(list.exit_code, 0);
    EXPECT_NE(list.out.find("tekton-entrypoint-lookup"), std::string::npos);
    ProcessResult lint = cli({"patterns", "lint"});
    EXPECT_EQ(lint.exit_code, 0) << lint.out;
    ProcessResult test = cli({"patterns", "test"});
    EXPECT_EQ(test.exit_code, 0) << test.out;
    EXPECT_NE(test.out.find(" 0 failed"), std::string::npos);
}

TEST(Patterns, APatternsDirAddsAndOverridesRules) {
    auto dir = std::filesystem::temp_directory_path() / "certdoctor-e2e-rules";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "corp-proxy.yaml") << R"(kind: cause
id: corp-proxy
title: The corporate proxy intercepted TLS
problem: unknown-authority
priority: 30
regex: 'x509: certificate signed by unknown authority \(possibly because of "[^"]*" while trying to verify candidate authority certificate "Corp Proxy CA"\)'
explanation: The corporate TLS-inspecting proxy re-signed the registry's certificate with its own CA.
examples:
  match: ['x509: certificate signed by unknown authority (possibly because of "x" while trying to verify candidate authority certificate "Corp Proxy CA")']
  no_match: [{text: 'x509: certificate signed by unknown authority', reason: no proxy hint}]
)";
    auto j = json_of(cli({"--patterns-dir", dir.string(), "explain", "-o", "json",
                          "x509: certificate signed by unknown authority (possibly because of \"x\" while trying to verify "
                          "candidate authority certificate \"Corp Proxy CA\")"}));
    EXPECT_EQ(j["findings"][0]["cause_rule"], "corp-proxy");
    EXPECT_EQ(cli({"--patterns-dir", dir.string(), "patterns", "test"}).exit_code, 0);

    std::ofstream(dir / "broken.yaml") << "kind: cause\nid: broken\ntitle: x\nproblem: wrong-problem\nregex: 'x'\n"
                                          "explanation: long enough explanation of what is wrong here.\n"
                                          "examples: {match: [x], no_match: [{text: y, reason: z}]}\n";
    ProcessResult lint = cli({"--patterns-dir", dir.string(), "patterns", "lint"});
    EXPECT_EQ(lint.exit_code, 1);
    EXPECT_NE(lint.out.find("broken.yaml:1: unknown problem 'wrong-problem'"), std::string::npos) << lint.out;
}

TEST(Cli, HelpShowsExamplesAndExitCodes) {
    for (std::vector<std::string> args : {std::vector<std::string>{"--help"}, {"explain", "--help"}, {"diagnose", "--help"},
                                          {"patterns", "--help"}, {"version", "--help"}}) {
        ProcessResult r = cli(args);
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_NE(r.out.find("Example"), std::string::npos) << args[0];
    }
    EXPECT_NE(cli({"--help"}).out.find("3  input not understood"), std::string::npos);
}

TEST(Cli, HelpShowsAFlagsOptionalValueAsKubectlDoes) {
    std::string help = cli({"diagnose", "--help"}).out;
    EXPECT_NE(help.find("  --apply[=task]  "), std::string::npos) << help;
    EXPECT_EQ(help.find("{cluster}"), std::string::npos) << help;
    EXPECT_EQ(help.find("--apply [=task]"), std::string::npos) << help;
}

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(cli({"explain", "-o", "xml", "x"}).exit_code, 2);
    EXPECT_EQ(cli({"diagnose"}).exit_code, 2);
    EXPECT_EQ(cli({"--patterns-dir", "/nonexistent", "explain", "x"}).exit_code, 2);
}

TEST(Cli, VersionThroughKubectlsPluginLookup) {
    if (run_process({"sh", "-c", "command -v kubectl"}).exit_code != 0) GTEST_SKIP() << "kubectl is not installed";
    ProcessOptions path;
    path.env["PATH"] = std::filesystem::path(kBinary).parent_path().string() + ":" + std::getenv("PATH");
    ProcessResult r = run_process({"kubectl", "tekton-certdoctor", "version"}, path);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("tekton-certdoctor ", 0), 0u) << r.out;
    ProcessResult plugins = run_process({"kubectl", "plugin", "list"}, path);
    EXPECT_NE(plugins.out.find("kubectl-tekton_certdoctor"), std::string::npos) << plugins.out << plugins.err;
}


size_t lines_in(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

TEST(Cli, NoCommandPrintsTheHelpAsKubectlDoes) {
    ProcessResult r = cli({});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Subcommands:"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("A subcommand is required"), std::string::npos);
}

TEST(Cli, UnknownCommandsAreAnsweredAsKubectlWithSuggestions) {
    ProcessResult r = cli({"explian", "foo"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("error: unknown command \"explian\" for \"kubectl-tekton_certdoctor\"\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Did you mean this?\n\texplain\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("See 'kubectl tekton-certdoctor --help' for usage."), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("A subcommand is required"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");

    ProcessResult sub = cli({"patterns", "lsit"});
    EXPECT_EQ(sub.exit_code, 2);
    EXPECT_NE(sub.err.find("error: unknown command \"lsit\" for \"kubectl-tekton_certdoctor patterns\""), std::string::npos) << sub.err;
    EXPECT_NE(sub.err.find("\tlist\n"), std::string::npos) << sub.err;
    EXPECT_NE(sub.err.find("See 'kubectl tekton-certdoctor patterns --help' for usage."), std::string::npos) << sub.err;

    ProcessResult none = cli({"frobnicate"});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_EQ(none.err.find("Did you mean"), std::string::npos) << none.err;
}

TEST(Cli, UnknownFlagsNameTheFlagAndPointToTheCommandsHelp) {
    ProcessResult r = cli({"diagnose", "taskruns", "--limt", "3"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("error: unknown flag: --limt\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Did you mean this?\n\t--limit\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("See 'kubectl tekton-certdoctor diagnose --help' for usage."), std::string::npos) << r.err;
    ProcessResult value = cli({"explain", "x", "--output"});
    EXPECT_EQ(value.exit_code, 2);
    EXPECT_NE(value.err.find("flag needs an argument: --output"), std::string::npos) << value.err;
    EXPECT_NE(value.err.find("See 'kubectl tekton-certdoctor explain --help'"), std::string::npos) << value.err;
}

TEST(Cli, TheCommandsFlagsBeforeItsNameAsKubectlTakesThem) {
    // `kubectl -n ci get pods`: -n and --kubeconfig belong to diagnose, given before its name.
    ProcessResult r = cli({"-n", "ci", "--kubeconfig", "/nonexistent/kubeconfig", "-o", "json", "diagnose", "tr/x"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("--kubeconfig /nonexistent/kubeconfig: no such file"), std::string::npos) << r.err;
    // explain takes -n too (the run's namespace for its fixes' commands).
    ProcessResult explain = cli({"-n", "ci", "explain", "x509: certificate signed by unknown authority", "-o", "json"});
    EXPECT_EQ(explain.exit_code, 1) << explain.err;
    // A flag the command does not take is still unknown.
    ProcessResult probe = cli({"-n", "ci", "probe", "x"});
    EXPECT_EQ(probe.exit_code, 2);
    EXPECT_NE(probe.err.find("unknown shorthand flag: 'n' in -n"), std::string::npos) << probe.err;
}

TEST(Cli, HelpCommandAndVersionFlag) {
    ProcessResult help = cli({"help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_EQ(help.out, cli({"--help"}).out);
    ProcessResult diagnose = cli({"help", "diagnose"});
    EXPECT_EQ(diagnose.exit_code, 0);
    EXPECT_EQ(diagnose.out, cli({"diagnose", "--help"}).out);
    EXPECT_EQ(cli({"help", "version"}).out, cli({"version", "--help"}).out);
    EXPECT_EQ(cli({"help", "patterns", "regexes"}).out, cli({"patterns", "regexes", "--help"}).out);
    ProcessResult unknown = cli({"help", "diagnoze"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("\tdiagnose\n"), std::string::npos) << unknown.err;
    ProcessResult version = cli({"--version"});
    EXPECT_EQ(version.exit_code, 0) << version.err;
    EXPECT_EQ(version.out, cli({"version"}).out);
}

TEST(Cli, EveryCommandsHelpShowsItsFlagsAndOnlyItsExamples) {
    for (std::vector<std::string> args : {std::vector<std::string>{"explain"}, {"diagnose"}, {"analyze"}, {"probe"}, {"patterns"},
                                          {"patterns", "list"}, {"patterns", "regexes"}, {"version"}, {"completion"}}) {
        args.push_back("--help");
        ProcessResult r = cli(args);
        EXPECT_EQ(r.exit_code, 0);
        for (const char* flag : {"-o,--output FORMAT", "--no-color", "-v,--verbose", "--patterns-dir"})
            EXPECT_NE(r.out.find(flag), std::string::npos) << args[0] << " lacks " << flag;
        EXPECT_NE(r.out.find("Example"), std::string::npos) << args[0];
        // Examples of other commands stay in their own help.
        if (args[0] != "diagnose") {
            EXPECT_EQ(r.out.find("tekton-certdoctor diagnose taskrun/build-1"), std::string::npos) << args[0];
        }
        if (args[0] != "explain") {
            EXPECT_EQ(r.out.find("tekton-certdoctor explain '"), std::string::npos) << args[0];
        }
    }
    for (const char* cmd : {"diagnose", "analyze"}) {
        ProcessResult r = cli({cmd, "--help"});
        for (const char* flag : {"--kubeconfig", "-s,--server", "--token", "--insecure-skip-tls-verify", "--as ", "--as-group",
                                 "--certificate-authority", "--context"})
            EXPECT_NE(r.out.find(flag), std::string::npos) << cmd << " lacks " << flag;
    }
    EXPECT_EQ(cli({"explain", "--help"}).out.find("--kubeconfig"), std::string::npos);
}

TEST(Output, EveryKubectlSpellingOfTheFormat) {
    std::string expected = cli({"explain", kDevelopersMessage, "-o", "json"}).out;
    ASSERT_FALSE(expected.empty());
    for (std::vector<std::string> spelling : {std::vector<std::string>{"-o=json"}, {"-ojson"}, {"--output=json"}, {"--output", "json"},
                                              {"-o", "JSON"}}) {
        std::vector<std::string> args = {"explain", kDevelopersMessage};
        args.insert(args.end(), spelling.begin(), spelling.end());
        EXPECT_EQ(cli(args).out, expected) << spelling[0];
    }
    // Before the command, too, as kubectl's global flags.
    EXPECT_EQ(cli({"-o", "json", "explain", kDevelopersMessage}).out, expected);
}

TEST(Output, YamlIsTheJsonReportWithTheSameSchema) {
    if (run_process({"python3", "-c", "import yaml"}).exit_code != 0) GTEST_SKIP() << "python3-yaml is not installed";
    auto dir = std::filesystem::temp_directory_path() / ("certdoctor-yaml-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    struct Case {
        std::vector<std::string> args;
    };
    for (const Case& c : {Case{{"explain", kDevelopersMessage}}, Case{{"diagnose", "-f", kSource + "/tests/samples/taskrun-unknown-authority.yaml"}},
                          Case{{"version"}}, Case{{"patterns", "list"}}}) {
        std::vector<std::string> json_args = c.args, yaml_args = c.args;
        json_args.insert(json_args.end(), {"-o", "json"});
        yaml_args.insert(yaml_args.end(), {"-o", "yaml"});
        ProcessResult json = cli(json_args), yaml = cli(yaml_args);
        EXPECT_EQ(json.exit_code, yaml.exit_code) << c.args[0];
        std::ofstream(dir / "report.yaml") << yaml.out;
        ProcessResult read = run_process({"python3", "-c",
                                          "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                                          (dir / "report.yaml").string()});
        ASSERT_EQ(read.exit_code, 0) << read.err << yaml.out.substr(0, 2000);
        EXPECT_EQ(nlohmann::json::parse(read.out), nlohmann::json::parse(json.out)) << c.args[0];
    }
    std::filesystem::remove_all(dir);
}

TEST(Output, AnUnknownFormatIsOneLineListingTheFormats) {
    ProcessResult r = cli({"explain", "x", "-o", "xml"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines_in(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("allowed formats are: text, json, yaml, markdown"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Check"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("FAILED"), std::string::npos) << r.err;
    EXPECT_EQ(cli({"explain", "x", "-o=yml"}).exit_code, 2);
}

TEST(Diagnose, TypeNameIsTypeSlashName) {
    // Without a cluster both spellings end at the same point: the kubeconfig (exit 4).
    ProcessOptions options;
    options.env["KUBECONFIG"] = "/nonexistent/kubeconfig";
    options.unset_env = {"KUBERNETES_SERVICE_HOST"};
    for (std::vector<std::string> args : {std::vector<std::string>{"tr", "build-1"}, {"taskrun", "build-1"}, {"pr", "release-7"},
                                          {"taskrun/build-1"}}) {
        args.insert(args.begin(), "diagnose");
        ProcessResult r = cli(args, options);
        EXPECT_EQ(r.exit_code, 4) << args[1] << ": " << r.err;
        EXPECT_NE(r.err.find("no kubeconfig found"), std::string::npos) << r.err;
    }
    EXPECT_EQ(cli({"diagnose", "tr", "a", "b"}, options).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "tr/a", "b"}, options).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "pods", "x"}, options).exit_code, 2);
}

TEST(Cli, GoDurationsForSinceAndTimeouts) {
    ProcessOptions options;
    options.env["KUBECONFIG"] = "/nonexistent/kubeconfig";
    options.unset_env = {"KUBERNETES_SERVICE_HOST"};
    // Accepted: the run gets as far as looking for a kubeconfig (exit 4).
    for (const char* since : {"1h30m", "90s", "2h45m10s", "1.5h", "7d", "45m"})
        EXPECT_EQ(cli({"diagnose", "taskruns", "--since", since}, options).exit_code, 4) << since;
    EXPECT_EQ(cli({"diagnose", "taskruns", "--request-timeout", "1m30s"}, options).exit_code, 4);
    for (const char* bad : {"1h30", "h", "1x", "-5m", "1h 30m", "1.h"}) {
        ProcessResult r = cli({"diagnose", "taskruns", "--since", bad}, options);
        EXPECT_EQ(r.exit_code, 2) << bad;
        EXPECT_EQ(lines_in(r.err), 1u) << r.err;
    }
    ProcessResult range = cli({"diagnose", "taskruns", "--request-timeout", "2h45m10s"}, options);
    EXPECT_EQ(range.exit_code, 2);
    EXPECT_NE(range.err.find("must be between 1ms and 600s"), std::string::npos) << range.err;
}

TEST(Cli, NegativeLimitIsRefused) {
    ProcessResult r = cli({"diagnose", "taskruns", "--limit", "-1"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines_in(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("--limit -1: must be a whole number from 0"), std::string::npos) << r.err;
}

TEST(Diagnose, DescribeOutputPointsToExplain) {
    ProcessOptions in;
    in.stdin_text =
        "Name:         build-1\nNamespace:    ci\nLabels:       app=web\nAnnotations:  <none>\nAPI Version:  tekton.dev/v1\n"
        "Kind:         TaskRun\nStatus:\n  Conditions:\n    Message:  failed to create task run pod \"build-1\": x509: "
        "certificate signed by unknown authority\n    Reason:   CouldntGetTask\nEvents:  <none>\n";
    ProcessResult r = cli({"diagnose", "-f", "-"}, in);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines_in(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("'kubectl describe' output"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("explain -"), std::string::npos) << r.err;
    // The same text is what explain reads.
    EXPECT_EQ(cli({"explain", "-"}, in).exit_code, 1);
}

TEST(Cli, ExitCodesOfTheEnvironmentAndOneLineErrors) {
    ProcessResult missing = cli({"diagnose", "taskruns", "--kubeconfig", "/nonexistent/kubeconfig"});
    EXPECT_EQ(missing.exit_code, 4) << missing.err;
    EXPECT_EQ(lines_in(missing.err), 1u) << missing.err;
    EXPECT_NE(missing.err.find("--kubeconfig /nonexistent/kubeconfig: no such file"), std::string::npos) << missing.err;
    ProcessResult file = cli({"diagnose", "-f", "/nonexistent/tr.yaml"});
    EXPECT_EQ(file.exit_code, 4);
    EXPECT_EQ(lines_in(file.err), 1u) << file.err;
    ProcessResult usage = cli({"diagnose"});
    EXPECT_EQ(usage.exit_code, 2);
    EXPECT_EQ(lines_in(usage.err), 1u) << usage.err;
}

TEST(Cli, ConnectionFlagsThatContradictAndTokensNeverShown) {
    std::string secret = "tok-never-printed-5e1f";
    ProcessResult r = cli({"diagnose", "taskrun/x", "-s", "https://127.0.0.1:1", "--token", secret, "--insecure-skip-tls-verify",
                           "--request-timeout", "2s", "-v", "-o", "json"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
    EXPECT_EQ((r.out + r.err).find(secret), std::string::npos);
    EXPECT_EQ(cli({"diagnose", "taskrun/x", "-s", "https://127.0.0.1:1", "--certificate-authority", "/etc/hostname",
                   "--insecure-skip-tls-verify"}).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "taskrun/x", "-s", "https://127.0.0.1:1", "--as-group", "support"}).exit_code, 2);
    EXPECT_EQ(cli({"diagnose", "taskrun/x", "-s", "ftp://127.0.0.1:1"}).exit_code, 2);
    ProcessResult ca = cli({"diagnose", "taskrun/x", "-s", "https://127.0.0.1:1", "--certificate-authority", "/nonexistent/ca.pem"});
    EXPECT_EQ(ca.exit_code, 4);
    EXPECT_NE(ca.err.find("--certificate-authority /nonexistent/ca.pem: no such file"), std::string::npos) << ca.err;
}

TEST(Cli, VersionSaysCommitDateCatalogAndTektonRange) {
    ProcessResult text = cli({"version"});
    EXPECT_EQ(text.exit_code, 0);
    for (const char* line : {"commit:", "built:", "catalog:", "Tekton:"}) EXPECT_NE(text.out.find(line), std::string::npos) << line;
    auto j = json_of(cli({"version", "-o", "json"}));
    EXPECT_TRUE(j["version"].is_string());
    EXPECT_TRUE(j["commit"].is_string());
    EXPECT_TRUE(j["build_date"].is_string());
    auto rules = json_of(cli({"patterns", "list", "-o", "json"}))["rules"];
    EXPECT_EQ(j["catalog"]["rules"], rules.size());
    EXPECT_EQ(j["tekton"]["versions"], "v0.5 and later");
    EXPECT_NE(text.out.find(std::to_string(rules.size()) + " rules"), std::string::npos) << text.out;
}

TEST(Output, PluralsAndCapitalisedTitles) {
    ProcessResult verbose = cli({"explain", kDevelopersMessage, "-v"});
    EXPECT_NE(verbose.err.find("read 1 message from argument; 1 finding\n"), std::string::npos) << verbose.err;
    // A finding named by its site only (problem `other`) starts with a capital, as a heading.
    const char* backoff = "the step \"smoke\" in TaskRun \"deploy-19-smoke\" failed to pull the image \"\". The pod errored with "
                          "the message: \"Back-off pulling image \"registry.shop.example/qa/smoke:7\".\"";
    auto j = json_of(cli({"explain", backoff, "-o", "json"}));
    ASSERT_FALSE(j["findings"].empty()) << j.dump();
    EXPECT_EQ(j["findings"][0]["problem"], "other");
    std::string title = j["findings"][0]["title"];
    EXPECT_TRUE(title[0] >= 'A' && title[0] <= 'Z') << title;
    EXPECT_NE(cli({"explain", backoff, "-o", "markdown"}).out.find("### 1. " + title), std::string::npos);
}

}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

// Every cause regex has a form for rg (RE2) and one for grep -E (POSIX ERE), so that the
// analyze benchmark and users' own greps see the whole catalog.
TEST(PatternsRegexes, EveryCauseExportsInBothSyntaxes) {
    std::vector<std::string> argv = {CERTDOCTOR_BINARY, "patterns", "list", "-o", "json"};
    auto list = nlohmann::json::parse(test::run_process(argv).out);
    size_t causes = 0;
    for (const auto& r : list["rules"]) causes += r["kind"] == "cause";
    ASSERT_GT(causes, 10u);
    for (const char* syntax : {"re2", "ere"}) {
        auto r = test::run_process({CERTDOCTOR_BINARY, "patterns", "regexes", "--syntax", syntax});
        EXPECT_EQ(r.exit_code, 0) << syntax << ": " << r.err;
        EXPECT_EQ(static_cast<size_t>(std::count(r.out.begin(), r.out.end(), '\n')), causes) << syntax;
    }
}

// The exported regexes are accepted by the tools they are for: rg reads the RE2 form, grep -E the
// ERE form, and both find a failure line in a small log (exit 0; 2 would be a refused regex).
TEST(PatternsRegexes, RgAndGrepAcceptTheExportedRegexes) {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(::testing::TempDir()) / ("certdoctor-regexes-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "log") << "level=info msg=ok\nGet \"https://r.example/v2/\": x509: certificate signed by unknown authority\n";
    struct Tool { const char* syntax; std::vector<std::string> argv; };
    for (const Tool& t : {Tool{"re2", {"rg", "-c", "-f"}}, Tool{"ere", {"grep", "-E", "-c", "-f"}}}) {
        auto exported = test::run_process({CERTDOCTOR_BINARY, "patterns", "regexes", "--syntax", t.syntax});
        ASSERT_EQ(exported.exit_code, 0) << t.syntax << ": " << exported.err;
        std::ofstream(dir / t.syntax) << exported.out;
        if (test::run_process({"sh", "-c", std::string("command -v ") + t.argv[0]}).exit_code != 0) {
            GTEST_SKIP() << t.argv[0] << " is not installed";
        }
        std::vector<std::string> argv = t.argv;
        argv.push_back((dir / t.syntax).string());
        argv.push_back((dir / "log").string());
        auto r = test::run_process(argv);
        EXPECT_EQ(r.exit_code, 0) << t.argv[0] << ": " << r.err;
        EXPECT_EQ(r.out, "1\n") << t.argv[0];
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace certdoctor
