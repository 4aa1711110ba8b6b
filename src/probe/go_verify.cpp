#include "probe/go_verify.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include "util/read_input.h"
#include "util/text.h"
#include "util/time.h"

namespace certdoctor {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// crypto/x509 matchHostnames: case-insensitive, a trailing dot ignored, "*" only as the whole
// left-most label and matching exactly one label.
bool match_hostname(std::string pattern, std::string host) {
    pattern = lower(pattern);
    host = lower(host);
    if (!host.empty() && host.back() == '.') host.pop_back();
    if (!pattern.empty() && pattern.back() == '.') pattern.pop_back();
    if (pattern.empty() || host.empty()) return false;
    auto labels = [](const std::string& s) {
        std::vector<std::string> out;
        size_t start = 0;
        for (size_t i = 0; i <= s.size(); ++i)
            if (i == s.size() || s[i] == '.') {
                out.push_back(s.substr(start, i - start));
                start = i + 1;
            }
        return out;
    };
    auto p = labels(pattern), h = labels(host);
    if (p.size() != h.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
        if (i == 0 && p[i] == "*") continue;
        if (p[i] != h[i]) return false;
    }
    return true;
}

// crypto/x509 validHostname (the subset that decides whether a Common Name looks like a host).
bool valid_hostname(const std::string& s) {
    if (s.empty() || s.size() > 253) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '*')) return false;
    return true;
}


bool weak_signature(X509* cert) {
    int nid = X509_get_signature_nid(cert);
    int md = NID_undef, pk = NID_undef;
    OBJ_find_sigid_algs(nid, &md, &pk);
    return md == NID_sha1 || md == NID_md5 || md == NID_md2 || md == NID_md4;
}

std::string go_algorithm_name(X509* cert) {
    int md = NID_undef, pk = NID_undef;
    OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md, &pk);
    std::string hash = md == NID_sha1 ? "SHA1" : md == NID_md5 ? "MD5" : OBJ_nid2sn(md);
    std::string key = pk == NID_rsaEncryption ? "RSA" : pk == NID_X9_62_id_ecPublicKey ? "ECDSA" : OBJ_nid2sn(pk);
    return hash + "-" + key;
}

// Go's host name check ("" when the leaf is valid for `host`; else Go's message, and `problem`).
std::string go_hostname_error(X509* leaf, const std::string& host, bool host_is_ip, std::string& problem) {
    CertificateView v = describe_certificate(leaf);
    if (host_is_ip) {
        for (const auto& ip : v.ip_addresses)
            if (lower(ip) == lower(host)) return {};
        if (v.ip_addresses.empty()) {
            problem = "no-ip-sans";
            return "x509: cannot validate certificate for " + host + " because it doesn't contain any IP SANs";
        }
        problem = "hostname-mismatch";
        return "x509: certificate is valid for " + join(v.ip_addresses, ", ") + ", not " + host;
    }
    for (const auto& name : v.dns_names)
        if (match_hostname(name, host)) return {};
    if (!has_san_extension(leaf) && valid_hostname(v.common_name)) {
        problem = "legacy-common-name";
        return "x509: certificate relies on legacy Common Name field, use SANs instead";
    }
    problem = "hostname-mismatch";
    if (v.dns_names.empty()) return "x509: certificate is not valid for any names, but wanted to match " + host;
    return "x509: certificate is valid for " + join(v.dns_names, ", ") + ", not " + host;
}

std::string first_not_after(const std::vector<X509*>& path) {
    const ASN1_TIME* first = nullptr;
    for (X509* c : path)
        if (!first || ASN1_TIME_compare(X509_get0_notAfter(c), first) < 0) first = X509_get0_notAfter(c);
    if (!first) return {};
    std::tm tm{};
    if (ASN1_TIME_to_tm(first, &tm) != 1) return {};
    return format_rfc3339(timegm(&tm));
}

}  // namespace

namespace {

// The Name fields of a DER certificate as encoded, found by walking the outer TLV headers
// (Certificate, tbsCertificate, [0] version, serial, signature, issuer, validity, subject).
struct RawNames {
    std::string issuer, subject;
};
std::optional<RawNames> raw_names(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* end = p + der.size();
    long len = 0;
    int tag = 0, cls = 0;
    // Reads the next header; p then points at its content.
    auto header = [&]() {
        int r = ASN1_get_object(&p, &len, &tag, &cls, end - p);
        return !(r & 0x80) && r != 0x21 && len >= 0 && len <= end - p;
    };
    if (!header() || tag != V_ASN1_SEQUENCE) return std::nullopt;  // Certificate
    if (!header() || tag != V_ASN1_SEQUENCE) return std::nullopt;  // tbsCertificate
    end = p + len;
    RawNames names;
    for (int field = 0; field < 6; ++field) {
        const unsigned char* start = p;
        if (!header()) return std::nullopt;
        if (field == 0 && !(cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0)) {  // no version: a v1 certificate
            p = start;
            continue;
        }
        p += len;
        if (field == 3) names.issuer.assign(reinterpret_cast<const char*>(start), p - start);
        if (field == 5) names.subject.assign(reinterpret_cast<const char*>(start), p - start);
    }
    return names;
}

std::string raw_name(X509_NAME* name) {
    unsigned char* out = nullptr;
    int n = i2d_X509_NAME(name, &out);
    if (n <= 0) return {};
    std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
    return s;
}

}  // namespace

