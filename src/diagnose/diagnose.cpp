#include "diagnose/diagnose.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include <re2/re2.h>

#include "match/match_key.h"
#include "match/templates.h"
#include "match/versions.h"
#include "input/dump_source.h"
#include "input/normalise.h"
#include "match/vocabulary.h"
#include "util/image_ref.h"
#include "util/text.h"

namespace certdoctor {

namespace {

std::string capture(const std::map<std::string, std::string>& c, const char* name) {
    auto it = c.find(name);
    return it == c.end() ? std::string() : it->second;
}

// What RBAC refused, from the cause's captures. The API server's wording since 1.9 names the
// resource and its group apart; the older one ("cannot list nodes.metrics.k8s.io at the cluster
// scope", "cannot get pods/log in the namespace \"ci\"") writes them as RESOURCE.GROUP[/SUB].
// A namespace the older wording does not quote is not read: the refusal then names nothing, as
// the cluster scope would be the wrong grant.
RefusedRequest refused_request(const std::map<std::string, std::string>& c) {
    RefusedRequest r{capture(c, "rbac_user"), capture(c, "rbac_verb"), capture(c, "rbac_resource"),
                     capture(c, "rbac_group"), capture(c, "rbac_namespace"), capture(c, "rbac_path")};
    if (r.path.empty()) r.path = capture(c, "rbac_bare_path");  // the older wording, unquoted
    const std::string old = capture(c, "rbac_old_resource");
    if (!r.resource.empty() || old.empty()) return r;
    const std::string old_namespace = capture(c, "rbac_old_namespace");
    if (capture(c, "rbac_old_scope") != "at the cluster scope" && old_namespace.empty()) return r;
    const size_t slash = old.find('/');
    const std::string head = old.substr(0, slash);
    const size_t dot = head.find('.');
    r.resource = head.substr(0, dot) + (slash == std::string::npos ? "" : old.substr(slash));
    r.api_group = dot == std::string::npos ? "" : head.substr(dot + 1);
    r.namespace_ = old_namespace;
    return r;
}

// A host as a URL or an address names it: a name or an IPv4 address, or an IPv6 one in brackets.
const std::string kHostGroup = R"(([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]))";

// host[:port] as an image reference names a registry, the port left out where it is 443.
std::string host_and_port(std::string host, const std::string& port) {
    static const RE2 name(R"((?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]))");
    if (host.size() > 253 || !RE2::FullMatch(host, name)) return "";
    return port.empty() || port == "443" ? host : host + ":" + port;
}

// Each match of `pattern`'s two groups (host, port) in `text`, at most 64, as host[:port] and
// the host alone, to `visit` (matches that name no host are passed over); `visit` returns false
// to stop.
template <typename Visit>
void each_peer(std::string_view text, const RE2& pattern, Visit visit) {
    re2::StringPiece rest(text.data(), text.size());
    std::string host, port;
    for (int i = 0; i < 64 && RE2::FindAndConsume(&rest, pattern, &host, &port); ++i)
        if (std::string peer = host_and_port(host, port); !peer.empty() && !visit(peer, host)) return;
}

// The one server `text` asks by https:// URLs, as host[:port] ("" when it names none or several).
std::string only_https_server(const std::string& text) {
    static const RE2 url(R"(https://([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?(?:[/"'\s?#),;]|$))");
    std::string found;
    each_peer(text, url, [&](const std::string& server, const std::string& host) {
        if (host.find('.') == std::string::npos && host.front() != '[') return true;  // "https://x"
        if (!found.empty() && found != server) {
            found.clear();
            return false;
        }
        found = server;
        return true;
    });
    return found;
}

// The last match of `pattern`'s two groups (host, port) in `text`.
std::string last_peer(std::string_view text, const RE2& pattern) {
    std::string last;
    each_peer(text, pattern, [&](const std::string& peer, const std::string&) {
        last = peer;
        return true;
    });
    return last;
}

// Docker's reference grammar (distribution/reference), as a group: an optional registry, a
// lower-case path, a tag, a digest. (The tag's 128 characters are not counted: RE2 would compile
// {0,127} into 127 copies of the class, at every start.)
const char kImageReference[] =
    R"(((?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)"
    R"((?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?(?:@sha256:[0-9a-f]{64})?))";
// What ends a reference written as a word.
const char kWordEnd[] = R"((?:$|[\s'"\]),;]))";

// The repository an image names, its registry made explicit ("alpine" and
// "docker.io/library/alpine:3" are one).
std::string repository_of(const std::string& image) {
    std::string name = split_image_reference(image).name;
    std::string registry = registry_of_image(name);
    std::string path = name.rfind(registry + "/", 0) == 0 ? name.substr(registry.size() + 1) : name;
    if (registry == "docker.io" && path.find('/') == std::string::npos) path = "library/" + path;
    return registry + "/" + path;
}

