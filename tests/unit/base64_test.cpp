// Base64 from one place (util/base64.h): what kubeconfig data fields and docker config.json auth
// entries hold.
#include "util/base64.h"

#include <gtest/gtest.h>

namespace certdoctor {
namespace {

TEST(Base64, RoundTripsAnyBytes) {
    for (std::string bytes : {std::string(), std::string("a"), std::string("ab"), std::string("user:pass"),
                              std::string("\0\xff\x10 x", 5)})
        EXPECT_EQ(base64_decode(base64_encode(bytes)).value_or("<none>"), bytes);
}

TEST(Base64, SkipsWhitespaceAndTakesMissingPadding) {
    EXPECT_EQ(base64_decode("dXNl\ncjpw\r\nYXNz").value_or(""), "user:pass");
    EXPECT_EQ(base64_decode("YWI").value_or(""), "ab");
}

TEST(Base64, RefusesWhatIsNotBase64) {
    EXPECT_FALSE(base64_decode("not base64!").has_value());
    EXPECT_FALSE(base64_decode("a===").has_value());
}

}  // namespace
}  // namespace certdoctor
