// The literal prefilter's needles: short strings of which every registry or TLS failure line
// holds at least one. They are derived from the catalog's cause regexes (RE2's own prefilter
// analysis), so a rule added to the catalog brings its needles with it.
//
//   Needles n = prefilter_needles(catalog);
//   if (!n.complete) ...  // some cause has no literal: every line must go to the matcher
#pragma once

#include <string>
#include <vector>

#include "match/catalog.h"

namespace certdoctor {

struct Needles {
    std::vector<std::string> words;  // lower case; a line holds one of them, in any case
    bool complete = true;            // false: a cause regex yields no literal to look for
    std::vector<std::string> unfiltered_rules;  // the causes that made it incomplete
};

// The needles are pieces of RE2's prefilter atoms made of letters, digits, '_', '.', '-' and
// single spaces: characters that no log escapes (JSON, Go %q, HTML) and no normalisation changes,
// so a piece found in a normalised message is found in the raw line too. (The one exception: a
// phrase whose words a log splits with an escaped line break or a run of spaces.)
Needles prefilter_needles(const Catalog& catalog);

}  // namespace certdoctor
