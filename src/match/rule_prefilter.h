// A rule's literal prefilter, worked out when the catalog is built (the catalog compiler) so that
// a start-up compiles only the regexes that could match its text. From RE2's own prefilter
// analysis of a regex: clauses of lower-case atoms, each clause a set of which every match holds
// at least one. A text that misses a whole clause cannot match the regex.
//
//   RulePrefilter p = rule_prefilter("x509: certificate signed by unknown authority");
//   bool maybe = p.may_match(lowered_ascii_text);
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace certdoctor {

struct RulePrefilter {
    // Empty: any text may match (the regex has no atom to look for, or did not compile).
    std::vector<std::vector<std::string>> clauses;

    // `lower_text` holds ASCII only, with its letters in lower case (see prefilter_text).
    bool may_match(std::string_view lower_text) const;
};

// The clauses for `regex` (compiled with rule_regex_options()).
RulePrefilter rule_prefilter(const std::string& regex);

// `text` with ASCII letters in lower case, or false when it holds a byte outside ASCII: Unicode
// case folding (KELVIN SIGN is a `k`) is then beyond a byte-wise test, and every rule is a
// candidate.
bool prefilter_text(std::string_view text, std::string& lower);

}  // namespace certdoctor
