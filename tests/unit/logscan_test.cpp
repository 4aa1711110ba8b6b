#include <gtest/gtest.h>

#include <set>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

#include "input/normalise.h"
#include "logscan/line_scan.h"
#include "logscan/literal_scan.h"
#include "logscan/log_analyzer.h"
#include "run/analyze.h"
#include "run/run.h"
#include "logscan/needles.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

const char* find_in(const LiteralScanner& s, const std::string& text) {
    const char* hit = s.find(text.data(), text.data() + text.size());
    return hit == text.data() + text.size() ? nullptr : hit;
}

// How many lines of `text` both prefilter stages hand on.
size_t lines_passed(const LiteralScanner& s, const CauseGuards& guards, const std::string& text) {
    size_t n = 0;
    scan_region(&s, &guards, text.data(), text.data() + text.size(), [&](const CandidateLine&) { ++n; });
    return n;
}

TEST(LiteralScanner, FindsNeedlesInEitherCase) {
    LiteralScanner s({"x509", "manifest unknown"});
    EXPECT_TRUE(find_in(s, "Get \"https://r/v2/\": X509: certificate"));
    EXPECT_TRUE(find_in(s, "MANIFEST UNKNOWN: manifest unknown"));
    EXPECT_FALSE(find_in(s, "manifest  unknown, x50 9"));
    // A needle that would run past the end is not found.
    std::string cut = "....x50";
    EXPECT_FALSE(find_in(s, cut));
    EXPECT_EQ(std::string(find_in(s, "abc x509"), 4), "x509");
}

// 'k' is rare in English, yet "tekton" and "knative" stand in nearly every line a controller logs,
// and so do the words of what it logs on every reconcile ("status", "Unknown", "Successfully
// reconciled", "Tasks Completed", the entrypoint lookup's registry): a needle is looked for by
// windows outside them, and every shipped needle keeps to that.
TEST(LiteralScanner, FingerprintsAvoidTheWordsEveryControllerLineHolds) {
    auto windows_of = [](std::string_view fingerprint) {
        std::vector<std::string_view> out;
        for (size_t k = 0; k + 4 <= fingerprint.size(); ++k) out.push_back(fingerprint.substr(k, 4));
        return out;
    };
    LiteralScanner s({"taskruns.tekton.dev", "tasks.tekton.dev", "no matches for kind", "manifest unknown", "status 401"});
    for (size_t i = 0; i < 5; ++i)
        for (std::string_view word : {"tekton.dev", "knative.dev/kind", " unknown", "status"})
            for (std::string_view window : windows_of(s.fingerprint_of(i)))
                EXPECT_EQ(word.find(window), std::string_view::npos) << s.fingerprint_of(i);
    // Tekton's own formats (pkg/reconciler/taskrun, pipelinerun, pod/entrypoint_lookup_impl.go), as
    // bench/gen_controller_log.cpp writes them.
    const std::string everyday =
        "{\"level\":\"info\",\"logger\":\"tekton-pipelines-controller\",\"msg\":\"Reconcile succeeded\","
        "\"knative.dev/kind\":\"tekton.dev.TaskRun\"}\n"
        "{\"msg\":\"Successfully reconciled taskrun build-7/team-3 with status: &apis.Condition{Type:\\\"Succeeded\\\", "
        "Status:\\\"Unknown\\\", Reason:\\\"Running\\\"}\"}\n"
        "{\"msg\":\"PipelineRun release-2 status is being set to &{Succeeded Unknown  {2026-11-20 09:14:03 +0000 UTC} "
        "Running Tasks Completed: 2 (Failed: 0, Cancelled 0), Incomplete: 3, Skipped: 0}\"}\n"
        "{\"caller\":\"pod/entrypoint_lookup_impl.go:95\",\"msg\":\"resolved entrypoint for image "
        "registry-7.corp.example:5000/team/app@sha256:0f1e\"}\n"
        "{\"caller\":\"controller/controller.go:404\",\"msg\":\"Adding to queue team-3/build-7 (depth: 4)\"}\n";
    std::string lower = everyday;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Needles needles = prefilter_needles(test::shipped_engine().catalog());
    LiteralScanner shipped(needles.words);
    // (A window across two words, such as "not in registry"'s "n re", is judged by English alone.)
    for (size_t i = 0; i < needles.words.size(); ++i)
        for (std::string_view window : windows_of(shipped.fingerprint_of(i)))
            if (window.find(' ') == std::string_view::npos)
                EXPECT_EQ(lower.find(window), std::string::npos)
                    << needles.words[i] << " is looked for by '" << window << "'";
}