// The chain variant: the one the site's message shape names, unless the record's condition reason
// identifies another (the same message text had reason CouldntGetTask before v0.47). Without a
// reason, the installed version (when known) picks it.
CallChainView chain_view(const std::string& chain_id, const std::string& site_versions, const std::string& reason,
                         const std::string& version, const std::string& problem, const std::string& cause_id,
                         const Catalog& catalog) {
    CallChainView view;
    const ChainRule* chain = catalog.chain(chain_id);
    if (!chain) return view;
    view.id = chain->id;
    view.title = chain->title;
    const ChainVariant* variant = &chain->variants.front();
    for (const auto& v : chain->variants)
        if (!site_versions.empty() && v.versions == site_versions) variant = &v;
    auto has_reason = [&](const ChainVariant& v) {
        return std::find(v.reasons.begin(), v.reasons.end(), reason) != v.reasons.end();
    };
    if (!reason.empty() && !variant->reasons.empty() && !has_reason(*variant)) {
        for (const auto& v : chain->variants) {
            if (has_reason(v)) {
                variant = &v;
                break;
            }
        }
    }
    if (reason.empty() && tekton_minor(version) >= 0 && !version_in_range(version, variant->versions)) {
        for (const auto& v : chain->variants) {
            if (version_in_range(version, v.versions)) {
                variant = &v;
                break;
            }
        }
    }
    view.versions = variant->versions;
    view.frames = variant->frames;
    // Without a cause the text does not say what failed (a pod listing's ImagePullBackOff, a
    // back-off with no reason): no frame is marked, and the whole chain is shown.
    if (cause_id.empty()) {
        for (auto& fr : view.frames) fr.failed = false;
        return view;
    }
    // A frame that names the cause, else one that names the problem, is where it failed; else the
    // one marked `fails`.
    auto names = [&](const std::string& what) {
        return std::find_if(view.frames.begin(), view.frames.end(), [&](const ChainFrame& fr) {
            return !what.empty() && std::find(fr.fails_for.begin(), fr.fails_for.end(), what) != fr.fails_for.end();
        });
    };
    auto named = names(cause_id);
    if (named == view.frames.end()) named = names(problem);
    if (named != view.frames.end())
        for (auto& fr : view.frames) fr.failed = &fr == &*named;
    // Frames past the failing one were never reached.
    auto failed = std::find_if(view.frames.begin(), view.frames.end(), [](const ChainFrame& fr) { return fr.failed; });
    if (failed != view.frames.end()) view.frames.erase(failed + 1, view.frames.end());
    return view;
}

// A problem found in the certificate (the peer answered TLS, the client judged its chain), as
// opposed to credentials, the network or the wrong protocol. For `other` the cause may say (its
// `trust`); where it does not, the failure is not told apart and may be one.
bool is_certificate_problem(const std::string& problem, const Rule* cause) {
    if (problem == "other" && cause && !cause->trust.empty()) return cause->trust != "none";
    return vocabulary::contains(vocabulary::chain_problems, problem) || problem == "client-certificate-rejected" ||
           problem == "other";
}

// A problem a CA may answer: the CA ones, and `other` unless its cause says otherwise. Not the
// certificate's own defects (expired, a wrong name, a weak signature), where advice to add one misleads.
bool ca_may_help(const std::string& problem, const Rule* cause) {
    if (problem == "other" && cause && !cause->trust.empty()) return cause->trust == "ca";
    return vocabulary::contains(vocabulary::ca_problems, problem) || problem == "other";
}

int stage_rank(const std::string& stage) {
    const auto& stages = vocabulary::stages;
    for (size_t i = 0; i < stages.size(); ++i)
        if (stages[i] == stage) return static_cast<int>(i);
    return static_cast<int>(stages.size());
}

// Smaller is more significant: a failure whose words say what failed before a line that only
// names a caller (a pasted "helm install ..." command line above the webhook that failed), then
// registry problems before look-alikes, findings placed on a chain before bare error strings,
// then by stage along the run's life; at one stage a verdict on the certificate before the
// network's and the credentials' (a client that timed out and then met an unknown authority has
// the certificate to fix; its time-outs may not come back).
std::tuple<int, int, int, int> significance(const Finding& f) {
    int placed = !f.site_rule.empty() && !f.cause_rule.empty() ? 0 : !f.site_rule.empty() ? 1 : 2;
    bool verdict_on_certificate =
        vocabulary::contains(vocabulary::chain_problems, f.problem) || f.problem == "client-certificate-rejected";
    return {f.cause_rule.empty() ? 1 : 0, f.lookalike ? 1 : 0, placed,
            stage_rank(f.stage) * 2 + (verdict_on_certificate ? 0 : 1)};
}

