# What `cmake --install` puts where (GNUInstallDirs). flowfeatd itself is installed by daemon/app.
include(GNUInstallDirs)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# docs/ keeps its place beside README.md, so the README's links still resolve.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
  FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/dashboards DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)

# The configuration file and the paths written into the systemd unit depend on the prefix given at
# install time (`cmake --install build --prefix /usr`), not the one known when configuring, so they
# are resolved then, by GNUInstallDirs' rule: the prefix /usr puts the configuration in /etc and
# /opt/NAME in /etc/opt/NAME.
install(CODE "set(FLOWFEAT_INSTALL_SOURCE_DIR [[${PROJECT_SOURCE_DIR}]])
set(FLOWFEAT_INSTALL_BINARY_DIR [[${PROJECT_BINARY_DIR}]])
set(FLOWFEAT_INSTALL_BINDIR [[${CMAKE_INSTALL_BINDIR}]])
set(FLOWFEAT_INSTALL_SYSCONFDIR [[${CMAKE_INSTALL_SYSCONFDIR}]])
set(FLOWFEAT_INSTALL_DOCDIR [[${CMAKE_INSTALL_DOCDIR}]])")
install(CODE [[
block(PROPAGATE CMAKE_INSTALL_MANIFEST_FILES)
  foreach(dir BINDIR SYSCONFDIR DOCDIR)
    set(relative "${FLOWFEAT_INSTALL_${dir}}")
    if(IS_ABSOLUTE "${relative}")
      set(full "${relative}")
    elseif(dir STREQUAL "SYSCONFDIR" AND CMAKE_INSTALL_PREFIX MATCHES "^/usr/?$")
      set(full "/${relative}")
    elseif(dir STREQUAL "SYSCONFDIR" AND CMAKE_INSTALL_PREFIX MATCHES "^/opt/" AND NOT CMAKE_INSTALL_PREFIX MATCHES "^/opt/homebrew/")
      set(full "/${relative}${CMAKE_INSTALL_PREFIX}")
    else()
      set(full "${CMAKE_INSTALL_PREFIX}/${relative}")
    endif()
    cmake_path(NORMAL_PATH full)
    set(CMAKE_INSTALL_FULL_${dir} "${full}")
  endforeach()
  set(FLOWFEAT_CONFIG_FILE "${CMAKE_INSTALL_FULL_SYSCONFDIR}/flowfeat/flowfeat.yaml")

  # An operator's edited configuration survives a reinstall; every key has a default, so an older
  # file stays valid.
  if(EXISTS "$ENV{DESTDIR}${FLOWFEAT_CONFIG_FILE}")
    message(STATUS "Keeping: $ENV{DESTDIR}${FLOWFEAT_CONFIG_FILE} (the shipped default is config/flowfeat.yaml)")
  else()
    file(INSTALL "${FLOWFEAT_INSTALL_SOURCE_DIR}/config/flowfeat.yaml"
      DESTINATION "${CMAKE_INSTALL_FULL_SYSCONFDIR}/flowfeat")
  endif()

  configure_file("${FLOWFEAT_INSTALL_SOURCE_DIR}/systemd/flowfeat.service.in"
    "${FLOWFEAT_INSTALL_BINARY_DIR}/systemd/flowfeat.service" @ONLY)
  file(INSTALL "${FLOWFEAT_INSTALL_BINARY_DIR}/systemd/flowfeat.service"
    DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endblock()
]])
