#include "fix/fix_plan.h"

#include <kainjow/mustache.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <set>
#include <unordered_map>

#include "fix/artefacts.h"
#include "fix/fix_policy.h"
#include "match/templates.h"
#include "match/vocabulary.h"
#include "probe/target.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/hash.h"
#include "util/image_ref.h"
#include "util/kube_names.h"
#include "util/text.h"

namespace certdoctor {

namespace mustache = kainjow::mustache;

namespace {

bool listed(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string or_placeholder(const std::string& value, const char* placeholder) {
    return value.empty() ? std::string(placeholder) : value;
}

// A registry as an image reference names it: a host name or a bracketed IPv6 address, and an
// optional port. Only such a value may stand unquoted in a manifest ({{{registry}}}); anything
// else read from a message is shown as the placeholder.
bool is_registry_name(const std::string& s) {
    static const RE2 pattern(R"((?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?)");
    return s.size() <= 255 && RE2::FullMatch(s, pattern);
}

// ConfigMap keys are [-._a-zA-Z0-9]+ (the API server refuses others; a dump is not the API server).
// (By hand: RE2 compiles {1,253} into 253 copies of the class, a cost every start-up would pay.)
bool is_config_key(const std::string& s) {
    if (s.empty() || s.size() > 253) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    });
}

// Text as words of an object name: lower-case letters and digits, each run of anything else one
// '-', none at either end; at most `limit` bytes (a cut inside a word keeps the word's start).
std::string name_words(const std::string& text, size_t limit) {
    std::string words;
    for (char c : text) {
        char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
        if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) words += lower;
        else if (!words.empty() && words.back() != '-') words += '-';
        if (words.size() >= limit) break;
    }
    words.resize(std::min(words.size(), limit));
    while (!words.empty() && words.back() == '-') words.pop_back();
    return words;
}

// Eight hex digits of SHA-256: the suffix that keeps two grants' names apart when their words
// read alike ("/healthz" and "/healthz/*", "services" and "services.apps", two identities).
std::string name_digest(const std::string& text) { return sha256_hex(text, 4); }

// The names of a grant's Role and binding. Each is read from what it holds, then a digest of all
// of it: a grant applied twice is one object, and no grant's apply replaces another's (a second
// identity refused the same thing gets its own binding instead of taking the first one's place).
struct GrantNames {
    std::string role, binding;
};
GrantNames grant_names(const RefusedRequest& r, bool path_named) {
    const std::string what = path_named ? "path " + r.path : r.resource + " " + r.api_group;
    const std::string rule = std::string(path_named ? "path" : "resource") + '\n' + r.verb + '\n' + r.api_group +
                             '\n' + r.resource + '\n' + r.path;
    GrantNames names;
    std::string words = name_words(r.verb + " " + what, 180);
    names.role = "certdoctor-" + (words.empty() ? std::string("grant") : words) + "-" + name_digest(rule);
    names.binding = names.role + "-" + name_digest(rule + '\n' + r.user);
    return names;
}

