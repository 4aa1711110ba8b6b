#include "match/lint.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "match/templates.h"
#include "match/matcher.h"
#include "match/regex_export.h"
#include "match/vocabulary.h"
#include "util/error.h"

namespace certdoctor {

namespace {

const std::set<std::string> kKnownCaptures = {
    "registry", "url",  "image",  "step",  "taskrun", "namespace", "task", "host", "tool",
    "resolver", "valid", "detail", "realm", "pipelinerun", "repo", "ip", "code", "webhook",
    "rbac_user", "rbac_verb", "rbac_resource", "rbac_group", "rbac_namespace", "rbac_path", "rbac_bare_path", "rbac_old_resource",
    "rbac_old_scope", "rbac_old_namespace", "service_account", "secret"};

std::string list_of(const std::vector<std::string_view>& words) {
    std::string out;
    for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
    return out;
}

// Whether any of the fix's texts re-creates runs: `{{#reruns}}` holds only for a finding with a run.
bool uses_reruns(const FixRule& f) {
    for (const FixContent* c : f.contents())
        for (const std::string* t : {&c->description, &c->commands, &c->manifest})
            if (t->find("{{#reruns}}") != std::string::npos) return true;
    return false;
}

struct Linter {
    const Catalog& c;
    std::vector<CatalogIssue> issues;

    void issue(const std::string& file, int line, const std::string& message) {
        issues.push_back({file, line, message});
    }

    void vocabulary_word(const std::string& file, int line, const char* what, const std::string& value,
                         const std::vector<std::string_view>& words) {
        if (!vocabulary::contains(words, value))
            issue(file, line, std::string("unknown ") + what + " '" + value + "' (known: " + list_of(words) + ")");
    }

    void file_name_is_id(const std::string& file, int line, const std::string& id) {
        size_t slash = file.find_last_of('/');
        std::string base = file.substr(slash == std::string::npos ? 0 : slash + 1);
        size_t dot = base.rfind('.');
        if (base.substr(0, dot) != id)
            issue(file, line, "the file name must be the id: '" + id + ".yaml'");
    }

