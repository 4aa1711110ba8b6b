#include "probe/probe.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <re2/re2.h>

#include "probe/go_verify.h"
#include "probe/http_fetch.h"
#include "probe/image_config.h"
#include "probe/tls_handshake.h"
#include "util/time.h"

namespace certdoctor {

namespace {

// Follows caIssuers URLs from the top of the chain (at most 3 hops, http and https, 64 KiB each),
// as browsers do, to find issuers the server did not send.
std::vector<X509Ptr> fetch_missing_issuers(X509* top, const Deadline& deadline) {
    std::vector<X509Ptr> found;
    X509* current = top;
    for (int hop = 0; hop < 3 && !is_self_signed(current) && !deadline.passed(); ++hop) {
        auto urls = ca_issuer_urls(current);
        if (urls.empty()) break;
        HttpResponse r = http_get({urls.front(), "", true, 64 * 1024}, deadline);
        if (!r.ok || r.status != 200 || r.body.empty()) break;
        const auto* der = reinterpret_cast<const unsigned char*>(r.body.data());
        X509* issuer = d2i_X509(nullptr, &der, static_cast<long>(r.body.size()));
        if (!issuer) {
            try {
                auto pem = read_pem_certificates(r.body, urls.front());
                issuer = pem.front().release();
            } catch (const std::exception&) {
                break;
            }
        }
        if (X509_check_issued(issuer, current) != X509_V_OK) {
            X509_free(issuer);
            break;
        }
        found.emplace_back(issuer);
        current = issuer;
    }
    return found;
}

TrustAnchorView anchor_of(X509* cert, bool served) {
    CertificateView v = describe_certificate(cert);
    return {v.subject, v.sha256, v.pem, served, ""};
}

bool contains(const std::vector<X509Ptr>& list, X509* cert) {
    for (const auto& c : list)
        if (X509_cmp(c.get(), cert) == 0) return true;
    return false;
}

// The token realm a 401 challenge names: every pull fetches its token there, so a realm whose TLS
// fails, or that does not answer within `deadline`, fails every pull although /v2/ passes. Its
// chain is judged as Go would with the same pool, then one GET (no credential) must be answered.
void check_realm(RegistryCheck& reg, const ProbeTarget& target, const TrustPool& pool, const Deadline& deadline) {
    if (reg.realm.rfind("https://", 0) != 0) return;  // a plain-http realm has no TLS to judge
    ProbeTarget realm;
    try {
        realm = parse_probe_target(reg.realm);
    } catch (const std::exception& e) {
        reg.realm_host = reg.realm;
        reg.realm_problem = "other";
        reg.realm_detail = std::string("the realm is not a URL a client can fetch: ") + e.what();
        return;
    }
    if (realm.host == target.host && realm.port == target.port) return;  // the chain judged above
    reg.realm_host = realm.registry();
    HandshakeResult h = tls_handshake(realm.host, realm.port, realm.host_is_ip ? "" : realm.host, deadline);
    if (!h.completed) {
        reg.realm_problem = h.problem;
        reg.realm_detail = h.detail;
        return;
    }
    GoVerdict v = go_verify(h.chain, realm.host, pool);
    reg.realm_problem = v.problem;
    reg.realm_detail = v.detail;
    if (v.problem != "ok") return;
    HttpResponse r = http_get({reg.realm, pool.pem(), true, 64 * 1024}, deadline);
    if (!r.ok) {
        reg.realm_problem = deadline.passed() ? "timeout" : "other";
        reg.realm_detail = "GET " + reg.realm + " was not answered: " + r.error;
    }
}

void check_registry(ProbeResult& result, const ProbeTarget& target, const TrustPool& pool, const Deadline& deadline,
                    bool keep_time_for_image) {
    RegistryCheck& reg = result.registry;
    if (result.problem != "ok") {
        reg.status = "skipped";
        reg.detail = "the TLS verdict is not ok";
        return;
    }
    HttpResponse r = http_get({target.base_url() + "/v2/", pool.pem(), true, 64 * 1024}, deadline);
    reg.http_status = r.status;
    if (!r.ok) {
        reg.status = r.tls_failed ? "tls-failed" : "error";
        reg.detail = r.error;
        return;
    }
    auto challenge = r.headers.find("www-authenticate");
    if (r.status == 200) {
        reg.status = "ok";
    } else if (r.status == 401 && challenge != r.headers.end()) {
        reg.status = "auth-required";
        static const RE2 scheme_re("^\\s*(\\w+)");
        static const RE2 realm_re("realm=\"([^\"]*)\"");
        static const RE2 service_re("service=\"([^\"]*)\"");
        RE2::PartialMatch(challenge->second, scheme_re, &reg.auth_scheme);
        RE2::PartialMatch(challenge->second, realm_re, &reg.realm);
        RE2::PartialMatch(challenge->second, service_re, &reg.service);
    } else {
        reg.status = "error";
        reg.detail = "GET /v2/ answered " + std::to_string(r.status) + " (a registry answers 200, or 401 with a challenge)";
        return;
    }
    if (reg.realm.empty()) return;
    // A silent realm may take its share of the time, not the image's: --entrypoint keeps half.
    Deadline realm_deadline(keep_time_for_image ? deadline.left() / 2 : deadline.left());
    check_realm(reg, target, pool, realm_deadline);
}

}  // namespace

ProbeResult probe_registry(const ProbeTarget& target, const ProbeOptions& options) {
    auto started = std::chrono::steady_clock::now();
    ProbeResult result;
    result.target = target.input;
    result.host = target.host;
    result.port = target.port;
    result.verified_at = format_rfc3339(std::time(nullptr));
    std::string name = options.server_name.empty() ? target.host : options.server_name;
    bool name_is_ip = is_ip_literal(name);
    result.server_name = name_is_ip ? "" : name;

    TrustPool pool;
    if (options.system_roots) add_system_roots(pool);
    for (const auto& file : options.ca_files) add_ca_file(pool, file);  // may throw: before any traffic
    for (const auto& [name, pem] : options.ca_pems) {
        for (auto& c : read_pem_certificates(pem, name)) pool.certificates.push_back(std::move(c));
        pool.sources.push_back(name);
    }
    result.verified_with = pool.sources;
    RegistryCredential credential;  // read before any traffic, so that a bad file fails fast
    if (options.entrypoint && !options.registry_config.empty())
        credential = credential_from_docker_config(options.registry_config, target.registry());
    result.ca_files_given = !options.ca_files.empty();

    Deadline deadline(options.timeout);
    HandshakeResult h = tls_handshake(target.host, target.port, result.server_name, deadline);
    auto finish = [&] {
        result.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        return result;
    };
    if (!h.completed) {
        result.problem = h.problem;
        result.detail = h.detail;
        result.registry.status = "skipped";
        result.failing_host = target.registry();
        return finish();
    }
    for (const auto& c : h.chain) result.chain.push_back(describe_certificate(c.get()));

    GoVerdict verdict = go_verify(h.chain, name, pool);
    result.problem = verdict.problem;
    result.detail = verdict.detail;
    result.valid_until = verdict.valid_until;
    result.go_error = verdict.go_error;
    result.older_go = verdict.older_go;

    X509* top = h.chain.back().get();
    if (verdict.problem == "ok") {
        X509* anchor = verdict.path.back();
        result.has_anchor = true;
        result.trust_anchor = anchor_of(anchor, contains(h.chain, anchor));
    } else if (verdict.issuer_missing && !is_self_signed(top)) {
        // Is an intermediate missing? Look its issuers up as browsers do, then try again.
        auto fetched = fetch_missing_issuers(top, deadline);
        if (!fetched.empty()) {
            std::vector<X509Ptr> extended;
            for (const auto& c : h.chain) {
                X509_up_ref(c.get());
                extended.emplace_back(c.get());
            }
            for (auto& f : fetched) extended.push_back(std::move(f));
            GoVerdict again = go_verify(extended, name, pool);
            X509* fetched_top = extended.back().get();
            if (again.problem == "ok") {
                result.problem = "incomplete-chain";
                result.detail = "the server does not send the intermediate certificate \"" +
                                name_text(X509_get_issuer_name(top)) + "\" (found through its caIssuers URL); with it, "
                                "the chain reaches \"" + name_text(X509_get_subject_name(again.path.back())) +
                                "\", which is trusted. Go reports: x509: certificate signed by unknown authority";
                result.has_anchor = true;
                result.trust_anchor = anchor_of(again.path.back(), false);
            } else if (is_self_signed(fetched_top)) {
                result.has_anchor = true;
                result.trust_anchor = anchor_of(fetched_top, false);
                result.trust_anchor.warning = "not sent by the server: fetched through the caIssuers URLs";
            }
        }
    }
    // A CA helps only an unknown authority or a missing intermediate: for a name, a date or a
    // signature no certificate is offered. A leaf is never offered as "the CA to add".
    bool ca_helps = result.problem == "unknown-authority" || result.problem == "incomplete-chain";
    if (!result.has_anchor && ca_helps && !is_self_signed(top) && !pool.has_subject(X509_get_issuer_name(top), h.chain))
        result.missing_issuer = missing_issuer_of(top);
    if (!result.has_anchor && ca_helps && (is_self_signed(top) || is_ca(top))) {
        result.has_anchor = true;
        result.trust_anchor = anchor_of(top, true);
        if (!is_self_signed(top)) {
            result.trust_anchor.warning =
                "the server does not send the root CA: its top certificate is issued by \"" +
                name_text(X509_get_issuer_name(top)) +
                "\". Go trusts any certificate placed in its pool, so adding this one works, but it pins trust to "
                "it; prefer the root that issued it, and check it first with --ca-file.";
        }
    } else if (!result.has_anchor && ca_helps && result.problem == "unknown-authority" && result.ca_files_given &&
               !result.missing_issuer.subject.empty()) {
        // The leaf alone, and the given CAs do not sign it: the intermediate between them is missing.
        result.problem = "incomplete-chain";
        result.detail = "the server sends only its certificate, issued by \"" + result.missing_issuer.subject + "\"" +
                        (result.missing_issuer.key_id.empty() ? "" : " (key id " + result.missing_issuer.key_id + ")") +
                        ", which is neither served nor in the pool: the given CA does not sign it directly, so the "
                        "intermediate is missing" +
                        (result.missing_issuer.aia_url.empty() ? "" : " (its caIssuers URL: " + result.missing_issuer.aia_url + ")") +
                        ". Go reports: " + verdict.detail;
    }
    check_registry(result, target, pool, deadline, options.entrypoint);
    if (result.problem != "ok") result.failing_host = target.registry();
    else if (!result.registry.realm_problem.empty() && result.registry.realm_problem != "ok")
        result.failing_host = result.registry.realm_host;
    if (options.entrypoint) {
        if (result.problem != "ok") {
            result.image.error = "not read: the TLS verdict is not ok";
        } else {
            read_image_entrypoint(result, target, pool.pem(), credential, deadline);
        }
    }
    return finish();
}

}  // namespace certdoctor

namespace certdoctor {

ReVerdict verify_with_bundle(const ProbeResult& probed, const std::string& ca_pem, const std::string& where) {
    TrustPool pool;
    for (auto& c : read_pem_certificates(ca_pem, where)) pool.certificates.push_back(std::move(c));
    pool.sources.push_back(where);
    std::vector<X509Ptr> served;
    for (const auto& c : probed.chain)
        for (auto& x : read_pem_certificates(c.pem, "the served chain")) served.push_back(std::move(x));
    if (served.empty()) return {"skipped", "the probe captured no certificate"};
    std::string name = probed.server_name.empty() ? probed.host : probed.server_name;
    GoVerdict v = go_verify(served, name, pool);
    return {v.problem, v.detail};
}

}  // namespace certdoctor