// The fields that say which failure a record's match is (what duplicates are merged by): no
// templates are rendered, so a log of 100,000 identical lines costs 100,000 of these and one
// complete finding.
Finding identify(const FailureRecord& record, const MessageMatch& match) {
    Finding f;
    const Rule* site = match.site ? match.site->rule : nullptr;
    const Rule* cause = match.cause ? match.cause->rule : nullptr;
    std::map<std::string, std::string> captures = merged_captures(match);
    MatchKey root = match_key(match);

    f.site_rule = site ? site->id : "";
    f.cause_rule = cause ? cause->id : "";
    f.confidence = site ? site->confidence : "low";
    f.pattern = root.pattern;
    f.component = root.component;
    f.stage = site ? site->stage : "unknown";
    if (site && !site->names_caller()) {
        // Words that several callers print name none: the site's caller is only the likeliest.
        f.likely_component = site->component;
        f.likely_stage = site->stage;
        f.stage = "unknown";
    }
    f.problem = root.problem;
    f.lookalike = root.lookalike;
    f.server_log = !site && cause && cause->side == "server";
    // The registry's own answer: its API in the text, or a cause that is the peer's own answer
    // (docker's "manifest for ... not found") under a site that talks to a registry.
    const bool registry_client = site && site->peer == "registry" &&
                                 vocabulary::contains(vocabulary::registry_stages, site->stage);
    f.registry_answered = f.lookalike && !(site && site->lookalike) &&
                          (names_registry_api(record.message) || (registry_client && cause && cause->peer_answer));
    f.tool = site ? site->tool : "";
    if (f.tool.empty()) f.tool = capture(captures, "tool");

    f.url = capture(captures, "url");
    f.image = capture(captures, "image");
    f.host = capture(captures, "host");
    f.step = capture(captures, "step");
    f.refused = refused_request(captures);
    if (f.step.rfind("step-", 0) == 0) f.step = f.step.substr(5);
    if (f.step.empty()) f.step = record.step;
    // A registry API URL names the image asked for more surely than the step's image (a kaniko
    // step's image is kaniko; the request is for the image it pushes).
    if (f.image.empty()) f.image = image_in_registry_api_url(f.url);
    if (f.image.empty()) f.image = image_in_registry_api_url(record.message);
    if (f.image.empty()) {
        for (const auto& s : record.steps)
            if (s.name == f.step && !f.step.empty()) f.image = s.image;
    }
    f.registry = registry_named(capture(captures, "registry"), f.image, f.url);  // the image may be the step's
    // A short name the client completed to no registry: Docker's docker.io is not where it went.
    if (cause && cause->names_no_registry && capture(captures, "registry").empty() && f.url.empty() &&
        !image_names_registry(f.image))
        f.registry.clear();
    // A registry's blob storage, where a pull was redirected for a layer, is not the registry
    // whose trust settings (certs.d, a tool's CA flag) a CA fix names; the network path to it is
    // the storage's own.
    if (!f.registry.empty() && vocabulary::contains(vocabulary::ca_problems, f.problem) &&
        record.message.find("://" + f.registry + "/registry-v2/") != std::string::npos)
        f.registry.clear();
    // No rule captured the request (a cause that reads only the verdict, "remote error: tls:
    // handshake failure"): a registry API URL in the message still names the registry.
    if (f.registry.empty() && names_registry_api(record.message)) {
        static const RE2 registry_api("(https?://[^\\s\"'/]+)/v[12]/");
        std::string origin;
        if (RE2::PartialMatch(record.message, registry_api, &origin)) f.registry = registry_of_url(origin);
    }
    // Nor a registry's: a message that asks one server by an https:// URL (npm's registry, an apt
    // repository, a forge's API, a token endpoint) names the peer whose certificate its fixes are
    // about. Two servers named, or a registry's blob storage, name none.
    if (f.registry.empty() && f.host.empty() && record.message.find("/registry-v2/") == std::string::npos)
        f.registry = only_https_server(record.message);

    f.object = run_of(record.object, match);
    f.parent = record.parent;
    f.service_account = record.service_account;
    // The message names the run's ServiceAccount where the run itself is not at hand (a paste).
    if (f.service_account.empty()) f.service_account = capture(captures, "service_account");
    f.missing_secret = capture(captures, "secret");
    f.node = record.node;
    f.running = record.running;
    return f;
}

// The rest of an identified finding: chain, explanation, title, evidence and fixes.
void complete(Finding& f, const FailureRecord& record, const MessageMatch& match, const Catalog& catalog,
              const DiagnoseOptions& options) {
    const Rule* site = match.site ? match.site->rule : nullptr;
    const Rule* cause = match.cause ? match.cause->rule : nullptr;
    std::map<std::string, std::string> captures = merged_captures(match);
    for (const auto& s : record.steps)
        if (s.needs_entrypoint_lookup()) f.lookup_steps.push_back(s);
    f.steps = record.steps;
    f.steps_source = record.steps_source;

    if (site && f.lookalike && !site->lookalike && site->peer == "any") {
        // A general HTTPS client that talked to some server, not a registry: the chain is the
        // client's own, not a registry ping.
        f.chain = chain_view("other-service", "", record.reason, options.tekton_version, f.problem, f.cause_rule, catalog);
    } else if (site) {
        f.chain = chain_view(site->chain, site->versions, record.reason, options.tekton_version, f.problem, f.cause_rule,
                             catalog);
    }

    // Nothing names the caller nor shows a registry: the prose speaks of a server.
    f.peer_unnamed = !site && !f.lookalike && f.image.empty() && !names_registry_api(record.message);
    std::vector<std::pair<std::string, std::string>> values(captures.begin(), captures.end());
    // A look-alike's peer is a server (a webhook, the API server), git's a git server, not a
    // registry: the prose says so, in the words of the JSON's `peer`.
    const std::string peer = f.peer_in_prose();
    values.emplace_back("peer", peer);
    values.emplace_back("registry", f.registry.empty() ? "the " + peer : f.registry);
    values.emplace_back("step", f.step);
    values.emplace_back("image", f.image);
    // Sections: {{#certificate}} when the client judged a certificate, {{#ca}} when a CA may be
    // the answer, {{#registry_peer}} when the peer is a registry (an image reference is then named),
    // {{#ssh}} when the client spoke SSH (git over SSH: no TLS, a key instead of a password),
    // {{#request}} unless the cause says the client failed before sending any request. The names are
    // kExplanationSections (match/templates.h), which the linter holds references to.
    const std::vector<std::pair<std::string, bool>> sections = {
        {"certificate", is_certificate_problem(f.problem, cause)},
        {"ca", ca_may_help(f.problem, cause)},
        {"registry_peer", f.labelled_registry()},
        {"ssh", site && site->tool == vocabulary::tool_ssh},
        {"request", !cause || cause->reaches_peer}};
    std::vector<std::string> parts;
    for (const Rule* r : {site, cause}) {
        if (!r) continue;
        add_unique(parts, render_explanation(r->explanation, values, sections));
        // A reference may hold to one kind of peer only ({{#registry_peer}}the distribution
        // spec{{/registry_peer}}): a cause that joins a git or SSH site cites no registry's spec.
        for (const auto& ref : r->references)
            if (std::string text = render_explanation(ref, {}, sections); !text.empty()) add_unique(f.references, text);
    }
    // A run still resolving whose condition carries an error: the resolution framework retries a
    // transient error (a time-out) rather than failing the run (tektoncd/pipeline
    // pkg/reconciler/taskrun/taskrun.go prepare(), IsGetTaskErrTransient), so it waits.
    if (resolving_reason(record.reason)) {
        f.stuck_resolving = true;
        add_unique(parts, "The run is stuck in " + record.reason + ", not failed: Tekton's remote resolution retries "
                          "this error (a time-out or another transient error) instead of failing the run, which "
                          "waits until the resolution or the run times out. Fixing the cause lets the waiting run "
                          "go on; no re-run is needed while it still waits.");
    }
    f.explanation = parts.empty() ? "" : parts.front();
    for (size_t i = 1; i < parts.size(); ++i) f.explanation += "\n\n" + parts[i];
    // A cause's title names its peer as the prose does ("the server's certificate" for a webhook).
    auto title = [&](const Rule* r) { return render_explanation(r->title, values, sections); };
    f.title = site && cause ? title(cause) + " — " + title(site) : site ? title(site) : title(cause);

    const RuleMatch& key = match.cause ? *match.cause : *match.site;
    f.evidence.text = record.message;
    f.evidence.key_begin = key.begin;
    f.evidence.key_end = key.end;
    f.evidence.origin = record.origin;
    f.seen_in = {record.origin};
    f.seen_in_total = 1;
}

