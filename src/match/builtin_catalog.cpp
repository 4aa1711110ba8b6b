// The catalog a run uses: the built-in one from its compact form (made and linted at build time),
// or, with --patterns-dir, the embedded YAML and the user's files read and checked as `patterns
// lint` reads them.
#include "match/catalog.h"
#include "match/catalog_blob.h"
#include "util/error.h"

namespace certdoctor {

Catalog load_catalog_or_throw(const std::string& patterns_dir) {
    if (patterns_dir.empty()) return deserialize_catalog(builtin_catalog_blob());
    LoadResult result = load_catalog(catalog_sources(patterns_dir));
    if (!result.issues.empty())
        throw Error(
            result.issues.front().to_string() +
                (result.issues.size() > 1 ? " (and " + std::to_string(result.issues.size() - 1) +
                                                " more; run 'patterns lint')"
                                          : ""),
            ExitCode::not_understood);
    return std::move(result.catalog);
}

}  // namespace certdoctor
