// The build's catalog compiler: reads patterns/ (as embedded), lints it, checks that every regex
// compiles, works out each rule's prefilter and writes the catalog's compact form as a C++ file
// that the binary compiles in. A catalog with any issue fails the build, reported like a compiler.
// usage: catalog_compiler OUTPUT.cpp [EXTRA-PATTERNS-DIR]
// (EXTRA-PATTERNS-DIR, read as --patterns-dir is, serves the test that a bad rule fails the build.)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "match/catalog.h"
#include "match/catalog_blob.h"
#include "match/lint.h"
#include "match/matcher.h"
#include "util/error.h"

namespace certdoctor {
namespace {

// `blob` as C++ string literals: printable ASCII as is, every other byte as a three-digit octal
// escape (which cannot swallow the next character, as a hex one can).
std::string as_literals(const std::string& blob) {
    std::string out = "    \"";
    size_t column = 0;
    for (char ch : blob) {
        auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
            out += ch;
            ++column;
        } else {
            char escape[5];
            std::snprintf(escape, sizeof escape, "\\%03o", c);
            out += escape;
            column += 4;
        }
        if (c == '\n' || column >= 100) {
            out += "\"\n    \"";
            column = 0;
        }
    }
    return out + "\"";
}

int compile_catalog(const std::string& output, const std::string& extra_dir) {
    LoadResult loaded = load_catalog(catalog_sources(extra_dir));
    std::vector<CatalogIssue> issues = std::move(loaded.issues);
    for (auto& issue : lint_catalog(loaded.catalog)) issues.push_back(std::move(issue));
    for (const auto& issue : issues) std::cerr << issue.to_string() << "\n";
    if (!issues.empty()) {
        std::cerr << "catalog_compiler: " << issues.size() << " issue(s) in patterns/\n";
        return 1;
    }
    Catalog& catalog = loaded.catalog;
    Matcher check(catalog);  // every regex and context regex compiles (throws Error otherwise)
    for (auto* list : {&catalog.sites, &catalog.causes}) {
        for (auto& rule : *list) {
            if (!rule.expanded.empty()) rule.prefilter = rule_prefilter(rule.expanded);
            if (!rule.context.empty()) rule.context_prefilter = rule_prefilter(rule.context);
        }
    }
    catalog.prechecked = true;
    std::ostringstream text;
    text << "// Generated from patterns/ by catalog_compiler (src/match/catalog_compiler.cpp). Do "
            "not edit.\n"
         << "#include \"match/catalog_blob.h\"\n\nnamespace certdoctor {\nnamespace {\nconst char "
            "kBlob[] =\n"
         << as_literals(serialize_catalog(catalog)) << ";\n}  // namespace\n\n"
         << "std::string_view builtin_catalog_blob() { return {kBlob, sizeof(kBlob) - 1}; }\n\n}  "
            "// namespace certdoctor\n";
    std::ifstream previous(output, std::ios::binary);
    std::string old((std::istreambuf_iterator<char>(previous)), std::istreambuf_iterator<char>());
    if (old == text.str()) return 0;  // unchanged: nothing to recompile
    std::ofstream out(output + ".tmp", std::ios::binary | std::ios::trunc);
    out << text.str();
    out.close();
    if (!out || std::rename((output + ".tmp").c_str(), output.c_str()) != 0) {
        std::cerr << "catalog_compiler: cannot write " << output << "\n";
        return 1;
    }
    return 0;
}

}  // namespace
}  // namespace certdoctor

int main(int argc, char** argv) {
    if (argc != 2 && argc != 3) {
        std::cerr << "usage: catalog_compiler OUTPUT.cpp [EXTRA-PATTERNS-DIR]\n";
        return 2;
    }
    try {
        return certdoctor::compile_catalog(argv[1], argc == 3 ? argv[2] : "");
    } catch (const certdoctor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