// Every other position is hashed: a needle is found wherever it starts, whatever the distance
// from where the search begins, in the vector blocks and in the last bytes alike.
TEST(LiteralScanner, FindsANeedleAtEveryOffset) {
    const std::vector<std::string> needles = {"x509", "manifest unknown"};
    for (auto instructions : {LiteralScanner::Instructions::best, LiteralScanner::Instructions::portable}) {
        LiteralScanner s(needles, instructions);
        for (const auto& needle : needles)
            for (size_t length : {needle.size(), size_t{23}, size_t{24}, size_t{40}, size_t{70}})
                for (size_t at = 0; at + needle.size() <= length; ++at) {
                    std::string text(length, '.');
                    text.replace(at, needle.size(), needle);
                    text[at] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[at])));
                    const std::string where = needle + " at " + std::to_string(at) + " of " + std::to_string(length);
                    for (size_t from = 0; from <= std::min<size_t>(at, 1); ++from) {
                        const char* begin = text.data() + from;
                        const char* end = text.data() + text.size();
                        ASSERT_EQ(s.find(begin, end), text.data() + at) << where << ", from " << from;
                        std::vector<size_t> found;
                        s.needles_in(begin, end, found);
                        ASSERT_EQ(found.size(), 1u) << where << ", from " << from;
                    }
                    // One byte short of the needle's end: nothing.
                    const char* short_end = text.data() + at + needle.size() - 1;
                    ASSERT_EQ(s.find(text.data(), short_end), short_end) << where;
                }
    }
}

// A needle is a word or phrase ordinary lines rarely hold. A rule whose only literal is a word every
// HTTP log prints ("http" from an access log's "HTTP/1.1\" 401") would send one line in a hundred
// of a controller's log to the matcher, a third of analyze's time on bench/analyze_bench.sh.
TEST(LiteralScanner, NoShippedNeedleIsAWordEveryHttpLogHolds) {
    const std::set<std::string> everyday = {"http", "https", "http/1.1", "get", "post", "put", "head",
                                            "error", "failed", "request", "response", "status", "server",
                                            "client", "url", "json", "info", "warn"};
    Needles needles = prefilter_needles(test::shipped_engine().catalog());
    ASSERT_FALSE(needles.words.empty());
    for (const auto& w : needles.words) {
        EXPECT_EQ(everyday.count(w), 0u) << "needle '" << w << "'";
        EXPECT_GE(w.size(), 4u) << "needle '" << w << "'";
    }
}

// Up to `max_length` bytes drawn from `alphabet`.
std::string random_text(std::mt19937& rng, const std::string& alphabet, size_t max_length) {
    std::string text;
    for (size_t n = rng() % max_length; n > 0; --n) text += alphabet[rng() % alphabet.size()];
    return text;
}

TEST(LiteralScanner, AgreesWithANaiveSearchOnRandomText) {
    std::vector<std::string> needles = {"x509", "secret", "manifest unknown", "no such host", "denied"};
    LiteralScanner s(needles);
    LiteralScanner portable(needles, LiteralScanner::Instructions::portable);
    std::mt19937 rng(7);
    const std::string alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFXY0123456789.-_\":/";
    for (int round = 0; round < 2000; ++round) {
        std::string text = random_text(rng, alphabet, 300);
        if (rng() % 3 == 0) {
            std::string needle = needles[rng() % needles.size()];
            if (rng() % 2) needle[0] = static_cast<char>(std::toupper(needle[0]));
            text.insert(text.empty() ? 0 : rng() % text.size(), needle);
        }
        std::string lower = text;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool naive = false;
        for (const auto& nd : needles) naive = naive || lower.find(nd) != std::string::npos;
        const char* hit = find_in(s, text);
        ASSERT_EQ(hit != nullptr, naive) << text;
        ASSERT_EQ(find_in(portable, text), hit) << text;
        if (hit) {
            size_t at = static_cast<size_t>(hit - text.data());
            bool starts_needle = false;
            for (const auto& nd : needles) starts_needle = starts_needle || lower.compare(at, nd.size(), nd) == 0;
            EXPECT_TRUE(starts_needle) << text;
        }
    }
}

