#include "probe/go_certificate.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <memory>

#include "probe/go_names.h"
#include "probe/openssl_util.h"

namespace certdoctor {

namespace {

std::string bytes_of(const ASN1_STRING* s) {
    if (!s) return {};
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
}

std::time_t time_of(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return timegm(&tm);
}

std::string text_entry(X509_NAME* name, int nid, bool last) {
    int found = -1;
    for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(name, nid, i)) {
        found = i;
        if (!last) break;
    }
    if (found < 0) return {};
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, found)));
    if (n < 0) return {};
    std::string s(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
    return s;
}

// A GENERAL_NAME of a kind Go handles; false for the others (directory names, otherName...).
bool go_general_name(const GENERAL_NAME* g, GoGeneralName& out) {
    switch (g->type) {
        case GEN_DNS:
            out = {GoGeneralName::Kind::dns, bytes_of(g->d.dNSName)};
            return true;
        case GEN_EMAIL:
            out = {GoGeneralName::Kind::email, bytes_of(g->d.rfc822Name)};
            return true;
        case GEN_URI:
            out = {GoGeneralName::Kind::uri, bytes_of(g->d.uniformResourceIdentifier)};
            return true;
        case GEN_IPADD:
            out = {GoGeneralName::Kind::ip, bytes_of(g->d.iPAddress)};
            return true;
        default:
            return false;
    }
}

// Go takes RSA-PSS only in three shapes (MGF1 with the message hash, a salt as long as the hash,
// the default trailer): the name of the shape, or nullptr for any other (Go: algorithm
// unimplemented).
const char* go_pss_algorithm(X509* cert) {
    const X509_ALGOR* alg = nullptr;
    X509_get0_signature(nullptr, &alg, cert);
    int type = 0;
    const void* value = nullptr;
    X509_ALGOR_get0(nullptr, &type, &value, alg);
    if (type != V_ASN1_SEQUENCE || !value) return nullptr;
    const auto* params = static_cast<const ASN1_STRING*>(value);
    const unsigned char* der = ASN1_STRING_get0_data(params);
    std::unique_ptr<RSA_PSS_PARAMS, decltype(&RSA_PSS_PARAMS_free)> pss(
        d2i_RSA_PSS_PARAMS(nullptr, &der, ASN1_STRING_length(params)), &RSA_PSS_PARAMS_free);
    if (!pss || !pss->hashAlgorithm || !pss->maskGenAlgorithm) return nullptr;
    int hash = OBJ_obj2nid(pss->hashAlgorithm->algorithm);
    if (OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) != NID_mgf1) return nullptr;
    // The MGF1 hash is the mask generation algorithm's parameter (decoding leaves maskHash empty).
    int mgf_type = 0;
    const void* mgf_value = nullptr;
    X509_ALGOR_get0(nullptr, &mgf_type, &mgf_value, pss->maskGenAlgorithm);
    if (mgf_type != V_ASN1_SEQUENCE || !mgf_value) return nullptr;
    const auto* mgf_params = static_cast<const ASN1_STRING*>(mgf_value);
    const unsigned char* mgf_der = ASN1_STRING_get0_data(mgf_params);
    std::unique_ptr<X509_ALGOR, decltype(&X509_ALGOR_free)> mgf_hash(
        d2i_X509_ALGOR(nullptr, &mgf_der, ASN1_STRING_length(mgf_params)), &X509_ALGOR_free);
    if (!mgf_hash || OBJ_obj2nid(mgf_hash->algorithm) != hash) return nullptr;
    long salt = pss->saltLength ? ASN1_INTEGER_get(pss->saltLength) : 20;
    long trailer = pss->trailerField ? ASN1_INTEGER_get(pss->trailerField) : 1;
    if (trailer != 1) return nullptr;
    if (hash == NID_sha256 && salt == 32) return "SHA256-RSAPSS";
    if (hash == NID_sha384 && salt == 48) return "SHA384-RSAPSS";
    if (hash == NID_sha512 && salt == 64) return "SHA512-RSAPSS";
    return nullptr;
}

