// Pasted text and logs (`explain`): every logical line is a failure record.
#pragma once

#include <string>
#include <string_view>

#include "model/record.h"

namespace certdoctor {

// `source` names the input in origins: "argument", "stdin", a file name.
InputBatch read_text(std::string_view text, const std::string& source);

}  // namespace certdoctor