// needles_in names every needle a text holds, overlapping ones too: one that starts inside
// another, before the other's fingerprint, is found all the same.
TEST(LiteralScanner, NamesEveryNeedleATextHolds) {
    std::vector<std::string> needles = {"x509", "no such host", "host-key", "denied", "ied by"};
    LiteralScanner s(needles);
    std::vector<size_t> found;
    std::string overlapping = "dial tcp: lookup r: no such host-key denied by policy";
    s.needles_in(overlapping.data(), overlapping.data() + overlapping.size(), found);
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (std::vector<size_t>{1, 2, 3, 4}));
    std::mt19937 rng(11);
    const std::string alphabet = "abcdefhiknorstuxy 059-";
    for (int round = 0; round < 2000; ++round) {
        std::string text = random_text(rng, alphabet, 120);
        for (int k = rng() % 3; k > 0; --k) text.insert(text.empty() ? 0 : rng() % text.size(), needles[rng() % needles.size()]);
        std::vector<size_t> naive;
        for (size_t k = 0; k < needles.size(); ++k)
            if (text.find(needles[k]) != std::string::npos) naive.push_back(k);
        s.needles_in(text.data(), text.data() + text.size(), found);
        std::sort(found.begin(), found.end());
        ASSERT_EQ(found, naive) << text;
    }
}

TEST(LiteralScanner, CountsNewlines) {
    std::string text(1000, 'a');
    for (size_t i = 0; i < text.size(); i += 7) text[i] = '\n';
    EXPECT_EQ(count_newlines(text.data(), text.data() + text.size()), 143u);
}

// The guarantee the prefilter rests on: every message the catalog recognises as a failure holds
// a needle, as pasted and as a zap JSON log line writes it (escaped).
TEST(PrefilterNeedles, GuardEveryFailureTheCatalogRecognises) {
    const Engine& engine = test::shipped_engine();
    Needles needles = prefilter_needles(engine.catalog());
    ASSERT_TRUE(needles.complete) << (needles.unfiltered_rules.empty() ? "" : needles.unfiltered_rules.front());
    LiteralScanner scanner(needles.words);
    CauseGuards guards(engine.catalog(), needles);
    const std::vector<std::string> texts = test::example_and_corpus_texts();
    size_t failures = 0;
    for (const auto& text : texts) {
        if (!engine.matcher().match(normalise_message(text)).cause) continue;
        ++failures;
        EXPECT_TRUE(find_in(scanner, text)) << text;
        std::string json_line = nlohmann::json{{"level", "error"}, {"msg", text}}.dump();
        EXPECT_TRUE(find_in(scanner, json_line)) << json_line;
        // The second stage hands each on too, as one line.
        std::string one_line = text;
        for (char& c : one_line)
            if (c == '\n') c = ' ';
        EXPECT_EQ(lines_passed(scanner, guards, one_line), 1u) << one_line;
        EXPECT_EQ(lines_passed(scanner, guards, json_line), 1u) << json_line;
    }
    EXPECT_GT(failures, 100u);
}

