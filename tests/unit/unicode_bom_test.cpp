// Text saved on Windows (PowerShell's `>`: UTF-16 LE with a BOM) reads as UTF-8.
#include "util/unicode_bom.h"

#include <gtest/gtest.h>

namespace certdoctor {
namespace {

TEST(UnicodeBom, Utf16LittleAndBigEndianDecodeToUtf8) {
    std::string le(
        "\xff\xfe"
        "k\0i\0n\0d\0:\0 \0\xe9\0",
        16);
    EXPECT_EQ(decode_byte_order_mark(le), "kind: \xc3\xa9");
    std::string be("\xfe\xff\0k\0i", 6);
    EXPECT_EQ(decode_byte_order_mark(be), "ki");
}

TEST(UnicodeBom, SurrogatePairsJoinAndBrokenOnesAreReplaced) {
    std::string pair("\xff\xfe\x3d\xd8\x00\xde", 6);  // U+1F600
    EXPECT_EQ(decode_byte_order_mark(pair), "\xf0\x9f\x98\x80");
    std::string lone(
        "\xff\xfe\x3d\xd8"
        "a\0",
        6);  // a high surrogate without its low half
    EXPECT_EQ(decode_byte_order_mark(lone),
              "\xef\xbf\xbd"
              "a");
    std::string odd(
        "\xff\xfe"
        "a\0b",
        5);  // an odd last byte
    EXPECT_EQ(decode_byte_order_mark(odd), "a\xef\xbf\xbd");
}

TEST(UnicodeBom, Utf8BomIsDroppedAndOtherTextKept) {
    EXPECT_EQ(decode_byte_order_mark("\xef\xbb\xbfkind: TaskRun"), "kind: TaskRun");
    EXPECT_EQ(decode_byte_order_mark("kind: TaskRun"), "kind: TaskRun");
    EXPECT_EQ(decode_byte_order_mark(""), "");
    EXPECT_EQ(decode_byte_order_mark("\xff"), "\xff");
}

TEST(UnicodeBom, Utf16WithoutBomIsToldApartFromBinaryData) {
    std::string le, be;
    for (char c : std::string("{\"level\":\"error\",\"msg\":\"x509\"}\n")) {
        le += c, le += '\0';
        be += '\0', be += c;
    }
    EXPECT_EQ(utf16_without_bom(le), "UTF-16 LE");
    EXPECT_EQ(utf16_without_bom(be), "UTF-16 BE");
    EXPECT_EQ(utf16_without_bom("\xff\xfe" + le), "");  // has a BOM: decoded, not refused
    EXPECT_EQ(utf16_without_bom(le.substr(0, 10)), "");  // too short to tell
    std::string junk = le;
    junk[7] = 'x';  // one pair with no zero: not clearly UTF-16
    EXPECT_EQ(utf16_without_bom(junk), "");
    EXPECT_EQ(utf16_without_bom(std::string(64, '\0')), "");  // zeros only: binary
    EXPECT_TRUE(starts_with_utf16_bom("\xfe\xff"));
    EXPECT_FALSE(starts_with_utf16_bom("\xef\xbb\xbf"));
}

TEST(UnicodeBom, Utf16WithoutBomMessageSaysHowToConvertIt) {
    EXPECT_EQ(utf16_without_bom_message("my log.txt", "UTF-16 LE"),
              "my log.txt: UTF-16 LE text without a byte order mark (every other byte is zero); convert it to UTF-8 "
              "first: iconv -f UTF-16LE -t UTF-8 'my log.txt' > 'my log.txt.utf8'");
}

}  // namespace
}  // namespace certdoctor
