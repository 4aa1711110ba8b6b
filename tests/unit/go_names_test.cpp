// Go's name rules on hand-built certificate facts: host names (wildcards, IPs, the legacy Common
// Name wording) and name constraints (permitted and excluded DNS, IP, email and URI names).
#include "probe/go_names.h"

#include <gtest/gtest.h>

#include <string>

namespace certdoctor {
namespace {

using Kind = GoGeneralName::Kind;

GoCertificate leaf_with(std::vector<GoGeneralName> sans, std::string cn = "") {
    GoCertificate c;
    c.common_name = std::move(cn);
    c.has_san_extension = !sans.empty();
    for (const auto& n : sans) {
        if (n.kind == Kind::dns) c.dns_names.push_back(n.value);
        if (n.kind == Kind::ip) c.ip_addresses.push_back(n.value);
    }
    c.sans = std::move(sans);
    return c;
}

std::string ip4(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
    return std::string{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                       static_cast<char>(d)};
}

TEST(GoNames, WildcardsMatchExactlyOneWholeLeftLabel) {
    GoCertificate leaf = leaf_with({{Kind::dns, "*.example.test"}});
    EXPECT_FALSE(go_verify_hostname(leaf, "reg.example.test"));
    EXPECT_FALSE(go_verify_hostname(leaf, "REG.Example.test."));
    EXPECT_TRUE(go_verify_hostname(leaf, "a.reg.example.test"));
    EXPECT_TRUE(go_verify_hostname(leaf, "example.test"));
    EXPECT_EQ(go_verify_hostname(leaf_with({{Kind::dns, "r*.example.test"}}), "reg.example.test")
                  ->message,
              "x509: certificate is valid for r*.example.test, not reg.example.test");
}

TEST(GoNames, AnIpNeedsAnIpSanAndIsPrintedAsGoPrintsIt) {
    GoCertificate leaf = leaf_with({{Kind::dns, "reg.example.test"}, {Kind::ip, ip4(10, 0, 0, 1)}});
    EXPECT_FALSE(go_verify_hostname(leaf, "10.0.0.1"));
    EXPECT_FALSE(
        go_verify_hostname(leaf, "::ffff:10.0.0.1"));  // the IPv4-mapped form is the same IP
    EXPECT_EQ(go_verify_hostname(leaf, "10.0.0.2")->message,
              "x509: certificate is valid for 10.0.0.1, not 10.0.0.2");
    auto no_ip = go_verify_hostname(leaf_with({{Kind::dns, "reg.example.test"}}), "[::1]");
    EXPECT_EQ(no_ip->kind, "no-ip-sans");
    EXPECT_EQ(no_ip->message,
              "x509: cannot validate certificate for ::1 because it doesn't contain any IP SANs");
    EXPECT_EQ(go_ip_string(std::string(15, '\0') + "\x01"), "::1");
}

TEST(GoNames, TheLegacyCommonNameWordingNeedsACommonNameThatMatches) {
    EXPECT_EQ(go_verify_hostname(leaf_with({}, "reg.example.test"), "reg.example.test")->kind,
              "legacy-common-name");
    auto other = go_verify_hostname(leaf_with({}, "reg.example.test"), "other.example.test");
    EXPECT_EQ(other->kind, "hostname-mismatch");
    EXPECT_EQ(
        other->message,
        "x509: certificate is not valid for any names, but wanted to match other.example.test");
}

GoCertificate ca_with(std::vector<GoGeneralName> permitted, std::vector<GoGeneralName> excluded) {
    GoCertificate c;
    c.has_name_constraints = true;
    c.name_constraints = {std::move(permitted), std::move(excluded)};
    return c;
}

TEST(GoNames, NameConstraintsExcludeFirstThenPermit) {
    GoCertificate leaf =
        leaf_with({{Kind::dns, "reg.example.test"}, {Kind::email, "ops@example.test"}});
    int count = 0;
    EXPECT_FALSE(
        go_check_name_constraints(ca_with({{Kind::dns, "example.test"}}, {}), leaf, count));
    EXPECT_FALSE(
        go_check_name_constraints(ca_with({{Kind::dns, ".example.test"}}, {}), leaf, count));
    auto exact =
        go_check_name_constraints(ca_with({{Kind::dns, ".reg.example.test"}}, {}), leaf, count);
    ASSERT_TRUE(exact);
    EXPECT_EQ(exact->message,
              "x509: a root or intermediate certificate is not authorized to sign for this name: "
              "DNS name \"reg.example.test\" is not permitted by any constraint");
    auto excluded = go_check_name_constraints(
        ca_with({{Kind::dns, "example.test"}}, {{Kind::email, "ops@example.test"}}), leaf, count);
    ASSERT_TRUE(excluded);
    EXPECT_EQ(excluded->message,
              "x509: a root or intermediate certificate is not authorized to sign for this name: "
              "email address \"ops@example.test\" is excluded by constraint \"ops@example.test\"");
}

TEST(GoNames, IpRangesCompareUnderTheirMaskAndOnlyWithinOneFamily) {
    GoCertificate leaf = leaf_with({{Kind::ip, ip4(10, 1, 2, 3)}});
    int count = 0;
    std::string ten_slash_8 = ip4(10, 0, 0, 0) + ip4(255, 0, 0, 0);
    EXPECT_FALSE(go_check_name_constraints(ca_with({{Kind::ip, ten_slash_8}}, {}), leaf, count));
    auto v6_only =
        go_check_name_constraints(ca_with({{Kind::ip, std::string(32, '\0')}}, {}), leaf, count);
    ASSERT_TRUE(v6_only);
    EXPECT_NE(v6_only->message.find("IP address \"10.1.2.3\" is not permitted"), std::string::npos);
    EXPECT_TRUE(valid_ip_mask(ip4(255, 255, 240, 0)));
    EXPECT_FALSE(valid_ip_mask(ip4(255, 0, 255, 0)));
}

TEST(GoNames, UriConstraintsTakeTheHostAndRefuseIps) {
    int count = 0;
    GoCertificate ca = ca_with({{Kind::uri, ".example.test"}}, {});
    EXPECT_FALSE(go_check_name_constraints(
        ca, leaf_with({{Kind::uri, "https://reg.example.test:443/v2/"}}), count));
    auto ip =
        go_check_name_constraints(ca, leaf_with({{Kind::uri, "https://10.0.0.1/v2/"}}), count);
    ASSERT_TRUE(ip);
    EXPECT_NE(ip->message.find("URI with IP"), std::string::npos);
}

TEST(GoNames, ReverseLabelsRefuseEmptyLabelsAndTrailingDots) {
    EXPECT_EQ(domain_to_reverse_labels("a.b.test"), (std::vector<std::string>{"test", "b", "a"}));
    EXPECT_FALSE(domain_to_reverse_labels("a..test"));
    EXPECT_FALSE(domain_to_reverse_labels("a.test."));
    EXPECT_FALSE(domain_to_reverse_labels("a b.test"));
}

}  // namespace
}  // namespace certdoctor
