// A log saved by PowerShell's `>` (UTF-16 with a byte order mark) is decoded and analysed like its
// UTF-8 original; UTF-16 without one, or followed, is named in one line.
#include "input/utf16_log.h"

#include <gtest/gtest.h>

#include <fstream>

#include "logscan/log_analyzer.h"
#include "run/analyze.h"
#include "test_engine.h"
#include "util/error.h"

namespace certdoctor {
namespace {

const std::string kLog =
    "{\"level\":\"info\",\"msg\":\"Reconcile succeeded\",\"knative.dev/key\":\"ci/ok\"}\n"
    "{\"level\":\"error\",\"ts\":\"2026-11-20T09:14:03.120Z\",\"msg\":\"Failed to create task run "
    "pod for taskrun "
    "\\\"build-1\\\": translating TaskSpec to Pod: Get \\\"https://registry.corp.example/v2/\\\": "
    "tls: failed to "
    "verify certificate: x509: certificate signed by unknown "
    "authority\",\"knative.dev/kind\":\"tekton.dev.TaskRun\","
    "\"knative.dev/key\":\"ci/build-1\"}\n";

std::string utf16(const std::string& ascii, bool little_endian) {
    std::string out;
    for (char c : ascii) {
        out += little_endian ? c : '\0';
        out += little_endian ? '\0' : c;
    }
    return out;
}

std::string write(const std::string& name, const std::string& bytes) {
    std::string path = testing::TempDir() + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

ExitCode code_of(const std::string& path, Follow follow, std::string* message) {
    try {
        read_utf16_log(path, follow);
    } catch (const Error& e) {
        *message = e.what();
        return e.code();
    }
    return ExitCode::no_problem;
}

TEST(Utf16Log, WithAByteOrderMarkIsDecodedAndAnalysedAsItsUtf8Original) {
    for (bool le : {true, false}) {
        std::string path =
            write("powershell.log", (le ? "\xff\xfe" : "\xfe\xff") + utf16(kLog, le));
        auto text = read_utf16_log(path, Follow::no);
        ASSERT_TRUE(text.has_value());
        EXPECT_EQ(*text, kLog);
        LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher(), 1);
        a.read_text(*text, path);
        Report r = analysis_report(a, test::shipped_engine());
        EXPECT_EQ(r.log.lines_scanned, 2u);
        EXPECT_EQ(r.log.matched_lines, 1u);
        ASSERT_EQ(r.groups.size(), 1u);
    }
}

TEST(Utf16Log, OtherFilesAreLeftToTheAnalyzer) {
    EXPECT_FALSE(read_utf16_log(write("plain.log", kLog), Follow::no).has_value());
    EXPECT_FALSE(read_utf16_log(write("plain-followed.log", kLog), Follow::yes).has_value());
    EXPECT_FALSE(read_utf16_log(write("empty.log", ""), Follow::no).has_value());
    EXPECT_FALSE(read_utf16_log("-", Follow::no).has_value());
    EXPECT_FALSE(read_utf16_log(testing::TempDir() + "/no-such.log", Follow::no).has_value());
}

TEST(Utf16Log, WithoutAByteOrderMarkIsNamedInOneLine) {
    std::string message;
    std::string path = write("nobom.log", utf16(kLog, true));
    EXPECT_EQ(code_of(path, Follow::no, &message), ExitCode::not_understood);
    EXPECT_NE(message.find("nobom.log: UTF-16 LE text without a byte order mark"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    path = write("nobom-be.log", utf16(kLog, false));
    EXPECT_EQ(code_of(path, Follow::no, &message), ExitCode::not_understood);
    EXPECT_NE(message.find("UTF-16 BE"), std::string::npos) << message;
}

TEST(Utf16Log, FollowingAUtf16FileIsRefusedWithHowToConvertIt) {
    std::string message;
    std::string path = write("followed.log", "\xff\xfe" + utf16(kLog, true));
    EXPECT_EQ(code_of(path, Follow::yes, &message), ExitCode::not_understood);
    EXPECT_NE(message.find("--follow reads UTF-8"), std::string::npos) << message;
    EXPECT_NE(message.find("iconv -f UTF-16 -t UTF-8"), std::string::npos) << message;
}

}  // namespace
}  // namespace certdoctor
