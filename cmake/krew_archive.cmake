# Packs one krew archive per platform: OUT/kubectl-tekton_certdoctor_OS_ARCH.tar.gz holding the
# binary (stripped) and each of FILES that exists, at the archive's top level, reproducibly (fixed order,
# owner and mtime). Before packing, checks each binary's needed shared libraries and newest glibc
# symbol version against ABI_RECORD and fails when they differ: a portable binary that starts to
# need a library or a newer glibc must be a decision, recorded there, not an accident.
# Run as: cmake "-DBINARIES=linux/amd64=PATH=STRIP|linux/arm64=PATH=STRIP" "-DFILES=A|B" -DABI_RECORD=...
#         -DOUT=... -P krew_archive.cmake
string(REPLACE "|" ";" binaries "${BINARIES}")
string(REPLACE "|" ";" files "${FILES}")
set(binary_name kubectl-tekton_certdoctor)

# ABI_RECORD lines: ARCH NEEDED NEWEST-GLIBC ("none" for an empty list or no versioned symbol).
file(STRINGS ${ABI_RECORD} record_lines REGEX "^[a-z0-9]+ ")
foreach(line IN LISTS record_lines)
  string(REGEX MATCH "^([a-z0-9]+) +([^ ]+) +([^ ]+)" _ "${line}")
  set(want_needed_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  set(want_glibc_${CMAKE_MATCH_1} "${CMAKE_MATCH_3}")
endforeach()

find_program(READELF readelf REQUIRED)
file(MAKE_DIRECTORY ${OUT})
foreach(entry IN LISTS binaries)
  string(REGEX MATCH "^([a-z]+)/([a-z0-9]+)=([^=]+)=(.+)$" _ "${entry}")
  set(os ${CMAKE_MATCH_1})
  set(arch ${CMAKE_MATCH_2})
  set(built ${CMAKE_MATCH_3})
  set(strip ${CMAKE_MATCH_4})
  set(stage ${OUT}/stage-${os}-${arch})
  file(REMOVE_RECURSE ${stage})
  file(MAKE_DIRECTORY ${stage})
  set(binary ${stage}/${binary_name})
  execute_process(COMMAND ${strip} --strip-all -o ${binary} ${built} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "krew-archive: ${strip} failed on ${built}")
  endif()

  # What the binary asks of the host.
  execute_process(COMMAND ${READELF} --dynamic --wide ${binary} OUTPUT_VARIABLE dynamic)
  string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]+\\]" needed_lines "${dynamic}")
  set(needed "")
  foreach(l IN LISTS needed_lines)
    string(REGEX REPLACE ".*\\[(.+)\\]" "\\1" lib "${l}")
    list(APPEND needed ${lib})
  endforeach()
  list(SORT needed)
  list(JOIN needed "," needed)
  if(needed STREQUAL "")
    set(needed none)
  endif()
  execute_process(COMMAND ${READELF} --version-info --wide ${binary} OUTPUT_VARIABLE versions)
  string(REGEX MATCHALL "GLIBC_[0-9]+\\.[0-9]+(\\.[0-9]+)?" glibc_versions "${versions}")
  set(newest none)
  foreach(v IN LISTS glibc_versions)
    string(REPLACE "GLIBC_" "" v "${v}")
    if(newest STREQUAL "none" OR v VERSION_GREATER newest)
      set(newest ${v})
    endif()
  endforeach()
  file(SIZE ${binary} size)
  message(STATUS "${os}/${arch}: ${binary} ${size} bytes, needs ${needed}, newest glibc symbol ${newest}")
  if(NOT DEFINED want_needed_${arch})
    message(FATAL_ERROR "krew-archive: ${ABI_RECORD} has no line for ${arch}")
  endif()
  if(NOT needed STREQUAL want_needed_${arch} OR NOT newest STREQUAL want_glibc_${arch})
    message(FATAL_ERROR "krew-archive: ${os}/${arch} binary needs ${needed} and glibc ${newest}; "
                        "${ABI_RECORD} records ${want_needed_${arch}} and ${want_glibc_${arch}}")
  endif()

  # The archive.
  file(CHMOD ${binary} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
       WORLD_READ WORLD_EXECUTE)
  set(members ${binary_name})
  foreach(f IN LISTS files)
    if(EXISTS ${f})
      file(COPY ${f} DESTINATION ${stage})
      get_filename_component(name ${f} NAME)
      list(APPEND members ${name})
    endif()
  endforeach()
  list(SORT members)
  set(archive ${OUT}/${binary_name}_${os}_${arch}.tar.gz)
  execute_process(COMMAND tar --create --gzip --file ${archive} --sort=name --owner=0 --group=0
                          --numeric-owner --mtime=2020-01-01 ${members}
                  WORKING_DIRECTORY ${stage} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "krew-archive: tar failed for ${archive}")
  endif()
  file(REMOVE_RECURSE ${stage})
  file(SHA256 ${archive} sha)
  message(STATUS "${archive} sha256 ${sha}")
endforeach()
