#include "redact/redact.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "input/normalise.h"
#include "util/secret_value.h"

namespace certdoctor {

namespace {

// Names that stay: Tekton's own, Kubernetes' own, and public registries (nothing of a company).
const std::set<std::string>& kept_names() {
    static const std::set<std::string> names = {"tekton-pipelines",
                                                "tekton-pipelines-resolvers",
                                                "tekton-pipelines-controller",
                                                "tekton-pipelines-webhook",
                                                "tekton-pipelines-remote-resolvers",
                                                "tekton-events-controller",
                                                "tekton-operator",
                                                "openshift-pipelines",
                                                "openshift-operators",
                                                "config-registry-cert",
                                                "config-trusted-cabundle",
                                                "config-service-cabundle",
                                                "tekton-config",
                                                "default",
                                                "kube-system",
                                                "kube-public",
                                                "localhost",
                                                "docker.io",
                                                "index.docker.io",
                                                "registry-1.docker.io",
                                                "gcr.io",
                                                "ghcr.io",
                                                "quay.io",
                                                "registry.k8s.io",
                                                "k8s.gcr.io",
                                                "mcr.microsoft.com",
                                                "public.ecr.aws",
                                                "registry.access.redhat.com",
                                                "registry.redhat.io",
                                                "cgr.dev",
                                                "kubernetes.default.svc",
                                                "kubernetes.default.svc.cluster.local"};
    return names;
}

bool word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

bool is_word(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), word_char);
}

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// "host" from "https://host:port/path", "host:port", "[::1]:443".
std::string host_of(const std::string& text) {
    std::string s = text;
    size_t scheme = s.find("://");
    if (scheme != std::string::npos) s = s.substr(scheme + 3);
    s = s.substr(0, s.find('/'));
    size_t at = s.rfind('@');
    if (at != std::string::npos) s = s.substr(at + 1);
    if (!s.empty() && s[0] == '[') return s.substr(1, s.find(']') - 1);
    size_t colon = s.find(':');
    if (colon != std::string::npos && s.find(':', colon + 1) == std::string::npos)
        s = s.substr(0, colon);
    return s;
}

bool is_ip(const std::string& s, bool& v6) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
        v6 = false;
        return true;
    }
    if (s.find(':') != std::string::npos && inet_pton(AF_INET6, s.c_str(), buf) == 1) {
        v6 = true;
        return true;
    }
    return false;
}

// PEM blocks keep their markers; their base64 (names, keys) goes.
void replace_pem(std::string& text) {
    static const std::string begin = "-----BEGIN ", dashes = "-----";
    size_t at = 0;
    while ((at = text.find(begin, at)) != std::string::npos) {
        size_t label_end = text.find(dashes, at + begin.size());
        if (label_end == std::string::npos) return;
        std::string label = text.substr(at + begin.size(), label_end - at - begin.size());
        std::string end_marker = "-----END " + label + dashes;
        size_t end = text.find(end_marker, label_end);
        if (end == std::string::npos) return;
        std::string replacement = begin + label + dashes + "\n(redacted)\n" + end_marker;
        text.replace(at, end + end_marker.size() - at, replacement);
        at += replacement.size();
    }
}

}  // namespace

std::string Redactor::placeholder_of(const std::string& name) const {
    if (auto it = words_.find(name); it != words_.end()) return it->second;
    if (auto it = phrases_.find(name); it != phrases_.end()) return it->second;
    if (auto it = ips_.find(name); it != ips_.end()) return it->second;
    return {};
}

void Redactor::learn(const std::string& name, const std::string& stem, const std::string& suffix) {
    if (name.empty() || kept_names().count(lower(name))) return;
    bool v6 = false;
    if (is_ip(name, v6)) return;  // addresses are found in any text
    auto& table = is_word(name) ? words_ : phrases_;
    if (table.count(name)) return;
    table[name] = stem + "-" + std::to_string(++counters_[stem]) + suffix;
}

void Redactor::learn_host(const std::string& host_or_url, const std::string& stem) {
    learn(host_of(host_or_url), stem, ".example");
}

