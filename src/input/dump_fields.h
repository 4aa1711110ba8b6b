// The fields of a dump that the dump reader (dump_source.cpp) reads, as a JsonShape: a dump's
// parse builds these and skips the rest, whatever else the objects hold. Keep it in step with
// the reader: a field read but not listed here reads as missing.
#pragma once

#include "util/tree_builder.h"

namespace certdoctor {

// One document: a TaskRun, PipelineRun, Pod or Event, or a List of them.
const JsonShape& dump_document_shape();

}  // namespace certdoctor
