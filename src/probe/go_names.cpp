#include "probe/go_names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace certdoctor {

namespace {

std::string lower_ascii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

bool equal_fold(const std::string& a, const std::string& b) {
    return lower_ascii(a) == lower_ascii(b);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    return out;
}

// Go's %q for the ASCII names these messages quote (named apart from std::quoted, which
// argument-dependent lookup finds for a std::string wherever <iomanip> is included).
std::string go_quoted(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// net.ParseIP into 16 bytes (an IPv4 address in its IPv4-mapped form); nullopt when not an IP.
std::optional<std::string> parse_ip16(const std::string& s) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
        std::string out(10, '\0');
        out += "\xff\xff";
        out.append(reinterpret_cast<char*>(buf), 4);
        return out;
    }
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1)
        return std::string(reinterpret_cast<char*>(buf), 16);
    return std::nullopt;
}

std::string as_ip16(const std::string& raw) {
    if (raw.size() == 4) return std::string(10, '\0') + "\xff\xff" + raw;
    return raw;
}

bool valid_hostname(std::string host, bool is_pattern) {
    if (!is_pattern && !host.empty() && host.back() == '.') host.pop_back();
    if (host.empty()) return false;
    auto parts = split(host, '.');
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& part = parts[i];
        if (part.empty()) return false;
        if (is_pattern && i == 0 && part == "*") continue;
        for (size_t j = 0; j < part.size(); ++j) {
            unsigned char c = static_cast<unsigned char>(part[j]);
            if (std::isalnum(c) || c == '_' || (c == '-' && j != 0)) continue;
            return false;
        }
    }
    return true;
}

bool match_exactly(const std::string& a, const std::string& b) {
    if (a.empty() || a == "." || b.empty() || b == ".") return false;
    return lower_ascii(a) == lower_ascii(b);
}

bool match_hostnames(std::string pattern, std::string host) {
    pattern = lower_ascii(pattern);
    host = lower_ascii(host);
    if (!host.empty() && host.back() == '.') host.pop_back();
    if (pattern.empty() || host.empty()) return false;
    auto p = split(pattern, '.'), h = split(host, '.');
    if (p.size() != h.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
        if (i == 0 && p[i] == "*") continue;
        if (p[i] != h[i]) return false;
    }
    return true;
}

// matchDomainConstraint; an error (nullopt) for names Go cannot parse.
std::optional<bool> match_domain_constraint(const std::string& domain, std::string constraint) {
    if (constraint.empty()) return true;
    auto domain_labels = domain_to_reverse_labels(domain);
    if (!domain_labels) return std::nullopt;
    bool must_have_subdomains = false;
    if (constraint[0] == '.') {
        must_have_subdomains = true;
        constraint = constraint.substr(1);
    }
    auto constraint_labels = domain_to_reverse_labels(constraint);
    if (!constraint_labels) return std::nullopt;
    if (domain_labels->size() < constraint_labels->size() ||
        (must_have_subdomains && domain_labels->size() == constraint_labels->size()))
        return false;
    for (size_t i = 0; i < constraint_labels->size(); ++i)
        if (!equal_fold((*constraint_labels)[i], (*domain_labels)[i])) return false;
    return true;
}

struct Mailbox {
    std::string local, domain;
};
// The plain local@domain form of parseRFC2821Mailbox (quoted local parts are not taken apart).
std::optional<Mailbox> parse_mailbox(const std::string& s) {
    size_t at = s.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == s.size()) return std::nullopt;
    Mailbox m{s.substr(0, at), s.substr(at + 1)};
    if (!domain_to_reverse_labels(m.domain)) return std::nullopt;
    return m;
}

// The host of a URI as url.Parse finds it ("" when it has no authority).
std::string uri_host(const std::string& uri) {
    size_t scheme = uri.find("://");
    if (scheme == std::string::npos) return {};
    size_t start = scheme + 3;
    size_t end = uri.find_first_of("/?#", start);
    std::string authority =
        uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t at = authority.rfind('@');
    if (at != std::string::npos) authority = authority.substr(at + 1);
    return authority;
}

struct Outcome {
    bool matched = false;
    std::string error;
};

