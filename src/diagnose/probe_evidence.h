// Folds a registry probe into a finding: the chain's verdict is evidence, and where it says
// more than the message (a missing intermediate that Go reports as an unknown authority), the
// finding's problem is corrected (its fixes are planned after, in fix/). No I/O here.
#pragma once

#include "match/catalog.h"
#include "model/report.h"

namespace certdoctor {

// True when the finding is about a registry's certificate, so probing it can tell more.
bool worth_probing(const Finding& finding);

void apply_probe(Finding& finding, const ProbeResult& probe);

}  // namespace certdoctor