// The first stage's worth rests on ordinary lines holding no needle at all: a needle that every
// controller line holds ("tekton.dev", "knative.dev", "reconcile") sends each line to the second
// stage and cuts analyze's throughput by a factor of five. The controller's everyday lines, as
// tests/samples/controller.log has them, must pass the first stage untouched.
TEST(PrefilterNeedles, TheControllersEverydayLinesHoldNoNeedle) {
    const Engine& engine = test::shipped_engine();
    Needles needles = prefilter_needles(engine.catalog());
    LiteralScanner scanner(needles.words);
    const std::vector<std::string> everyday = {
        R"({"level": "info", "ts": "2026-11-20T09:00:00.000Z", "logger": "tekton-pipelines-controller", "caller": "taskrun/taskrun.go:803", "msg": "Reconcile succeeded", "duration": "12ms", "knative.dev/kind": "tekton.dev.TaskRun", "knative.dev/key": "ci/ok-0"})",
        R"({"level":"info","ts":"2026-11-20T09:00:00.000Z","logger":"tekton-pipelines-controller.pipelinerun-reconciler","caller":"pipelinerun/pipelinerun.go:1203","msg":"PipelineRun ci/build-1 status is being set to &{Succeeded Unknown  {2026-11-20 09:00:00 +0000 UTC} Running Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 0}","knative.dev/kind":"tekton.dev.PipelineRun","knative.dev/key":"ci/build-1"})",
        R"({"level":"info","ts":"2026-11-20T09:00:00.000Z","logger":"tekton-pipelines-controller","caller":"controller/controller.go:550","msg":"Reconcile succeeded","knative.dev/traceid":"0f1e","knative.dev/key":"ci/build-1-fetch","duration":"0.004s"})",
        // The lookup's own success and a step tool's progress name an image: "image" is no needle
        // (bench/gen_controller_log.cpp writes both lines).
        R"({"level":"info","ts":"2026-11-20T09:00:00.000Z","logger":"tekton-pipelines-controller","caller":"pod/entrypoint_lookup_impl.go:95","msg":"resolved entrypoint for image registry-7.corp.example:5000/team/app@sha256:0f1e","knative.dev/key":"ci/build-1"})",
        "2026-11-20T09:00:00.000Z INFO[0003] Retrieving image manifest registry-7.corp.example:5000/team/base:1.3",
    };
    for (const auto& line : everyday) {
        std::vector<size_t> held;
        scanner.needles_in(line.data(), line.data() + line.size(), held);
        std::string names;
        for (size_t k : held) names += " '" + needles.words[k] + "'";
        EXPECT_TRUE(held.empty()) << "needles in an everyday line:" << names << "\n" << line;
    }
}

// The second stage turns down lines that hold a needle but not the rest of what its regexes
// need, and keeps a line where a later needle's regex may match.
TEST(PrefilterNeedles, SecondStageTurnsDownNeedlesAlone) {
    const Engine& engine = test::shipped_engine();
    Needles needles = prefilter_needles(engine.catalog());
    LiteralScanner scanner(needles.words);
    CauseGuards guards(engine.catalog(), needles);
    const std::string lister = "{\"level\":\"warn\",\"msg\":\"taskrun team-27/build-3279 not found in the lister, retrying\"}";
    const std::string webhook = "{\"level\":\"info\",\"msg\":\"Webhook ServeHTTP took 15ms\",\"knative.dev/secret\":\"webhook-certs\"}";
    ASSERT_TRUE(find_in(scanner, lister));
    ASSERT_TRUE(find_in(scanner, webhook));
    EXPECT_EQ(lines_passed(scanner, guards, lister), 0u);
    EXPECT_EQ(lines_passed(scanner, guards, webhook), 0u);
    EXPECT_EQ(lines_passed(scanner, guards, lister + "\n" + webhook + "\n"), 0u);
    const std::string secret = "{\"level\":\"error\",\"msg\":\"secrets \\\"regcred\\\" not found\"}";
    EXPECT_EQ(lines_passed(scanner, guards, secret), 1u);
    ASSERT_TRUE(engine.matcher().match(read_log_line(secret).text).cause);
    // "secret" comes first and its regex cannot match; the x509 further on can.
    const std::string later = "{\"msg\":\"using secret webhook-certs\",\"error\":\"x509: certificate signed by unknown authority\"}";
    EXPECT_EQ(lines_passed(scanner, guards, later), 1u);
    EXPECT_EQ(lines_passed(scanner, guards, lister + "\n" + later + "\n" + webhook + "\n" + secret + "\n"), 2u);
}

