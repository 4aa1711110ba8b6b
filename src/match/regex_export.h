// The catalog's cause regexes for other tools: `patterns regexes` prints them for `rg -f` (RE2
// syntax, which ripgrep reads as it is) or `grep -E -f` (POSIX extended syntax with GNU's \b),
// so that a log can be searched for the same failures where the plugin is not installed, and so
// that the benchmark compares like with like.
#pragma once

#include <string>

namespace certdoctor {

// `re2` in POSIX ERE: (?P<name>...) and (?:...) become (...), \d \s \S \w become bracket
// classes, lazy quantifiers become greedy ones (the same lines match). Throws Error on a
// construct ERE cannot say.
std::string to_posix_ere(const std::string& re2);

// `re2` with its named groups made non-capturing: tools that join many regexes into one (rg -f)
// refuse a name that appears twice.
std::string without_group_names(const std::string& re2);

}  // namespace certdoctor