void read_signature_algorithm(X509* cert, GoCertificate& c) {
    int md = NID_undef, pk = NID_undef;
    int nid = X509_get_signature_nid(cert);
    OBJ_find_sigid_algs(nid, &md, &pk);
    auto set = [&](const char* name, GoSignatureHash hash, GoKeyAlgorithm key) {
        c.signature_algorithm = name;
        c.signature_hash = hash;
        c.signature_key = key;
    };
    using H = GoSignatureHash;
    using K = GoKeyAlgorithm;
    if (nid == NID_ED25519) return set("Ed25519", H::ed25519, K::ed25519);
    if (nid == NID_rsassaPss) {
        const char* name = go_pss_algorithm(cert);
        return name ? set(name, H::sha2, K::rsa) : set("RSASSA-PSS", H::unsupported, K::rsa);
    }
    if (pk == NID_rsaEncryption) {
        switch (md) {
            case NID_md2:
                return set("MD2-RSA", H::unsupported, K::rsa);
            case NID_md5:
                return set("MD5-RSA", H::md5, K::rsa);
            case NID_sha1:
                return set("SHA1-RSA", H::sha1, K::rsa);
            case NID_sha256:
                return set("SHA256-RSA", H::sha2, K::rsa);
            case NID_sha384:
                return set("SHA384-RSA", H::sha2, K::rsa);
            case NID_sha512:
                return set("SHA512-RSA", H::sha2, K::rsa);
        }
    }
    if (pk == NID_X9_62_id_ecPublicKey) {
        switch (md) {
            case NID_sha1:
                return set("ECDSA-SHA1", H::sha1, K::ecdsa);
            case NID_sha256:
                return set("ECDSA-SHA256", H::sha2, K::ecdsa);
            case NID_sha384:
                return set("ECDSA-SHA384", H::sha2, K::ecdsa);
            case NID_sha512:
                return set("ECDSA-SHA512", H::sha2, K::ecdsa);
        }
    }
    if (pk == NID_dsa)
        return set(md == NID_sha1 ? "DSA-SHA1" : "DSA-SHA256",
                   md == NID_sha1 ? H::sha1 : H::unsupported, K::dsa);
    set(OBJ_nid2sn(nid), H::unsupported, K::unknown);
}

void read_key(X509* cert, GoCertificate& c) {
    EVP_PKEY* key = X509_get0_pubkey(cert);
    ERR_clear_error();
    if (!key) return;
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
            c.key_algorithm = GoKeyAlgorithm::rsa;
            c.rsa_bits = EVP_PKEY_get_bits(key);
            break;
        case EVP_PKEY_EC: {
            // Go parses the NIST curves only; a certificate on another curve does not parse.
            char curve[64] = {0};
            size_t len = 0;
            EVP_PKEY_get_group_name(key, curve, sizeof curve, &len);
            std::string name = curve;
            if (name == "prime256v1" || name == "secp384r1" || name == "secp521r1" ||
                name == "secp224r1" || name == "P-256" || name == "P-384" || name == "P-521" ||
                name == "P-224")
                c.key_algorithm = GoKeyAlgorithm::ecdsa;
            else
                c.parse_error = "x509: unsupported elliptic curve";
            break;
        }
        case EVP_PKEY_ED25519:
            c.key_algorithm = GoKeyAlgorithm::ed25519;
            break;
        case EVP_PKEY_DSA:
            c.key_algorithm = GoKeyAlgorithm::dsa;
            break;
        default:
            break;
    }
}

// Go's parseNameConstraintsExtension: the kinds it handles, the values it refuses to parse, and
// whether anything is left unhandled (which matters when the extension is critical).
bool read_name_constraints(X509* cert, GoCertificate& c) {
    int crit = 0;
    std::unique_ptr<NAME_CONSTRAINTS, decltype(&NAME_CONSTRAINTS_free)> nc(
        static_cast<NAME_CONSTRAINTS*>(
            X509_get_ext_d2i(cert, NID_name_constraints, &crit, nullptr)),
        &NAME_CONSTRAINTS_free);
    if (!nc) return false;
    bool unhandled = false;
    auto read = [&](STACK_OF(GENERAL_SUBTREE) * trees, std::vector<GoGeneralName> & out) {
        for (int i = 0; i < sk_GENERAL_SUBTREE_num(trees); ++i) {
            GoGeneralName n;
            if (!go_general_name(sk_GENERAL_SUBTREE_value(trees, i)->base, n)) {
                unhandled = true;
                continue;
            }
            if (n.kind == GoGeneralName::Kind::ip) {
                if (n.value.size() != 8 && n.value.size() != 32)
                    c.parse_error = "x509: IP constraint contained value of length " +
                                    std::to_string(n.value.size());
                else if (!valid_ip_mask(n.value.substr(n.value.size() / 2)))
                    c.parse_error = "x509: IP constraint contained invalid mask";
            } else if (n.kind == GoGeneralName::Kind::dns ||
                       (n.kind != GoGeneralName::Kind::ip &&
                        n.value.find('@') == std::string::npos)) {
                std::string trimmed =
                    !n.value.empty() && n.value[0] == '.' ? n.value.substr(1) : n.value;
                if (!trimmed.empty() || n.kind != GoGeneralName::Kind::dns)
                    if (!domain_to_reverse_labels(trimmed))
                        c.parse_error = "x509: failed to parse constraint " + n.value;
            }
            out.push_back(std::move(n));
        }
    };
    read(nc->permittedSubtrees, c.name_constraints.permitted);
    read(nc->excludedSubtrees, c.name_constraints.excluded);
    if (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0 &&
        sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0)
        c.parse_error = "x509: empty name constraints extension";
    return unhandled;
}

