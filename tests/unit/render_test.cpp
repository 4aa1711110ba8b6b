// Golden files for the three renderers, so that a change in wording shows in review.
// Run with CERTDOCTOR_UPDATE_GOLDEN=1 to rewrite them.
#include "render/render.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_engine.h"

namespace certdoctor {
namespace {

const char* kDevelopersMessage =
    "failed to create task run pod \"task-run\": translating TaskSpec to Pod: error getting image manifest: "
    "Get https://registry.private/v2/: x509: certificate signed by unknown authority. Maybe missing or invalid Task default/task";

void expect_golden(const std::string& name, const std::string& actual) {
    std::string path = std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/golden/" + name;
    if (std::getenv("CERTDOCTOR_UPDATE_GOLDEN")) {
        std::ofstream(path) << actual;
        return;
    }
    std::ifstream in(path);
    ASSERT_TRUE(in) << "missing golden file " << path << " (run with CERTDOCTOR_UPDATE_GOLDEN=1)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "golden file " << path << " differs";
}

Report developers_report() { return explain_text(test::shipped_engine(), kDevelopersMessage, "argument"); }

TEST(Render, TextMatchesGolden) { expect_golden("explain-developers-message.txt", render_text(developers_report(), Color::off)); }

TEST(Render, JsonMatchesGolden) { expect_golden("explain-developers-message.json", render_json(developers_report())); }

TEST(Render, MarkdownMatchesGolden) { expect_golden("explain-developers-message.md", render_markdown(developers_report())); }

TEST(Render, TextMarksTheFailingFrameAndTheKeyPart) {
    std::string text = render_text(developers_report(), Color::off);
    EXPECT_NE(text.find("x http.Client.Do (GET /v2/)"), std::string::npos);
    EXPECT_NE(text.find("<- failed here"), std::string::npos);
    EXPECT_NE(text.find(">>Get https://registry.private/v2/: x509: certificate signed by unknown authority<<"), std::string::npos);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(Render, ColourOnlyWhenAsked) {
    EXPECT_NE(render_text(developers_report(), Color::on).find("\x1b[1;31m"), std::string::npos);
}

TEST(Render, JsonHasTheStableEnvelope) {
    auto j = nlohmann::json::parse(render_json(developers_report()));
    EXPECT_EQ(j["status"], "problems-found");
    EXPECT_EQ(j["count"], 1);
    const auto& f = j["findings"][0];
    for (const char* key : {"pattern", "component", "stage", "problem", "registry", "url", "image", "step", "object",
                            "chain", "explanation", "evidence", "fixes", "references"})
        EXPECT_TRUE(f.contains(key)) << key;
    EXPECT_EQ(f["object"]["kind"], "TaskRun");
    bool marked = false;
    for (const auto& fr : f["chain"]["frames"]) marked = marked || fr["failed"].get<bool>();
    EXPECT_TRUE(marked);
}

TEST(Render, EvidenceIsWindowedAroundTheKey) {
    Evidence e;
    e.text = std::string(5000, 'a') + "KEY" + std::string(5000, 'b');
    e.key_begin = 5000;
    e.key_end = 5003;
    EvidenceWindow w = evidence_window(e, 100);
    EXPECT_EQ(w.key, "KEY");
    EXPECT_EQ(w.before.size(), 103u);  // "..." and 100 bytes
    EXPECT_EQ(w.after.size(), 103u);
}

}  // namespace
}  // namespace certdoctor