// What RBAC refused, as values for a grant of exactly that. Named only when every part reads as
// what the API server prints and the identity is one a grant is for: a ServiceAccount or a user,
// not system:anonymous (the request carried no credentials), a node or a control-plane component.
void set_refused_request(mustache::data& d, const RefusedRequest& r) {
    static const RE2 verb("[a-z]+"), resource("([a-z0-9][a-z0-9-]*)(?:/([a-z0-9][a-z0-9-]*))?");
    static const RE2 service_account("system:serviceaccount:([a-z0-9](?:[a-z0-9-]*[a-z0-9])?):([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)");
    std::string name, subresource, sa_namespace, sa_name;
    // The API server took a request with no credentials it accepted for system:anonymous.
    d.set("rbac_anonymous", r.user == "system:anonymous");
    bool is_service_account = RE2::FullMatch(r.user, service_account, &sa_namespace, &sa_name);
    bool grantable_user = !r.user.empty() && r.user.size() <= 253 && r.user.rfind("system:", 0) != 0 &&
                          r.user.find_first_of("\n\r") == std::string::npos;
    const bool grantable = (is_service_account || grantable_user) && RE2::FullMatch(r.verb, verb);
    // A non-resource URL ("/metrics", "/healthz/*") as a ClusterRole's nonResourceURLs take it.
    static const RE2 non_resource_url("/[A-Za-z0-9._~/*-]*");
    const bool path_named = grantable && r.resource.empty() && r.path.size() <= 200 && RE2::FullMatch(r.path, non_resource_url);
    const bool resource_named = grantable && r.path.empty() && RE2::FullMatch(r.resource, resource, &name, &subresource) &&
                                (r.api_group.empty() || is_dns_subdomain(r.api_group)) &&
                                (r.namespace_.empty() || is_dns_label(r.namespace_));
    const bool named = resource_named || path_named;
    d.set("rbac_named", named);
    d.set("rbac_non_resource", path_named);
    // Kubernetes' own identities, which no grant should answer: a node's kubelet (the Node
    // authorizer's, system:node:NAME) and the control-plane components whose rights come from a
    // bootstrap ClusterRoleBinding the API server keeps.
    static const std::vector<std::pair<std::string, std::string>> bootstrap_bindings = {
        {"system:kube-controller-manager", "system:kube-controller-manager"},
        {"system:kube-scheduler", "system:kube-scheduler"},
        {"system:kube-proxy", "system:node-proxier"}};
    const bool node = r.user.rfind("system:node:", 0) == 0;
    const std::string node_name = node ? r.user.substr(std::string("system:node:").size()) : "";
    std::string binding;
    for (const auto& [user, name] : bootstrap_bindings)
        if (r.user == user) binding = name;
    const bool node_named = node && is_dns_subdomain(node_name);
    // "system:node:" alone: a certificate issued for no node. Any other name must read as a Node's.
    const bool node_identity = node && (node_name.empty() || node_named);
    d.set("rbac_node", node_identity);
    d.set("rbac_node_unnamed", node && node_name.empty());
    d.set("rbac_control_plane", !binding.empty());
    d.set("rbac_system_identity", node_identity || !binding.empty());
    d.set("rbac_identity", node_named || !binding.empty() ? r.user : std::string());
    d.set("rbac_binding", binding);
    if (!named) return;
    d.set("rbac_user", r.user);
    d.set("rbac_verb", r.verb);
    d.set("rbac_resource", r.resource);  // as a Role's rule takes it: "pods/exec"
    // As kubectl auth can-i takes it: the resource with its group, the subresource apart.
    d.set("rbac_resource_arg", r.api_group.empty() ? name : name + "." + r.api_group);
    d.set("has_rbac_subresource", !subresource.empty());
    d.set("rbac_subresource", subresource);
    d.set("rbac_group", r.api_group);
    d.set("has_rbac_group", !r.api_group.empty());  // a section: "" would count as true
    d.set("rbac_namespaced", !r.namespace_.empty());  // else the cluster scope
    d.set("rbac_namespace", r.namespace_);
    d.set("rbac_service_account", is_service_account);
    d.set("rbac_sa_namespace", sa_namespace);
    d.set("rbac_sa_name", sa_name);
    d.set("rbac_path", r.path);
    const GrantNames names = grant_names(r, path_named);
    d.set("rbac_role", names.role);
    d.set("rbac_grant_binding", names.binding);
    d.set("rbac_file", names.binding + ".yaml");
}

// The host of host[:port] or [v6][:port], without the brackets.
std::string bare_host(const std::string& address) {
    if (!address.empty() && address.front() == '[') {
        size_t close = address.find(']');
        return close == std::string::npos ? address : address.substr(1, close - 1);
    }
    size_t colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(0, colon);
}

