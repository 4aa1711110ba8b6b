// The man page kubectl-tekton_certdoctor.1, generated from the command tree (the hidden
// `__manpage` command; the build's `manpage` target writes it next to the binary).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace certdoctor {

// roff (man macros): NAME, SYNOPSIS, DESCRIPTION, COMMANDS with each command's flags and
// examples, GLOBAL FLAGS, EXIT STATUS, SEE ALSO. `date` goes into the title line.
std::string render_manpage(const CLI::App& app, const std::string& date);

}  // namespace certdoctor
