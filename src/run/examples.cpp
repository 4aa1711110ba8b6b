// Runs every example of every rule through the engine: a `match` example must be decided by its
// rule (as the site or as the cause) and give the fields it expects; a `no_match` example must
// not match the rule's regex at all.
#include <re2/re2.h>

#include "diagnose/diagnose.h"
#include "fix/fix_plan.h"
#include "input/normalise.h"
#include "run/run.h"
#include "util/text.h"

namespace certdoctor {

namespace {

std::string field_of(const Finding& f, const std::string& key, bool& known) {
    known = true;
    if (key == "component") return f.component;
    if (key == "stage") return f.stage;
    if (key == "problem") return f.problem;
    if (key == "registry") return f.registry;
    if (key == "url") return f.url;
    if (key == "image") return f.image;
    if (key == "step") return f.step;
    if (key == "tool") return f.tool;
    if (key == "host") return f.host;
    if (key == "site") return f.site_rule;
    if (key == "cause") return f.cause_rule;
    if (key == "taskrun") return f.object.name;
    if (key == "namespace") return f.object.namespace_;
    if (key == "lookalike") return f.lookalike ? "true" : "false";
    if (key == "confidence") return f.confidence;
    if (key == "chain") return f.chain.id;
    if (key == "versions") return f.chain.versions;
    known = false;
    return {};
}

// A site named only by the text around a message: its example is a whole pasted text, read as
// `explain` reads it; the primary finding must be placed by this site.
std::string check_context_match(const Engine& engine, const Rule& rule, const Example& ex, Finding& f) {
    Report r = explain_text(engine, ex.text, "example");
    if (r.findings.empty()) return "nothing found";
    f = r.findings.front();
    if (f.site_rule != rule.id) return "placed by '" + f.site_rule + "' instead";
    return "";
}

std::string check_expectations(const Example& ex, const Finding& f) {
    std::string failures;
    for (const auto& [key, want] : ex.expect) {
        bool known = false;
        std::string got = field_of(f, key, known);
        if (!known) failures += "; unknown expect key '" + key + "'";
        else if (got != want) failures += "; " + key + ": want '" + want + "', got '" + got + "'";
    }
    if (!ex.expect_fixes.empty()) {
        std::vector<std::string> got;
        for (const auto& fix : f.fixes) got.push_back(fix.id);
        bool prefix = got.size() >= ex.expect_fixes.size() &&
                      std::equal(ex.expect_fixes.begin(), ex.expect_fixes.end(), got.begin());
        if (!prefix)
            failures += "; fixes: want [" + join(ex.expect_fixes, ", ") + "] first, got [" + join(got, ", ") + "]";
    }
    return failures.empty() ? failures : failures.substr(2);
}

std::string check_context_expectations(const Engine& engine, const Rule& rule, const Example& ex) {
    Finding f;
    if (std::string failed = check_context_match(engine, rule, ex, f); !failed.empty()) return failed;
    return check_expectations(ex, f);
}

std::string check_match(const Engine& engine, const Rule& rule, const Example& ex) {
    Finding f;
    if (rule.kind == RuleKind::site && rule.context_only()) {
        if (std::string failed = check_context_match(engine, rule, ex, f); !failed.empty()) return failed;
    } else {
        FailureRecord record;
        record.message = normalise_message(ex.text);
        record.origin = "example";
        MessageMatch m = engine.matcher().match(record.message);
        const auto& slot = rule.kind == RuleKind::site ? m.site : m.cause;
        // A site with a regex and a context: an example its regex does not match is a pasted text
        // whose surroundings name the caller, checked the way `explain` reads it.
        if (!slot && rule.kind == RuleKind::site && !rule.context.empty())
            return check_context_expectations(engine, rule, ex);
        if (!slot) return "nothing matched as " + std::string(rule.kind == RuleKind::site ? "site" : "cause");
        if (slot->rule != &rule && slot->rule->id != rule.id)
            return "decided by rule '" + slot->rule->id + "' instead";
        f = make_finding(record, m, engine.catalog());
        plan_finding_fixes(f, engine.catalog());
        if (std::string failed = check_expectations(ex, f); !failed.empty()) return failed;
        // And as `explain` reads the same text (a log reader strips a logger's header, the text
        // around the line may name the caller): what the example expects must hold there too.
        Report r = explain_text(engine, ex.text, "example");
        if (r.findings.empty()) return "as explain reads it: nothing found";
        if (std::string failed = check_expectations(ex, r.findings.front()); !failed.empty())
            return "as explain reads it: " + failed;
        return "";
    }
    return check_expectations(ex, f);
}

}  // namespace

std::vector<CatalogExampleRef> list_examples(const Catalog& catalog) {
    std::vector<CatalogExampleRef> examples;
    for (const auto* list : {&catalog.sites, &catalog.causes})
        for (const auto& rule : *list) {
            for (const auto& ex : rule.match_examples) examples.push_back({&rule, &ex, true});
            for (const auto& ex : rule.no_match_examples) examples.push_back({&rule, &ex, false});
        }
    return examples;
}

std::string check_example(const Engine& engine, const CatalogExampleRef& example) {
    const Rule& rule = *example.rule;
    const Example& ex = *example.example;
    if (example.match) return check_match(engine, rule, ex);
    if (rule.kind == RuleKind::site && rule.context_only()) {
        Report r = explain_text(engine, ex.text, "example");
        bool placed = !r.findings.empty() && r.findings.front().site_rule == rule.id;
        return placed ? "placed by it, but must not be: " + ex.reason : "";
    }
    RE2 re(rule.expanded, rule_regex_options());
    bool matched = re.ok() && RE2::PartialMatch(normalise_message(ex.text), re);
    return matched ? "matches, but must not: " + ex.reason : "";
}

std::vector<ExampleResult> run_examples(const Engine& engine) {
    std::vector<ExampleResult> results;
    for (const CatalogExampleRef& ex : list_examples(engine.catalog()))
        results.push_back({ex.rule->file, ex.example->line, ex.rule->id, check_example(engine, ex)});
    return results;
}

}  // namespace certdoctor