// A general HTTPS client (a site with peer: any: curl, wget) talks to a registry only when the
// request shows a registry's API, in its message or in the pasted text; otherwise its peer is some
// server, the finding is a look-alike, and a registry's fix would be wrong.
void judge_peer(Finding& f, const FailureRecord& record, const MessageMatch& match, const DiagnoseOptions& options) {
    if (match.site && match.site->rule->peer == "any" && !f.lookalike && !options.registry_api_in_text &&
        !names_registry_api(record.message))
        f.lookalike = true;
}

// Docker Hub answers under several names.
bool same_registry(const std::string& a, const std::string& b) {
    return a == b || (is_docker_hub(a) && is_docker_hub(b));
}

// A message that names no image, in a pasted text whose commands name one (`docker pull IMAGE`
// above the error): a registry's finding is about that image, where the finding's registry is
// that image's or is not named.
void take_image_from_text(Finding& f, const DiagnoseOptions& options) {
    if (!f.image.empty() || options.image_in_text.empty() || !f.peer_is_registry()) return;
    const std::string registry = registry_of_image(options.image_in_text);
    if (!f.registry.empty() && !same_registry(f.registry, registry)) return;
    f.image = options.image_in_text;
    if (f.registry.empty()) f.registry = registry;
}

// The server, where no rule captured it (a cause that reads only the verdict): the request the
// client's error wraps, then the image the text's commands name, then the address the
// connection went to (an IP address names the server less well than the image does).
void name_peer(Finding& f, const FailureRecord& record, const DiagnoseOptions& options) {
    // A CA fix names the registry whose trust settings apply, not its blob storage.
    const bool ca_fix = vocabulary::contains(vocabulary::ca_problems, f.problem);
    if (f.registry.empty()) f.registry = peer_of_request(record.message, !ca_fix);
    take_image_from_text(f, options);
    f.dialled = address_of_connection(record.message);
    if (f.registry.empty() && !(ca_fix && record.message.find("/registry-v2/") != std::string::npos))
        f.registry = f.dialled;
}

std::string object_key(const ObjectRef& o) { return o.kind + "/" + o.namespace_ + "/" + o.name; }

// Where the same failure was read again: each place once (by hash in `places`), listed up to
// kMaxSeenIn and counted past it.
void add_place(Finding& f, std::unordered_set<std::string>& places, const std::string& origin) {
    if (origin.empty() || !places.insert(origin).second) return;
    ++f.seen_in_total;
    if (f.seen_in.size() < kMaxSeenIn) f.seen_in.push_back(origin);
}

}  // namespace

