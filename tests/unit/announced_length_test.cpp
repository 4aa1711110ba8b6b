// The API client refuses a body announced above its bound at the end of the headers.
#include "kube/announced_length.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace certdoctor {
namespace {

bool over(size_t max, const std::vector<std::string>& lines) {
    AnnouncedLength a(max);
    for (const auto& l : lines) a.header_line(l);
    return a.over();
}

TEST(AnnouncedLength, RefusesABodyAnnouncedAboveTheBoundOnceTheHeadersEnd) {
    std::vector<std::string> head = {"HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n",
                                     "Content-Length: 104857600\r\n"};
    EXPECT_FALSE(over(64u << 20, head));  // not before the headers end
    head.push_back("\r\n");
    EXPECT_TRUE(over(64u << 20, head));
    EXPECT_TRUE(over(64u << 20, {"HTTP/2 200\r\n", "content-length:   67108865 \r\n", "\r\n"}));
    EXPECT_TRUE(over(
        64u << 20, {"HTTP/1.1 200 OK\r\n", "Content-Length: 99999999999999999999999\r\n", "\r\n"}));
}

TEST(AnnouncedLength, KeepsABodyAtTheBoundOrWithoutALength) {
    EXPECT_FALSE(over(64u << 20, {"HTTP/1.1 200 OK\r\n", "Content-Length: 67108864\r\n", "\r\n"}));
    EXPECT_FALSE(
        over(64u << 20, {"HTTP/1.1 200 OK\r\n", "Transfer-Encoding: chunked\r\n", "\r\n"}));
    EXPECT_FALSE(over(64u << 20, {"HTTP/1.1 200 OK\r\n", "Content-Length: 1e9\r\n", "\r\n"}));
    EXPECT_FALSE(over(64u << 20, {"HTTP/1.1 200 OK\r\n", "Content-Length: -5\r\n", "\r\n"}));
}

TEST(AnnouncedLength, ACompressedBodyGetsRoomForDeflatesGrowth) {
    // gzip of incompressible data is slightly larger than the data: a body that may decode to
    // the bound or less is read, and the bound applies to what it decodes to.
    EXPECT_FALSE(over(64u << 20, {"HTTP/1.1 200 OK\r\n", "Content-Encoding: gzip\r\n",
                                  "Content-Length: 67150000\r\n", "\r\n"}));
    EXPECT_TRUE(over(64u << 20, {"HTTP/1.1 200 OK\r\n", "Content-Encoding: gzip\r\n",
                                 "Content-Length: 104857600\r\n", "\r\n"}));
    EXPECT_TRUE(over(64u << 20, {"HTTP/1.1 200 OK\r\n", "Content-Encoding: identity\r\n",
                                 "Content-Length: 67150000\r\n", "\r\n"}));
}

TEST(AnnouncedLength, AProxysConnectAnswerDoesNotCount) {
    // A CONNECT answer's headers come first; the real response starts over at its status line.
    EXPECT_FALSE(
        over(64u << 20, {"HTTP/1.1 200 Connection established\r\n", "Content-Length: 104857600\r\n",
                         "\r\n", "HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n", "\r\n"}));
}

}  // namespace
}  // namespace certdoctor
