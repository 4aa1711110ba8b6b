// The pattern catalog as loaded from patterns/ (embedded at build time) and --patterns-dir.
//
// Four kinds of document, one per file, told apart by their `kind:` field:
//   site     where a failure arises: a wrapper message on one of Tekton's (or a tool's) call
//            chains, with component, stage and the chain it belongs to;
//   cause    what failed on the wire: a Go/OpenSSL/registry error string, with the problem;
//   fix      a remedy: which stages and problems it answers, its commands and manifest
//            (Mustache templates);
//   chain    a call chain, frame by frame, per range of Tekton versions;
// plus one `fragments` document with named regex pieces that rules use as {{name}}.
// A finding is the best site and the best cause found in one message. patterns/README.md is the
// schema.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "match/rule_prefilter.h"
#include "model/report.h"

namespace certdoctor {

// In a fix's applies_to.sites: a finding that no site rule placed.
inline constexpr const char* kNoSite = "none";
// In a fix's `sites`: a finding no site placed whose words are a server's own log of a connection
// (a cause with side: server), where the caller is the client the log names, not a guess.
inline constexpr const char* kServerLog = "server-log";

// Where a catalog file comes from: built into the binary, or a user's --patterns-dir. A user's
// rule with a built-in id replaces it; two files of the same origin with one id are a mistake.
enum class RuleOrigin { builtin, user };

struct SourceFile {
    std::string path;
    std::string text;
    RuleOrigin origin = RuleOrigin::builtin;
};

struct Example {
    std::string text;
    std::string source;                         // where a real message came from
    std::string reason;                         // why a no_match example must not match
    std::map<std::string, std::string> expect;  // fields the finding must have
    std::vector<std::string> expect_fixes;      // the first fixes, in order
    int line = 0;
};

enum class RuleKind { site, cause };

struct Rule {
    RuleKind kind = RuleKind::site;
    std::string id;
    std::string file;
    int line = 0;
    std::string title;
    std::string component;   // site
    std::string stage;       // site
    std::string chain;       // site
    std::string versions;    // site: which variant of the chain
    std::string tool;        // site: the step tool, for tool-specific fixes
    // site: the caller in a few words, where the tool or the component says too little of it
    // ("a Go SSH client (Argo CD, Flux)"): a hedged fix's title names it. "" for the tool.
    std::string caller;
    // site: how sure a match makes the component: "high" when the words name their caller,
    // "medium" when they are only that caller's own wording (no name in them), "low" when several
    // callers print them (a library's) and the component is only the likeliest.
    std::string confidence = "high";
    bool names_caller() const { return confidence != "low"; }
    std::string problem;     // cause
    bool standalone = true;  // cause: may stand without a site
    // cause: whose log the words are. "client" (the side that made the request); "server" when
    // they are a server's own log of a connection (a handshake its client aborted), which names
    // the server and not its caller, so a caller named around them is not this failure's caller.
    // site: "server" when its words or context name a server whose own log the text is (an
    // admission webhook's pod): only such a site names the component of a server-side cause.
    std::string side = "client";
    // cause: what its words say of the certificate check, where the problem alone does not tell
    // (`other`): "ca" (a trust verdict a CA may answer), "certificate" (a verdict on the
    // certificate that no CA answers: a revocation check, an algorithm), "none" (no certificate
    // was in question: the network, a proxy, a registry's answer); "" to go by the problem.
    std::string trust;
    // site: what the caller talks to. "registry" (an image registry, or what the site's lookalike
    // says); "any" for a general HTTPS client (curl, wget) whose failure is a registry's only when
    // the request shows a registry's API: otherwise the finding is a look-alike.
    std::string peer = "registry";
    bool lookalike = false;
    // cause: a look-alike only in that no registry fix applies, whose words are the peer's own
    // answer (a missing manifest): under a registry client's site the peer is still a registry.
    bool peer_answer = false;
    // cause: false when the client failed before any request left it (a credential helper that
    // would not run, a daemon socket it may not open): a site's prose then says the request was
    // not made ({{^request}}), not that the client talked to the peer.
    bool reaches_peer = true;
    // cause: the words say the client chose no registry for a short image name (CRI-O and podman
    // complete none by default): the finding names no registry, rather than Docker's docker.io.
    bool names_no_registry = false;
    int priority = 0;
    std::string regex;         // as written, with {{fragments}}
    // site: a regex over the whole pasted text (a command line, a tool's own output) that names
    // this caller when the failing message itself names none; "" for none. Its {{fragments}} are
    // expanded when the catalog is read.
    std::string context;
    // site: programs whose name, the context regex's first group, does not name this caller (the
    // search goes on past them). A site with a context and no `regex` names its caller only from
    // the text around a message, and only when no other site is named there: a fallback.
    std::vector<std::string> context_except;
    bool context_only() const { return regex.empty() && !context.empty(); }
    std::string expanded;      // fragments expanded: what RE2 compiles
    int regex_line = 0;
    std::string explanation;   // Mustache template over the captures
    std::vector<std::string> references;
    std::vector<Example> match_examples;
    std::vector<Example> no_match_examples;
    // Worked out when the catalog is built (catalog_compiler); empty for rules read at run time.
    RulePrefilter prefilter;          // of `expanded`
    RulePrefilter context_prefilter;  // of `context`
};

struct FixContent {
    std::string description;
    std::string commands;  // one command per line; lines starting with '#' are comments
    std::string manifest;
};

// One typed change a fix makes to the cluster, carried out by `diagnose --apply` (fix/applier).
// `op` names it (vocabulary::fix_operations lists them with their fields); `fields` are its
// arguments as written.
struct FixOperation {
    std::string op;
    std::map<std::string, std::string> fields;
    int line = 0;
};

struct FixRule {
    std::string id;
    std::string file;
    int line = 0;
    std::string title;
    int order = 100;  // smaller comes first in a fix plan
    // A fix answers a finding when every non-empty list names it, or `also_causes` does, and
    // `not_causes` does not; with all five lists empty the fix is never chosen by the planner
    // (the cluster checks pick it). In `sites`, kNoSite stands for a finding no site placed (the
    // message names no caller).
    std::vector<std::string> sites;
    std::vector<std::string> causes;
    std::vector<std::string> stages;
    std::vector<std::string> problems;
    std::vector<std::string> components;
    // never for a finding of these causes, whatever the lists above admit (a re-issue of the
    // certificate, for a public service whose name led to another server)
    std::vector<std::string> not_causes;
    // also for a finding of these causes, whatever the lists above say (the network check for a
    // connection cut under the client, whose problem is `other`)
    std::vector<std::string> also_causes;
    bool registry_fix = false;  // changes how something talks to or trusts a registry
    // answers only a look-alike (a general client's request to a server that is not a registry):
    // the same client talking to a registry has the registry's fix
    bool lookalike_only = false;
    // a registry fix this one takes the place of for a look-alike, wherever that one's filters
    // admit the finding (the same defect in a server that is not a registry)
    std::string stands_in_for;
    // speaks of the failed run (re-creates it): planned only for a finding read from a run, or
    // whose message is a Tekton component's condition, which always belongs to one
    bool needs_run = false;
    bool adds_ca = false;
    // A section (a boolean template value) that must hold for the fix to be planned: a fix built
    // from what the message names (the user and verb RBAC refused) is noise with placeholders.
    std::string only_when;
    FixContent content;
    std::map<std::string, FixContent> variants;  // by step tool
    std::vector<std::string> references;
    std::vector<FixOperation> operations;  // what --apply changes, in order; empty: nothing

