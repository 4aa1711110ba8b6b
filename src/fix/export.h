// `export DIR`: the artefacts of a diagnosis as files, for change processes that forbid direct
// applies: each fix's manifest and commands, a runbook.md with every command in order, and a
// backup.sh with the commands that save what the fixes change. The folder is written whole or
// not at all: the files go to a scratch folder beside it, which is renamed into place.
//
//   export_fixes(report, {"change-1234", Overwrite::no});   // throws Error when it is not empty
#pragma once

#include <string>
#include <vector>

#include "model/report.h"

namespace certdoctor {

enum class Overwrite { no, yes };

struct ExportOptions {
    std::string dir;
    Overwrite overwrite = Overwrite::no;
};

// One file of an export: its name in the folder and its text.
struct ExportFile {
    std::string name;
    std::string text;
};

// The files an export writes for `report`, in the order the runbook names them. No I/O.
std::vector<ExportFile> export_files(const Report& report);

// The findings and fixes of a report as `-o json` prints it (schema tekton-certdoctor/report/v1),
// read back for `export`. Throws Error (exit 3) naming `source` when the text is not one.
Report report_from_json(const std::string& text, const std::string& source);

// Writes export_files(report) to options.dir. Throws Error (exit 2) when the folder holds
// anything and Overwrite::no; Error (exit 4) when it cannot be written, leaving no part of it.
// Returns the names written.
std::vector<std::string> export_fixes(const Report& report, const ExportOptions& options);

}  // namespace certdoctor