// The values every fix template may use. Documented in patterns/README.md.
mustache::data template_data(const Finding& f) {
    mustache::data d;
    // The placeholder names the kind of peer: a git server, a look-alike's server or a server no
    // caller names, or a registry.
    const char* unnamed =
        f.peer() == "git-server" ? "GIT-HOST" : f.lookalike || f.peer_unnamed ? "SERVER-HOST" : "REGISTRY-HOST";
    // Where no request named the server, the name its certificate was checked against does ("valid
    // for X, not Y": Y is the name the client dialled); a server's own log names its client there.
    const std::string& named = !f.registry.empty() || f.server_log ? f.registry : f.host;
    std::string registry = is_registry_name(named) ? named : unnamed;
    // Where no port is named, the transport's own: SSH's 22, the git daemon's 9418 (git://), else
    // HTTPS's 443.
    const bool git_protocol = f.tool == vocabulary::tool_git_daemon;
    std::string host = registry, port = f.tool == vocabulary::tool_ssh ? "22" : git_protocol ? "9418" : "443";
    size_t colon = registry.rfind(':');
    if (colon != std::string::npos && registry.find(']') == std::string::npos) {
        host = registry.substr(0, colon);
        port = registry.substr(colon + 1);
    }
    d.set("registry", registry);
    // Docker Hub: its image references say docker.io, and the directories keyed by the registry
    // (containerd's hosts, containers' certs.d) take that name, while TLS goes to
    // registry-1.docker.io. The Docker daemon reads no certs.d for it at all (moby
    // registry/service_v2.go: the official endpoint has the default TLS configuration).
    const bool docker_hub = is_docker_hub(registry);
    d.set("docker_hub", docker_hub);
    d.set("registry_dir", docker_hub ? std::string("docker.io") : registry);
    d.set("registry_server", docker_hub ? std::string("registry-1.docker.io") : registry);
    d.set("registry_host", host);
    d.set("registry_port", port);
    d.set("registry_address", host + ":" + port);
    std::string host_bare = bare_host(host);
    d.set("registry_is_ip", is_ip_literal(host_bare));
    // A peer on the loopback address is on the machine that made the request: for the kubelet the
    // node, for a step the pod itself. A name may lead there too (an /etc/hosts entry, a name
    // published for the host only): the address dialled says so.
    auto loopback = [](const std::string& h) { return h == "localhost" || h.rfind("127.", 0) == 0 || h == "::1"; };
    const bool resolved_to_loopback = !loopback(host_bare) && loopback(bare_host(f.dialled));
    d.set("peer_loopback", loopback(host_bare) || resolved_to_loopback);
    d.set("resolved_to_loopback", resolved_to_loopback);
    d.set("dialled_address", f.dialled);
    // The API server's proxy to a kubelet (logs, exec, port-forward) checks the kubelet's own
    // serving certificate, on the kubelet's port.
    d.set("kubelet_serving", port == "10250");
    // SSH, by its tool or on its port 22: a path a request over HTTPS does not test; nor git://'s.
    // ssh_port is SSH's own port, which ssh-keyscan and Tekton's git-0 annotation leave unnamed.
    const bool ssh_port = port == "22";
    const bool over_ssh = f.tool == vocabulary::tool_ssh || ssh_port;
    d.set("ssh_port", ssh_port);
    d.set("over_ssh", over_ssh);
    d.set("git_protocol", git_protocol);
    d.set("port_check", over_ssh || git_protocol);
    d.set("peer", f.peer_in_prose());
    // Where a network test must run to take the failing request's path: the API server calls a
    // webhook from the control plane, an API client runs where it was typed, the kubelet pulls
    // through the node's runtime, and everything else runs in a pod.
    const std::string& who = f.component;
    const bool control_plane = who == "webhook", api_client = who == "api-client", node = who == "kubelet";
    d.set("from_control_plane", control_plane);
    d.set("from_client", api_client);
    d.set("from_node", node);
    d.set("from_pod", !control_plane && !api_client && !node);
    const bool tekton = who == "tekton-controller" || who == "tekton-resolver";
    d.set("from_tekton", tekton);
    // Who pulls with the run's ServiceAccount's imagePullSecrets: the kubelet, and the controller
    // and resolvers for their lookups.
    d.set("pulls_with_service_account", node || tekton);
    const std::string tekton_namespace = f.tekton_namespace.empty() ? std::string(kTektonNamespace) : f.tekton_namespace;
    d.set("pod_namespace", tekton ? tekton_namespace : or_placeholder(f.object.namespace_, "NAMESPACE"));
    // The node the kubelet pulled on, when the run's pod or its events name it.
    const bool node_named = is_dns_subdomain(f.node);
    d.set("node", node_named ? f.node : std::string("NODE"));
    d.set("node_named", node_named);
    // The start of a comment above a command run on that node: which node, or how to find it.
    d.set("which_node", node_named ? "On " + f.node + ", the node the pod was scheduled to; "
                                   : std::string("NODE: the node of the pod that failed to start (kubectl get pod -o wide); "));
    set_refused_request(d, f.refused);
    // A peer named as an in-cluster Service (name.namespace.svc[.cluster.local]) has endpoints
    // to check: a refusal or a time-out to a Service most often means no ready pod behind it.
    static const RE2 service(R"(([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc(?:\.cluster\.local)?\.?)");
    std::string service_name, service_namespace;
    bool has_service = RE2::FullMatch(host, service, &service_name, &service_namespace);
    d.set("has_service", has_service);
    d.set("service_name", service_name);
    d.set("service_namespace", service_namespace);
    // Tekton's own webhooks (tekton-pipelines-webhook, tekton-triggers-webhook) renew their
    // certificate and caBundle when their Secret is deleted; another webhook's installation does.
    d.set("tekton_webhook", has_service && service_name.rfind("tekton-", 0) == 0);
    d.set("url", or_placeholder(f.url, ("https://" + registry + (f.peer_is_registry() ? "/v2/" : "/")).c_str()));
    d.set("image", or_placeholder(f.image, "IMAGE"));
    // An image to look at: the finding names one, or its peer is a registry (whose answer
    // concerns one). Not a git server's or the API server's missing object.
    d.set("image_peer", !f.image.empty() || f.peer_is_registry());
    // skopeo list-tags takes the repository alone; skopeo inspect refuses a tag and a digest together.
    const ImageReferenceParts parts = split_image_reference(f.image);
    d.set("image_repository", or_placeholder(parts.name, "IMAGE-REPOSITORY"));
    d.set("image_ref", or_placeholder(parts.pinned(), "IMAGE"));
    std::string checked = or_placeholder(f.host, host.c_str());
    d.set("checked_name", checked);
    // A server's log names its client's address (host:port): the client is found by the host.
    const std::string client = f.server_log ? bare_host(f.host) : std::string();
    d.set("client_ip", or_placeholder(client, "CLIENT-IP"));
    d.set("client_address", or_placeholder(f.server_log ? f.host : std::string(), "the client's address"));
    // A name that is an IP address needs an IP SAN, and a client sends no SNI for it (as Go does).
    std::string bare = checked.size() > 2 && checked.front() == '[' && checked.back() == ']' ? checked.substr(1, checked.size() - 2) : checked;
    bool ip = is_ip_literal(bare);
    d.set("checked_is_ip", ip);
    d.set("checked_san", (ip ? "IP:" : "DNS:") + bare);
    d.set("service_account", f.service_account.empty() ? std::string("default") : f.service_account);
    d.set("service_account_named", !f.service_account.empty());
    d.set("missing_secret", or_placeholder(is_dns_subdomain(f.missing_secret) ? f.missing_secret : "", "SECRET"));
    d.set("missing_secret_named", is_dns_subdomain(f.missing_secret));
    d.set("tekton_namespace", tekton_namespace);
    std::string wrong_key = is_config_key(f.wrong_config_key) ? f.wrong_config_key : "KEY";
    d.set("wrong_key", wrong_key);
    // A ConfigMap key holds no quote, so it is safe inside the template's quotes.
    d.set("wrong_key_template", "{{index .data \"" + wrong_key + "\"}}");
    d.set("namespace", or_placeholder(f.object.namespace_, "NAMESPACE"));
    d.set("namespace_known", !f.object.namespace_.empty());
    // Under the operator's statefulset-ordinals the controller is a StatefulSet.
    d.set("controller_statefulset", f.installation.statefulsets);
    // A child TaskRun is re-run through its PipelineRun.
    const ObjectRef& run = f.parent.empty() ? f.object : f.parent;
    std::string kind = run.kind == "PipelineRun" ? "PipelineRun" : "TaskRun";
    d.set("run_kind", kind);
    d.set("run_resource", kind == "PipelineRun" ? "pipelinerun" : "taskrun");
    d.set("run_name", or_placeholder(run.name, "RUN-NAME"));
    d.set("run_known", !run.name.empty() && !run.namespace_.empty());
    // Every run a re-run re-creates: a sweep's group names them all.
    mustache::data reruns{mustache::data::type::list};
    for (const ObjectRef& r : runs_to_rerun(f)) {
        mustache::data one;
        one.set("namespace", or_placeholder(r.namespace_, "NAMESPACE"));
        one.set("resource", r.kind == "PipelineRun" ? "pipelinerun" : "taskrun");
        one.set("name", or_placeholder(r.name, "RUN-NAME"));
        reruns.push_back(one);
    }
    d.set("reruns", reruns);
    // The step a tool ran in, and its place in the steps (a JSON patch's path).
    std::string step_name = or_placeholder(f.step, "STEP");
    int step_index = -1;
    for (const auto& s : f.steps)
        if (!f.step.empty() && s.name == f.step) step_index = s.index;
    d.set("step_name", step_name);
    d.set("step_index", step_index >= 0 ? std::to_string(step_index) : std::string("N"));
    d.set("has_step_index", step_index >= 0);
    d.set("tool", f.tool);
    d.set("problem", f.problem);
    // A problem a CA answers: prose that names where each caller keeps its CA says so only then.
    d.set("ca_problem", f.problem == "unknown-authority" || f.problem == "incomplete-chain");
    d.set("offline", !f.probed);
    // The CA the probe found, indented for a YAML block scalar under `cert: |`.
    bool has_ca = f.probed && f.probe.has_anchor;
    d.set("has_ca_pem", has_ca);
    std::string block;
    if (has_ca)
        for (auto line : split_lines(f.probe.trust_anchor.pem))
            if (!line.empty()) block += "    " + std::string(line) + "\n";
    d.set("ca_pem_block", block);
    d.set("ca_subject", has_ca ? f.probe.trust_anchor.subject : std::string());
    // The intermediate the served chain stops short of, as the probe named it.
    const MissingIssuerView& missing = f.probe.missing_issuer;
    d.set("has_missing_issuer", f.probed && !missing.subject.empty());
    d.set("missing_issuer_subject", missing.subject);
    d.set("missing_issuer_key_id", missing.key_id);
    d.set("missing_issuer_aia", missing.aia_url);
    // Sections test booleans: an empty string would count as true.
    d.set("has_missing_issuer_key_id", f.probed && !missing.key_id.empty());
    d.set("has_missing_issuer_aia", f.probed && !missing.aia_url.empty());
    d.set("ca_warning", has_ca ? f.probe.trust_anchor.warning : std::string());
    mustache::data steps{mustache::data::type::list};
    auto add_step = [&](const std::string& name, const std::string& image, bool has_args) {
        mustache::data step;
        step.set("name", name.empty() ? std::string("STEP") : name);
        step.set("image", image.empty() ? or_placeholder(f.image, "IMAGE") : image);
        step.set("image_ref", or_placeholder(split_image_reference(image.empty() ? f.image : image).pinned(), "IMAGE"));
        step.set("has_args", has_args);
        steps.push_back(step);
    };
    for (const auto& s : f.lookup_steps) add_step(s.name, s.image, s.has_args);
    if (f.lookup_steps.empty() && !f.step.empty()) add_step(f.step, f.image, false);
    d.set("steps", steps);
    d.set("has_steps", !f.lookup_steps.empty() || !f.step.empty());
    return d;
}

