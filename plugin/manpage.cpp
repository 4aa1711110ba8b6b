#include "manpage.h"

#include <sstream>

#include "command_tree.h"
#include "version.h"

namespace certdoctor {
namespace {

// Text for roff: backslashes as \e, '-' as \- (so that flags copy and paste as ASCII), and a
// line that would start with '.' or '\'' (a request) made plain with \&.
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
        line_start = c == '\n';
    }
    return out;
}

std::string flag_spec(const CLI::Option* opt) {
    std::string spec;
    for (const auto& s : opt->get_snames())
        spec += (spec.empty() ? "" : ", ") + std::string("\\fB\\-") + roff(s) + "\\fR";
    for (const auto& l : opt->get_lnames())
        spec += (spec.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roff(l) + "\\fR";
    if (opt->get_type_size_max() > 0 && !opt->get_option_text().empty())
        spec += " \\fI" + roff(opt->get_option_text()) + "\\fR";
    return spec;
}

void flags(std::ostringstream& o, const CLI::App& cmd, bool global) {
    for (const CLI::Option* opt : cmd.get_options()) {
        if (opt->get_positional() || opt->get_lnames() == std::vector<std::string>{"help"})
            continue;
        if ((opt->get_group() == kGlobalGroup) != global && cmd.get_parent() != nullptr) continue;
        o << ".TP\n" << flag_spec(opt) << "\n" << roff(opt->get_description()) << "\n";
    }
}

// A footer: its "Examples:" / "Exit codes" paragraphs, verbatim.
void footer(std::ostringstream& o, const std::string& text) {
    if (text.empty()) return;
    o << ".PP\n.nf\n.RS 4\n" << roff(text) << "\n.RE\n.fi\n";
}

void command(std::ostringstream& o, const CLI::App& cmd) {
    std::string usage = command_path(cmd);
    for (const CLI::Option* opt : cmd.get_options())
        if (opt->get_positional()) usage += " [" + opt->get_option_text() + "]";
    auto subs = cmd.get_subcommands([](const CLI::App* c) { return !c->get_group().empty(); });
    if (!subs.empty()) usage += " COMMAND";
    o << ".SS \"" << roff(usage.substr(std::string(kName).size() + 1)) << "\"\n"
      << roff(cmd.get_description()) << "\n";
    for (const CLI::Option* opt : cmd.get_options())
        if (opt->get_positional())
            o << ".TP\n\\fI" << roff(opt->get_option_text()) << "\\fR\n"
              << roff(opt->get_description()) << "\n";
    flags(o, cmd, false);
    footer(o, cmd.get_footer());
    for (const CLI::App* sub : subs) command(o, *sub);
}

}  // namespace

std::string render_manpage(const CLI::App& app, const std::string& date) {
    std::ostringstream o;
    o << ".\\\" Generated from the command tree by `kubectl-tekton_certdoctor __manpage`.\n"
      << ".TH KUBECTL\\-TEKTON_CERTDOCTOR 1 \"" << date.substr(0, 10) << "\" \"tekton-certdoctor "
      << CERTDOCTOR_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\nkubectl\\-tekton_certdoctor \\- diagnose Tekton runs that fail on registry "
         "certificates\n"
      << ".SH SYNOPSIS\n.B kubectl tekton\\-certdoctor\n\\fICOMMAND\\fR [\\fIFLAGS\\fR]\n"
      << ".br\n.B kubectl\\-tekton_certdoctor\n\\fICOMMAND\\fR [\\fIFLAGS\\fR]\n"
      << ".SH DESCRIPTION\n"
      << roff(app.get_description()) << "\n"
      << ".PP\nkubectl finds the binary on PATH and runs it as \\fBkubectl "
         "tekton\\-certdoctor\\fR.\n"
      << ".SH COMMANDS\n";
    for (const CLI::App* sub :
         app.get_subcommands([](const CLI::App* c) { return !c->get_group().empty(); }))
        command(o, *sub);
    o << ".SH \"GLOBAL FLAGS\"\nEvery command takes these.\n";
    flags(o, app, true);
    o << ".SH \"EXIT STATUS\"\n";
    footer(o, kExitCodes);
    o << ".SH \"SEE ALSO\"\n\\fBkubectl\\fR(1)\n";
    return o.str();
}

}  // namespace certdoctor
