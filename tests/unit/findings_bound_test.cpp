// A pasted text with more distinct failures than one diagnosis keeps: the first kMaxFindings in
// the order the text shows them are diagnosed, the rest counted (and said so), so that a huge
// paste costs bounded memory; a repeat of a failure not kept is not counted again.
#include <gtest/gtest.h>

#include <string>

#include "render/render.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

std::string distinct_failures(size_t n) {
    std::string text;
    for (size_t i = 0; i < n; ++i)
        text += "Get \"https://r" + std::to_string(i) + ".example/v2/\": x509: certificate signed by unknown authority\n";
    return text;
}

TEST(FindingsBound, PastTheBoundFailuresAreCountedNotKept) {
    std::string text = distinct_failures(kMaxFindings + 120);
    text += "Get \"https://r" + std::to_string(kMaxFindings + 3) + ".example/v2/\": x509: certificate signed by unknown authority\n";
    Report r = explain_text(test::shipped_engine(), text, "stdin");
    ASSERT_EQ(r.findings.size(), kMaxFindings);
    EXPECT_EQ(r.findings_not_kept, 120u);  // the repeated one counted once
    EXPECT_EQ(r.findings.front().registry, "r0.example");
    bool noted = false;
    for (const auto& n : r.notes) noted = noted || n.find("120 more are counted, not shown") != std::string::npos;
    EXPECT_TRUE(noted);
    std::string json = render_json(r);
    EXPECT_NE(json.find("\"findings_not_kept\": 120"), std::string::npos);
    EXPECT_NE(render_text(r, Color::off).find("120 more not shown"), std::string::npos);
    EXPECT_NE(render_markdown(r).find("500 problems found, 120 more not shown"), std::string::npos);
}

TEST(FindingsBound, AtTheBoundNothingIsDropped) {
    Report r = explain_text(test::shipped_engine(), distinct_failures(kMaxFindings), "stdin");
    EXPECT_EQ(r.findings.size(), kMaxFindings);
    EXPECT_EQ(r.findings_not_kept, 0u);
    EXPECT_EQ(render_json(r).find("findings_not_kept"), std::string::npos);
}

}  // namespace
}  // namespace certdoctor
