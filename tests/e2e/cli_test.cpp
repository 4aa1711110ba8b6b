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

TEST(Output, MarkdownAndTextSayTheSame) {
    ProcessResult md = cli({"explain", kDevelopersMessage, "-o", "markdown"});
    EXPECT_EQ(md.exit_code, 1);
    EXPECT_NE(md.out.find("## tekton-certdoctor: problems-found"), std::string::npos);
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
    EXPECT_EQ(r.exit_code, 2) << r.err;
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

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(cli({}).exit_code, 2);
    EXPECT_EQ(cli({"explain", "-o", "yaml", "x"}).exit_code, 2);
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

}  // namespace
}  // namespace certdoctor
