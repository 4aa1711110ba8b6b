#include "probe/go_verify.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <optional>

#include "probe/go_certificate.h"
#include "probe/go_names.h"
#include "util/time.h"

namespace certdoctor {

namespace {

// Go's error values, reduced to their kind and message.
struct GoError {
    std::string kind;
    std::string message;
};

enum class CertType { leaf, intermediate, root };
using Chain = std::vector<const GoCertificate*>;

// Newer Go (1.24, rsa1024min) refuses RSA keys under 1024 bits in every verification; Go 1.19 to
// 1.23 accept them. The probe follows the newer controllers and says what older ones do.
constexpr int kMinRsaBits = 1024;
const char* const kOlderGoOnSmallRsa =
    "Go 1.19 to 1.23 accept RSA keys under 1024 bits: controllers built with them pass this chain";

std::string go_quote(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += static_cast<char>(c);
    }
    return out + "\"";
}

bool same_key(const GoCertificate& a, const GoCertificate& b) {
    EVP_PKEY* ka = X509_get0_pubkey(a.x509);
    EVP_PKEY* kb = X509_get0_pubkey(b.x509);
    ERR_clear_error();
    return ka && kb && EVP_PKEY_eq(ka, kb) == 1;
}

// Go's alreadyInChain: same subject, key and SAN extension (so cross-signatures cannot loop).
bool already_in_chain(const GoCertificate& candidate, const Chain& chain) {
    for (const GoCertificate* cert : chain) {
        if (candidate.raw_subject != cert->raw_subject) continue;
        if (!same_key(candidate, *cert)) continue;
        if (!candidate.has_san_extension && !cert->has_san_extension) return true;
        if (!candidate.has_san_extension || !cert->has_san_extension) return false;
        if (candidate.san_extension_value == cert->san_extension_value) return true;
    }
    return false;
}

class Verifier {
  public:
    Verifier(std::vector<GoCertificate> roots, std::vector<GoCertificate> intermediates,
             std::time_t at)
        : roots_(std::move(roots)), intermediates_(std::move(intermediates)), at_(at) {}

    bool roots_contain(const GoCertificate& c) const {
        return std::any_of(roots_.begin(), roots_.end(),
                           [&](const GoCertificate& r) { return r.raw == c.raw; });
    }

    // Go's isValid.
    std::optional<GoError> is_valid(const GoCertificate& c, CertType type,
                                    const Chain& chain) const {
        if (c.unhandled_critical_extension)
            return GoError{"unhandled-critical-extension", "x509: unhandled critical extension"};
        if (!chain.empty() && chain.back()->raw_issuer != c.raw_subject)
            return GoError{"name-mismatch",
                           "x509: issuer name does not match subject from issuing certificate"};
        if (at_ < c.not_before)
            return GoError{"not-yet-valid",
                           "x509: certificate has expired or is not yet valid: current time " +
                               format_rfc3339(at_) + " is before " + format_rfc3339(c.not_before)};
        if (at_ > c.not_after)
            return GoError{"expired",
                           "x509: certificate has expired or is not yet valid: current time " +
                               format_rfc3339(at_) + " is after " + format_rfc3339(c.not_after)};
        if (type != CertType::leaf && c.has_name_constraints) {
            int comparisons = 0;
            if (auto failure = go_check_name_constraints(c, *chain.front(), comparisons))
                return GoError{failure->kind, failure->message};
        }
        if (type == CertType::intermediate && (!c.basic_constraints_valid || !c.is_ca))
            return GoError{"not-authorized-to-sign",
                           "x509: certificate is not authorized to sign other certificates"};
        if (c.basic_constraints_valid && c.max_path_len >= 0 &&
            static_cast<long>(chain.size()) - 1 > c.max_path_len)
            return GoError{"too-many-intermediates",
                           "x509: too many intermediates for path length constraint"};
        return std::nullopt;
    }

