# Installing and packaging: `cmake --install build --prefix /usr/local` puts the program in
# bin/ and the rule pages under share/doc/state-audit; `cpack --config build/CPackConfig.cmake
# -G DEB` (scripts/package.sh) makes a Debian package of the same files, depending on the
# LLVM/Clang 19 runtime libraries, Clang's built-in headers and the C++ standard library
# headers the scanned code includes.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME state-audit)
set(CPACK_PACKAGE_VENDOR "state-audit")
set(CPACK_PACKAGE_CONTACT "state-audit maintainers <state-audit@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "finds the state that keeps a C++ MCP server from scaling horizontally")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/state-audit/state-audit")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}_amd64")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
# dpkg-shlibdeps finds the shared libraries (libLLVM-19, libclang-cpp19, libstdc++); what the
# program reads at run time but does not link is named here: Clang's built-in headers
# (STATE_AUDIT_CLANG_RESOURCE_DIR) and the standard library headers of the scanned code.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libclang-common-19-dev, libstdc++-12-dev | libstdc++-dev")
include(CPack)