// The second stage looks for a line's pieces in one pass and remembers the formulas' answers by
// the atoms present; its answer is the whole formulas', on every failure the catalog recognises
// (as pasted and as a JSON log line), on the controller's everyday lines, and on lines made of
// the catalog's own needles and pieces of failures, which hold needles without their regexes.
TEST(PrefilterNeedles, SecondStageAgreesWithTheFormulas) {
    const Engine& engine = test::shipped_engine();
    Needles needles = prefilter_needles(engine.catalog());
    LiteralScanner scanner(needles.words);
    CauseGuards guards(engine.catalog(), needles);
    std::vector<std::string> lines;
    for (const auto& text : test::example_and_corpus_texts()) {
        std::string one_line = text;
        std::replace(one_line.begin(), one_line.end(), '\n', ' ');
        lines.push_back(one_line);
        lines.push_back(nlohmann::json{{"level", "error"}, {"msg", one_line}}.dump());
    }
    std::mt19937 rng(5);
    for (int round = 0; round < 3000; ++round) {
        std::string line = "{\"msg\":\"";
        for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k) {
            if (rng() % 2) {
                line += needles.words[rng() % needles.words.size()];
            } else {
                const std::string& text = lines[rng() % lines.size()];
                size_t from = rng() % text.size();
                line += text.substr(from, rng() % 60);
            }
            line += " ";
        }
        lines.push_back(line + "\"}");
    }
    size_t passed = 0, held_needles = 0;
    std::vector<size_t> found;
    for (const auto& line : lines) {
        scanner.needles_in(line.data(), line.data() + line.size(), found);
        if (found.empty()) continue;
        ++held_needles;
        std::string lower = line;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool fast = guards.may_match(lower, found);
        ASSERT_EQ(fast, guards.may_match_by_formula(lower, found)) << line;
        ASSERT_EQ(fast, guards.may_match(lower, found)) << "asked again: " << line;
        passed += fast;
    }
    // Both answers occur: the comparison is not of lines that all pass or all fail.
    EXPECT_GT(passed, 100u);
    EXPECT_LT(passed, held_needles);
}

std::string failure_line(int run) {
    return "{\"level\":\"error\",\"ts\":\"2026-11-20T09:14:03.120Z\",\"msg\":\"Failed to create task run pod for taskrun "
           "\\\"build-" + std::to_string(run) + "\\\": translating TaskSpec to Pod: Get \\\"https://registry.corp.example/v2/\\\": "
           "tls: failed to verify certificate: x509: certificate signed by unknown authority\",\"knative.dev/kind\":"
           "\"tekton.dev.TaskRun\",\"knative.dev/key\":\"ci/build-" + std::to_string(run) + "\"}";
}

// Files are read in 1 MiB windows on several threads: lines across a window's edge count once,
// with the right line numbers.
TEST(LogAnalyzer, CountsLinesAcrossWindowEdgesOnce) {
    std::string path = testing::TempDir() + "/windows.log";
    std::ofstream out(path, std::ios::binary);
    const std::string ordinary = "{\"level\":\"info\",\"msg\":\"Reconcile succeeded\",\"knative.dev/key\":\"ci/ok\"}";
    size_t written = 0, lines = 0, failures = 0;
    size_t first_failure_line = 0;
    const size_t window = 1u << 20;
    // Fill up to just before each edge, then put a failure line across it.
    for (size_t edge = window; edge <= 3 * window; edge += window) {
        while (written + ordinary.size() + 1 + 100 < edge) {
            out << ordinary << "\n";
            written += ordinary.size() + 1;
            ++lines;
        }
        std::string f = failure_line(static_cast<int>(edge / window));
        out << f << "\n";
        written += f.size() + 1;
        ++lines;
        ++failures;
        if (!first_failure_line) first_failure_line = lines;
    }
    out << failure_line(99);  // the last line has no newline
    ++lines;
    ++failures;
    out.close();

    for (size_t threads : {1u, 2u, 3u}) {
        LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher(), threads);
        a.read_file(path);
        Report r = analysis_report(a, test::shipped_engine());
        EXPECT_EQ(r.log.lines_scanned, lines) << threads;
        EXPECT_EQ(r.log.matched_lines, failures) << threads;
        ASSERT_EQ(r.groups.size(), 1u);
        EXPECT_EQ(r.groups[0].count, failures);
        EXPECT_EQ(r.groups[0].runs.size(), failures);
        EXPECT_EQ(r.groups[0].first_line, path + ":" + std::to_string(first_failure_line)) << threads;
    }
    std::remove(path.c_str());
}

