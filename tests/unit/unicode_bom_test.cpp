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

}  // namespace
}  // namespace certdoctor
