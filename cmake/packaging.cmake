# SPDX-License-Identifier: MIT
# Installation and packaging (issue 7): "cmake --install" puts the two
# programs in bin/, the manual pages in share/man/man1/, the default KB as
# share/kbsearch/kb.db and the bash completion under both program names;
# "cpack -G DEB" turns that tree into a .deb for offline laptops.
include(GNUInstallDirs)

install(TARGETS kbc kbsearch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/docs/kbc.1 ${CMAKE_SOURCE_DIR}/docs/kbsearch.1
	DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# Only a build with KB_EMBED_KB compiles kb/ into kb.db (search/).
if(KB_EMBED_KB)
	install(FILES ${CMAKE_BINARY_DIR}/kb.db
		DESTINATION ${CMAKE_INSTALL_DATADIR}/kbsearch)
endif()
# bash-completion loads completions/NAME on first use of NAME, so the one
# file that defines both functions is installed under both names.
foreach(prog kbc kbsearch)
	install(FILES ${CMAKE_SOURCE_DIR}/contrib/kbsearch.bash
		DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
		RENAME ${prog})
endforeach()

set(CPACK_PACKAGE_NAME kbsearch)
set(CPACK_PACKAGE_VENDOR "kbsearch")
set(CPACK_PACKAGE_CONTACT "kbsearch maintainers <kbsearch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
	"offline troubleshooting search: paste an error, get the fix")
set(CPACK_PACKAGE_DESCRIPTION
"kbc compiles markdown and plain-text troubleshooting documents into one
SQLite (FTS5) index of procedure cards: symptom, exact error strings,
error codes, cause and numbered steps.  kbsearch maps a pasted error
message, or a log piped in, to the card that fixes it, with no network.
A default knowledge base is built into kbsearch and also installed as
/usr/share/kbsearch/kb.db.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS bash-completion)
# The distribution's runtime packages of cmark-gfm, SQLite and PCRE2 (and
# libc): dpkg-shlibdeps reads them off the binaries when it is there
# (package dpkg-dev); without it, the Debian 12 names are listed.
find_program(KB_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(KB_DPKG_SHLIBDEPS)
	set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
	set(CPACK_DEBIAN_PACKAGE_DEPENDS
		"libc6, libcmark-gfm0.29.0.gfm.6, libcmark-gfm-extensions0.29.0.gfm.6, libsqlite3-0 (>= 3.34), libpcre2-8-0")
endif()
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")
include(CPack)
