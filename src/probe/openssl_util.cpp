#include "probe/openssl_util.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>

#include "util/error.h"
#include "util/hash.h"

namespace certdoctor {

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

namespace {

std::string rfc3339(const ASN1_TIME* t) {
    struct tm tm {};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
    const unsigned char* p = ASN1_STRING_get0_data(ip);
    int n = ASN1_STRING_length(ip);
    char buf[64];
    if (n == 4) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
        return buf;
    }
    if (n == 16) {
        std::string out;
        for (int i = 0; i < 16; i += 2) {
            std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", (p[i] << 8) | p[i + 1]);
            out += buf;
        }
        return out;
    }
    return "?";
}

}  // namespace

std::vector<X509Ptr> read_pem_certificates(std::string_view pem, const std::string& where) {
    std::vector<X509Ptr> out;
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    for (;;) {
        X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (!x) break;
        out.emplace_back(x);
    }
    unsigned long err = ERR_peek_last_error();
    bool at_end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
    ERR_clear_error();
    if (!at_end && err != 0)
        throw input_error(where + ": malformed PEM certificate after " + std::to_string(out.size()) + " good ones");
    if (out.empty()) throw input_error(where + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found");
    return out;
}

std::string name_text(X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    return bio_text(bio.get());
}

std::string common_name(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i < 0) return {};
    ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

bool has_san_extension(X509* cert) { return X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0; }

bool is_self_signed(X509* cert) { return X509_check_issued(cert, cert) == X509_V_OK; }

bool is_ca(X509* cert) { return X509_check_ca(cert) >= 1; }

std::string sha256_hex(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    return hex_of(md, n);
}

std::string to_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    return bio_text(bio.get());
}

std::vector<std::string> ca_issuer_urls(X509* cert) {
    std::vector<std::string> out;
    auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr));
    if (!aia) return out;
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
        ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
        if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI) continue;
        const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
        out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)), ASN1_STRING_length(uri));
    }
    AUTHORITY_INFO_ACCESS_free(aia);
    return out;
}

CertificateView describe_certificate(X509* cert) {
    CertificateView v;
    v.subject = name_text(X509_get_subject_name(cert));
    v.issuer = name_text(X509_get_issuer_name(cert));
    if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
        char* hex = BN_bn2hex(bn);
        v.serial = hex;
        for (char& c : v.serial) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        OPENSSL_free(hex);
        BN_free(bn);
    }
    v.not_before = rfc3339(X509_get0_notBefore(cert));
    v.not_after = rfc3339(X509_get0_notAfter(cert));
    v.common_name = common_name(cert);
    if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
            GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
            if (gn->type == GEN_DNS)
                v.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                                         ASN1_STRING_length(gn->d.dNSName));
            else if (gn->type == GEN_IPADD)
                v.ip_addresses.push_back(ip_text(gn->d.iPAddress));
        }
        GENERAL_NAMES_free(names);
    }
    v.is_ca = is_ca(cert);
    v.self_signed = is_self_signed(cert);
    if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
        int id = EVP_PKEY_get_base_id(key);
        v.key_type = id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC" : id == EVP_PKEY_ED25519 ? "Ed25519"
                   : id == EVP_PKEY_DSA ? "DSA" : OBJ_nid2sn(id);
        v.key_bits = EVP_PKEY_get_bits(key);
    }
    v.signature_algorithm = OBJ_nid2ln(X509_get_signature_nid(cert));
    v.sha256 = sha256_hex(cert);
    v.pem = to_pem(cert);
    return v;
}

namespace {
template <typename T, int (*encode)(const T*, unsigned char**)>
std::string der_with(const T* value) {
    unsigned char* out = nullptr;
    int n = encode(value, &out);
    if (n <= 0) return {};
    std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
    return s;
}
}  // namespace

std::string der_of(X509* cert) { return der_with<X509, i2d_X509>(cert); }
std::string der_of(X509_NAME* name) { return der_with<X509_NAME, i2d_X509_NAME>(name); }

std::string authority_key_id(X509* cert) {
    const ASN1_OCTET_STRING* id = X509_get0_authority_key_id(cert);
    std::string out;
    static const char* digits = "0123456789ABCDEF";
    for (int i = 0; id && i < ASN1_STRING_length(id); ++i) {
        unsigned char b = ASN1_STRING_get0_data(id)[i];
        if (!out.empty()) out += ':';
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

MissingIssuerView missing_issuer_of(X509* top) {
    MissingIssuerView m;
    m.subject = name_text(X509_get_issuer_name(top));
    m.key_id = authority_key_id(top);
    auto urls = ca_issuer_urls(top);
    if (!urls.empty()) m.aia_url = urls.front();
    return m;
}


}  // namespace certdoctor
