// Matches one normalised message against the whole catalog in one pass: every site and cause
// regex is compiled once into an RE2::Set; only the rules the set reports are re-run for their
// captures. No I/O happens here.
//
// With the built-in catalog (checked at build time, each rule with its literal prefilter) nothing
// is compiled up front: for a few short messages, as `explain` reads, the prefilter picks the rules
// that could match and only those are compiled and run; the set is compiled when the input grows
// (`analyze`, large pastes). Both ways find the same rules.
//
//   Matcher matcher(catalog);
//   MessageMatch m = matcher.match("failed to create task run pod ...");
//   if (m.cause) std::cout << m.cause->rule->problem;
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "match/catalog.h"

namespace certdoctor {

struct RuleMatch {
    const Rule* rule = nullptr;
    size_t begin = 0;  // byte range of the whole match in the message
    size_t end = 0;
    std::map<std::string, std::string> captures;  // named groups that took part
};

struct ContextMatch {
    const Rule* site = nullptr;
    std::string matched;  // what the context regex matched, cut to a readable length
};

struct MessageMatch {
    std::optional<RuleMatch> site;   // where: the best site, by precedence
    std::optional<RuleMatch> cause;  // what: the best cause, by precedence
    // Without a site: the best cause that may not stand alone (a time-out, a refusal, weak
    // credential words). It counts only when the text around the message names one caller.
    std::optional<RuleMatch> dependent_cause;
    bool empty() const { return !site && !cause; }
};

class Matcher {
public:
    // Short messages go through the rules' prefilters until this many bytes were read that way;
    // past it (a log, a large paste) compiling the set once costs less than rule after rule.
    static constexpr size_t kPrefilterBudgetBytes = 32768;

    // Throws Error naming file:line when a rule's regex does not compile. `prefilter_budget`:
    // bytes read through the prefilters before the set takes over (tests compare the two paths).
    explicit Matcher(const Catalog& catalog, size_t prefilter_budget = kPrefilterBudgetBytes);

    // The best site and cause in `message`. Precedence: a look-alike site outranks any other
    // site; then higher `priority`; then the earlier, then the longer match. A cause that may not
    // stand alone (timeouts, refused connections...) counts only with a site.
    MessageMatch match(std::string_view message) const;

    // Every rule whose regex matches, best first within sites and within causes.
    std::vector<RuleMatch> all_matches(std::string_view message) const;

    // A cheap test with the set alone: does any rule match?
    bool any(std::string_view message) const;

    // The sites whose `context` regex matches somewhere in a whole pasted text, each with the
    // text it matched: the callers the surroundings name.
    std::vector<ContextMatch> context_sites(std::string_view text) const;

private:
    // A rule's own RE2 is built on first use: the set finds the hits, and a message hits few rules,
    // so a start-up (explain) compiles the set and the context regexes, not every rule twice.
    struct Compiled {
        const Rule* rule = nullptr;
        std::string pattern;
        mutable std::once_flag once;
        mutable std::unique_ptr<RE2> compiled;
        Compiled(const Rule* r, std::string p) : rule(r), pattern(std::move(p)) {}
        const RE2& re() const;
    };
    std::vector<std::unique_ptr<Compiled>> rules_;
    std::vector<std::unique_ptr<Compiled>> contexts_;  // sites with a context regex
    // Built in the constructor for a catalog read at run time; on first need for a prechecked one.
    mutable std::unique_ptr<RE2::Set> set_;
    mutable std::once_flag set_once_;
    bool prefiltered_ = false;                  // every rule carries its prefilter
    size_t prefilter_budget_ = kPrefilterBudgetBytes;
    mutable std::atomic<size_t> prefilter_bytes_{0};  // matched through the prefilter so far

    const RE2::Set& set() const;
    // The indexes (into rules_), in ascending order, of the rules that may match `message`: from
    // the prefilter (`confirmed` false: each still to be run) or from the set (true: all match).
    std::vector<int> candidates(std::string_view message, bool& confirmed) const;
    // The indexes, in ascending order, of the rules whose regex matches `message`.
    std::vector<int> hits(std::string_view message) const;
    bool matches(const Compiled& c, std::string_view message) const;

    // The rule's match in `message`; with `captures`, its named groups too (slower: not the DFA alone).
    std::optional<RuleMatch> run(const Compiled& c, std::string_view message, bool captures) const;
};

// RE2 options shared by the matcher and the linter.
RE2::Options rule_regex_options();

}  // namespace certdoctor
