# The release: one portable binary per platform packed for krew, and the krew manifest for them.
#   cmake --build build --target krew-archive
# writes build/krew/kubectl-tekton_certdoctor_linux_{amd64,arm64}.tar.gz and
# build/krew/tekton-certdoctor.yaml (krew-manifest.yaml with this build's version, URIs and
# sha256s). The amd64 binary is the build's own; arm64 is the same source cross-compiled in a
# sub-build (build/release-arm64) with cmake/aarch64-linux-gnu.cmake. Packing checks each binary
# against cmake/release-abi.txt (needed libraries, newest glibc symbol) and fails on a drift.
include(ExternalProject)

# What each archive holds besides the binary; a file that is not there (yet) is left out.
set(CERTDOCTOR_ARCHIVE_FILES
  ${PROJECT_SOURCE_DIR}/LICENSE
  ${PROJECT_SOURCE_DIR}/plugin/kubectl_complete-tekton_certdoctor
  ${CMAKE_BINARY_DIR}/kubectl-tekton_certdoctor.1
)

# os/arch=binary=strip tool: the archives hold the binaries without their debug information.
set(release_binaries linux/amd64=$<TARGET_FILE:kubectl-tekton_certdoctor>=${CMAKE_STRIP})
set(release_depends kubectl-tekton_certdoctor manpage)
if(CERTDOCTOR_RELEASE_ARM64)
  set(arm64_root ${CERTDOCTOR_DEBIAN_DIR}/root-arm64)
  add_custom_command(
    OUTPUT ${CERTDOCTOR_DEBIAN_DIR}/root-arm64.stamp
    COMMAND bash ${PROJECT_SOURCE_DIR}/cmake/debian_packages.sh ${CERTDOCTOR_DEBIAN_DIR} download
            libre2-dev:arm64 libyaml-cpp-dev:arm64 zlib1g-dev:arm64
    COMMAND ${CMAKE_COMMAND} -E touch ${CERTDOCTOR_DEBIAN_DIR}/root-arm64.stamp
    DEPENDS ${PROJECT_SOURCE_DIR}/cmake/debian_packages.sh
    COMMENT "Fetching Debian's arm64 RE2, yaml-cpp and zlib")
  add_custom_target(arm64_libraries DEPENDS ${CERTDOCTOR_DEBIAN_DIR}/root-arm64.stamp)
  set(arm64_dir ${CMAKE_BINARY_DIR}/release-arm64)
  ExternalProject_Add(release_arm64
    DEPENDS arm64_libraries portable_sources catalog_blob
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${arm64_dir}
    CMAKE_GENERATOR Ninja
    CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/aarch64-linux-gnu.cmake
               -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE} -DCERTDOCTOR_ARM64_ROOT=${arm64_root}
               -DCERTDOCTOR_DEBIAN_DIR=${CERTDOCTOR_DEBIAN_DIR} -DCERTDOCTOR_TESTS=OFF
               -DCERTDOCTOR_BENCH=OFF -DCERTDOCTOR_RELEASE_ARM64=OFF
               -DCERTDOCTOR_CATALOG_BLOB=${CMAKE_BINARY_DIR}/generated/catalog_blob_data.cpp
    BUILD_COMMAND ${CMAKE_COMMAND} --build ${arm64_dir} --target kubectl-tekton_certdoctor -j2
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    EXCLUDE_FROM_ALL TRUE
    BUILD_BYPRODUCTS ${arm64_dir}/kubectl-tekton_certdoctor
    LOG_CONFIGURE ON LOG_OUTPUT_ON_FAILURE ON)
  find_program(CERTDOCTOR_ARM64_STRIP aarch64-linux-gnu-strip REQUIRED)
  list(APPEND release_binaries linux/arm64=${arm64_dir}/kubectl-tekton_certdoctor=${CERTDOCTOR_ARM64_STRIP})
  list(APPEND release_depends release_arm64)
endif()

# Lists go to the packing script with '|' between items.
string(REPLACE ";" "|" binaries_arg "${release_binaries}")
string(REPLACE ";" "|" files_arg "${CERTDOCTOR_ARCHIVE_FILES}")
add_custom_target(krew-archive
  COMMAND ${CMAKE_COMMAND} "-DBINARIES=${binaries_arg}" "-DFILES=${files_arg}"
          -DABI_RECORD=${PROJECT_SOURCE_DIR}/cmake/release-abi.txt -DOUT=${CMAKE_BINARY_DIR}/krew
          -P ${PROJECT_SOURCE_DIR}/cmake/krew_archive.cmake
  COMMAND python3 ${PROJECT_SOURCE_DIR}/cmake/krew_manifest.py --template ${PROJECT_SOURCE_DIR}/krew-manifest.yaml
          --version v${PROJECT_VERSION} --out ${CMAKE_BINARY_DIR}/krew/tekton-certdoctor.yaml
          ${CMAKE_BINARY_DIR}/krew/kubectl-tekton_certdoctor_linux_amd64.tar.gz
          $<$<BOOL:${CERTDOCTOR_RELEASE_ARM64}>:${CMAKE_BINARY_DIR}/krew/kubectl-tekton_certdoctor_linux_arm64.tar.gz>
  DEPENDS ${release_depends}
  COMMENT "Packing the krew archives and their manifest"
  COMMAND_EXPAND_LISTS VERBATIM)