TEST(LogAnalyzer, ReadsTextFromTheApiAsAFile) {
    LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher());
    std::string text = "ordinary\n" + failure_line(1) + "\nordinary\n" + failure_line(2) + "\n";
    a.read_text(text, "pod/tekton-pipelines/controller-x/controller");
    Report r = analysis_report(a, test::shipped_engine());
    EXPECT_EQ(r.log.lines_scanned, 4u);
    EXPECT_EQ(r.log.matched_lines, 2u);
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].component, "tekton-controller");
    EXPECT_EQ(r.groups[0].problem, "unknown-authority");
    EXPECT_EQ(r.groups[0].registry, "registry.corp.example");
    EXPECT_EQ(r.groups[0].first_line, "pod/tekton-pipelines/controller-x/controller:2");
    ASSERT_FALSE(r.groups[0].fixes.empty());
    EXPECT_EQ(r.groups[0].fixes[0].id, "add-ca-to-config-registry-cert");
}

// A group is one site: kaniko and buildah failing on the same registry are two groups, each with
// its own tool's fix.
TEST(LogAnalyzer, AGroupIsOneSiteNotOnlyOneComponent) {
    LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher());
    std::string text =
        "error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated "
        "correctly, and try again: checking push permission for \"registry.private/app:1\": creating push check transport "
        "for registry.private failed: Get \"https://registry.private/v2/\": x509: certificate signed by unknown authority\n"
        "Error: creating build container: initializing source docker://registry.private/base:1: pinging container "
        "registry registry.private: Get \"https://registry.private/v2/\": x509: certificate signed by unknown authority\n";
    a.read_text(text, "steps.log");
    Report r = analysis_report(a, test::shipped_engine());
    ASSERT_EQ(r.groups.size(), 2u);
    std::set<std::string> tools;
    for (const auto& g : r.groups) {
        EXPECT_EQ(g.component, "step-tool");
        EXPECT_EQ(g.registry, "registry.private");
        tools.insert(r.findings.at(g.finding).tool);
        ASSERT_FALSE(g.fixes.empty());
        EXPECT_EQ(g.fixes[0].id, "configure-step-tool-ca");
    }
    EXPECT_EQ(tools, (std::set<std::string>{"kaniko", "buildah"}));
}

// The words of a refused login are common in logs outside any registry or TLS failure: alone on a
// line they are no failure of ours, while a line a site places keeps them (regclient/regclient#922),
// and a pasted text that holds nothing else still gets the problem named.
TEST(LogAnalyzer, LoginWordsAloneAreNoFailureLine) {
    LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher());
    a.read_text("2024-01-01T00:00:00Z INFO starting\naccess denied for user bob\n"
                "failed to send blob post, ref harbor.***0_master_0cc930ee: unauthorized\"}\n",
                "app.log");
    Report r = analysis_report(a, test::shipped_engine());
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].component, "step-tool");
    EXPECT_EQ(r.groups[0].problem, "unauthorized");

    Report pasted = explain_text(test::shipped_engine(), "Failed to put file: Access Denied.", "stdin");
    ASSERT_EQ(pasted.findings.size(), 1u);
    EXPECT_EQ(pasted.findings[0].problem, "unauthorized");
    EXPECT_EQ(pasted.findings[0].component, "unknown");
}