std::string render(const std::string& tmpl, const mustache::data& data,
                   const std::function<std::string(const std::string&)>& escape,
                   const std::string& where) {
    if (tmpl.empty()) return {};
    mustache::mustache& m = compiled_template(tmpl);
    if (!m.is_valid()) throw Error(where + ": broken template: " + m.error_message());
    m.set_custom_escape(escape);
    return m.render(data);
}

// A re-run needs a run: one the finding was read from (a run, a dump, a sweep's group), or one
// the message itself speaks for (the controller's and the resolvers' conditions). A pasted step log
// or a client's message run by hand has none, and a re-run of NAMESPACE/RUN-NAME would be noise.
bool from_a_run(const Finding& f) {
    if (f.component == "tekton-controller" || f.component == "tekton-resolver") return true;
    for (const ObjectRef& r : runs_to_rerun(f))
        if ((r.kind == "TaskRun" || r.kind == "PipelineRun") && !r.name.empty()) return true;
    return false;
}

// Whether every non-empty list of the fix names the finding.
bool admitted(const FixRule& fix, const Finding& finding) {
    if (fix.sites.empty() && fix.causes.empty() && fix.stages.empty() && fix.problems.empty() && fix.components.empty())
        return false;
    if (listed(fix.not_causes, finding.cause_rule)) return false;
    if (listed(fix.also_causes, finding.cause_rule)) return true;
    auto admits = [](const std::vector<std::string>& list, const std::string& value) {
        return list.empty() || listed(list, value);
    };
    std::string site = !finding.site_rule.empty() ? finding.site_rule : finding.server_log ? kServerLog : kNoSite;
    return admits(fix.sites, site) && admits(fix.causes, finding.cause_rule) &&
           admits(fix.stages, finding.stage) && admits(fix.problems, finding.problem) &&
           admits(fix.components, finding.component);
}

