#include "match/matcher.h"

#include <algorithm>
#include <cctype>

#include "match/rule_prefilter.h"
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

namespace {

// The prefilter serves short messages, up to this many bytes each (and prefilter_budget_ in all).
constexpr size_t kPrefilterMessageBytes = 4096;

}  // namespace

Matcher::Matcher(const Catalog& catalog, size_t prefilter_budget)
    : prefiltered_(catalog.prechecked), prefilter_budget_(prefilter_budget) {
    for (const auto* list : {&catalog.sites, &catalog.causes})
        for (const auto& rule : *list)
            if (!rule.context_only()) rules_.push_back(std::make_unique<Compiled>(&rule, rule.expanded));
    for (const auto& site : catalog.sites)
        if (!site.context.empty()) contexts_.push_back(std::make_unique<Compiled>(&site, site.context));
    if (prefiltered_) return;  // every regex was compiled when the catalog was built
    set();                     // a rule that does not compile fails here
    for (const auto& c : contexts_)
        if (!c->re().ok())
            throw Error(c->rule->file + ":" + std::to_string(c->rule->line) + ": rule '" + c->rule->id +
                            "': context regex does not compile: " + c->re().error(),
                        ExitCode::not_understood);
}

const RE2::Set& Matcher::set() const {
    std::call_once(set_once_, [this] {
        auto set = std::make_unique<RE2::Set>(rule_regex_options(), RE2::UNANCHORED);
        for (const auto& c : rules_) {
            // The set parses the regex as RE2 would: a rule that does not compile fails here.
            std::string error;
            if (set->Add(c->pattern, &error) < 0) {
                throw Error(c->rule->file + ":" + std::to_string(c->rule->regex_line) + ": rule '" + c->rule->id +
                                "': regex does not compile: " + error,
                            ExitCode::not_understood);
            }
        }
        if (!set->Compile()) throw Error("the pattern catalog is too large to compile into one set");
        set_ = std::move(set);
    });
    return *set_;
}

std::vector<int> Matcher::candidates(std::string_view message, bool& confirmed) const {
    std::vector<int> out;
    std::string lower;
    if (prefiltered_ && message.size() <= kPrefilterMessageBytes &&
        prefilter_bytes_.load(std::memory_order_relaxed) < prefilter_budget_ && prefilter_text(message, lower)) {
        prefilter_bytes_.fetch_add(message.size(), std::memory_order_relaxed);
        for (size_t i = 0; i < rules_.size(); ++i)
            if (rules_[i]->rule->prefilter.may_match(lower)) out.push_back(static_cast<int>(i));
        confirmed = false;
        return out;
    }
    if (!set().Match(re2::StringPiece(message.data(), message.size()), &out)) out.clear();
    std::sort(out.begin(), out.end());  // catalog order, whichever way the rules were found
    confirmed = true;
    return out;
}

bool Matcher::matches(const Compiled& c, std::string_view message) const {
    return c.re().Match(re2::StringPiece(message.data(), message.size()), 0, message.size(), RE2::UNANCHORED, nullptr, 0);
}

std::vector<int> Matcher::hits(std::string_view message) const {
    bool confirmed = false;
    std::vector<int> out = candidates(message, confirmed);
    if (!confirmed)
        out.erase(std::remove_if(out.begin(), out.end(), [&](int i) { return !matches(*rules_[i], message); }), out.end());
    return out;
}