    // The fix's texts: its own content, then each tool's variant.
    std::vector<const FixContent*> contents() const {
        std::vector<const FixContent*> out = {&content};
        for (const auto& [_, v] : variants) out.push_back(&v);
        return out;
    }
};

struct ChainVariant {
    std::string versions;
    std::vector<std::string> reasons;  // condition reasons that identify this variant
    std::vector<ChainFrame> frames;
};

struct ChainRule {
    std::string id;
    std::string file;
    int line = 0;
    std::string title;
    std::vector<ChainVariant> variants;  // newest first
};

// A problem with one document, reported like a compiler: file:line: message.
struct CatalogIssue {
    std::string file;
    int line = 0;
    std::string message;
    std::string to_string() const;
};

// A new field in these types goes into catalog_blob.cpp too (the built-in catalog's compact form).
struct Catalog {
    std::vector<Rule> sites;
    std::vector<Rule> causes;
    std::vector<FixRule> fixes;
    std::vector<ChainRule> chains;
    std::map<std::string, std::string> fragments;
    // True for the built-in catalog as compiled at build time: linted, every regex known to
    // compile, every rule's prefilter worked out. The matcher then compiles only what a text needs.
    bool prechecked = false;

    const FixRule* fix(const std::string& id) const;
    const ChainRule* chain(const std::string& id) const;
    const Rule* rule(const std::string& id) const;
};

struct LoadResult {
    Catalog catalog;
    std::vector<CatalogIssue> issues;  // documents that could not be read are left out
};

// Parses every file; a later file with the same kind and id replaces an earlier one, so that
// --patterns-dir can override a built-in rule by id. Never throws on bad documents.
LoadResult load_catalog(const std::vector<SourceFile>& files);

// The built-in catalog plus every *.yaml below `patterns_dir` (when not empty). Throws Error
// (exit 3) naming file:line on the first document that cannot be read. Without a folder, the
// built-in catalog comes from its compact form made at build time (no YAML is read).
Catalog load_catalog_or_throw(const std::string& patterns_dir);

// The embedded files, then those below `patterns_dir`, in a stable order.
std::vector<SourceFile> catalog_sources(const std::string& patterns_dir);

}  // namespace certdoctor