// Go 1.19's processExtensions: which extensions it handles (a critical one it does not is an
// UnhandledCriticalExtension at verification).
void read_extensions(X509* cert, GoCertificate& c) {
    for (int i = 0; i < X509_get_ext_count(cert); ++i) {
        X509_EXTENSION* ext = X509_get_ext(cert, i);
        int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        bool unhandled = false;
        switch (nid) {
            case NID_key_usage:
            case NID_basic_constraints:
            case NID_crl_distribution_points:
            case NID_authority_key_identifier:
            case NID_ext_key_usage:
            case NID_subject_key_identifier:
            case NID_certificate_policies:
            case NID_info_access:
                break;
            case NID_subject_alt_name:
                c.has_san_extension = true;
                c.san_extension_value = bytes_of(X509_EXTENSION_get_data(ext));
                break;
            case NID_name_constraints:
                c.has_name_constraints = true;
                unhandled = read_name_constraints(cert, c);
                break;
            default:
                unhandled = true;
        }
        if (X509_EXTENSION_get_critical(ext) && unhandled) c.unhandled_critical_extension = true;
    }
}

void read_sans(X509* cert, GoCertificate& c) {
    int crit = 0;
    GENERAL_NAMES* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, nullptr));
    if (!names) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        GoGeneralName n;
        if (!go_general_name(sk_GENERAL_NAME_value(names, i), n)) continue;
        if (n.kind == GoGeneralName::Kind::dns) c.dns_names.push_back(n.value);
        if (n.kind == GoGeneralName::Kind::ip) {
            if (n.value.size() != 4 && n.value.size() != 16)
                c.parse_error =
                    "x509: cannot parse IP address of length " + std::to_string(n.value.size());
            c.ip_addresses.push_back(n.value);
        }
        c.sans.push_back(std::move(n));
    }
    GENERAL_NAMES_free(names);
    // A SAN extension Go found nothing in counts as unhandled (then critical matters).
    if (c.sans.empty()) {
        int index = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1);
        if (index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, index)))
            c.unhandled_critical_extension = true;
    }
}

void read_usages(X509* cert, GoCertificate& c) {
    int crit = 0;
    auto* bc = static_cast<BASIC_CONSTRAINTS*>(
        X509_get_ext_d2i(cert, NID_basic_constraints, &crit, nullptr));
    if (bc) {
        c.basic_constraints_valid = true;
        c.is_ca = bc->ca != 0;
        if (bc->pathlen) c.max_path_len = ASN1_INTEGER_get(bc->pathlen);
        BASIC_CONSTRAINTS_free(bc);
    }
    uint32_t ku = X509_get_key_usage(cert);
    c.key_usage_present = ku != UINT32_MAX && ku != 0;
    c.key_usage_cert_sign = c.key_usage_present && (ku & KU_KEY_CERT_SIGN);
    auto* eku =
        static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, &crit, nullptr));
    if (eku) {
        c.has_ext_key_usage = sk_ASN1_OBJECT_num(eku) > 0;
        for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
            int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
            if (nid == NID_anyExtendedKeyUsage) c.ext_key_usage_any = true;
            if (nid == NID_server_auth)
                c.ext_key_usage_server_auth = true;  // Go 1.19 no longer counts SGC
        }
        sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
    }
    const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(cert);
    const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(cert);
    c.subject_key_id = bytes_of(skid);
    c.authority_key_id = bytes_of(akid);
}

}  // namespace

GoCertificate go_certificate(X509* cert) {
    GoCertificate c;
    c.x509 = cert;
    c.raw = der_of(cert);
    c.raw_subject = der_of(X509_get_subject_name(cert));
    c.raw_issuer = der_of(X509_get_issuer_name(cert));
    c.version = static_cast<int>(X509_get_version(cert)) + 1;
    c.not_before = time_of(X509_get0_notBefore(cert));
    c.not_after = time_of(X509_get0_notAfter(cert));
    c.common_name = text_entry(X509_get_subject_name(cert), NID_commonName, true);
    c.organization = text_entry(X509_get_subject_name(cert), NID_organizationName, false);
    if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
        char* dec = BN_bn2dec(bn);
        c.serial_decimal = dec ? dec : "";
        OPENSSL_free(dec);
        BN_free(bn);
    }
    read_signature_algorithm(cert, c);
    read_key(cert, c);
    if (c.version == 3) {  // Go reads no extensions of v1 and v2 certificates
        read_extensions(cert, c);
        read_sans(cert, c);
        read_usages(cert, c);
    }
    ERR_clear_error();
    return c;
}

const char* go_key_type_name(GoKeyAlgorithm key) {
    switch (key) {
        case GoKeyAlgorithm::rsa:
            return "*rsa.PublicKey";
        case GoKeyAlgorithm::ecdsa:
            return "*ecdsa.PublicKey";
        case GoKeyAlgorithm::ed25519:
            return "ed25519.PublicKey";
        case GoKeyAlgorithm::dsa:
            return "*dsa.PublicKey";
        default:
            return "<nil>";
    }
}

const char* go_key_algorithm_name(GoKeyAlgorithm key) {
    switch (key) {
        case GoKeyAlgorithm::rsa:
            return "RSA";
        case GoKeyAlgorithm::ecdsa:
            return "ECDSA";
        case GoKeyAlgorithm::ed25519:
            return "Ed25519";
        case GoKeyAlgorithm::dsa:
            return "DSA";
        default:
            return "unknown";
    }
}

}  // namespace certdoctor
