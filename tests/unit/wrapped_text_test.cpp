// A message wrapped at 60 to 120 columns (as tickets, mail and chat deliver it) gets the same
// verdict as the message on one line; lines that are separate failures stay separate.
#include <gtest/gtest.h>

#include <sstream>

#include "test_engine.h"

namespace certdoctor {
namespace {

const std::string kMessage =
    "failed to create task run pod \"build-1\": translating TaskSpec to Pod: Get "
    "\"https://registry.corp.example:8443/v2/\": tls: failed to verify certificate: x509: certificate signed by "
    "unknown authority. Maybe missing or invalid Task ci/build";

// Breaks `text` at spaces so that no line is longer than `width`, as fold -s does.
std::string wrap(const std::string& text, size_t width, const std::string& indent = "") {
    std::istringstream words(text);
    std::string word, line, out;
    while (words >> word) {
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out += indent + line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    return out + indent + line + "\n";
}

std::string verdict(const Report& r) {
    std::string out;
    for (const auto& f : r.findings) out += f.component + "/" + f.stage + "/" + f.problem + "@" + f.registry + ";";
    return out;
}

TEST(WrappedText, GivesTheSameVerdictAsOneLine) {
    const Engine& engine = test::shipped_engine();
    std::string want = verdict(explain_text(engine, kMessage, "stdin"));
    ASSERT_EQ(want, "tekton-controller/entrypoint-lookup/unknown-authority@registry.corp.example:8443;");
    for (size_t width = 60; width <= 120; width += 5) {
        Report r = explain_text(engine, wrap(kMessage, width), "stdin");
        EXPECT_EQ(verdict(r), want) << "wrapped at " << width;
        EXPECT_GT(r.messages_read, 1u);
    }
}

// Breaks `text` every `width` characters, inside words and URLs, as a terminal or fold (without
// -s) does.
std::string hard_wrap(const std::string& text, size_t width) {
    std::string out;
    for (size_t at = 0; at < text.size(); at += width) out += text.substr(at, width) + "\n";
    return out;
}

TEST(WrappedText, ATerminalsWrapInsideWordsGivesTheSameVerdict) {
    const Engine& engine = test::shipped_engine();
    std::string want = verdict(explain_text(engine, kMessage, "stdin"));
    for (size_t width = 40; width <= 120; width += 5) {
        Report r = explain_text(engine, hard_wrap(kMessage, width), "stdin");
        EXPECT_EQ(verdict(r), want) << "wrapped at " << width << ":\n" << hard_wrap(kMessage, width);
    }
}

// The wrapped line follows lines of other widths (the command that printed it, a tool's progress),
// as a terminal's copy holds them: the wrap is still read inside words.
TEST(WrappedText, ATerminalsWrapAfterShorterLinesGivesTheSameVerdict) {
    const Engine& engine = test::shipped_engine();
    const std::string before = "$ skopeo inspect docker://registry.corp.example:8443/app:1\nGetting image source signatures\n";
    const std::string message =
        "time=\"2024-05-02T10:00:00Z\" level=fatal msg=\"Error parsing image name \\\"docker://registry.corp.example:8443/"
        "app:1\\\": pinging container registry registry.corp.example:8443: Get \\\"https://registry.corp.example:8443/v2/"
        "\\\": tls: failed to verify certificate: x509: certificate signed by unknown authority\"";
    std::string want = verdict(explain_text(engine, before + message + "\n", "stdin"));
    ASSERT_NE(want.find("/unknown-authority@registry.corp.example:8443"), std::string::npos) << want;
    for (size_t width = 40; width <= 120; width += 5) {
        std::string pasted = before + hard_wrap(message, width);
        if (message.size() % width == 0 || message.size() < 2 * width) continue;  // no shorter last piece, or one line
        EXPECT_EQ(verdict(explain_text(engine, pasted, "stdin")), want) << "wrapped at " << width << ":\n" << pasted;
    }
}

// Lines that happen to break inside words but are not one width are prose: joined with a space.
TEST(WrappedText, RaggedLinesAreNotJoinedInsideWords) {
    const std::string ragged = "error pulling image: Get https://reg.example/v2/: x509: certificate signed by unkn\n"
                               "own authority\n";
    Report r = explain_text(test::shipped_engine(), ragged, "stdin");
    for (const auto& f : r.findings) EXPECT_NE(f.problem, "unknown-authority") << verdict(r);
}

// The wrap falls inside the cause's own words: line by line only the catch-all x509 rule matches.
TEST(WrappedText, AWrapInsideTheCausesWordsKeepsTheCause) {
    // hashicorp/boundary-reference-architecture#12, as pasted.
    const std::string pasted =
        "Could not retrieve the list of available versions for provider\n"
        "localhost/providers/boundary: could not connect to localhost: Failed to\n"
        "request discovery document: Get\n"
        "\"https://localhost/.well-known/terraform.json\": x509: certificate has expired\n"
        "or is not yet valid: current time 2020-10-17T00:03:01+03:00 is after\n"
        "2018-06-07T09:01:17Z\n";
    Report r = explain_text(test::shipped_engine(), pasted, "stdin");
    ASSERT_EQ(r.findings.size(), 1u) << verdict(r);
    EXPECT_EQ(r.findings[0].problem, "expired");
}

TEST(WrappedText, AWrappedDescribePasteReadsItsMessage) {
    std::string paste = "Name:         build-1\nNamespace:    ci\nStatus:\n  Conditions:\n    Reason:  PodCreationFailed\n" +
                        wrap("Message: " + kMessage, 80, "    ");
    Report r = explain_text(test::shipped_engine(), paste, "stdin");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "tekton-controller");
    EXPECT_EQ(r.findings[0].problem, "unknown-authority");
}

TEST(WrappedText, ConsecutiveFailuresStaySeparate) {
    std::string two = kMessage + "\n" +
                      "error checking push permissions -- make sure you entered the correct tag name, and that you are "
                      "authenticated correctly, and try again: checking push permission for \"reg.example/app:v1\": "
                      "Get \"https://reg.example/v2/\": x509: certificate has expired or is not yet valid\n";
    Report r = explain_text(test::shipped_engine(), two, "stdin");
    ASSERT_EQ(r.findings.size(), 2u) << verdict(r);
}

}  // namespace
}  // namespace certdoctor