std::vector<ContextMatch> Matcher::context_sites(std::string_view text) const {
    std::vector<ContextMatch> out;
    std::string lower;
    bool filter = prefiltered_ && prefilter_text(text, lower);
    re2::StringPiece input(text.data(), text.size());
    for (const auto& c : contexts_) {
        if (filter && !c->rule->context_prefilter.may_match(lower)) continue;
        const auto& except = c->rule->context_except;
        if (except.empty()) {
            re2::StringPiece whole;
            if (c->re().Match(input, 0, input.size(), RE2::UNANCHORED, &whole, 1))
                out.push_back({c->rule, std::string(whole.substr(0, 120))});
            continue;
        }
        // The first match whose program (group 1) is not one the site leaves out, among a bounded
        // number of matches.
        re2::StringPiece found[2];
        size_t at = 0;
        for (int tries = 0; tries < 64 && at <= input.size(); ++tries) {
            if (!c->re().Match(input, at, input.size(), RE2::UNANCHORED, found, 2)) break;
            std::string program(found[1].data() ? found[1] : re2::StringPiece());
            for (auto& ch : program) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (!program.empty() && std::find(except.begin(), except.end(), program) == except.end()) {
                out.push_back({c->rule, std::string(found[0].substr(0, 120))});
                break;
            }
            at = static_cast<size_t>(found[0].data() - input.data()) + std::max<size_t>(found[0].size(), 1);
        }
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
// A look-alike site outranks every other site when the message's words name it; one known only by
// the shape of a URL in it (confidence medium: a webhook Service's, a forge's REST API) ranks by
// priority, so an outer wrapper that names the caller (a Tekton resolver's) keeps the message.
// Causes rank by priority alone: a cause's look-alike flag says what its finding is, not how it
// ranks (containerd's local "not found" outranks the registry's missing manifest).
bool outranking_lookalike(const Rule& r) { return r.kind == RuleKind::site && r.lookalike && r.confidence == "high"; }

// True when `a` should be preferred over `b`.
bool outranks(const RuleMatch& a, const RuleMatch& b) {
    if (outranking_lookalike(*a.rule) != outranking_lookalike(*b.rule)) return outranking_lookalike(*a.rule);
    if (a.rule->priority != b.rule->priority) return a.rule->priority > b.rule->priority;
    if (a.begin != b.begin) return a.begin < b.begin;
    return (a.end - a.begin) > (b.end - b.begin);
}
}  // namespace

std::vector<RuleMatch> Matcher::all_matches(std::string_view message) const {
    std::vector<RuleMatch> out;
    for (int index : hits(message))
        if (auto m = run(*rules_[index], message, true)) out.push_back(std::move(*m));
    std::stable_sort(out.begin(), out.end(), [](const RuleMatch& a, const RuleMatch& b) {
        if (a.rule->kind != b.rule->kind) return a.rule->kind == RuleKind::site;
        return outranks(a, b);
    });
    return out;
}

MessageMatch Matcher::match(std::string_view message) const {
    MessageMatch result;
    bool confirmed = false;
    const std::vector<int> candidates = this->candidates(message, confirmed);
    // Whether a candidate matches, found out on first need: from the prefilter, a rule outranked
    // by one that matches is never compiled.
    std::vector<signed char> hit(candidates.size(), confirmed ? 1 : -1);
    auto is_hit = [&](size_t k) {
        if (hit[k] < 0) hit[k] = matches(*rules_[candidates[k]], message) ? 1 : 0;
        return hit[k] == 1;
    };
    // The best rule of a kind among the hits, by the order of `outranks`: look-alike and priority
    // first, which need no run; where several hits tie on those, the whole matches decide (the DFA
    // alone finds them). Only the winner is run again for its captures.
    auto best_of = [&](auto eligible) -> const Compiled* {
        std::vector<size_t> order;  // eligible candidates, best (look-alike, priority) first, else in catalog order
        for (size_t k = 0; k < candidates.size(); ++k)
            if (eligible(*rules_[candidates[k]]->rule)) order.push_back(k);
        auto rank = [&](size_t k) {
            const Rule& r = *rules_[candidates[k]]->rule;
            return std::make_pair(outranking_lookalike(r), r.priority);
        };
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rank(a) > rank(b); });
        for (size_t first = 0; first < order.size();) {
            size_t last = first;
            std::vector<const Compiled*> tied;
            for (; last < order.size() && rank(order[last]) == rank(order[first]); ++last)
                if (is_hit(order[last])) tied.push_back(rules_[candidates[order[last]]].get());
            first = last;
            if (tied.empty()) continue;
            const Compiled* best = tied.front();
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
        }
        return nullptr;
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
    if (prefiltered_ && message.size() <= kPrefilterMessageBytes &&
        prefilter_bytes_.load(std::memory_order_relaxed) < prefilter_budget_)
        return !hits(message).empty();
    return set().Match(re2::StringPiece(message.data(), message.size()), nullptr);
}

}  // namespace certdoctor