std::string peer_of_request(std::string_view message, bool blob_storage) {
    // Go's url.Error: the method, then the URL, quoted since Go 1.14. The innermost request (the
    // last) is the one whose error follows. The name must end where a URL's name ends: a name
    // broken by a wrapped line is no name.
    static const RE2 request(R"(\b(?:Get|Head|Post|Put|Patch|Delete|GET|HEAD|POST|PUT|PATCH|DELETE) "?https?://)"
                             R"((?:[^\s"'/@]*@)?)" + kHostGroup + R"((?::([0-9]{1,5}))?(/registry-v2/|[/"'?:]))");
    if (message.find("://") != std::string_view::npos) {
        re2::StringPiece rest(message.data(), message.size());
        std::string host, port, after, last;
        for (int i = 0; i < 64 && RE2::FindAndConsume(&rest, request, &host, &port, &after); ++i)
            if (std::string peer = host_and_port(host, port); !peer.empty() && (blob_storage || after != "/registry-v2/"))
                last = peer;
        if (!last.empty()) return last;
    }
    // OpenSSH's own words, as git prints them for an ssh:// or scp-like remote.
    static const RE2 ssh_connect(R"(\bssh: connect to host ([A-Za-z0-9.-]+) port ([0-9]{1,5})\b)");
    static const RE2 ssh_resolve(R"(\bssh: Could not resolve hostname ([A-Za-z0-9.-]+)())");
    static const RE2 lookup(R"(\bdial tcp: lookup ([A-Za-z0-9.-]+)()(?: on |: ))");
    static const RE2 curl(R"(\b(?:Failed to connect to ([A-Za-z0-9.-]+) port ([0-9]{1,5})\b|Could not resolve host: ([A-Za-z0-9.-]+)()))");
    static const RE2 urllib3(R"(\bHTTPSConnectionPool\(host='([A-Za-z0-9.-]+)', port=([0-9]{1,5})\))");
    for (auto [needle, pattern] : {std::pair{"ssh: ", &ssh_connect}, {"ssh: ", &ssh_resolve}, {"lookup ", &lookup},
                                   {"HTTPSConnectionPool", &urllib3}})
        if (message.find(needle) != std::string_view::npos)
            // "Could not resolve hostname https": a URL given where ssh wanted a host names none.
            if (std::string peer = last_peer(message, *pattern); !peer.empty() && peer != "https" && peer != "http")
                return peer;
    std::string host, port, resolved, none;
    if (message.find(" to connect to ") == std::string_view::npos && message.find("resolve host") == std::string_view::npos)
        return "";
    if (RE2::PartialMatch(message, curl, &host, &port, &resolved, &none))
        return host_and_port(host.empty() ? resolved : host, port);
    return "";
}

std::string address_of_connection(std::string_view message) {
    // Go's net errors ("dial tcp ADDRESS", "read tcp LOCAL->ADDRESS") and OpenSSH's (packet.c:
    // "Connection reset by ADDRESS port N"). A text with neither word returns before they compile.
    const bool go = message.find("tcp ") != std::string_view::npos;
    const bool openssh = message.find("Connection ") != std::string_view::npos;
    if (!go && !openssh) return "";
    static const RE2 dial(R"(\bdial tcp )" + kHostGroup + R"(:([0-9]{1,5})\b)");
    static const RE2 far_end(R"(\b(?:read|write) tcp \S+->)" + kHostGroup + R"(:([0-9]{1,5})\b)");
    static const RE2 ssh(R"(\bConnection (?:reset|closed) by )" + kHostGroup + R"( port ([0-9]{1,5})\b)");
    for (auto [worded, pattern] : {std::pair{go, &dial}, {go, &far_end}, {openssh, &ssh}})
        if (worded)
            if (std::string peer = last_peer(message, *pattern); !peer.empty()) return peer;
    return "";
}

std::string image_named_by_commands(std::string_view text) {
    static const std::string image = std::string(kImageReference) + kWordEnd;
    static const std::string bare_image = kImageReference;
    // The pull's and push's flags: those that take a value, as two words or one, any flag as
    // --flag=value, and the switches (-a, -q, --quiet ...). An unknown flag's value is not taken
    // for the image: the line names none.
    static const std::string flags =
        R"((?: +(?:--(?:platform|creds|authfile|cert-dir|arch|os|variant|signature-policy)(?:=| +)\S+|)"
        R"(--[A-Za-z][A-Za-z-]*=\S+|-[aq]|--(?:all-tags|quiet|disable-content-trust|plain-http|tls-verify|)"
        R"(insecure|remove-signatures)))*)";
    // Each pattern with a word it cannot match without, so that a text without the word neither
    // compiles nor scans it (explain's start-up pays only for what the text may hold).
    struct Command {
        std::string_view needle;
        std::string pattern;
    };
    static const Command commands[] = {
        // The client's own options may come first (the Actions runner's `/usr/bin/docker --config DIR`).
        {" pu", R"((?:^|[\s$#>;&|(/])(?:docker|podman|nerdctl|buildah))"
                R"((?: +--(?:config|context|host|log-level|tlscacert|tlscert|tlskey)(?:=| +)\S+| +-D| +--debug| +--tlsverify)*)"
                R"((?: image)? (?:pull|push))" + flags + " +" + image},
        // podman's and buildah's push to another name: the destination (against the source the
        // line above reads, two repositories, so no image is chosen).
        {" push ", R"((?:^|[\s$#>;&|(])(?:podman|buildah) push(?: +-\S+)* +\S+ +(?:docker://)?)" + image},
        {"crictl", R"(\bcrictl(?: +-\S+(?: +[a-z]+://\S+)?)* +pull(?: +-\S+)* +)" + image},
        {"ctr ", R"(\bctr(?: +-\S+(?:[ =][^\s-]\S*)?)* +i(?:mages?)? +pull(?: +-\S+)* +)" + image},
        {"skopeo", R"(\bskopeo(?: +-\S+)* +inspect(?: +-\S+)* +docker://)" + image},
        {"The push refers to", R"(The push refers to (?:a )?repository \[)" + image},
        {"Unable to find image '", R"(Unable to find image ')" + image},
        // docker-compose's "Pulling web (IMAGE)...", podman's and older docker's "Trying to pull
        // [repository] IMAGE...", kubeadm's preflight "failed to pull image IMAGE: output:".
        {")...", R"(\b(?:Pulling|Pushing) [\w.-]+ \()" + bare_image + R"(\)\.\.\.)"},
        {"Trying to pull ", R"(\bTrying to pull (?:repository )?)" + bare_image + R"( ?\.\.\.)"},
        {"[ERROR ImagePull]", R"(\[ERROR ImagePull\]: failed to pull image )" + bare_image + R"(: output: )"}};
    constexpr size_t kCommands = std::size(commands);
    static std::unique_ptr<RE2> compiled[kCommands];
    static std::once_flag once[kCommands];
    auto precise = [](const std::string& name) {
        const ImageReferenceParts parts = split_image_reference(name);
        return parts.pinned() != parts.name;
    };
    std::string chosen, repository;
    for (size_t c = 0; c < kCommands; ++c) {
        if (text.find(commands[c].needle) == std::string_view::npos) continue;
        std::call_once(once[c], [&] { compiled[c] = std::make_unique<RE2>(commands[c].pattern); });
        re2::StringPiece rest(text.data(), text.size());
        std::string named;
        for (int i = 0; i < 64 && RE2::FindAndConsume(&rest, *compiled[c], &named); ++i) {
            std::string r = repository_of(named);
            if (repository.empty()) repository = r;
            if (r != repository) return "";  // two repositories: which one failed is not said
            // The most precise of the names: one with a tag or digest before the bare repository.
            if (chosen.empty() || (!precise(chosen) && precise(named))) chosen = named;
        }
    }
    return chosen;
}

