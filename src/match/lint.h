// The catalog linter: unique ids, known vocabulary, required fields, regexes that compile with
// known capture names, fixes that exist, chains that exist, and the rules that must always hold
// (a CA is added only for unknown-authority and incomplete-chain; config-registry-cert and
// set-step-command only where the controller itself talks to the registry; look-alikes get no
// registry fix). Reports file:line: message.
#pragma once

#include <vector>

#include "match/catalog.h"

namespace certdoctor {

std::vector<CatalogIssue> lint_catalog(const Catalog& catalog);

}  // namespace certdoctor
