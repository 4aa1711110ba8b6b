#include "logscan/needles.h"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "logscan/literal_scan.h"
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

// What the prefilter derives from one cause regex: its formula, and the pieces that guard it.
struct CauseAnalysis {
    std::shared_ptr<const Formula> formula;
    std::set<std::string> pieces;  // every match holds one of them
    bool guarded = false;          // false: no such pieces (`weak` names the atom that has none)
    std::string weak;
};

namespace {

std::vector<CauseAnalysis> analyse_causes(const Catalog& catalog) {
    std::vector<CauseAnalysis> out;
    for (const auto& rule : catalog.causes) {
        CauseAnalysis a;
        a.formula = std::make_shared<const Formula>(rule.expanded);
        a.guarded = guard_pieces(*a.formula, a.pieces, a.weak);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace

struct CauseGuards::Guard {
    explicit Guard(std::shared_ptr<const Formula> f) : formula(std::move(f)) {
        for (const auto& a : formula->atoms) pieces.push_back(best_piece(a, 1));
    }
    std::shared_ptr<const Formula> formula;
    std::vector<std::string> pieces;  // per atom, lower case; "" when it has none (counted as present)
    std::vector<size_t> piece_ids;    // per atom: its piece among CauseGuards::pieces_

    // The formula's answers so far, by the atoms present (a bit each, up to 64 atoms): a log
    // repeats its lines' shapes, and RE2's evaluation allocates.
    bool may_match(const std::vector<int>& present) const {
        if (pieces.size() > 64) return formula->may_match(present);
        uint64_t key = 0;
        for (int i : present) key |= uint64_t{1} << i;
        {
            std::lock_guard<std::mutex> lock(memo_mutex);
            if (auto it = memo.find(key); it != memo.end()) return it->second;
        }
        bool answer = formula->may_match(present);
        std::lock_guard<std::mutex> lock(memo_mutex);
        if (memo.size() < kMemoEntries) memo.emplace(key, answer);
        return answer;
    }
    static constexpr size_t kMemoEntries = 4096;
    mutable std::mutex memo_mutex;
    mutable std::unordered_map<uint64_t, bool> memo;
};

CauseGuards::CauseGuards(const Catalog& catalog, const Needles& needles) : guarded_by_(needles.words.size()) {
    // The needles' own analysis when they were derived from this catalog.
    std::shared_ptr<const std::vector<CauseAnalysis>> causes = needles.catalog == &catalog ? needles.causes : nullptr;
    if (!causes)
        causes = std::make_shared<const std::vector<CauseAnalysis>>(analyse_causes(catalog));
    std::map<std::string, size_t> piece_ids;
    for (const auto& cause : *causes) {
        auto guard = std::make_unique<Guard>(cause.formula);
        // The needles this regex's lines hold: those found in one of its guard pieces.
        for (size_t w = 0; w < needles.words.size(); ++w) {
            bool stands_for = !cause.guarded;  // an unguarded regex: every needle may stand for it
            for (const auto& p : cause.pieces) stands_for = stands_for || p.find(needles.words[w]) != std::string::npos;
            if (stands_for) guarded_by_[w].push_back(guards_.size());
        }
        // Each piece is looked for once a line, whichever regexes share it.
        for (const auto& p : guard->pieces) {
            auto [it, added] = piece_ids.try_emplace(p, pieces_.size());
            if (added) pieces_.push_back(p);
            guard->piece_ids.push_back(it->second);
        }
        guards_.push_back(std::move(guard));
    }
    // The pieces the literal scanner can look for (4 bytes or more) are looked for in one pass.
    std::vector<std::string> scanned;
    scanned_.assign(pieces_.size(), false);
    for (size_t p = 0; p < pieces_.size(); ++p) {
        if (pieces_[p].size() < kMinPiece) continue;
        scanned_[p] = true;
        scanned_ids_.push_back(p);
        scanned.push_back(pieces_[p]);
    }
    if (!scanned.empty()) piece_scanner_ = std::make_unique<LiteralScanner>(scanned);
}

CauseGuards::~CauseGuards() = default;

bool CauseGuards::may_match(std::string_view lower_line, const std::vector<size_t>& needles) const {
    return decide(lower_line, needles, true);
}

bool CauseGuards::may_match_by_formula(std::string_view lower_line, const std::vector<size_t>& needles) const {
    return decide(lower_line, needles, false);
}

bool CauseGuards::decide(std::string_view lower_line, const std::vector<size_t>& needles, bool fast) const {
    // What this line is known to hold: per piece, 0 not looked for yet, 1 held, 2 not; then per
    // guard, whether it has been asked already.
    thread_local std::vector<uint8_t> known;
    thread_local std::vector<size_t> found;
    thread_local std::vector<int> present;
    known.assign(pieces_.size() + guards_.size(), 0);
    bool scanned = false;
    auto holds = [&](size_t piece) {
        if (pieces_[piece].empty()) return true;
        if (fast && scanned_[piece] && !scanned) {  // every long piece at once
            scanned = true;
            for (size_t id : scanned_ids_) known[id] = 2;
            piece_scanner_->needles_in(lower_line.data(), lower_line.data() + lower_line.size(), found);
            for (size_t k : found) known[scanned_ids_[k]] = 1;
        }
        if (!known[piece]) known[piece] = lower_line.find(pieces_[piece]) != std::string_view::npos ? 1 : 2;
        return known[piece] == 1;
    };
    for (size_t w : needles) {
        if (w >= guarded_by_.size()) return true;
        for (size_t g : guarded_by_[w]) {
            if (std::exchange(known[pieces_.size() + g], 1)) continue;
            const Guard& guard = *guards_[g];
            if (!guard.formula->compiled || guard.formula->open) return true;
            present.clear();
            for (size_t i = 0; i < guard.pieces.size(); ++i)
                if (holds(guard.piece_ids[i])) present.push_back(static_cast<int>(i));
            if (fast ? guard.may_match(present) : guard.formula->may_match(present)) return true;
        }
    }
    return false;
}

Needles prefilter_needles(const Catalog& catalog) {
    Needles out;
    auto causes = std::make_shared<const std::vector<CauseAnalysis>>(analyse_causes(catalog));
    std::set<std::string> pieces;
    for (size_t i = 0; i < causes->size(); ++i) {
        const CauseAnalysis& cause = (*causes)[i];
        pieces.insert(cause.pieces.begin(), cause.pieces.end());
        if (!cause.guarded) {
            out.complete = false;
            out.unfiltered_rules.push_back(catalog.causes[i].id + (cause.weak.empty() ? "" : " (atom '" + cause.weak + "')"));
        }
    }
    // A needle that holds another is redundant: the shorter one is found wherever it is.
    std::vector<std::string> by_length(pieces.begin(), pieces.end());
    std::stable_sort(by_length.begin(), by_length.end(), [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
    for (const auto& p : pieces) {
        bool redundant = false;
        for (size_t k = 0; k < by_length.size() && by_length[k].size() < p.size() && !redundant; ++k)
            redundant = p.find(by_length[k]) != std::string::npos;
        if (!redundant) out.words.push_back(p);
    }
    out.causes = std::move(causes);
    out.catalog = &catalog;
    return out;
}

}  // namespace certdoctor