bool names_registry_api(std::string_view text) {
    // docker/distribution registry/api/errcode and registry/api/v2/errors.go, as a code and as
    // errcode.Error() prints it; Docker Hub's denial and rate limit; a registry token's scope and
    // the API's version header (registry/handlers/app.go, registry/auth/token).
    static constexpr std::string_view kWords[] = {
        "/v2/", "/v1/_ping", "/v1/repositories/", "MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN",
        "MANIFEST_INVALID", "NAME_INVALID", "TAG_INVALID", "BLOB_UPLOAD_UNKNOWN", "manifest unknown",
        "blob unknown to registry", "requested access to the resource is denied", "insufficient_scope",
        "toomanyrequests", "unauthorized: authentication required", "UNAUTHORIZED: authentication required",
        "\"code\":\"UNAUTHORIZED\"", "\"code\":\"DENIED\"", "scope=repository:", "scope=repository%3A",
        "Docker-Distribution-Api-Version"};
    auto has = [text](std::string_view w) { return text.find(w) != std::string_view::npos; };
    // A registry product's REST API (Quay's /api/v1/, Harbor's /api/v2.0/) answers in some of the
    // same words (Quay's insufficient_scope, Harbor's {"code":"UNAUTHORIZED"}) but is not the
    // registry: without a request to the registry's own paths, its words name none.
    static constexpr std::string_view kRegistryPaths[] = {"/v2/", "/v1/_ping", "/v1/repositories/"};
    if (has("/api/v") && std::none_of(std::begin(kRegistryPaths), std::end(kRegistryPaths), has)) return false;
    return std::any_of(std::begin(kWords), std::end(kWords), has);
}

Finding make_finding(const FailureRecord& record, const MessageMatch& match, const Catalog& catalog,
                     const DiagnoseOptions& options) {
    Finding f = identify(record, match);
    judge_peer(f, record, match, options);
    name_peer(f, record, options);
    complete(f, record, match, catalog, options);
    return f;
}

std::tuple<int, int, int, int> finding_significance(const Finding& finding) { return significance(finding); }

void order_findings(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return significance(a) < significance(b); });
}

