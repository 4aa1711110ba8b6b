#include "match/matcher.h"

#include <gtest/gtest.h>

#include "input/normalise.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

const Matcher& matcher() { return test::shipped_engine().matcher(); }

TEST(Matcher, PlacesTheControllerMessageOnTheLookupChain) {
    auto m = matcher().match(
        "failed to create task run pod \"task-run\": translating TaskSpec to Pod: Get \"https://registry.private/v2/\": "
        "tls: failed to verify certificate: x509: certificate signed by unknown authority. Maybe missing or invalid Task default/task");
    ASSERT_TRUE(m.site && m.cause);
    EXPECT_EQ(m.site->rule->id, "tekton-entrypoint-lookup");
    EXPECT_EQ(m.cause->rule->id, "x509-unknown-authority");
    EXPECT_EQ(m.site->captures.at("taskrun"), "task-run");
    EXPECT_EQ(m.site->captures.at("namespace"), "default");
    EXPECT_EQ(m.cause->captures.at("url"), "https://registry.private/v2/");
}

TEST(Matcher, ASpecificComponentOutranksAGenericX509Rule) {
    auto m = matcher().match("Error response from daemon: Get \"https://r/v2/\": x509: certificate signed by unknown authority");
    ASSERT_TRUE(m.site);
    EXPECT_EQ(m.site->rule->component, "step-tool");
    auto bare = matcher().match("x509: certificate signed by unknown authority");
    EXPECT_FALSE(bare.site);
    ASSERT_TRUE(bare.cause);
    EXPECT_EQ(bare.cause->rule->problem, "unknown-authority");
}

TEST(Matcher, ALookalikeOutranksARegistryRule) {
    // The webhook call happened while the controller tried to create a pod: still the webhook.
    auto m = matcher().match(
        "failed to create task run pod \"t\": translating TaskSpec to Pod: Get \"https://r/v2/\": ... Internal error occurred: "
        "failed calling webhook \"x.example\": failed to call webhook: Post \"https://w.svc:443/\": x509: certificate signed by unknown authority");
    ASSERT_TRUE(m.site);
    EXPECT_TRUE(m.site->rule->lookalike);
    EXPECT_EQ(m.site->rule->stage, "admission-webhook");
}

// A look-alike ranks first among sites only: causes rank by priority, whatever their look-alike flag
// says about the finding. containerd's own "not found" for an HTML page served as a blob outranks the
// registry's missing manifest that "code = NotFound" reads as (dragonflyoss/dragonfly#2523).
TEST(Matcher, CausesRankByPriorityNotByTheirLookalikeFlag) {
    auto m = matcher().match(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:latest\": failed to "
        "unpack image on snapshotter overlayfs: unexpected media type text/html for "
        "sha256:723cc6bcc69478b1942d6796f2bcf2f67af9efa9974a3c8a0716d162721485bb: not found");
    ASSERT_TRUE(m.cause);
    EXPECT_EQ(m.cause->rule->id, "containerd-local-not-found");
    EXPECT_EQ(m.cause->rule->problem, "other");
}

TEST(Matcher, TheSha1HintOutranksUnknownAuthority) {
    auto m = matcher().match(
        "x509: certificate signed by unknown authority (possibly because of \"x509: cannot verify signature: insecure algorithm "
        "SHA1-RSA\" while trying to verify candidate authority certificate \"CA\")");
    ASSERT_TRUE(m.cause);
    EXPECT_EQ(m.cause->rule->problem, "insecure-signature");
}

TEST(Matcher, TheLastMaybeAnchorsTheTaskName) {
    auto m = matcher().match(
        "failed to create task run pod \"t\": translating TaskSpec to Pod: Get \"https://r/v2/\": x509: certificate has expired or "
        "is not yet valid: current time 2024-04-09T13:53:47+08:00 is after 2023-09-24T02:50:33Z. Maybe missing or invalid Task ns/build");
    ASSERT_TRUE(m.site);
    EXPECT_EQ(m.site->captures.at("namespace"), "ns");
    EXPECT_EQ(m.site->captures.at("task"), "build");
}

TEST(Matcher, ACauseThatCannotStandAloneNeedsASite) {
    EXPECT_TRUE(matcher().match("context deadline exceeded").empty());
    auto m = matcher().match("translating TaskSpec to Pod: Get \"https://r/v2/\": context deadline exceeded");
    ASSERT_TRUE(m.cause);
    EXPECT_EQ(m.cause->rule->problem, "timeout");
}

TEST(Matcher, OrdinaryTextMatchesNothing) {
    EXPECT_FALSE(matcher().any("step build completed in 3s; pushed registry.private/app:1"));
    EXPECT_TRUE(matcher().match("").empty());
}

// match() picks the best site and cause from the whole matches and runs only those two for
// captures: on every catalog example and corpus message it agrees with the rule read off the
// full list (the first site; the first cause that may stand alone, or any with a site).
TEST(Matcher, PicksWhatTheFullListOfMatchesPicks) {
    const std::vector<std::string> texts = test::example_and_corpus_texts();
    size_t compared = 0;
    for (const auto& raw : texts) {
        std::string text = normalise_message(raw);
        std::optional<RuleMatch> site, cause;
        for (auto& m : matcher().all_matches(text)) {
            if (m.rule->kind == RuleKind::site) {
                if (!site) site = m;
            } else if (!cause && (site || m.rule->standalone)) {
                cause = m;
            }
        }
        MessageMatch got = matcher().match(text);
        auto same = [](const std::optional<RuleMatch>& a, const std::optional<RuleMatch>& b) {
            if (!a || !b) return !a && !b;
            return a->rule == b->rule && a->begin == b->begin && a->end == b->end && a->captures == b->captures;
        };
        EXPECT_TRUE(same(got.site, site)) << text;
        EXPECT_TRUE(same(got.cause, cause)) << text;
        compared += got.site || got.cause;
    }
    EXPECT_GT(compared, 100u);
}

}  // namespace
}  // namespace certdoctor