void Redactor::learn_image(const std::string& image) {
    if (image.empty()) return;
    std::string registry = registry_of_image(image);
    std::string rest = image;
    if (rest.rfind(registry + "/", 0) == 0) rest = rest.substr(registry.size() + 1);
    rest = rest.substr(0, rest.find('@'));
    size_t slash = rest.rfind('/');
    size_t colon = rest.find(':', slash == std::string::npos ? 0 : slash);
    if (colon != std::string::npos) rest = rest.substr(0, colon);
    if (kept_names().count(lower(registry))) return;  // a public image names nothing of a company
    learn_host(registry, "registry");
    learn(rest, "image");
}

void Redactor::learn_object(const ObjectRef& ref) {
    learn(ref.namespace_, "namespace");
    learn(ref.name, ref.kind.empty() ? "object" : lower(ref.kind));
}

// The values of a certificate's subject or issuer (CN=..., O=...), as RFC 2253 prints them.
void Redactor::learn_names_in(const std::string& dn) {
    size_t at = 0;
    while (at < dn.size()) {
        size_t eq = dn.find('=', at);
        if (eq == std::string::npos) return;
        size_t end = eq + 1;
        while (end < dn.size() && !(dn[end] == ',' && dn[end - 1] != '\\')) ++end;
        std::string value = dn.substr(eq + 1, end - eq - 1);
        if (value.find('.') != std::string::npos && is_word(value))
            learn_host(value, "host");
        else
            learn(value, "name");
        at = end + 1;
    }
}

void Redactor::learn_probe(const ProbeResult& p) {
    learn_host(p.host, "registry");
    learn_host(p.server_name, "registry");
    learn_host(p.target, "registry");
    learn_host(p.failing_host, "registry");
    for (const auto& c : p.chain) {
        for (const auto& name : c.dns_names)
            learn(name.rfind("*.", 0) == 0 ? name.substr(2) : name, "host", ".example");
        learn_names_in(c.subject);
        learn_names_in(c.issuer);
    }
    learn_names_in(p.trust_anchor.subject);
    learn_names_in(p.missing_issuer.subject);
    learn_host(p.missing_issuer.aia_url, "host");
    learn_host(p.registry.realm, "registry");
    learn_host(p.registry.realm_host, "registry");
    learn_host(p.registry.service, "registry");
    learn_image(p.image.reference);
}

void Redactor::learn_finding(const Finding& f) {
    learn_host(f.registry, "registry");
    learn_host(f.url, "registry");
    learn_host(f.host, "registry");
    learn_host(f.dialled, "registry");
    learn_image(f.image);
    learn_object(f.object);
    learn_object(f.parent);
    for (const auto* steps : {&f.lookup_steps, &f.steps})
        for (const auto& s : *steps) learn_image(s.image);
    for (const auto& [image, _] : f.step_images) learn_image(image);
    if (!f.steps_source.name.empty() && f.steps_source.kind == "Task")
        learn(f.steps_source.name, "task");
    learn(f.service_account, "serviceaccount");
    for (const auto& r : f.rerun_runs) learn_object(r);
    learn(f.tekton_namespace, "namespace");
    learn(f.cluster_facts.configmap.substr(0, f.cluster_facts.configmap.find('/')), "namespace");
    if (f.probed) learn_probe(f.probe);
}