Report diagnose(const InputBatch& batch, const Matcher& matcher, const Catalog& catalog,
                const DiagnoseOptions& options) {
    Report report;
    report.source = batch.source;
    for (const auto& record : batch.records)
        if (!record.joined) report.messages_read += 1 + record.repeated_at.size();
    report.notes = batch.notes;
    report.waiting_runs = batch.waiting_runs;
    // Each distinct failure is completed once; a repeat only adds where it was read. Past
    // options.max_findings a distinct failure maps to kNotKept: counted, never completed.
    constexpr size_t kNotKept = static_cast<size_t>(-1);
    std::unordered_map<std::string, size_t> by_key;
    std::vector<std::unordered_set<std::string>> places;
    auto& all = report.findings;
    const auto& records = batch.records;
    std::vector<MessageMatch> matched(records.size());
    for (size_t i = 0; i < records.size(); ++i) matched[i] = matcher.match(records[i].message);
    // The site the surrounding text names, when the context agrees on one (else the candidates):
    // the context regexes over the whole text, and in a pasted text the sites its messages match.
    std::vector<const Rule*> named;
    std::vector<const Rule*> guessed;  // sites of confidence low that the pasted text's messages match
    std::vector<ContextMatch> context = options.context;
    for (const auto& c : context)
        if (std::find(named.begin(), named.end(), c.site) == named.end()) named.push_back(c.site);
    if (options.context_from_messages) {
        for (size_t i = 0; i < records.size(); ++i) {
            const auto& site = matched[i].site;
            // A library's words that several callers print (confidence low) name no caller.
            if (site && !site->rule->names_caller() &&
                std::find(guessed.begin(), guessed.end(), site->rule) == guessed.end())
                guessed.push_back(site->rule);
            if (!site || site->rule->lookalike || !site->rule->names_caller() ||
                std::find(named.begin(), named.end(), site->rule) != named.end())
                continue;
            named.push_back(site->rule);
            context.push_back({site->rule, records[i].message.substr(0, 120)});
        }
    }
    // A site whose words name only a kind of caller (confidence medium: a step's log prefix,
    // containerd's resolver) adds nothing beside a named site of the same component (the kaniko
    // image of that step): the surrounding text then names one caller, not two.
    {
        std::vector<const Rule*> kept;
        for (const Rule* site : named) {
            bool generic_beside_specific =
                site->confidence == "medium" && std::any_of(named.begin(), named.end(), [site](const Rule* o) {
                    return o != site && o->confidence != "medium" && o->component == site->component;
                });
            if (!generic_beside_specific) kept.push_back(site);
        }
        named = std::move(kept);
    }
    // A site named only by the text around messages (a command line of a program the catalog does
    // not know) is a fallback: it counts when nothing else is named, and, for a client of any
    // server (peer: any), only when the text shows a registry's API.
    const bool named_otherwise =
        std::any_of(named.begin(), named.end(), [](const Rule* r) { return !r->context_only(); });
    named.erase(std::remove_if(named.begin(), named.end(),
                               [&](const Rule* r) {
                                   return r->context_only() &&
                                          (named_otherwise || (r->peer == "any" && !options.registry_api_in_text));
                               }),
                named.end());
    // The one caller the text names: its only named site, or, when several sites of one component
    // are named (skopeo's command line and the containers/image library's progress lines), the
    // surest of them, the one of highest priority: the kind of caller is known either way.
    const Rule* one_named = named.size() == 1 ? named.front() : nullptr;
    if (named.size() > 1 && std::all_of(named.begin(), named.end(), [&](const Rule* r) {
            return !r->lookalike && r->component == named.front()->component && r->stage == named.front()->stage;
        })) {
        one_named = *std::max_element(named.begin(), named.end(), [](const Rule* a, const Rule* b) {
            auto rank = [](const Rule* r) { return std::make_pair(r->confidence == "high", r->priority); };
            return rank(a) < rank(b);
        });
    }
    const bool lone_dependent = options.lone_dependent_causes &&
                                std::none_of(matched.begin(), matched.end(), [](const MessageMatch& m) { return m.site || m.cause; });
    auto take = [&](const FailureRecord& record, const MessageMatch& found) {
        MessageMatch m = found;
        // A cause that may not stand alone stands with the one caller the context names, or alone
        // in a pasted text that shows nothing else.
        if (!m.site && !m.cause && m.dependent_cause && (one_named || lone_dependent)) m.cause = m.dependent_cause;
        if (m.empty()) return;
        // A site whose words name only a kind of caller (confidence medium: the docker daemon's
        // puller) or none (low: containerd's resolver) yields to the one other caller the
        // surrounding text names (nerdctl's command line, a docker push): the context is then the
        // better evidence.
        const bool unsure_site = m.site && m.site->rule->confidence != "high" && !m.site->rule->lookalike;
        const Rule* context_site = one_named;
        if (unsure_site) {
            std::vector<const Rule*> others;
            for (const Rule* site : named)
                if (site != m.site->rule && !site->lookalike) others.push_back(site);
            context_site = others.size() == 1 ? others.front() : nullptr;
        }
        const bool yields = unsure_site && context_site && context_site != m.site->rule;
        // A cause takes the caller the text names when its words are that caller's side of the
        // exchange (a missing tag under a docker pull); a server's own log (side: server) names
        // the server, not its caller, so it takes only a site that names such a server (side:
        // server: an admission webhook's pod above its log); and a look-alike the text names
        // (kubectl's command line) does not take a request to a registry's API, which no client
        // of that service makes.
        const bool from_context =
            yields || (!m.site && m.cause && one_named && m.cause->rule->side == one_named->side &&
                       !(one_named->lookalike && names_registry_api(record.message)));
        if (yields)
            m.site = RuleMatch{context_site, m.site->begin, m.site->end, m.site->captures};
        else if (from_context)
            m.site = RuleMatch{context_site, 0, 0, {}};
        Finding f = identify(record, m);
        judge_peer(f, record, m, options);
        name_peer(f, record, options);
        if (from_context) {
            f.confidence = "medium";
            for (const auto& c : context)
                if (c.site == context_site) {
                    f.context = c.matched;
                    break;
                }
        } else if (!m.site) {
            for (const Rule* site : named) f.candidates.push_back(site->id);
            // No caller named, but another message of the text is a library's whose callers are
            // most often of one kind: that one is the likeliest here too.
            if (named.empty() && guessed.size() == 1 && !f.lookalike && f.component == "unknown") {
                f.likely_component = guessed.front()->component;
                f.likely_stage = guessed.front()->stage;
            }
        } else if (!f.likely_component.empty()) {
            for (const Rule* site : named)
                if (site != m.site->rule && !site->lookalike) f.candidates.push_back(site->id);
        }
        std::string key = object_key(f.object) + "|" + f.pattern + "|" + f.registry + "|" + f.step;
        auto [it, inserted] = by_key.emplace(key, options.max_findings == 0 || all.size() < options.max_findings ? all.size() : kNotKept);
        if (it->second == kNotKept) {
            // Past the bound: the key alone is kept, so a repeat of this failure is not counted twice.
            if (inserted) ++report.findings_not_kept;
            return;
        }
        if (inserted) {
            complete(f, record, m, catalog, options);
            all.push_back(std::move(f));
            places.push_back({record.origin});
        } else {
            add_place(all[it->second], places[it->second], record.origin);
        }
        for (const auto& origin : record.repeated_at) add_place(all[it->second], places[it->second], origin);
    };
    for (size_t i = 0; i < records.size();) {
        if (!records[i].joined) {
            take(records[i], matched[i]);
            ++i;
            continue;
        }
        // A paragraph: its joined reading, then its lines. The joined one stands when it places the
        // failure more fully (a site and a cause) than any line alone: a message wrapped over lines.
        size_t end = i + 1;
        while (end < records.size() && !records[end].joined && records[end].paragraph == records[i].paragraph) ++end;
        std::vector<MessageMatch> matches;
        for (size_t k = i; k < end; ++k) matches.push_back(matched[k]);
        auto completeness = [](const MessageMatch& m) { return (m.site ? 1 : 0) + (m.cause ? 1 : 0); };
        auto site_priority = [](const MessageMatch& m) { return m.site ? m.site->rule->priority : -1; };
        auto cause_priority = [](const MessageMatch& m) { return m.cause ? m.cause->rule->priority : -1; };
        int best_line = 0;
        int best_line_site = -1;
        int best_line_cause = -1;
        for (size_t k = 1; k < matches.size(); ++k) {
            best_line = std::max(best_line, completeness(matches[k]));
            best_line_cause = std::max(best_line_cause, cause_priority(matches[k]));
            if (completeness(matches[k]) == 2) best_line_site = std::max(best_line_site, site_priority(matches[k]));
        }
        // The joined reading also stands when it is as complete as the best line and an outer
        // wrapper (a resolver's, the kubelet's) outranks the site of every complete line: a caller's several-line
        // message, whose last line is the tool it ran (the git resolver's git CLI text).
        // And it stands when it is as complete as the best line and its cause outranks every line's:
        // the cause's words were cut by the wrap ("x509: certificate has expired" / "or is not yet
        // valid" reads, line by line, only as the catch-all x509-other).
        const int joined = completeness(matches[0]);
        if (joined > best_line || (joined == 2 && best_line == 2 && site_priority(matches[0]) > best_line_site) ||
            (joined >= best_line && cause_priority(matches[0]) > best_line_cause))
            take(records[i], matches[0]);
        else
            for (size_t k = 1; k < matches.size(); ++k) take(records[i + k], matches[k]);
        i = end;
    }
    // A finding placed on a chain without a cause ("Back-off pulling image" with no detail) adds
    // nothing when the same run has a detailed finding at the same stage (from its events).
    std::unordered_map<std::string, size_t> detailed;  // stage and run -> the first finding with a cause
    for (size_t i = 0; i < all.size(); ++i)
        if (!all[i].cause_rule.empty()) detailed.emplace(all[i].stage + "|" + object_key(all[i].object), i);
    std::vector<bool> superseded(all.size(), false);
    // Finding i adds nothing beside finding j: where i was read counts as j's, and i goes.
    auto merge_into = [&](size_t i, size_t j) {
        for (const auto& origin : places[i]) add_place(all[j], places[j], origin);
        superseded[i] = true;
    };
    for (size_t i = 0; i < all.size(); ++i) {
        if (!all[i].cause_rule.empty()) continue;
        auto it = detailed.find(all[i].stage + "|" + object_key(all[i].object));
        if (it == detailed.end()) continue;
        merge_into(i, it->second);
    }
    // A plain "unknown authority" adds nothing beside a more precise verdict on the same chain from
    // the same text (OpenSSL prints "unable to get local issuer certificate" and then "unable to
    // verify the first certificate" for a server that sends no intermediate; Go adds why the
    // candidate CA could not sign): the precise one is the diagnosis, and it is the fix that differs.
    auto chain_key = [](const Finding& f) { return f.stage + "|" + object_key(f.object) + "|" + f.registry; };
    std::unordered_map<std::string, size_t> precise;  // stage, run and registry -> the first precise verdict
    for (size_t i = 0; i < all.size(); ++i)
        if (!superseded[i] && (all[i].problem == "incomplete-chain" || all[i].problem == "not-a-ca"))
            precise.emplace(chain_key(all[i]), i);
    for (size_t i = 0; i < all.size(); ++i) {
        if (superseded[i] || all[i].problem != "unknown-authority") continue;
        auto it = precise.find(chain_key(all[i]));
        if (it == precise.end()) continue;
        merge_into(i, it->second);
    }
    // A failure no site placed adds nothing after the same problem placed on a caller earlier in
    // the same text: a client's retries, the first quoted with its request ("Get
    // \"https://…/api/v1\": … no such host") and the next without. The placed one says who failed.
    // (Findings are in the order of their first message.)
    std::unordered_map<std::string, size_t> placed_before;  // problem and run -> the first placed finding
    for (size_t i = 0; i < all.size(); ++i) {
        if (superseded[i]) continue;
        std::string key = all[i].problem + "|" + object_key(all[i].object);
        if (!all[i].site_rule.empty()) {
            placed_before.emplace(key, i);
            continue;
        }
        auto it = placed_before.find(key);
        if (it == placed_before.end()) continue;
        merge_into(i, it->second);
    }
    size_t kept = 0;
    for (size_t i = 0; i < all.size(); ++i)
        if (!superseded[i]) {
            if (kept != i) all[kept] = std::move(all[i]);
            ++kept;
        }
    all.resize(kept);
    order_findings(report.findings);
    if (report.findings_not_kept)
        report.notes.push_back("The input holds more than " + std::to_string(options.max_findings) +
                               " distinct failures: the first " + std::to_string(options.max_findings) +
                               " in the order they appear are diagnosed, and " +
                               std::to_string(report.findings_not_kept) +
                               " more are counted, not shown. `analyze` summarises a log of that size.");
    if (!report.findings.empty())
        report.status = ReportStatus::problems_found;
    else if (batch.runs > 0 && batch.failed_runs == 0)
        report.status = ReportStatus::no_problems;
    else
        report.status = ReportStatus::unrecognized;
    return report;
}

}  // namespace certdoctor