// The system bundle: every CERTIFICATE block's DER and raw names, read once per process; a
// certificate is decoded the first time a chain names it (decoding all of them costs tens of
// milliseconds with OpenSSL 3). Parallel probes share it.
class SystemRoots {
public:
    struct Root {
        std::string der;
        RawNames names;
        X509Ptr cert;
        bool decoded = false;
    };
    // Reads the bundle Go would: $SSL_CERT_FILE, else the first of the usual paths that holds a
    // certificate.
    SystemRoots() {
        std::vector<std::string> paths;
        if (const char* env = std::getenv("SSL_CERT_FILE"); env && *env) paths.push_back(env);
        for (const char* p : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                              "/etc/ssl/ca-bundle.pem", "/etc/pki/tls/cacert.pem",
                              "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem"})
            paths.push_back(p);
        for (const auto& path : paths) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(path, ec)) continue;
            try {
                if (!read(read_input(path, 8u << 20))) continue;
            } catch (const std::exception&) {
                continue;  // an unreadable system bundle: Go skips it too
            }
            source = "system (" + path + ")";
            break;
        }
    }

    std::string source;  // empty when no bundle was found

    // The roots whose subject is `subject`, decoded (those that fail to decode are skipped, as Go skips them).
    std::vector<std::pair<X509*, const std::string*>> named(const std::string& subject) const {
        std::vector<std::pair<X509*, const std::string*>> out;
        std::lock_guard<std::mutex> lock(mutex_);
        auto range = by_subject_.equal_range(subject);
        for (auto it = range.first; it != range.second; ++it) {
            Root& r = roots_[it->second];
            if (!r.decoded) {
                const auto* p = reinterpret_cast<const unsigned char*>(r.der.data());
                r.cert.reset(d2i_X509(nullptr, &p, static_cast<long>(r.der.size())));
                r.decoded = true;
                ERR_clear_error();
            }
            if (r.cert) out.emplace_back(r.cert.get(), &r.names.issuer);
        }
        return out;
    }
    const std::vector<Root>& all() const { return roots_; }

private:
    // Reads a bundle; false when it holds no certificate.
    bool read(const std::string& text) {
        BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
        for (;;) {
            char* name = nullptr;
            char* headers = nullptr;
            unsigned char* data = nullptr;
            long len = 0;
            size_t left = BIO_pending(bio.get());
            if (PEM_read_bio(bio.get(), &name, &headers, &data, &len) != 1) {
                // The end, or a block that does not decode: Go skips that one and reads on.
                unsigned long err = ERR_peek_last_error();
                ERR_clear_error();
                bool at_end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
                if (at_end || static_cast<size_t>(BIO_pending(bio.get())) >= left) break;
                continue;
            }
            bool certificate = std::string_view(name) == "CERTIFICATE" && *headers == 0;  // as Go's AppendCertsFromPEM
            std::string der(reinterpret_cast<char*>(data), static_cast<size_t>(len));
            OPENSSL_free(name);
            OPENSSL_free(headers);
            OPENSSL_free(data);
            if (!certificate) continue;
            auto names = raw_names(der);
            if (!names) continue;
            by_subject_.emplace(names->subject, roots_.size());
            roots_.push_back({std::move(der), std::move(*names), nullptr, false});
        }
        ERR_clear_error();
        return !roots_.empty();
    }

    mutable std::mutex mutex_;
    mutable std::vector<Root> roots_;
    std::multimap<std::string, size_t> by_subject_;
};

std::string TrustPool::pem() const {
    std::string out;
    if (system) {
        BioPtr bio(BIO_new(BIO_s_mem()));
        for (const auto& r : system->all())
            PEM_write_bio(bio.get(), "CERTIFICATE", "", reinterpret_cast<const unsigned char*>(r.der.data()),
                          static_cast<long>(r.der.size()));
        out = bio_text(bio.get());
    }
    for (const auto& c : certificates) out += to_pem(c.get());
    return out;
}

std::vector<X509*> TrustPool::candidates(const std::vector<X509Ptr>& chain) const {
    std::vector<X509*> out;
    for (const auto& c : certificates) out.push_back(c.get());
    if (!system) return out;
    std::vector<std::string> wanted;
    std::set<std::string> seen;
    for (const auto& c : chain) {
        std::string issuer = raw_name(X509_get_issuer_name(c.get()));
        if (seen.insert(issuer).second) wanted.push_back(issuer);
    }
    while (!wanted.empty()) {
        std::string name = std::move(wanted.back());
        wanted.pop_back();
        for (auto [cert, issuer] : system->named(name)) {
            out.push_back(cert);
            if (seen.insert(*issuer).second) wanted.push_back(*issuer);
        }
    }
    return out;
}