    void rule(const Rule& r) {
        file_name_is_id(r.file, r.line, r.id);
        if (r.kind == RuleKind::site) {
            if (!r.context.empty() && !RE2(r.context, rule_regex_options()).ok())
                issue(r.file, r.line, "rule '" + r.id + "': context regex does not compile");
            if (!r.context_except.empty() &&
                (r.context.empty() || RE2(r.context, rule_regex_options()).NumberOfCapturingGroups() < 1))
                issue(r.file, r.line, "rule '" + r.id + "': context_except needs a context regex whose first group is the program");
            if (r.confidence != "high" && r.confidence != "medium" && r.confidence != "low")
                issue(r.file, r.line, "rule '" + r.id + "': confidence is high, medium or low, not '" + r.confidence + "'");
            if (!r.names_caller() && (r.lookalike || r.component == "unknown"))
                issue(r.file, r.line, "rule '" + r.id + "': confidence low names a likely caller, so the site is no look-alike and has a component");
            vocabulary_word(r.file, r.line, "component", r.component, vocabulary::components);
            vocabulary_word(r.file, r.line, "stage", r.stage, vocabulary::stages);
            const ChainRule* chain = c.chain(r.chain);
            if (!chain) {
                issue(r.file, r.line, "rule '" + r.id + "': unknown chain '" + r.chain + "'");
            } else if (!r.versions.empty()) {
                bool found = false;
                for (const auto& v : chain->variants) found = found || v.versions == r.versions;
                if (!found)
                    issue(r.file, r.line, "rule '" + r.id + "': chain '" + r.chain +
                                              "' has no variant for versions '" + r.versions + "'");
            }
            if (r.peer != "registry" && r.peer != "any")
                issue(r.file, r.line, "rule '" + r.id + "': peer is registry or any, not '" + r.peer + "'");
        } else {
            vocabulary_word(r.file, r.line, "problem", r.problem, vocabulary::problems);
            if (r.side != "client" && r.side != "server")
                issue(r.file, r.line, "rule '" + r.id + "': side is client or server, not '" + r.side + "'");
            if (r.peer_answer && !r.lookalike)
                issue(r.file, r.line, "rule '" + r.id + "': peer_answer is for a look-alike cause; this one's peer is "
                                      "already the site's");
            if (!r.trust.empty() && r.trust != "ca" && r.trust != "certificate" && r.trust != "none")
                issue(r.file, r.line, "rule '" + r.id + "': trust is ca, certificate or none, not '" + r.trust + "'");
            if (!r.trust.empty() && r.problem != "other")
                issue(r.file, r.line, "rule '" + r.id + "': trust is for problem other, whose words alone do not "
                                      "tell; problem '" + r.problem + "' already does");
        }
        // RE2 unrolls a counted repetition into a program as long as its count, compiled at every
        // start: a bound in the hundreds costs explain about a millisecond. A line-bounded `[^\n]*?`
        // matches the same lines.
        for (const std::string* text : {&r.expanded, &r.context}) {
            static const RE2 counted("\\{\\d*,(\\d+)\\}");
            re2::StringPiece rest(*text);
            int bound = 0;
            while (RE2::FindAndConsume(&rest, counted, &bound))
                if (bound > 100)
                    issue(r.file, r.regex_line, "rule '" + r.id + "': a counted repetition up to " + std::to_string(bound) +
                                                    " makes a long program to compile at every start; use [^\\n]*? or a bound of 100 at most");
        }
        // A site named from the surrounding text alone has no regex: its examples are whole texts.
        if (!(r.kind == RuleKind::site && r.context_only())) {
            RE2 re(r.expanded, rule_regex_options());
            if (!re.ok()) {
                issue(r.file, r.regex_line, "rule '" + r.id + "': regex does not compile: " + re.error());
            } else {
                // Every named group, once each: RE2's name map keeps a name used twice for its
                // leftmost group only, and the other group's text would be lost without a word.
                std::set<std::string> seen;
                for (const auto& [_, name] : re.CapturingGroupNames()) {
                    if (!kKnownCaptures.count(name))
                        issue(r.file, r.regex_line, "rule '" + r.id + "': unknown capture name '" + name + "'");
                    if (!seen.insert(name).second)
                        issue(r.file, r.regex_line, "rule '" + r.id + "': capture name '" + name +
                                                        "' is used by two groups; share one group between the alternatives");
                }
                // `patterns regexes` exports every cause for grep -E: a construct POSIX cannot say
                // would fail there, not here.
                if (r.kind == RuleKind::cause) {
                    try {
                        (void)to_posix_ere(r.expanded);
                    } catch (const Error& e) {
                        issue(r.file, r.regex_line, "rule '" + r.id + "': the regex has no POSIX form for grep -E: " + e.what());
                    }
                }
            }
        }
        if (r.match_examples.empty())
            issue(r.file, r.line, "rule '" + r.id + "': needs at least one example under examples.match");
        if (r.no_match_examples.empty())
            issue(r.file, r.line, "rule '" + r.id + "': needs at least one example under examples.no_match");
        if (r.explanation.size() < 40)
            issue(r.file, r.line, "rule '" + r.id + "': the explanation must say what is wrong and why");
        for (const std::string* t : {&r.explanation, &r.title}) {
            std::string error = render_explanation(*t, {});
            if (error.rfind("broken template", 0) == 0) issue(r.file, r.line, "rule '" + r.id + "': " + error);
        }
        // A reference is a fixed text, shown only under the sections around it.
        for (const auto& ref : r.references) {
            std::string error = render_explanation(ref, {});
            if (error.rfind("broken template", 0) == 0)
                issue(r.file, r.line, "rule '" + r.id + "': reference '" + ref + "': " + error);
            else if (ref.find("{{") != std::string::npos && !only_explanation_sections(ref))
                issue(r.file, r.line, "rule '" + r.id + "': reference '" + ref +
                                          "' may hold sections ({{#registry_peer}}...{{/registry_peer}}), no values");
        }
        if (std::string raw = raw_tag_error(r.title, "the title", false); !raw.empty())
            issue(r.file, r.line, "rule '" + r.id + "': " + raw);
        if (std::string raw = raw_tag_error(r.explanation, "the explanation", false); !raw.empty())
            issue(r.file, r.line, "rule '" + r.id + "': " + raw);
    }