// Whether the fix's `only_when` section (a boolean template value) holds for the finding.
bool only_when_holds(const FixRule& fix, const Finding& finding) {
    if (fix.only_when.empty()) return true;
    mustache::data data = template_data(finding);
    const mustache::data* value = data.get(fix.only_when);
    return value && value->is_true();
}

}  // namespace

bool is_template_section(const std::string& name) {
    // A section `only_when` names is set for every finding (those of a named refusal only then).
    mustache::data data = template_data(Finding{});
    const mustache::data* value = data.get(name);
    return value && value->is_bool();
}

bool fix_applies(const FixRule& fix, const Finding& finding) {
    if (!only_when_holds(fix, finding)) return false;
    if (fix.registry_fix && finding.lookalike) return false;
    if (fix.lookalike_only && !finding.lookalike) return false;
    return admitted(fix, finding);
}

bool fix_applies(const FixRule& fix, const Finding& finding, const Catalog& catalog) {
    if (fix_applies(fix, finding)) return true;
    if (fix.stands_in_for.empty() || !finding.lookalike || !only_when_holds(fix, finding)) return false;
    const FixRule* registry_fix = catalog.fix(fix.stands_in_for);
    return registry_fix && admitted(*registry_fix, finding);
}

std::vector<std::string> placeholders_in(std::string_view text) {
    // Those of template_data() above and those the templates write themselves.
    static const char* const kPlaceholders[] = {"REGISTRY-HOST", "SERVER-HOST", "GIT-HOST", "NAMESPACE", "RUN-NAME",
                                                "IMAGE-REPOSITORY", "IMAGE", "STEP", "NODE", "KEY", "USER",
                                                "REPO-NAME", "CLIENT-IP", "SECRET", "MANIFEST"};
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; };
    std::vector<std::string> found;
    for (std::string_view placeholder : kPlaceholders)
        for (size_t at = text.find(placeholder); at != std::string_view::npos; at = text.find(placeholder, at + 1)) {
            const size_t end = at + placeholder.size();
            // A column header of `-o custom-columns=NAMESPACE:.metadata.namespace` is no placeholder.
            const bool header = end + 1 < text.size() && text[end] == ':' && (text[end + 1] == '.' || text[end + 1] == '{');
            if ((at == 0 || !word(text[at - 1])) && (end == text.size() || !word(text[end])) && !header) {
                found.emplace_back(placeholder);
                break;
            }
        }
    return found;
}

