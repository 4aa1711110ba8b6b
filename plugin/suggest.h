// "Did you mean this?" for a mistyped command or flag, as cobra (kubectl) chooses: names within
// two edits of what was typed, or that start with it.
#pragma once

#include <string>
#include <vector>

namespace certdoctor {

std::vector<std::string> suggestions(const std::string& typed,
                                     const std::vector<std::string>& names);

// The lines kubectl prints after the error: "\nDid you mean this?\n\tNAME\n" ("" for none).
std::string did_you_mean(const std::vector<std::string>& names);

}  // namespace certdoctor