    // The step that finds the caller comes for every problem whose fix depends on the caller, and
    // for no defect of the certificate itself: a problem added to the vocabulary must be placed.
    void identify_the_caller(const FixRule& f) {
        if (f.problems.empty()) {
            issue(f.file, f.line, "fix '" + f.id + "' must list its problems (every one but a certificate's defects)");
            return;
        }
        for (auto p : vocabulary::problems) {
            bool listed = std::find(f.problems.begin(), f.problems.end(), p) != f.problems.end();
            bool defect = vocabulary::contains(vocabulary::certificate_defects, p);
            if (defect && listed)
                issue(f.file, f.line, "fix '" + f.id + "' lists '" + std::string(p) +
                                          "', a defect of the certificate itself, which no caller changes");
            else if (!defect && !listed)
                issue(f.file, f.line, "fix '" + f.id + "' leaves out problem '" + std::string(p) +
                                          "', whose fix depends on the caller");
        }
    }

    void fix(const FixRule& f) {
        file_name_is_id(f.file, f.line, f.id);
        for (const auto& id : f.sites) {
            if (id == kNoSite || id == kServerLog) continue;
            const Rule* r = c.rule(id);
            if (!r || r->kind != RuleKind::site) issue(f.file, f.line, "fix '" + f.id + "': unknown site '" + id + "'");
        }
        for (const auto* list : {&f.causes, &f.not_causes, &f.also_causes})
            for (const auto& id : *list) {
                const Rule* r = c.rule(id);
                if (!r || r->kind != RuleKind::cause) issue(f.file, f.line, "fix '" + f.id + "': unknown cause '" + id + "'");
            }
        for (const auto& s : f.stages) vocabulary_word(f.file, f.line, "stage", s, vocabulary::stages);
        for (const auto& c : f.components) vocabulary_word(f.file, f.line, "component", c, vocabulary::components);
        for (const auto& p : f.problems) vocabulary_word(f.file, f.line, "problem", p, vocabulary::problems);
        if (f.adds_ca) {
            for (const auto& id : f.also_causes)
                if (const Rule* r = c.rule(id); r && !vocabulary::contains(vocabulary::ca_problems, r->problem))
                    issue(f.file, f.line, "fix '" + f.id + "' adds a CA, which cannot fix cause '" + id + "' (problem '" +
                                              r->problem + "')");
            for (const auto& p : f.problems)
                if (!vocabulary::contains(vocabulary::ca_problems, p))
                    issue(f.file, f.line, "fix '" + f.id + "' adds a CA, which cannot fix problem '" + p + "'");
            // Chosen by its applies_to with no problems, it would come for a time-out too. (A fix
            // with no applies_to at all is chosen by the cluster checks, which know the problem.)
            bool chosen_by_applies_to = !f.sites.empty() || !f.causes.empty() || !f.stages.empty() ||
                                        !f.components.empty();
            if (chosen_by_applies_to && f.problems.empty())
                issue(f.file, f.line, "fix '" + f.id + "' adds a CA: its applies_to must list the problems a CA answers");
        }
        if (f.id == "add-ca-to-config-registry-cert" || f.id == "set-step-command")
            for (const auto& s : f.stages)
                if (!vocabulary::contains(vocabulary::controller_registry_stages, s))
                    issue(f.file, f.line, "fix '" + f.id + "' only helps where the controller itself "
                                          "talks to the registry, not at stage '" + s + "'");
        if (f.id == "identify-the-caller") identify_the_caller(f);
        if (f.registry_fix) {
            for (const auto& p : f.problems)
                if (p == "not-found" || p == "other")
                    issue(f.file, f.line, "registry fix '" + f.id + "' cannot answer problem '" + p + "'");
            for (const auto& site : c.sites)
                if (site.lookalike && std::find(f.stages.begin(), f.stages.end(), site.stage) != f.stages.end())
                    issue(f.file, f.line, "registry fix '" + f.id + "' applies to stage '" + site.stage +
                                              "' of look-alike site '" + site.id + "'");
        }
        if (!f.stands_in_for.empty()) {
            const FixRule* other = c.fix(f.stands_in_for);
            if (!other || !other->registry_fix)
                issue(f.file, f.line, "fix '" + f.id + "' stands in for '" + f.stands_in_for + "', which is not a registry fix");
            if (f.registry_fix)
                issue(f.file, f.line, "registry fix '" + f.id + "' cannot stand in for another for look-alikes");
        }
        if (!f.needs_run && uses_reruns(f))
            issue(f.file, f.line, "fix '" + f.id + "' re-creates runs ({{#reruns}}) and must say needs_run: true");
        if (f.registry_fix && f.lookalike_only)
            issue(f.file, f.line, "fix '" + f.id + "' cannot be both a registry fix and for look-alikes only");
        for (const auto& op : f.operations) operation(f, op);
        std::string error = check_fix_templates(f);
        if (!error.empty()) issue(f.file, f.line, "fix '" + f.id + "': broken template: " + error);
        if (f.content.commands.empty() && f.content.manifest.empty() && f.content.description.empty() &&
            f.variants.empty())
            issue(f.file, f.line, "fix '" + f.id + "' must say what to do (description, commands or manifest)");
    }

