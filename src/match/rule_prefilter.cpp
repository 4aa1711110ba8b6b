#include "match/rule_prefilter.h"

#include <re2/filtered_re2.h>

#include <algorithm>

#include "match/matcher.h"

namespace certdoctor {

namespace {

// Shorter atoms say little and are treated by RE2 as present everywhere.
constexpr int kMinAtomLength = 3;

}  // namespace

bool RulePrefilter::may_match(std::string_view lower_text) const {
    for (const auto& clause : clauses) {
        bool held = false;
        for (const auto& atom : clause) {
            if (lower_text.find(atom) != std::string_view::npos) {
                held = true;
                break;
            }
        }
        if (!held) return false;
    }
    return true;
}

RulePrefilter rule_prefilter(const std::string& regex) {
    RulePrefilter out;
    re2::FilteredRE2 filter(kMinAtomLength);
    int id = 0;
    if (filter.Add(regex, rule_regex_options(), &id) != RE2::NoError) return out;
    std::vector<std::string> atoms;
    filter.Compile(&atoms);
    auto may_match = [&](const std::vector<bool>& present) {
        std::vector<int> indexes, potential;
        for (size_t i = 0; i < present.size(); ++i)
            if (present[i]) indexes.push_back(static_cast<int>(i));
        filter.AllPotentials(indexes, &potential);
        return !potential.empty();
    };
    if (atoms.empty() || may_match(std::vector<bool>(atoms.size(), false))) return out;  // open
    // Atoms every match holds: a clause of one each.
    for (size_t i = 0; i < atoms.size(); ++i) {
        std::vector<bool> present(atoms.size(), true);
        present[i] = false;
        if (!may_match(present)) out.clauses.push_back({atoms[i]});
    }
    // One clause of alternatives: drop atoms (shortest first) while the regex still could not
    // match with every dropped atom present and the rest absent.
    std::vector<size_t> order(atoms.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return atoms[a].size() < atoms[b].size(); });
    std::vector<bool> in_clause(atoms.size(), true);
    for (size_t candidate : order) {
        in_clause[candidate] = false;
        std::vector<bool> present(atoms.size());
        for (size_t i = 0; i < atoms.size(); ++i) present[i] = !in_clause[i];
        if (may_match(present)) in_clause[candidate] = true;
    }
    std::vector<std::string> alternatives;
    for (size_t i = 0; i < atoms.size(); ++i)
        if (in_clause[i]) alternatives.push_back(atoms[i]);
    if (alternatives.size() > 1)
        out.clauses.push_back(std::move(alternatives));  // a single one is a unit clause above
    return out;
}

bool prefilter_text(std::string_view text, std::string& lower) {
    lower.resize(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) return false;
        lower[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return true;
}

}  // namespace certdoctor
