// The built-in catalog's compact form: the catalog compiler (run by the build) reads patterns/,
// lints it, works out each rule's prefilter and writes the Catalog in this form into the binary, so
// a start-up reads it back without parsing YAML or linting. Integers are little-endian whatever the
// host, so the form made on the build machine serves a cross-compiled binary too.
//
//   std::string blob = serialize_catalog(catalog);
//   Catalog again = deserialize_catalog(blob);
#pragma once

#include <string>
#include <string_view>

#include "match/catalog.h"

namespace certdoctor {

std::string serialize_catalog(const Catalog& catalog);

// Throws Error when `blob` is not a catalog in this form (a build mixing versions).
Catalog deserialize_catalog(std::string_view blob);

// The compact form compiled into this binary (generated at build time).
std::string_view builtin_catalog_blob();

}  // namespace certdoctor
