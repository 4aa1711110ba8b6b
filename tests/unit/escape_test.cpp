// The escaping layer: each output kind reads a value back as exactly that value (a shell word,
// a YAML scalar) or shows it without acting on it (a terminal, Markdown).
#include "util/escape.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>

#include "support/run_process.h"

namespace certdoctor {
namespace {

const std::vector<std::string> kHostile = {
    "build-1\nrm -rf ~ #",
    "'; rm -rf /; '",
    "$(id)`id`",
    "x\x1b]0;pwned\x07\x1b[2J",
    "tab\there\rcr",
    "bidi \xe2\x80\xae reversed",
    "c1 \xc2\x9b" "31m",
    "not utf-8 \xff\xfe",
    "back\\slash 'quote' \"dq\"",
    "",
    "plain-name",
    "ünïcödé",
    "yes",
    "0x1F",
    "@at",
    "- dash",
    "1e3",
};

// Random strings over the characters that matter: controls, quotes, markup, multi-byte UTF-8
// (C1 and bidi controls among them) and, with `invalid`, a byte that is not UTF-8.
std::vector<std::string> random_values(size_t count, bool invalid = true) {
    std::vector<std::string> tokens = {"a", "Z", "0", " ", "-", "_", ".", ":", "/", "'", "\"", "\\", "$", "`", "|", "*",
                                       "[", "]", "<", ">", "#", "&", "\n", "\t", "\r", "\x1b", "\x07", "\x7f",
                                       std::string(1, '\0'), "\xc2\x9b", "\xe2\x80\xae", "\xc3\xa9"};
    if (invalid) tokens.push_back("\xff");
    std::mt19937 rng(12345);
    std::vector<std::string> out;
    for (size_t i = 0; i < count; ++i) {
        std::string s;
        size_t len = rng() % 24;
        for (size_t k = 0; k < len; ++k) s += tokens[rng() % tokens.size()];
        out.push_back(s);
    }
    return out;
}

// `multi_line`: newline and tab are the text's own.
bool has_control(const std::string& s, bool multi_line) {
    for (unsigned char c : s)
        if ((c < 0x20 && !(multi_line && (c == '\n' || c == '\t'))) || c == 0x7f) return true;
    return s.find("\xc2\x9b") != std::string::npos || s.find("\xe2\x80\xae") != std::string::npos;
}

TEST(ShellQuote, PlainValuesAreSingleQuoted) {
    EXPECT_EQ(shell_quote("build-1"), "'build-1'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote(""), "''");
}

TEST(ShellQuote, ControlCharactersBecomeAnsiCEscapesOnOneLine) {
    EXPECT_EQ(shell_quote("a\nb"), "$'a\\nb'");
    EXPECT_EQ(shell_quote("x\x1b[2J'"), "$'x\\x1b[2J\\''");
    EXPECT_EQ(shell_quote("\xe2\x80\xae"), "$'\\xe2\\x80\\xae'");
    for (const auto& v : kHostile) EXPECT_FALSE(has_control(shell_quote(v), false)) << v;
}

// bash reads every quoted value back as the same bytes, as one word.
TEST(ShellQuote, BashReadsTheValueBackExactly) {
    std::vector<std::string> values = kHostile;
    for (auto& v : random_values(60)) values.push_back(v);
    for (const auto& v : values) {
        if (v.find('\0') != std::string::npos) continue;
        auto r = test::run_process({"/bin/bash", "-c", "set -- " + shell_quote(v) + "; printf '%s|%d' \"$1\" $#"});
        ASSERT_EQ(r.exit_code, 0) << shell_quote(v) << r.err;
        EXPECT_EQ(r.out, v + "|1") << shell_quote(v);
    }
}

TEST(YamlScalar, ReadsBackAsTheSameString) {
    std::vector<std::string> values = kHostile;
    for (auto& v : random_values(300, false)) values.push_back(v);
    for (const auto& v : values) {
        if (v.find("\xff") != std::string::npos || v.find(std::string(1, '\0')) != std::string::npos) continue;
        std::string scalar = yaml_scalar(v);
        EXPECT_FALSE(has_control(scalar, false)) << scalar;
        YAML::Node node = YAML::Load("key: " + scalar);
        EXPECT_EQ(node["key"].as<std::string>(), v) << scalar;
    }
    EXPECT_EQ(yaml_scalar("build"), "build");
    EXPECT_EQ(yaml_scalar("yes"), "\"yes\"");
    EXPECT_EQ(yaml_scalar("0x1F"), "\"0x1F\"");
    EXPECT_EQ(yaml_scalar("@at"), "\"@at\"");
}

TEST(Visible, ControlsAreShownNeverSent) {
    EXPECT_EQ(visible("a\x1b[2Jb\x07"), "a\\x1b[2Jb\\x07");
    EXPECT_EQ(visible("line\nnext"), "line\\nnext");
    EXPECT_EQ(visible("line\nnext", Newlines::keep), "line\nnext");
    EXPECT_EQ(visible("\xe2\x80\xae"), "\\u202e");
    EXPECT_EQ(visible("\xc2\x9b"), "\\u009b");
    EXPECT_EQ(visible("bad \xff"), "bad \\xff");
    EXPECT_EQ(visible("ünïcödé — ok"), "ünïcödé — ok");
    for (const auto& v : random_values(500)) {
        EXPECT_FALSE(has_control(visible(v), false)) << v;
        EXPECT_FALSE(has_control(visible(v, Newlines::keep), true)) << v;
    }
}

TEST(Markdown, TextCannotStartMarkupOrAddALine) {
    EXPECT_EQ(markdown_text("a|b*c_d"), "a\\|b\\*c\\_d");
    EXPECT_EQ(markdown_text("x\n# heading"), "x\\\\n\\# heading");  // shows x\n# heading
    EXPECT_EQ(markdown_text("<script>"), "\\<script\\>");
    for (const auto& v : random_values(300)) EXPECT_EQ(markdown_text(v).find('\n'), std::string::npos);
}

TEST(Markdown, CodeSpanFenceOutgrowsTheValue) {
    EXPECT_EQ(markdown_code("plain"), "`plain`");
    EXPECT_EQ(markdown_code("a`b"), "`` a`b ``");
    EXPECT_EQ(markdown_code("a``b"), "``` a``b ```");
    EXPECT_EQ(markdown_code("a|b", InTable::yes), "`a\\|b`");
    EXPECT_EQ(markdown_code("x\ny"), "`x\\ny`");
}

TEST(Markdown, BlockFenceCannotBeClosedByItsBody) {
    std::string block = markdown_block("line\n```\n# injected\n````", "text");
    EXPECT_EQ(block.rfind("`````text\n", 0), 0u) << block;
    EXPECT_NE(block.find("\n`````\n"), std::string::npos) << block;
    std::string indented = markdown_block("a\x1b\nb", "sh", "   ");
    EXPECT_EQ(indented, "   ```sh\n   a\\x1b\n   b\n   ```\n");
}

}  // namespace
}  // namespace certdoctor