void Redactor::rewrite(std::string& text) {
    replace_pem(text);
    // Names with other characters, longest first, where they stand alone.
    if (!phrases_.empty()) {
        std::vector<const std::pair<const std::string, std::string>*> order;
        for (const auto& p : phrases_) order.push_back(&p);
        std::sort(order.begin(), order.end(),
                  [](auto* a, auto* b) { return a->first.size() > b->first.size(); });
        for (const auto* p : order) {
            size_t at = 0;
            while ((at = text.find(p->first, at)) != std::string::npos) {
                size_t end = at + p->first.size();
                bool alone = (at == 0 || !word_char(text[at - 1])) &&
                             (end >= text.size() || !word_char(text[end]));
                if (!alone) {
                    ++at;
                    continue;
                }
                text.replace(at, p->first.size(), p->second);
                at += p->second.size();
            }
        }
    }
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        // IPv6: a run of hex digits, colons and dots holding "::" or seven colons.
        if (std::isxdigit(static_cast<unsigned char>(text[i])) || text[i] == ':') {
            size_t j = i;
            while (j < text.size() && (std::isxdigit(static_cast<unsigned char>(text[j])) ||
                                       text[j] == ':' || text[j] == '.'))
                ++j;
            std::string run = text.substr(i, j - i);
            while (!run.empty() && (run.back() == '.' || (run.back() == ':' && run.size() > 1 &&
                                                          run[run.size() - 2] != ':')))
                run.pop_back();
            bool v6 = false;
            bool starts = i == 0 || !word_char(text[i - 1]);
            if (starts &&
                (run.find("::") != std::string::npos ||
                 std::count(run.begin(), run.end(), ':') == 7) &&
                is_ip(run, v6) && v6) {
                out += ip_placeholder(run, true);
                i += run.size();
                continue;
            }
        }
        if (word_char(text[i]) && (i == 0 || !word_char(text[i - 1]))) {
            size_t j = i;
            while (j < text.size() && word_char(text[j])) ++j;
            std::string word = text.substr(i, j - i);
            // A sentence's full stop is no part of the name before it.
            size_t trailing = 0;
            while (trailing < word.size() && word[word.size() - 1 - trailing] == '.') ++trailing;
            std::string name = word.substr(0, word.size() - trailing);
            bool v6 = false;
            if (auto it = words_.find(name); it != words_.end()) {
                out += it->second;
            } else if (is_ip(name, v6) && !v6) {
                out += ip_placeholder(name, false);
            } else {
                out += name;
            }
            out.append(trailing, '.');
            i = j;
            continue;
        }
        out += text[i++];
    }
    text = std::move(out);
}

std::string Redactor::ip_placeholder(const std::string& ip, bool v6) {
    auto it = ips_.find(ip);
    if (it != ips_.end()) return it->second;
    size_t n = ++counters_[v6 ? "ipv6" : "ipv4"];
    std::string p;
    if (v6) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%zx", n);
        p = "2001:db8::" + std::string(hex);
    } else {
        // The documentation networks (RFC 5737), 254 addresses each, then numbered in 10.x.
        static const char* nets[] = {"192.0.2.", "198.51.100.", "203.0.113."};
        p = n <= 762 ? std::string(nets[(n - 1) / 254]) + std::to_string((n - 1) % 254 + 1)
                     : "10." + std::to_string((n >> 16) & 255) + "." +
                           std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
    }
    ips_[ip] = p;
    return p;
}

void Redactor::rewrite_probe(ProbeResult& p) {
    for (auto* s : {&p.target, &p.host, &p.server_name, &p.detail, &p.failing_host, &p.chain_file,
                    &p.older_go})
        rewrite(*s);
    for (auto& c : p.chain) {
        for (auto* s : {&c.subject, &c.issuer, &c.common_name, &c.pem}) rewrite(*s);
        for (auto& n : c.dns_names) rewrite(n);
        for (auto& n : c.ip_addresses) rewrite(n);
    }
    for (auto* s : {&p.trust_anchor.subject, &p.trust_anchor.pem, &p.trust_anchor.warning,
                    &p.missing_issuer.subject, &p.missing_issuer.aia_url})
        rewrite(*s);
    for (auto& v : p.verified_with) rewrite(v);
    for (auto* s : {&p.registry.realm, &p.registry.service, &p.registry.detail,
                    &p.registry.realm_host, &p.registry.realm_detail})
        rewrite(*s);
    for (auto* s : {&p.image.reference, &p.image.error}) rewrite(*s);
    for (auto& n : p.image.notes) rewrite(n);
}

