// The literal prefilter's needles: short strings of which every registry or TLS failure line
// holds at least one. They are derived from the catalog's cause regexes (RE2's own prefilter
// analysis), so a rule added to the catalog brings its needles with it.
//
//   Needles n = prefilter_needles(catalog);
//   if (!n.complete) ...  // some cause has no literal: every line must go to the matcher
//   CauseGuards guards(catalog, n);  // the second stage, for lines that hold a needle
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/catalog.h"

namespace certdoctor {

class LiteralScanner;
struct CauseAnalysis;

struct Needles {
    std::vector<std::string> words;  // lower case; a line holds one of them, in any case
    bool complete = true;            // false: a cause regex yields no literal to look for
    std::vector<std::string> unfiltered_rules;  // the causes that made it incomplete
    // What they were derived from, per cause regex of `catalog`, which CauseGuards for the same
    // catalog takes rather than derive it again (compiling every regex's formula is most of the
    // cost of starting a scan).
    std::shared_ptr<const std::vector<CauseAnalysis>> causes;
    const Catalog* catalog = nullptr;
};

// The needles are pieces of RE2's prefilter atoms made of letters, digits, '_', '.', '-' and
// single spaces: characters that no log escapes (JSON, Go %q, HTML) and no normalisation changes,
// so a piece found in a normalised message is found in the raw line too. (The one exception: a
// phrase whose words a log splits with an escaped line break or a run of spaces.)
Needles prefilter_needles(const Catalog& catalog);

// The prefilter's second stage. A needle says that one atom of a cause regex is in the line, but
// most regexes need more: `secrets? "..." not found` needs both "secret" and "not found", and
// ordinary lines hold either alone all the time. For the regexes a needle guards, RE2's prefilter
// formula over the regex's atoms is evaluated on the line, an atom counting as present when its
// piece (the same kind of escape-proof piece as a needle, of any length) is in the line, or when
// it has none. A line it turns down cannot match any of those regexes.
class CauseGuards {
public:
    CauseGuards(const Catalog& catalog, const Needles& needles);
    ~CauseGuards();
    CauseGuards(const CauseGuards&) = delete;
    CauseGuards& operator=(const CauseGuards&) = delete;

    // Could a cause regex guarded by one of `needles` (indexes into Needles::words) match the
    // line? `lower_line` is the line with ASCII letters in lower case.
    bool may_match(std::string_view lower_line, const std::vector<size_t>& needles) const;
    // The same answer with each piece looked for on its own and every formula asked afresh: what
    // may_match, which looks for the pieces in one pass and remembers the formulas' answers by the
    // atoms present, must agree with.
    bool may_match_by_formula(std::string_view lower_line, const std::vector<size_t>& needles) const;

private:
    bool decide(std::string_view lower_line, const std::vector<size_t>& needles, bool fast) const;

    struct Guard;
    std::vector<std::unique_ptr<Guard>> guards_;   // one per cause regex
    std::vector<std::vector<size_t>> guarded_by_;  // per needle: the guards of regexes it stands for
    std::vector<std::string> pieces_;              // every guard's pieces, each once
    std::vector<bool> scanned_;                    // per piece: looked for by piece_scanner_
    std::vector<size_t> scanned_ids_;              // piece_scanner_'s needles, as pieces
    std::unique_ptr<LiteralScanner> piece_scanner_;
};

}  // namespace certdoctor