FixView render_fix(const FixRule& fix, const Finding& finding) {
    // A variant for the site that placed the finding, else for its tool, else the fix's own text.
    const FixContent* content = &fix.content;
    auto variant = finding.site_rule.empty() ? fix.variants.end() : fix.variants.find(finding.site_rule);
    if (variant == fix.variants.end()) variant = fix.variants.find(finding.tool);
    if (variant != fix.variants.end()) content = &variant->second;
    mustache::data data = template_data(finding);
    std::string where = fix.file + ": fix '" + fix.id + "'";
    FixView view;
    view.id = fix.id;
    view.needs_run = fix.needs_run;
    view.title = render(fix.title, data, template_prose, where);
    view.description = trim(render(content->description, data, template_prose, where));
    // Commands quote every value for the shell; comments show it as prose. Neither escape lets a
    // value add a line, so both renderings have the template's lines, one for one.
    std::string quoted = render(content->commands, data, shell_quote, where);
    std::string shown = render(content->commands, data, template_prose, where);
    auto command_lines = split_lines(quoted), comment_lines = split_lines(shown);
    if (command_lines.size() != comment_lines.size()) throw Error(where + ": a value added a line to the commands");
    for (size_t i = 0; i < command_lines.size(); ++i) {
        auto command = trim(command_lines[i]);
        if (command.empty()) continue;
        if (command.front() == '#') {
            auto comment = trim(trim(comment_lines[i]).substr(1));
            view.comments.push_back({view.commands.size(), std::string(comment)});
        } else {
            view.commands.emplace_back(command);
        }
    }
    // Section tags ({{#steps}}) leave empty lines behind; a manifest has none of its own.
    std::string manifest = render(content->manifest, data, yaml_scalar, where);
    for (auto line : split_lines(manifest))
        if (!trim(line).empty()) view.manifest += std::string(line) + "\n";
    build_artefacts(view, finding);  // where the evidence holds the data, the exact change
    view.placeholders = placeholders_in(join(view.commands, "\n") + "\n" + view.manifest);
    return view;
}