void Redactor::rewrite_finding(Finding& f) {
    auto object = [this](ObjectRef& r) {
        rewrite(r.namespace_);
        rewrite(r.name);
    };
    for (auto* s : {&f.registry, &f.url, &f.image, &f.host, &f.title, &f.explanation,
                    &f.service_account, &f.message_problem, &f.tekton_namespace, &f.context})
        rewrite(*s);
    object(f.object);
    object(f.parent);
    for (auto& s : f.in_this_cluster) rewrite(s);
    // The evidence in three parts, so that the range naming the failure still does.
    std::string before = f.evidence.text.substr(0, f.evidence.key_begin);
    std::string key =
        f.evidence.text.substr(f.evidence.key_begin, f.evidence.key_end - f.evidence.key_begin);
    std::string after =
        f.evidence.text.substr(std::min(f.evidence.key_end, f.evidence.text.size()));
    rewrite(before);
    rewrite(key);
    rewrite(after);
    f.evidence.text = before + key + after;
    f.evidence.key_begin = before.size();
    f.evidence.key_end = before.size() + key.size();
    rewrite(f.evidence.origin);
    for (auto& s : f.seen_in) rewrite(s);
    for (auto* steps : {&f.lookup_steps, &f.steps})
        for (auto& s : *steps) rewrite(s.image);
    if (f.steps_source.kind == "Task") rewrite(f.steps_source.name);
    for (auto& r : f.rerun_runs) object(r);
    // A value under a key named like a credential (util/secret_value.h's list) goes whole.
    auto value = [&](const std::string& k, std::string& v) {
        if (looks_secret(k, v)) v = secret_marker(v.size());
        else rewrite(v);
    };
    for (auto& [k, v] : f.installation.configmap_data) value(k, v);
    for (auto* list : {&f.installation.configmap_labels, &f.installation.configmap_annotations})
        for (auto& [k, v] : *list) {
            value(k, v);
            rewrite(k);
        }
    for (auto* s : {&f.cluster_facts.configmap, &f.cluster_facts.changed_text}) rewrite(*s);
    for (auto& [image, view] : f.step_images) {
        rewrite(image);
        rewrite(view.reference);
        rewrite(view.error);
        for (auto& n : view.notes) rewrite(n);
    }
    for (auto& fix : f.fixes) {
        for (auto* s : {&fix.title, &fix.description, &fix.manifest}) rewrite(*s);
        for (auto& c : fix.commands) rewrite(c);
        for (auto& c : fix.comments) rewrite(c.text);
    }
    rewrite_probe(f.probe);
    for (auto& c : f.candidates) rewrite(c);
}

void Redactor::apply(ProbeResult& probe) {
    learn_probe(probe);
    rewrite_probe(probe);
}

void Redactor::apply(Report& r) {
    for (const auto& f : r.findings) learn_finding(f);
    learn(r.cluster.context, "context");
    learn_host(r.cluster.server, "host");
    learn(r.cluster.namespace_, "namespace");
    learn(r.cluster.tekton_namespace, "namespace");
    for (const auto& g : r.groups) {
        learn_host(g.registry, "registry");
        for (const auto& o : g.runs) learn_object(o);
    }
    for (const auto& c : r.cluster_checks) learn_host(c.registry, "registry");

    rewrite(r.source);
    for (auto& f : r.findings) rewrite_finding(f);
    for (auto& n : r.notes) rewrite(n);
    for (auto* s : {&r.cluster.context, &r.cluster.server, &r.cluster.namespace_,
                    &r.cluster.tekton_namespace})
        rewrite(*s);
    for (auto& c : r.cluster_checks) {
        rewrite(c.detail);
        rewrite(c.registry);
    }
    for (auto& g : r.groups) {
        rewrite(g.registry);
        rewrite(g.first_line);
        for (auto& o : g.runs) {
            rewrite(o.namespace_);
            rewrite(o.name);
        }
        for (auto& fix : g.fixes) {
            for (auto* s : {&fix.title, &fix.description, &fix.manifest}) rewrite(*s);
            for (auto& c : fix.commands) rewrite(c);
            for (auto& c : fix.comments) rewrite(c.text);
        }
    }
    for (auto& s : r.log.sources) rewrite(s.name);
}

}  // namespace certdoctor