namespace {

const SystemRoots& system_roots() {
    static const SystemRoots roots;
    return roots;
}

}  // namespace

void add_system_roots(TrustPool& pool) {
    const SystemRoots& roots = system_roots();
    if (roots.source.empty()) return;
    pool.system = &roots;
    pool.sources.push_back(roots.source);
}

void add_ca_file(TrustPool& pool, const std::string& path) {
    auto certs = read_pem_certificates(read_input(path, 8u << 20), "--ca-file " + path);
    for (auto& c : certs) pool.certificates.push_back(std::move(c));
    pool.sources.push_back("--ca-file " + path);
}

GoVerdict go_verify(const std::vector<X509Ptr>& served, const std::string& host, bool host_is_ip,
                    const TrustPool& pool, std::time_t at) {
    GoVerdict v;
    if (at == 0) at = std::time(nullptr);
    auto now_rfc3339 = [at] { return format_rfc3339(at); };
    X509* leaf = served.front().get();
    // 1. The leaf's validity period.
    if (X509_cmp_time(X509_get0_notBefore(leaf), &at) > 0) {
        v.problem = "not-yet-valid";
        v.detail = "x509: certificate has expired or is not yet valid: current time " + now_rfc3339() + " is before " +
                   describe_certificate(leaf).not_before;
        return v;
    }
    if (X509_cmp_time(X509_get0_notAfter(leaf), &at) < 0) {
        v.problem = "expired";
        v.detail = "x509: certificate has expired or is not yet valid: current time " + now_rfc3339() + " is after " +
                   describe_certificate(leaf).not_after;
        return v;
    }
    // 2. The host name.
    std::string problem;
    std::string name_error = host.empty() ? std::string() : go_hostname_error(leaf, host, host_is_ip, problem);
    if (!name_error.empty()) {
        v.problem = problem;
        v.detail = name_error;
        return v;
    }
    // 3. A path to any certificate of the pool.
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
    std::vector<X509*> trusted = pool.candidates(served);
    for (X509* c : trusted) X509_STORE_add_cert(store.get(), c);
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> untrusted(sk_X509_new_null(),
                                                                          [](STACK_OF(X509)* s) { sk_X509_free(s); });
    for (size_t i = 1; i < served.size(); ++i) sk_X509_push(untrusted.get(), served[i].get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get());
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);  // Go: any pool certificate anchors
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM_set_time(param, at);
    X509_VERIFY_PARAM_set_auth_level(param, -1);                    // weak algorithms are judged below, as Go does
    int ok = X509_verify_cert(ctx.get());
    int err = X509_STORE_CTX_get_error(ctx.get());
    X509* failing = X509_STORE_CTX_get_current_cert(ctx.get());
    if (ok == 1) {
        STACK_OF(X509)* path = X509_STORE_CTX_get0_chain(ctx.get());
        for (int i = 0; i < sk_X509_num(path); ++i) {
            X509* c = sk_X509_value(path, i);
            for (const auto& s : served)
                if (X509_cmp(s.get(), c) == 0) c = s.get();
            for (X509* p : trusted)
                if (X509_cmp(p, c) == 0) c = p;
            v.path.push_back(c);
        }
        // Go checks every signature on the path but the anchor's own.
        for (size_t i = 0; i + 1 < v.path.size(); ++i) {
            if (weak_signature(v.path[i])) {
                v.problem = "insecure-signature";
                v.detail = "x509: certificate signed by unknown authority (possibly because of \"x509: cannot verify "
                           "signature: insecure algorithm " + go_algorithm_name(v.path[i]) +
                           "\" while trying to verify candidate authority certificate \"" +
                           common_name(v.path[i + 1]) + "\")";
                v.path.clear();
                return v;
            }
        }
        v.problem = "ok";
        v.valid_until = first_not_after(v.path);
        return v;
    }
    switch (err) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            v.problem = "expired";
            v.detail = "x509: certificate has expired or is not yet valid: current time " + now_rfc3339() + " is after " +
                       describe_certificate(failing).not_after;
            break;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            v.problem = "not-yet-valid";
            v.detail = "x509: certificate has expired or is not yet valid: current time " + now_rfc3339() +
                       " is before " + describe_certificate(failing).not_before;
            break;
        case X509_V_ERR_INVALID_CA:
        case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
            v.problem = "not-a-ca";
            v.detail = "x509: certificate is not authorized to sign other certificates";
            break;
        case X509_V_ERR_INVALID_PURPOSE:
            v.problem = "other";
            v.detail = "x509: certificate specifies an incompatible key usage";
            break;
        case X509_V_ERR_CA_MD_TOO_WEAK:
        case X509_V_ERR_EE_KEY_TOO_SMALL:
        case X509_V_ERR_CA_KEY_TOO_SMALL:
            v.problem = "insecure-signature";
            v.detail = "x509: cannot verify signature: insecure algorithm";
            break;
        default:
            v.problem = "unknown-authority";
            v.detail = "x509: certificate signed by unknown authority";
            v.issuer_missing = err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
                               err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
                               err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
    }
    return v;
}

}  // namespace certdoctor
