#include "logscan/needles.h"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <utility>
#include <set>

#include "match/matcher.h"

namespace certdoctor {

namespace {

constexpr int kMinAtomLength = 3;
constexpr size_t kMinPiece = 4;  // the scanner's fingerprint

bool needle_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// Words that ordinary log lines use all the time: a poor needle when the atom has another.
bool common_word(const std::string& w) {
    static const std::set<std::string> words = {
        "access", "client", "connect", "connection", "could", "denied", "dial", "error", "failed", "found",
        "host", "http", "https", "image", "known", "lookup", "name", "not", "number", "operation", "plain",
        "request", "requested", "resolve", "resource", "response", "route", "server", "service", "tcp",
        "the", "timeout", "unauthorized", "unknown", "version"};
    return words.count(w) > 0;
}

// How good a needle `piece` is: phrases first (far rarer in ordinary lines than any of their
// words), then uncommon words, then longer ones.
std::pair<int, size_t> strength(const std::string& piece) {
    size_t words = 0, common = 0, start = 0;
    for (size_t end = 0; end <= piece.size(); ++end) {
        if (end < piece.size() && piece[end] != ' ') continue;
        ++words;
        std::string w = piece.substr(start, end - start);
        if (common_word(w) || w.size() < 4) ++common;
        start = end + 1;
    }
    int rank = common == words ? 0 : words > 1 ? 2 : 1;  // "not found" is as common as its words
    return {rank, piece.size()};
}

// The strongest piece of `atom`: a run of needle characters and single spaces, such as
// "manifest unknown". '.', '-' and spaces at its ends are dropped: they may stand next to an
// escaped character.
std::string best_piece(const std::string& atom, size_t min_piece = kMinPiece) {
    std::string best, run;
    auto consider = [&] {
        while (!run.empty() && (run.back() == ' ' || run.back() == '.' || run.back() == '-')) run.pop_back();
        size_t lead = 0;
        while (lead < run.size() && (run[lead] == ' ' || run[lead] == '.' || run[lead] == '-')) ++lead;
        run.erase(0, lead);
        if (run.size() >= min_piece && (best.empty() || strength(run) > strength(best))) best = run;
        run.clear();
    };
    for (size_t i = 0; i < atom.size(); ++i) {
        char c = atom[i];
        bool single_space = c == ' ' && !run.empty() && run.back() != ' ' && i + 1 < atom.size() && needle_char(atom[i + 1]);
        if (needle_char(c) || single_space) {
            run += c;
            continue;
        }
        consider();
    }
    consider();
    return best;
}

// A cause regex's prefilter: RE2's formula over its atoms, which AllPotentials evaluates for a
// set of atoms present.
struct Formula {
    re2::FilteredRE2 filter{kMinAtomLength};
    std::vector<std::string> atoms;
    bool compiled = false;  // false: the regex does not compile (the matcher reports it)
    bool open = false;      // it may match with no atom present

    explicit Formula(const std::string& regex) {
        int id = 0;
        if (filter.Add(regex, rule_regex_options(), &id) != RE2::NoError) return;
        filter.Compile(&atoms);
        compiled = true;
        open = may_match({});
    }
    bool may_match(const std::vector<int>& present) const {
        std::vector<int> potential;
        filter.AllPotentials(present, &potential);
        return !potential.empty();
    }
};

// The strongest pieces that still guard the regex: every match holds one of them. The formula
// is asked whether the regex could match with a set of atoms absent, and the weakest atoms are
// dropped from the guard while it still could not.
bool guard_pieces(const Formula& formula, std::set<std::string>& out, std::string& weak_atom) {
    if (!formula.compiled) return true;  // the matcher reports it
    if (formula.open) return false;
    const std::vector<std::string>& atoms = formula.atoms;
    std::vector<std::string> pieces(atoms.size());
    for (size_t i = 0; i < atoms.size(); ++i) pieces[i] = best_piece(atoms[i]);
    // Weakest first: atoms whose piece is unusable, then shorter pieces.
    std::vector<int> order(atoms.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return strength(pieces[a]) < strength(pieces[b]); });
    std::vector<bool> in_guard(atoms.size(), true);
    for (int candidate : order) {
        in_guard[candidate] = false;
        std::vector<int> present;  // every atom outside the guard
        for (size_t i = 0; i < atoms.size(); ++i)
            if (!in_guard[i]) present.push_back(static_cast<int>(i));
        if (formula.may_match(present)) in_guard[candidate] = true;  // needed
    }
    for (size_t i = 0; i < atoms.size(); ++i) {
        if (!in_guard[i]) continue;
        if (pieces[i].size() < kMinPiece) {
            weak_atom = atoms[i];  // only punctuation: cannot be searched for safely
            return false;
        }
        out.insert(pieces[i]);
    }
    return true;
}

}  // namespace

struct CauseGuards::Guard {
    explicit Guard(const std::string& regex) : formula(regex) {
        for (const auto& a : formula.atoms) pieces.push_back(best_piece(a, 1));
    }
    Formula formula;
    std::vector<std::string> pieces;  // per atom, lower case; "" when it has none (counted as present)
};

CauseGuards::CauseGuards(const Catalog& catalog, const Needles& needles) : guarded_by_(needles.words.size()) {
    for (const auto& rule : catalog.causes) {
        auto guard = std::make_unique<Guard>(rule.expanded);
        // The needles this regex's lines hold: those found in one of its guard pieces.
        std::set<std::string> pieces;
        std::string weak;
        bool guarded = guard_pieces(guard->formula, pieces, weak);
        for (size_t w = 0; w < needles.words.size(); ++w) {
            bool stands_for = !guarded;  // an unguarded regex: every needle may stand for it
            for (const auto& p : pieces) stands_for = stands_for || p.find(needles.words[w]) != std::string::npos;
            if (stands_for) guarded_by_[w].push_back(guards_.size());
        }
        guards_.push_back(std::move(guard));
    }
}

CauseGuards::~CauseGuards() = default;

bool CauseGuards::may_match(std::string_view lower_line, const std::vector<size_t>& needles) const {
    std::vector<int> present;
    for (size_t w : needles) {
        if (w >= guarded_by_.size()) return true;
        for (size_t g : guarded_by_[w]) {
            const Guard& guard = *guards_[g];
            if (!guard.formula.compiled || guard.formula.open) return true;
            present.clear();
            for (size_t i = 0; i < guard.pieces.size(); ++i)
                if (guard.pieces[i].empty() || lower_line.find(guard.pieces[i]) != std::string_view::npos)
                    present.push_back(static_cast<int>(i));
            if (guard.formula.may_match(present)) return true;
        }
    }
    return false;
}

Needles prefilter_needles(const Catalog& catalog) {
    Needles out;
    std::set<std::string> pieces;
    for (const auto& rule : catalog.causes) {
        std::string weak;
        if (!guard_pieces(Formula(rule.expanded), pieces, weak)) {
            out.complete = false;
            out.unfiltered_rules.push_back(rule.id + (weak.empty() ? "" : " (atom '" + weak + "')"));
        }
    }
    // A needle that holds another is redundant: the shorter one is found wherever it is.
    for (const auto& p : pieces) {
        bool redundant = false;
        for (const auto& q : pieces)
            if (q != p && p.find(q) != std::string::npos) redundant = true;
        if (!redundant) out.words.push_back(p);
    }
    return out;
}

}  // namespace certdoctor