    // Go's CheckSignatureFrom and checkSignature (the hint kinds: constraint, unsupported,
    // insecure-signature, rsa-key-too-small, bad-signature).
    static std::optional<GoError> check_signature_from(const GoCertificate& child,
                                                       const GoCertificate& parent) {
        if ((parent.version == 3 && !parent.basic_constraints_valid) ||
            (parent.basic_constraints_valid && !parent.is_ca) ||
            (parent.key_usage_present && !parent.key_usage_cert_sign))
            return GoError{
                "constraint",
                "x509: invalid signature: parent certificate cannot sign this kind of certificate"};
        const GoError unimplemented{"unsupported",
                                    "x509: cannot verify signature: algorithm unimplemented"};
        if (parent.key_algorithm == GoKeyAlgorithm::unknown) return unimplemented;
        switch (child.signature_hash) {
            case GoSignatureHash::unsupported:
                return unimplemented;
            case GoSignatureHash::md5:
            case GoSignatureHash::sha1: {
                bool sha1 = child.signature_hash == GoSignatureHash::sha1;
                return GoError{"insecure-signature",
                               "x509: cannot verify signature: insecure algorithm " +
                                   child.signature_algorithm +
                                   (sha1 ? " (temporarily override with GODEBUG=x509sha1=1)" : "")};
            }
            default:
                break;
        }
        if (parent.key_algorithm == GoKeyAlgorithm::dsa) return unimplemented;
        if (child.signature_key != parent.key_algorithm)
            return GoError{"bad-signature", std::string("x509: signature algorithm specifies an ") +
                                                go_key_algorithm_name(child.signature_key) +
                                                " public key, but have public key of type " +
                                                go_key_type_name(parent.key_algorithm)};
        if (parent.key_algorithm == GoKeyAlgorithm::rsa && parent.rsa_bits < kMinRsaBits)
            return GoError{"rsa-key-too-small",
                           "crypto/rsa: " + std::to_string(parent.rsa_bits) +
                               "-bit keys are insecure (see "
                               "https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"};
        EVP_PKEY* key = X509_get0_pubkey(parent.x509);
        int verified = key ? X509_verify(child.x509, key) : 0;
        ERR_clear_error();
        if (verified == 1) return std::nullopt;
        switch (parent.key_algorithm) {
            case GoKeyAlgorithm::rsa:
                return GoError{"bad-signature", "crypto/rsa: verification error"};
            case GoKeyAlgorithm::ecdsa:
                return GoError{"bad-signature", "x509: ECDSA verification failure"};
            default:
                return GoError{"bad-signature", "x509: Ed25519 verification failure"};
        }
    }

    // Go's findPotentialParents: by raw subject; key identifiers matching first, then one of
    // them missing, then mismatching.
    static Chain potential_parents(const std::vector<GoCertificate>& pool, const GoCertificate& c) {
        Chain matching, one, mismatch;
        for (const auto& candidate : pool) {
            if (candidate.raw_subject != c.raw_issuer) continue;
            if (candidate.subject_key_id == c.authority_key_id)
                matching.push_back(&candidate);
            else if (candidate.subject_key_id.empty() != c.authority_key_id.empty())
                one.push_back(&candidate);
            else
                mismatch.push_back(&candidate);
        }
        matching.insert(matching.end(), one.begin(), one.end());
        matching.insert(matching.end(), mismatch.begin(), mismatch.end());
        return matching;
    }

    // Go's buildChains: every candidate is tried; the error kept is the last candidate's, or an
    // unknown authority with the first signature failure as its hint.
    std::vector<Chain> build_chains(const Chain& current, std::optional<GoError>& err) {
        std::vector<Chain> chains;
        std::optional<GoError> hint;
        const GoCertificate* hint_cert = nullptr;
        const GoCertificate& child = *current.back();
        auto consider = [&](CertType type, const GoCertificate* candidate) {
            if (already_in_chain(*candidate, current)) return;
            if (++signature_checks_ > kMaxSignatureChecks) {
                err = GoError{"too-much-work",
                              "x509: signature check attempts limit reached while verifying "
                              "certificate chain"};
                return;
            }
            if (auto e = check_signature_from(child, *candidate)) {
                if (!hint) {
                    hint = e;
                    hint_cert = candidate;
                }
                return;
            }
            err = is_valid(*candidate, type, current);
            if (err) return;
            Chain extended = current;
            extended.push_back(candidate);
            if (type == CertType::root) {
                chains.push_back(std::move(extended));
            } else {
                auto children = build_chains(extended, err);
                chains.insert(chains.end(), children.begin(), children.end());
            }
        };
        for (const GoCertificate* root : potential_parents(roots_, child))
            consider(CertType::root, root);
        for (const GoCertificate* inter : potential_parents(intermediates_, child))
            consider(CertType::intermediate, inter);
        if (!chains.empty()) err.reset();
        if (chains.empty() && !err) err = unknown_authority(hint, hint_cert);
        return chains;
    }

  private:
    static constexpr int kMaxSignatureChecks = 100;

