#include "fix/export.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <system_error>

#include "util/bounded_json.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/json_access.h"
#include "util/text.h"

namespace certdoctor {

namespace fs = std::filesystem;

namespace {

std::string two_digits(size_t n) {
    return (n < 10 ? "0" : "") + std::to_string(n);
}

// A fix's commands with their comments, in order, as shell lines.
std::string script_lines(const FixView& fix) {
    std::string out;
    size_t next = 0;
    auto comments_before = [&](size_t command) {
        for (; next < fix.comments.size() && fix.comments[next].before <= command; ++next)
            out += "# " + visible(fix.comments[next].text) + "\n";
    };
    for (size_t k = 0; k < fix.commands.size(); ++k) {
        comments_before(k);
        out += fix.commands[k] + "\n";
    }
    comments_before(fix.commands.size());
    return out;
}

bool is_backup(const std::string& command) {
    return command.find(".backup.yaml") != std::string::npos;
}

std::string describe(const ObjectRef& o) {
    if (o.empty()) return "";
    return o.kind + " " + (o.namespace_.empty() ? "" : o.namespace_ + "/") + o.name;
}

ObjectRef object_of(const nlohmann::json& j) {
    if (!j.is_object()) return {};
    return {text_at(j, {"kind"}), text_at(j, {"namespace"}), text_at(j, {"name"})};
}

std::vector<std::string> strings_of(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& s : j)
            if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

}  // namespace

Report report_from_json(const std::string& text, const std::string& source) {
    BoundedJson parsed = parse_json_bounded(text);
    const nlohmann::json& d = parsed.value;
    if (!parsed.ok() || !d.is_object() || text_at(d, {"schema"}) != "tekton-certdoctor/report/v1" ||
        !json_at(d, {"findings"}).is_array())
        throw Error(source +
                        ": not a report of `diagnose -o json` or `explain -o json` (schema "
                        "tekton-certdoctor/report/v1)",
                    ExitCode::not_understood);
    Report r;
    r.source = text_at(d, {"source"});
    for (const auto& jf : json_at(d, {"findings"})) {
        Finding f;
        f.title = text_at(jf, {"title"});
        f.component = text_at(jf, {"component"});
        f.problem = text_at(jf, {"problem"});
        f.registry = text_at(jf, {"registry"});
        f.object = object_of(json_at(jf, {"object"}));
        f.parent = object_of(json_at(jf, {"parent"}));
        const auto& fixes = json_at(jf, {"fixes"});
        if (fixes.is_array())
            for (const auto& jx : fixes) {
                FixView v;
                v.id = text_at(jx, {"id"});
                v.title = text_at(jx, {"title"});
                v.description = text_at(jx, {"description"});
                v.manifest = text_at(jx, {"manifest"});
                v.commands = strings_of(json_at(jx, {"commands"}));
                const auto& comments = json_at(jx, {"comments"});
                if (comments.is_array())
                    for (const auto& c : comments) {
                        const auto& before = json_at(c, {"before"});
                        v.comments.push_back(
                            {before.is_number_unsigned() ? before.get<size_t>() : v.commands.size(),
                             text_at(c, {"text"})});
                    }
                // A fix id names files: only the catalog's lower-case words.
                bool id_ok = !v.id.empty() && v.id.size() <= 64;
                for (char c : v.id)
                    id_ok = id_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
                if (!id_ok)
                    throw Error(source + ": a fix id that is not a catalog id",
                                ExitCode::not_understood);
                f.fixes.push_back(std::move(v));
            }
        r.findings.push_back(std::move(f));
    }
    r.status = r.findings.empty() ? ReportStatus::no_problems : ReportStatus::problems_found;
    return r;
}

std::vector<ExportFile> export_files(const Report& report) {
    std::vector<ExportFile> files;
    std::string runbook =
        "# Runbook\n\nWhat `kubectl tekton-certdoctor` found in " + markdown_text(report.source) +
        ", and the changes that fix it, in order. Run `backup.sh` first: it saves every object the "
        "changes touch. Each step's commands are also in a script of its own, and each manifest in "
        "a "
        "file, named below.\n";
    std::string backup;
    std::set<std::string> backups_seen;
    size_t step = 0;
    for (size_t i = 0; i < report.findings.size(); ++i) {
        const Finding& f = report.findings[i];
        if (f.fixes.empty()) continue;
        runbook += "\n## " + std::to_string(i + 1) + ". " + markdown_text(f.title) + "\n\n";
        std::string where = describe(f.object);
        if (!f.parent.empty()) where += " (in " + describe(f.parent) + ")";
        if (!where.empty()) runbook += markdown_text(where) + "; ";
        runbook += "component " + markdown_code(f.component) + ", problem " +
                   markdown_code(f.problem) +
                   (f.registry.empty() ? "" : ", registry " + markdown_code(f.registry)) + ".\n";
        for (const auto& fix : f.fixes) {
            ++step;
            std::string base = two_digits(step) + "-" + fix.id;
            runbook += "\n### Step " + std::to_string(step) + ": " + markdown_text(fix.title) +
                       " (" + markdown_code(fix.id) + ")\n\n";
            if (!fix.description.empty()) runbook += markdown_text(fix.description) + "\n\n";
            if (!fix.manifest.empty()) {
                files.push_back({base + ".yaml", fix.manifest});
                runbook += "Manifest: " + markdown_code(base + ".yaml") + "\n\n";
            }
            if (!fix.commands.empty()) {
                std::string lines = script_lines(fix);
                files.push_back({base + ".sh", "#!/usr/bin/env bash\n# " + visible(fix.title) +
                                                   " [" + fix.id + "]\n" + lines});
                runbook += "Commands (" + markdown_code(base + ".sh") + "):\n\n" +
                           markdown_block(lines, "sh") + "\n";
                for (const auto& c : fix.commands)
                    if (is_backup(c) && backups_seen.insert(c).second) backup += c + "\n";
            }
        }
    }
    if (step == 0) runbook += "\nNo fix to make: nothing was found that a change fixes.\n";
    files.insert(
        files.begin(),
        {"backup.sh", "#!/usr/bin/env bash\n# Saves every object the runbook's steps change.\n" +
                          (backup.empty() ? "# (no step changes an object)\n" : backup)});
    files.insert(files.begin(), {"runbook.md", runbook});
    return files;
}

std::vector<std::string> export_fixes(const Report& report, const ExportOptions& options) {
    if (options.dir.empty()) throw Error("export needs a folder", ExitCode::usage);
    fs::path dir(options.dir);
    std::error_code ec;
    bool exists = fs::exists(dir, ec);
    if (exists && !fs::is_directory(dir, ec))
        throw Error("export: " + options.dir + " exists and is not a folder", ExitCode::usage);
    bool empty = !exists || fs::is_empty(dir, ec);
    if (!empty && options.overwrite == Overwrite::no)
        throw Error("export: " + options.dir + " is not empty; --force replaces it",
                    ExitCode::usage);
    std::vector<ExportFile> files = export_files(report);

    // Written beside the target, then renamed into place: a failure leaves the target as it was.
    fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    std::string suffix =
        ".certdoctor-" + std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
    fs::path scratch = parent / (dir.filename().string() + suffix + ".new");
    fs::path old = parent / (dir.filename().string() + suffix + ".old");
    auto fail = [&](const std::string& what) {
        std::error_code ignore;
        fs::remove_all(scratch, ignore);
        throw Error("export: " + what, ExitCode::tool_failed);
    };
    if (!fs::create_directory(scratch, ec))
        fail("cannot create a folder beside " + options.dir + ": " + ec.message());
    std::vector<std::string> names;
    for (const auto& file : files) {
        fs::path p = scratch / file.name;
        std::ofstream out(p, std::ios::binary);
        out << file.text;
        out.close();
        if (!out) fail("cannot write " + (dir / file.name).string());
        if (file.name.size() > 3 && file.name.compare(file.name.size() - 3, 3, ".sh") == 0)
            fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add,
                            ec);
        names.push_back(file.name);
    }
    if (exists) {
        fs::rename(dir, old, ec);
        if (ec) fail("cannot move " + options.dir + " aside: " + ec.message());
    }
    fs::rename(scratch, dir, ec);
    if (ec) {
        std::error_code ignore;
        if (exists) fs::rename(old, dir, ignore);
        fail("cannot rename the new folder to " + options.dir + ": " + ec.message());
    }
    if (exists) fs::remove_all(old, ec);
    return names;
}

}  // namespace certdoctor
