// What `version` says about the build: the commit and the date, written at build time by
// cmake/build_info.cmake ("unknown" outside a git checkout).
#pragma once

namespace certdoctor {

extern const char* const kBuildCommit;
extern const char* const kBuildDate;  // RFC 3339, UTC

}  // namespace certdoctor