Outcome match_constraint(const GoGeneralName& name, const std::string& constraint) {
    using K = GoGeneralName::Kind;
    switch (name.kind) {
        case K::dns: {
            auto m = match_domain_constraint(name.value, constraint);
            if (!m)
                return {false, "x509: internal error: cannot parse domain " + go_quoted(constraint)};
            return {*m, ""};
        }
        case K::email: {
            auto mailbox = parse_mailbox(name.value);
            if (constraint.find('@') != std::string::npos) {
                auto c = parse_mailbox(constraint);
                if (!c)
                    return {false,
                            "x509: internal error: cannot parse constraint " + go_quoted(constraint)};
                return {mailbox->local == c->local && equal_fold(mailbox->domain, c->domain), ""};
            }
            auto m = match_domain_constraint(mailbox->domain, constraint);
            if (!m)
                return {false, "x509: internal error: cannot parse domain " + go_quoted(constraint)};
            return {*m, ""};
        }
        case K::uri: {
            std::string host = uri_host(name.value);
            if (host.empty())
                return {false, "URI with empty host (" + go_quoted(name.value) +
                                   ") cannot be matched against constraints"};
            if (host.find(':') != std::string::npos && host.back() != ']')
                host = host.substr(0, host.rfind(':'));
            if ((host.front() == '[' && host.back() == ']') || parse_ip16(host))
                return {false, "URI with IP (" + go_quoted(name.value) +
                                   ") cannot be matched against constraints"};
            auto m = match_domain_constraint(host, constraint);
            if (!m)
                return {false, "x509: internal error: cannot parse domain " + go_quoted(constraint)};
            return {*m, ""};
        }
        case K::ip: {
            size_t n = constraint.size() / 2;
            if (name.value.size() != n) return {false, ""};
            for (size_t i = 0; i < n; ++i) {
                auto mask = static_cast<unsigned char>(constraint[n + i]);
                if ((static_cast<unsigned char>(name.value[i]) & mask) !=
                    (static_cast<unsigned char>(constraint[i]) & mask))
                    return {false, ""};
            }
            return {true, ""};
        }
    }
    return {};
}

// How Go's messages print a constraint: the string, or an IP range as IP/prefix (net.IPNet).
std::string constraint_text(const GoGeneralName& c) {
    if (c.kind != GoGeneralName::Kind::ip) return c.value;
    size_t n = c.value.size() / 2;
    int ones = 0;
    for (size_t i = n; i < c.value.size(); ++i)
        for (int b = 7; b >= 0; --b) ones += (static_cast<unsigned char>(c.value[i]) >> b) & 1;
    return go_ip_string(c.value.substr(0, n)) + "/" + std::to_string(ones);
}

const char* kind_text(GoGeneralName::Kind k) {
    switch (k) {
        case GoGeneralName::Kind::dns:
            return "DNS name";
        case GoGeneralName::Kind::email:
            return "email address";
        case GoGeneralName::Kind::uri:
            return "URI";
        case GoGeneralName::Kind::ip:
            return "IP address";
    }
    return "";
}

const std::string kNotAuthorized =
    "x509: a root or intermediate certificate is not authorized to sign for this name: ";

// checkNameConstraints for one name: excluded first, then permitted (an empty permitted list
// permits everything).
std::optional<GoNameFailure> check_one(const GoCertificate& ca, const GoGeneralName& name,
                                       int& count) {
    std::vector<const GoGeneralName*> excluded, permitted;
    for (const auto& c : ca.name_constraints.excluded)
        if (c.kind == name.kind) excluded.push_back(&c);
    for (const auto& c : ca.name_constraints.permitted)
        if (c.kind == name.kind) permitted.push_back(&c);
    std::string shown =
        name.kind == GoGeneralName::Kind::ip ? go_ip_string(name.value) : name.value;
    count += static_cast<int>(excluded.size());
    if (count > 250000) return GoNameFailure{"name-constraints", "x509: unknown error"};
    for (const auto* c : excluded) {
        Outcome o = match_constraint(name, c->value);
        if (!o.error.empty()) return GoNameFailure{"name-constraints", kNotAuthorized + o.error};
        if (o.matched)
            return GoNameFailure{"name-constraints",
                                 kNotAuthorized + kind_text(name.kind) + " " + go_quoted(shown) +
                                     " is excluded by constraint " + go_quoted(constraint_text(*c))};
    }
    count += static_cast<int>(permitted.size());
    if (count > 250000) return GoNameFailure{"name-constraints", "x509: unknown error"};
    bool ok = true;
    for (const auto* c : permitted) {
        Outcome o = match_constraint(name, c->value);
        if (!o.error.empty()) return GoNameFailure{"name-constraints", kNotAuthorized + o.error};
        ok = o.matched;
        if (ok) break;
    }
    if (!ok)
        return GoNameFailure{"name-constraints", kNotAuthorized + kind_text(name.kind) + " " +
                                                     go_quoted(shown) +
                                                     " is not permitted by any constraint"};
    return std::nullopt;
}

}  // namespace

