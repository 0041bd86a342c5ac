# `cmake --install build [--prefix P]`: the segmint binary, the public headers, and a CMake package so that
# `find_package(segmint)` gives `segmint::segmint`, the library of include/segmint/segmint.h. The library is the API
# stage and the stages below it, as static archives; the CLI is not part of it.
include(CMakePackageConfigHelpers)

get_property(stage_targets GLOBAL PROPERTY SEGMINT_STAGE_TARGETS)
list(REMOVE_ITEM stage_targets segmint_cli_lib)

install(TARGETS segmint RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_BINARY_DIR}/segmint.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(TARGETS ${stage_targets} segmint_grammar EXPORT segmintTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/segmint)
install(FILES ${CMAKE_SOURCE_DIR}/include/segmint/segmint.h ${CMAKE_BINARY_DIR}/include/segmint/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/segmint)

set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/segmint)
install(EXPORT segmintTargets NAMESPACE segmint:: DESTINATION ${package_dir})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/segmintConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/segmintConfig.cmake INSTALL_DESTINATION ${package_dir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/segmintConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/segmintConfig.cmake ${CMAKE_BINARY_DIR}/segmintConfigVersion.cmake
        DESTINATION ${package_dir})
