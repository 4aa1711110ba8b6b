# Writes OUTPUT, a C++ file holding every *.yaml below SOURCE_DIR as (relative path, text) pairs.
# Run as: cmake -DSOURCE_DIR=... -DOUTPUT=... -P embed_catalog.cmake
file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/*.yaml)
list(SORT files)
set(body "")
set(index "")
set(n 0)
foreach(rel IN LISTS files)
  file(READ ${SOURCE_DIR}/${rel} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(APPEND body "static const char file_${n}[] = {${bytes} 0};\n")
  string(APPEND index "    {\"patterns/${rel}\", std::string_view(file_${n}, sizeof(file_${n}) - 1)},\n")
  math(EXPR n "${n} + 1")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from patterns/ by cmake/embed_catalog.cmake. Do not edit.
#include \"match/embedded_catalog.h\"
namespace certdoctor {
namespace {
${body}}  // namespace
const std::vector<EmbeddedFile>& embedded_catalog() {
  static const std::vector<EmbeddedFile> files = {
${index}  };
  return files;
}
}  // namespace certdoctor
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
