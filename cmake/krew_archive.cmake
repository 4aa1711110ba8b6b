# Packs BINARY and LICENSE into OUT/kubectl-tekton_certdoctor_linux_amd64.tar.gz and writes
# OUT/tekton-certdoctor.yaml: MANIFEST with that archive's sha256 (for a release, the same value
# goes into krew-manifest.yaml next to the published URI).
set(archive ${OUT}/kubectl-tekton_certdoctor_linux_amd64.tar.gz)
file(REMOVE_RECURSE ${OUT}/stage)
file(MAKE_DIRECTORY ${OUT}/stage)
file(COPY ${BINARY} ${LICENSE} DESTINATION ${OUT}/stage)
execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${archive} --format=gnutar --mtime=2020-01-01
                        kubectl-tekton_certdoctor LICENSE
                WORKING_DIRECTORY ${OUT}/stage RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "krew-archive: tar failed")
endif()
file(SHA256 ${archive} sha)
file(READ ${MANIFEST} text)
string(REGEX REPLACE "sha256: [0-9a-f]+" "sha256: ${sha}" text "${text}")
file(WRITE ${OUT}/tekton-certdoctor.yaml "${text}")
message(STATUS "krew archive ${archive} sha256 ${sha}")