// A hostile log cannot make the groups grow without bound: thousands of registries, each on a
// 40 KB line, fill the groups' budget; the lines past it are counted, and the note says so.
TEST(LogAnalyzer, BoundsWhatTheGroupsHold) {
    std::string text;
    const std::string padding(40000, 'p');
    const size_t registries = 600;
    for (size_t i = 0; i < registries; ++i)
        text += "{\"level\":\"error\",\"msg\":\"" + padding + " Get \\\"https://r" + std::to_string(i) +
                ".corp.example/v2/\\\": x509: certificate signed by unknown authority\",\"knative.dev/key\":\"ci/b-" +
                std::to_string(i) + "\"}\n";
    // Then three lines of one more registry, as long: past the bound, none of them is grouped.
    for (int i = 0; i < 3; ++i)
        text += "{\"level\":\"error\",\"msg\":\"" + padding + " Get \\\"https://late.corp.example/v2/\\\": x509: "
                "certificate signed by unknown authority\",\"knative.dev/key\":\"ci/late\"}\n";
    LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher(), 2);
    a.read_text(text, "hostile.log");
    EXPECT_EQ(a.totals().matched_lines, registries + 3);
    for (const auto& g : a.groups()) EXPECT_NE(g.key.registry, "late.corp.example");
    size_t grouped = 0;
    for (const auto& g : a.groups()) grouped += g.count;
    EXPECT_LT(a.groups().size(), registries);
    EXPECT_GT(a.groups().size(), 100u);
    EXPECT_EQ(grouped + a.totals().ungrouped_lines, registries + 3);
    size_t held = 0;
    for (const auto& g : a.groups()) held += g.sample.message.size();
    EXPECT_LE(held, kMaxGroupBytes);
    uint64_t ungrouped = a.totals().ungrouped_lines;
    Report r = analysis_report(a, test::shipped_engine());
    EXPECT_EQ(r.log.ungrouped_lines, ungrouped);
    EXPECT_GE(r.log.ungrouped_lines, 3u);
    ASSERT_FALSE(r.notes.empty());
    bool noted = false;
    for (const auto& n : r.notes) noted = noted || n.find("counted but not grouped") != std::string::npos;
    EXPECT_TRUE(noted);
}

// A log of a new registry on every line, longer than a window: what waits to be merged is
// bounded (a window keeps a bounded number of new groups' first lines), every line is counted,
// and which groups are kept does not depend on the number of threads or their timing.
TEST(LogAnalyzer, ANewRegistryOnEveryLineIsBoundedAndTheSameOnAnyThreads) {
    std::string text;
    const size_t lines = 16000;  // about 4.5 MiB: several windows
    for (size_t i = 0; i < lines; ++i)
        text += "{\"level\":\"error\",\"msg\":\"failed to create task run pod \\\"run-" + std::to_string(i) +
                "\\\": translating TaskSpec to Pod: error getting image manifest: Get \\\"https://registry-" +
                std::to_string(i) + ".corp.example:8443/v2/\\\": tls: failed to verify certificate: x509: certificate "
                "signed by unknown authority\",\"knative.dev/key\":\"ci/run-" + std::to_string(i) + "\"}\n";
    ASSERT_GT(text.size(), 4u << 20);  // windows are 1 MiB
    std::string path = testing::TempDir() + "/new-registry-every-line.log";
    std::ofstream(path, std::ios::binary) << text;
    std::vector<std::string> kept[3];
    for (size_t threads : {1u, 2u, 3u}) {
        LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher(), threads);
        a.read_file(path);
        EXPECT_EQ(a.totals().matched_lines, lines) << threads;
        size_t grouped = 0;
        for (const auto& g : a.groups()) {
            grouped += g.count;
            kept[threads - 1].push_back(g.key.registry + " " + g.sample.origin);
        }
        EXPECT_EQ(grouped + a.totals().ungrouped_lines, lines);
        // The first window's bound turns the rest down: far fewer groups than lines, but some.
        EXPECT_GT(a.groups().size(), 100u);
        EXPECT_LT(a.groups().size(), lines / 4);
    }
    EXPECT_EQ(kept[0], kept[1]);
    EXPECT_EQ(kept[0], kept[2]);
    std::remove(path.c_str());
}

// One group lists at most kMaxObjects runs; its count stays exact.
TEST(LogAnalyzer, ListsAtMostAThousandRunsAGroup) {
    std::string text;
    const size_t runs = kMaxObjects + 250;
    for (size_t i = 0; i < runs; ++i) text += failure_line(static_cast<int>(i)) + "\n";
    LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher());
    a.read_text(text, "many.log");
    Report r = analysis_report(a, test::shipped_engine());
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].count, runs);
    EXPECT_EQ(r.groups[0].runs.size(), kMaxObjects);
    EXPECT_EQ(r.groups[0].runs_total, runs);
    EXPECT_EQ(r.groups[0].runs.front().name, "build-0");
    bool noted = false;
    for (const auto& n : r.notes) noted = noted || n.find("at most 1000 runs each") != std::string::npos;
    EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace certdoctor
