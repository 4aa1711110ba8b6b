#include "probe/offline_probe.h"

#include <chrono>

#include "probe/chain_file.h"
#include "probe/go_verify.h"
#include "probe/target.h"
#include "util/time.h"

namespace certdoctor {

ProbeResult probe_chain_file(const ChainFileOptions& options) {
    auto started = std::chrono::steady_clock::now();
    ProbeResult result;
    result.chain_source = "file";
    result.chain_file = options.path;
    result.target = options.path == "-" ? "standard input" : options.path;
    result.port = 0;
    result.registry.status = "skipped";
    result.registry.detail = "offline: the chain came from a file";

    std::vector<X509Ptr> chain = read_chain_file(options.path);
    TrustPool pool;
    if (options.system_roots) add_system_roots(pool);
    for (const auto& file : options.ca_files) add_ca_file(pool, file);
    result.verified_with = pool.sources;
    result.ca_files_given = !options.ca_files.empty();

    std::string name = options.server_name;
    if (name.size() >= 3 && name.front() == '[' && name.back() == ']')
        name = name.substr(1, name.size() - 2);
    bool name_is_ip = !name.empty() && is_ip_literal(name);
    result.host = name;
    result.server_name = name_is_ip ? "" : name;
    result.names_checked = !name.empty();
    std::time_t at = options.at ? options.at : std::time(nullptr);
    result.verified_at = format_rfc3339(at);

    for (const auto& c : chain) result.chain.push_back(describe_certificate(c.get()));
    GoVerdict verdict = go_verify(chain, name, pool, at);
    result.problem = verdict.problem;
    result.detail = verdict.detail;
    result.valid_until = verdict.valid_until;
    result.go_error = verdict.go_error;
    result.older_go = verdict.older_go;

    X509* anchor = verdict.problem == "ok" ? verdict.path.back() : chain.back().get();
    // A CA helps only an unknown authority or a missing intermediate, and a leaf is never offered.
    bool ca_helps = verdict.problem == "unknown-authority" || verdict.problem == "incomplete-chain";
    // The issuer is missing only when neither the chain nor the pool has it (an intermediate that
    // is no CA, say, has its issuer in the pool: nothing is missing then).
    if (verdict.problem != "ok" && ca_helps && !is_self_signed(anchor) && !pool.has_subject(X509_get_issuer_name(anchor), chain))
        result.missing_issuer = missing_issuer_of(anchor);
    if (verdict.problem != "ok" && (!ca_helps || !(is_self_signed(anchor) || is_ca(anchor)))) anchor = nullptr;
    if (anchor) {
        CertificateView a = describe_certificate(anchor);
        bool served = false;
        for (const auto& c : chain) served = served || X509_cmp(c.get(), anchor) == 0;
        result.has_anchor = true;
        result.trust_anchor = {a.subject, a.sha256, a.pem, served, ""};
    }
    if (anchor && verdict.problem != "ok" && !is_self_signed(anchor))
        result.trust_anchor.warning =
            "the chain ends below its root: its top certificate is issued by \"" +
            name_text(X509_get_issuer_name(anchor)) +
            "\". Go trusts any certificate placed in its pool, so adding this one works, "
            "but it pins trust to it; prefer the root that issued it.";
    if (!anchor && verdict.problem == "unknown-authority" && result.ca_files_given && !result.missing_issuer.subject.empty()) {
        // The leaf alone, and the given CAs do not sign it: the intermediate between them is
        // missing (named in missing_issuer). `detail` stays Go's own wording.
        result.problem = "incomplete-chain";
    }
    if (result.problem != "ok") result.failing_host = result.target;
    result.elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    return result;
}

}  // namespace certdoctor