std::optional<std::vector<std::string>> domain_to_reverse_labels(const std::string& domain_in) {
    std::vector<std::string> labels;
    std::string domain = domain_in;
    while (!domain.empty()) {
        size_t i = domain.rfind('.');
        if (i == std::string::npos) {
            labels.push_back(domain);
            domain.clear();
        } else {
            labels.push_back(domain.substr(i + 1));
            domain = domain.substr(0, i);
        }
    }
    if (!labels.empty() && labels[0].empty()) return std::nullopt;
    for (const auto& label : labels) {
        if (label.empty()) return std::nullopt;
        for (unsigned char c : label)
            if (c < 33 || c > 126) return std::nullopt;
    }
    return labels;
}

bool valid_ip_mask(const std::string& mask) {
    bool seen_zero = false;
    for (unsigned char b : mask) {
        if (seen_zero) {
            if (b != 0) return false;
            continue;
        }
        switch (b) {
            case 0x00:
            case 0x80:
            case 0xc0:
            case 0xe0:
            case 0xf0:
            case 0xf8:
            case 0xfc:
            case 0xfe:
                seen_zero = true;
                break;
            case 0xff:
                break;
            default:
                return false;
        }
    }
    return true;
}

std::string go_ip_string(const std::string& raw) {
    char buf[64];
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
    bool mapped = raw.size() == 16 &&
                  std::all_of(p, p + 10, [](unsigned char c) { return c == 0; }) && p[10] == 0xff &&
                  p[11] == 0xff;
    if (raw.size() == 4 || mapped) {
        const unsigned char* v4 = mapped ? p + 12 : p;
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v4[0], v4[1], v4[2], v4[3]);
        return buf;
    }
    if (raw.size() == 16 && inet_ntop(AF_INET6, p, buf, sizeof buf)) return buf;
    std::string out = "?";
    for (unsigned char c : raw) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
    }
    return out;
}

std::optional<GoNameFailure> go_verify_hostname(const GoCertificate& leaf, const std::string& h) {
    std::string candidate_ip = h;
    if (h.size() >= 3 && h.front() == '[' && h.back() == ']')
        candidate_ip = h.substr(1, h.size() - 2);
    std::string host = h;
    auto ip = parse_ip16(candidate_ip);
    if (ip) {
        for (const auto& san : leaf.ip_addresses)
            if ((san.size() == 4 || san.size() == 16) && as_ip16(san) == *ip) return std::nullopt;
        host = candidate_ip;
    } else {
        std::string name = lower_ascii(h);
        bool valid_name = valid_hostname(name, false);
        for (const auto& match : leaf.dns_names) {
            if (valid_name && valid_hostname(match, true) ? match_hostnames(match, name)
                                                          : match_exactly(match, name))
                return std::nullopt;
        }
    }
    // HostnameError.Error()
    if (!leaf.has_san_extension && match_hostnames(leaf.common_name, host))
        return GoNameFailure{
            "legacy-common-name",
            "x509: certificate relies on legacy Common Name field, use SANs instead"};
    std::string valid;
    if (parse_ip16(host)) {
        if (leaf.ip_addresses.empty())
            return GoNameFailure{"no-ip-sans", "x509: cannot validate certificate for " + host +
                                                   " because it doesn't contain any IP SANs"};
        for (const auto& san : leaf.ip_addresses)
            valid += (valid.empty() ? "" : ", ") + go_ip_string(san);
    } else {
        for (const auto& name : leaf.dns_names) valid += (valid.empty() ? "" : ", ") + name;
    }
    if (valid.empty())
        return GoNameFailure{
            "hostname-mismatch",
            "x509: certificate is not valid for any names, but wanted to match " + host};
    return GoNameFailure{"hostname-mismatch",
                         "x509: certificate is valid for " + valid + ", not " + host};
}

std::optional<GoNameFailure> go_check_name_constraints(const GoCertificate& ca,
                                                       const GoCertificate& leaf, int& count) {
    std::vector<const GoCertificate*> to_check;
    if (leaf.has_san_extension) to_check.push_back(&leaf);
    if (ca.has_san_extension) to_check.push_back(&ca);
    for (const GoCertificate* cert : to_check) {
        for (const auto& name : cert->sans) {
            using K = GoGeneralName::Kind;
            if (name.kind == K::email && !parse_mailbox(name.value))
                return GoNameFailure{"other",
                                     "x509: cannot parse rfc822Name " + go_quoted(name.value)};
            if (name.kind == K::dns && !domain_to_reverse_labels(name.value))
                return GoNameFailure{"other", "x509: cannot parse dnsName " + go_quoted(name.value)};
            if (name.kind == K::ip && name.value.size() != 4 && name.value.size() != 16)
                return GoNameFailure{"other", "x509: internal error: IP SAN failed to parse"};
            if (auto failure = check_one(ca, name, count)) return failure;
        }
    }
    return std::nullopt;
}

}  // namespace certdoctor