    static GoError unknown_authority(const std::optional<GoError>& hint,
                                     const GoCertificate* hint_cert) {
        GoError e{"unknown-authority", "x509: certificate signed by unknown authority"};
        if (!hint) return e;
        std::string name = hint_cert->common_name;
        if (name.empty())
            name = hint_cert->organization.empty() ? "serial:" + hint_cert->serial_decimal
                                                   : hint_cert->organization;
        e.message += " (possibly because of " + go_quote(hint->message) +
                     " while trying to verify candidate authority certificate " + go_quote(name) +
                     ")";
        if (hint->kind == "insecure-signature" || hint->kind == "rsa-key-too-small")
            e.kind = hint->kind;
        return e;
    }

    std::vector<GoCertificate> roots_, intermediates_;
    std::time_t at_;
    int signature_checks_ = 0;
};

// Go's checkChainForKeyUsage for the server-auth usage: every certificate that lists extended
// key usages must allow it (or any usage).
bool chain_allows_server_auth(const Chain& chain) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const GoCertificate& c = **it;
        if (!c.has_ext_key_usage || c.ext_key_usage_any) continue;
        if (!c.ext_key_usage_server_auth) return false;
    }
    return true;
}

std::string problem_of(const std::string& kind) {
    for (const char* same : {"ok", "expired", "not-yet-valid", "hostname-mismatch", "no-ip-sans",
                             "legacy-common-name", "unknown-authority", "insecure-signature"})
        if (kind == same) return kind;
    if (kind == "rsa-key-too-small") return "insecure-signature";
    if (kind == "not-authorized-to-sign" || kind == "too-many-intermediates") return "not-a-ca";
    return "other";
}

std::vector<GoCertificate> facts_of(const std::vector<X509*>& certs) {
    std::vector<GoCertificate> out;
    for (X509* x : certs) {
        GoCertificate c = go_certificate(x);
        if (!c.parse_error.empty())
            continue;  // as AppendCertsFromPEM and AddCert skip what does not parse
        if (std::any_of(out.begin(), out.end(),
                        [&](const GoCertificate& o) { return o.raw == c.raw; }))
            continue;
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

GoVerdict go_verify(const std::vector<X509Ptr>& served, const std::string& host,
                    const TrustPool& pool, std::time_t at) {
    GoVerdict v;
    if (at == 0) at = std::time(nullptr);
    auto fail = [&](const GoError& e) {
        v.go_error = e.kind;
        v.problem = problem_of(e.kind);
        v.detail = e.message;
        if (e.kind == "rsa-key-too-small") v.older_go = kOlderGoOnSmallRsa;
        return v;
    };
    // crypto/tls parses every served certificate before verifying any.
    for (const auto& s : served) {
        GoCertificate c = go_certificate(s.get());
        if (!c.parse_error.empty())
            return fail(
                {"parse-error", "tls: failed to parse certificate from server: " + c.parse_error});
    }
    GoCertificate leaf = go_certificate(served.front().get());
    std::vector<X509*> served_rest;
    for (size_t i = 1; i < served.size(); ++i) served_rest.push_back(served[i].get());
    Verifier verifier(facts_of(pool.candidates(served)), facts_of(served_rest), at);

    if (auto e = verifier.is_valid(leaf, CertType::leaf, {})) return fail(*e);
    if (!host.empty())
        if (auto failure = go_verify_hostname(leaf, host))
            return fail({failure->kind, failure->message});
    std::vector<Chain> chains;
    if (verifier.roots_contain(leaf)) {
        chains.push_back({&leaf});
    } else {
        std::optional<GoError> err;
        chains = verifier.build_chains({&leaf}, err);
        if (err) {
            v.issuer_missing = err->kind == "unknown-authority" &&
                               err->message.find("possibly because") == std::string::npos;
            return fail(*err);
        }
    }
    auto usable = std::find_if(chains.begin(), chains.end(), chain_allows_server_auth);
    if (usable == chains.end())
        return fail(
            {"incompatible-usage", "x509: certificate specifies an incompatible key usage"});
    v.problem = v.go_error = "ok";
    std::time_t first_not_after = 0;
    for (const GoCertificate* c : *usable) {
        v.path.push_back(c->x509);
        if (first_not_after == 0 || c->not_after < first_not_after) first_not_after = c->not_after;
        if (c->key_algorithm == GoKeyAlgorithm::rsa && c->rsa_bits < kMinRsaBits &&
            c != usable->front())
            v.older_go = kOlderGoOnSmallRsa;
    }
    v.valid_until = format_rfc3339(first_not_after);
    return v;
}

}  // namespace certdoctor
