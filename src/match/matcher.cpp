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

const RE2& Matcher::Compiled::re() const {
    std::call_once(once, [this] { compiled = std::make_unique<RE2>(pattern, rule_regex_options()); });
    return *compiled;
}

Matcher::Matcher(const Catalog& catalog) {
    set_ = std::make_unique<RE2::Set>(rule_regex_options(), RE2::UNANCHORED);
    for (const auto* list : {&catalog.sites, &catalog.causes}) {
        for (const auto& rule : *list) {
            // The set parses the regex as RE2 would: a rule that does not compile fails here.
            std::string error;
            if (set_->Add(rule.expanded, &error) < 0) {
                throw Error(rule.file + ":" + std::to_string(rule.regex_line) + ": rule '" +
                                rule.id + "': regex does not compile: " + error,
                            ExitCode::not_understood);
            }
            rules_.push_back(std::make_unique<Compiled>(&rule, rule.expanded));
        }
    }
    if (!set_->Compile()) throw Error("the pattern catalog is too large to compile into one set");
    for (const auto& site : catalog.sites) {
        if (site.context.empty()) continue;
        auto c = std::make_unique<Compiled>(&site, site.context);
        if (!c->re().ok())
            throw Error(site.file + ":" + std::to_string(site.line) + ": rule '" + site.id +
                            "': context regex does not compile: " + c->re().error(),
                        ExitCode::not_understood);
        contexts_.push_back(std::move(c));
    }
}

std::vector<ContextMatch> Matcher::context_sites(std::string_view text) const {
    std::vector<ContextMatch> out;
    re2::StringPiece input(text.data(), text.size());
    for (const auto& c : contexts_) {
        re2::StringPiece whole;
        if (c->re().Match(input, 0, input.size(), RE2::UNANCHORED, &whole, 1))
            out.push_back({c->rule, std::string(whole.substr(0, 120))});
    }
    return out;
}

std::optional<RuleMatch> Matcher::run(const Compiled& c, std::string_view message, bool captures) const {
    const RE2& re = c.re();
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
        if (auto m = run(*rules_[index], message, true)) out.push_back(std::move(*m));
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
    // The best rule of a kind among the set's hits, by the order of `outranks`: look-alike and
    // priority first, which need no run; where several tie on those, the whole matches decide
    // (the DFA alone finds them). Only the winner is run again for its captures.
    auto best_of = [&](auto eligible) -> const Compiled* {
        const Compiled* best = nullptr;
        std::vector<const Compiled*> tied;
        for (int index : hits) {
            const Compiled& c = *rules_[index];
            if (!eligible(*c.rule)) continue;
            if (best && (c.rule->lookalike != best->rule->lookalike ? !c.rule->lookalike
                                                                    : c.rule->priority <= best->rule->priority)) {
                if (c.rule->lookalike == best->rule->lookalike && c.rule->priority == best->rule->priority) tied.push_back(&c);
                continue;
            }
            best = &c;
            tied.assign(1, &c);
        }
        if (tied.size() < 2) return best;
        std::optional<RuleMatch> winner;
        for (const Compiled* c : tied) {
            auto m = run(*c, message, false);
            if (m && (!winner || outranks(*m, *winner))) {
                winner = std::move(m);
                best = c;
            }
        }
        return best;
    };
    const Compiled* site = best_of([](const Rule& r) { return r.kind == RuleKind::site; });
    // A cause that may not stand alone counts only with a site.
    const Compiled* cause = best_of([site](const Rule& r) { return r.kind == RuleKind::cause && (site || r.standalone); });
    if (site) result.site = run(*site, message, true);
    if (cause) result.cause = run(*cause, message, true);
    if (!site && !cause) {
        const Compiled* dependent = best_of([](const Rule& r) { return r.kind == RuleKind::cause && !r.standalone; });
        if (dependent) result.dependent_cause = run(*dependent, message, true);
    }
    return result;
}

bool Matcher::any(std::string_view message) const {
    return set_->Match(re2::StringPiece(message.data(), message.size()), nullptr);
}

}  // namespace certdoctor
