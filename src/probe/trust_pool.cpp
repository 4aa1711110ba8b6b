#include "probe/trust_pool.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include "util/read_input.h"
#include "util/system_ca.h"

namespace certdoctor {

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
        if (field == 0 &&
            !(cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0)) {  // no version: a v1 certificate
            p = start;
            continue;
        }
        p += len;
        if (field == 3) names.issuer.assign(reinterpret_cast<const char*>(start), p - start);
        if (field == 5) names.subject.assign(reinterpret_cast<const char*>(start), p - start);
    }
    return names;
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
        for (const char* p : system_ca_bundle_paths()) paths.push_back(p);
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

    // The roots whose subject is `subject`, decoded (those that fail to decode are skipped, as Go
    // skips them).
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
                bool at_end =
                    ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
                if (at_end || static_cast<size_t>(BIO_pending(bio.get())) >= left) break;
                continue;
            }
            bool certificate = std::string_view(name) == "CERTIFICATE" &&
                               *headers == 0;  // as Go's AppendCertsFromPEM
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
            PEM_write_bio(bio.get(), "CERTIFICATE", "",
                          reinterpret_cast<const unsigned char*>(r.der.data()),
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
        std::string issuer = der_of(X509_get_issuer_name(c.get()));
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

bool TrustPool::has_subject(X509_NAME* name, const std::vector<X509Ptr>& chain) const {
    for (X509* c : candidates(chain))
        if (X509_NAME_cmp(X509_get_subject_name(c), name) == 0) return true;
    return false;
}

}  // namespace certdoctor