std::vector<FixView> plan_fixes(const Finding& finding, const Catalog& catalog) {
    std::vector<const FixRule*> chosen;
    for (const auto& fix : catalog.fixes) {
        // A run that has not finished (Succeeded Unknown: the kubelet still retrying, a retry
        // pending) may still pass once the cause is fixed: no re-run yet.
        if (fix.needs_run && (finding.running || !from_a_run(finding))) continue;
        if (fix_applies(fix, finding, catalog)) chosen.push_back(&fix);
    }
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const FixRule* a, const FixRule* b) { return a->order < b->order; });
    std::vector<FixView> out;
    for (const FixRule* fix : chosen) out.push_back(render_fix(*fix, finding));
    return out;
}

void plan_finding_fixes(Finding& finding, const Catalog& catalog) {
    if (!finding.likely_component.empty()) {
        // No caller named, one likely: the plan of the likeliest caller, hedged as a guess (the
        // step that finds out who called first, that caller's fixes only under their condition).
        Finding guess = finding;
        guess.component = finding.likely_component;
        guess.stage = finding.likely_stage;
        guess.confidence = "low";
        guess.likely_component.clear();
        plan_finding_fixes(guess, catalog);
        finding.fixes = std::move(guess.fixes);
        finding.in_this_cluster = std::move(guess.in_this_cluster);
        return;
    }
    finding.fixes = plan_fixes(finding, catalog);
    if (finding.cluster_checked) apply_fix_policy(finding, finding.cluster_facts, catalog);
    hedge_uncertain_fixes(finding, catalog);
}

void plan_report_fixes(Report& report, const Catalog& catalog) {
    for (auto& f : report.findings) plan_finding_fixes(f, catalog);
    drop_repeated_reruns(report.findings);
}

}  // namespace certdoctor
