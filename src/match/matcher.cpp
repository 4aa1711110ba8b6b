#include "match/matcher.h"

#include <algorithm>

#include "util/error.h"

namespace certdoctor {

RE2::Options rule_regex_options() {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(64 << 20);
    return options;
}

Matcher::Matcher(const Catalog& catalog) {
    set_ = std::make_unique<RE2::Set>(rule_regex_options(), RE2::UNANCHORED);
    for (const auto* list : {&catalog.sites, &catalog.causes}) {
        for (const auto& rule : *list) {
            auto re = std::make_unique<RE2>(rule.expanded, rule_regex_options());
            std::string error;
            if (!re->ok() || set_->Add(rule.expanded, &error) < 0) {
                throw Error(rule.file + ":" + std::to_string(rule.regex_line) + ": rule '" +
                                rule.id + "': regex does not compile: " + re->error(),
                            ExitCode::not_understood);
            }
            rules_.push_back({&rule, std::move(re)});
        }
    }
    if (!set_->Compile()) throw Error("the pattern catalog is too large to compile into one set");
}

std::optional<RuleMatch> Matcher::run(const Compiled& c, std::string_view message, bool captures) const {
    const RE2& re = *c.re;
    int groups = captures ? re.NumberOfCapturingGroups() + 1 : 1;  // the whole match alone: the DFA suffices
    std::vector<re2::StringPiece> pieces(groups);
    re2::StringPiece text(message.data(), message.size());
    if (!re.Match(text, 0, text.size(), RE2::UNANCHORED, pieces.data(), groups)) return std::nullopt;
    RuleMatch m;
    m.rule = c.rule;
    m.begin = pieces[0].data() - text.data();
    m.end = m.begin + pieces[0].size();
    if (!captures) return m;
    for (const auto& [name, index] : re.NamedCapturingGroups()) {
        const auto& piece = pieces[index];
        if (piece.data() != nullptr && !piece.empty()) m.captures[name] = std::string(piece);
    }
    return m;
}

namespace {
// True when `a` should be preferred over `b`.
bool outranks(const RuleMatch& a, const RuleMatch& b) {
    if (a.rule->lookalike != b.rule->lookalike) return a.rule->lookalike;
    if (a.rule->priority != b.rule->priority) return a.rule->priority > b.rule->priority;
    if (a.begin != b.begin) return a.begin < b.begin;
    return (a.end - a.begin) > (b.end - b.begin);
}
}  // namespace

std::vector<RuleMatch> Matcher::all_matches(std::string_view message) const {
    std::vector<int> hits;
    std::vector<RuleMatch> out;
    if (!set_->Match(re2::StringPiece(message.data(), message.size()), &hits)) return out;
    for (int index : hits)
        if (auto m = run(rules_[index], message, true)) out.push_back(std::move(*m));
    std::stable_sort(out.begin(), out.end(), [](const RuleMatch& a, const RuleMatch& b) {
        if (a.rule->kind != b.rule->kind) return a.rule->kind == RuleKind::site;
        return outranks(a, b);
    });
    return out;
}

MessageMatch Matcher::match(std::string_view message) const {
    std::vector<int> hits;
    MessageMatch result;
    if (!set_->Match(re2::StringPiece(message.data(), message.size()), &hits)) return result;
    // The best site and cause are chosen by where the rules match; only those two are then run
    // again for their captures (RE2 finds the same whole match with or without them).
    const Compiled* site = nullptr;
    const Compiled* cause = nullptr;
    std::optional<RuleMatch> best_site, best_cause;
    for (int index : hits) {
        const Compiled& c = rules_[index];
        auto m = run(c, message, false);
        if (!m) continue;
        bool is_site = c.rule->kind == RuleKind::site;
        auto& best = is_site ? best_site : best_cause;
        if (!best || outranks(*m, *best)) {
            best = std::move(m);
            (is_site ? site : cause) = &c;
        }
    }
    if (site) result.site = run(*site, message, true);
    // A cause that may not stand alone counts only with a site: the best of those that may, then.
    if (cause && !site && !cause->rule->standalone) {
        cause = nullptr;
        best_cause.reset();
        for (int index : hits) {
            const Compiled& c = rules_[index];
            if (c.rule->kind != RuleKind::cause || !c.rule->standalone) continue;
            auto m = run(c, message, false);
            if (m && (!best_cause || outranks(*m, *best_cause))) {
                best_cause = std::move(m);
                cause = &c;
            }
        }
    }
    if (cause) result.cause = run(*cause, message, true);
    return result;
}

bool Matcher::any(std::string_view message) const {
    return set_->Match(re2::StringPiece(message.data(), message.size()), nullptr);
}

}  // namespace certdoctor