    void operation(const FixRule& f, const FixOperation& op) {
        const vocabulary::OperationSpec* spec = vocabulary::fix_operation(op.op);
        if (!spec) {
            std::vector<std::string_view> known;
            for (const auto& s : vocabulary::fix_operations) known.push_back(s.op);
            issue(f.file, op.line, "fix '" + f.id + "': unknown operation '" + op.op + "' (known: " + list_of(known) + ")");
            return;
        }
        for (size_t i = 0; i < spec->fields.size(); ++i) {
            std::string field(spec->fields[i]);
            auto it = op.fields.find(field);
            if (it == op.fields.end()) {
                issue(f.file, op.line, "fix '" + f.id + "': operation '" + op.op + "' needs '" + field + "'");
                continue;
            }
            if (!vocabulary::contains(spec->values[i], it->second))
                issue(f.file, op.line, "fix '" + f.id + "': operation '" + op.op + "': " + field + " is '" +
                                           it->second + "' (known: " + list_of(spec->values[i]) + ")");
        }
        for (const auto& [field, _] : op.fields)
            if (!vocabulary::contains(spec->fields, field))
                issue(f.file, op.line, "fix '" + f.id + "': operation '" + op.op + "' has no field '" + field +
                                           "' (it takes: " + list_of(spec->fields) + ")");
    }

    void chain(const ChainRule& ch) {
        file_name_is_id(ch.file, ch.line, ch.id);
        for (const auto& v : ch.variants) {
            int failing = 0;
            for (const auto& fr : v.frames) {
                failing += fr.failed ? 1 : 0;
                // A problem, or a cause's id where the cause fails at a frame of its own.
                for (const auto& p : fr.fails_for)
                    if (const Rule* r = c.rule(p); !r || r->kind != RuleKind::cause)
                        vocabulary_word(ch.file, ch.line, "problem", p, vocabulary::problems);
            }
            if (failing != 1)
                issue(ch.file, ch.line, "chain '" + ch.id + "' variant '" + v.versions +
                                            "' must mark exactly one frame with 'fails: true'");
        }
    }

    // A fix's variant is picked by the site that placed the finding, else by the finding's tool,
    // which only a site's `tool:` sets: a variant for a tool no site names, and that is no site's
    // id, is never shown. The tools the fix plan tells apart by name must be named by a site.
    void tools() {
        std::set<std::string> named, site_ids;
        for (const auto& site : c.sites) {
            if (!site.tool.empty()) named.insert(site.tool);
            site_ids.insert(site.id);
        }
        for (const auto& f : c.fixes)
            for (const auto& [tool, _] : f.variants)
                if (!named.count(tool) && !site_ids.count(tool))
                    issue(f.file, f.line, "fix '" + f.id + "' has a variant for tool '" + tool +
                                              "', which no site names (tool: on a site), nor is it a site's id");
        for (auto tool : vocabulary::transport_tools)
            if (!named.count(std::string(tool)))
                issue("patterns/sites", 0, "no site names tool '" + std::string(tool) +
                                               "', which the fix plan tells apart by its transport");
    }
};

}  // namespace

std::vector<CatalogIssue> lint_catalog(const Catalog& catalog) {
    Linter l{catalog, {}};
    l.tools();
    for (const auto& r : catalog.sites) l.rule(r);
    for (const auto& r : catalog.causes) l.rule(r);
    for (const auto& f : catalog.fixes) l.fix(f);
    for (const auto& ch : catalog.chains) l.chain(ch);
    std::set<std::string> ids;
    for (const auto* list : {&catalog.sites, &catalog.causes})
        for (const auto& r : *list)
            if (!ids.insert(r.id).second)
                l.issue(r.file, r.line, "id '" + r.id + "' is used by both a site and a cause");
    return l.issues;
}

}  // namespace certdoctor
