# deb_fixup.cmake - run by CPack after it built the .deb
# (CPACK_POST_BUILD_SCRIPTS). CPack writes postinst and postrm scripts that
# call ldconfig for a shared library; the package's `triggers` file
# (activate-noawait ldconfig) does that job the Debian way, and a postrm,
# even one that only calls ldconfig, leaves the package in the config-files
# state after `dpkg -r`. So both scripts are taken out and the package is
# built again with dpkg-deb.
find_program(LW_DPKG_DEB dpkg-deb)
if(NOT LW_DPKG_DEB)
  message(WARNING "deb_fixup: dpkg-deb not found; postinst/postrm left in the package")
  return()
endif()
foreach(deb IN LISTS CPACK_PACKAGE_FILES)
  if(NOT deb MATCHES "\\.deb$")
    continue()
  endif()
  set(dir "${deb}.fixup")
  file(REMOVE_RECURSE "${dir}")
  execute_process(COMMAND ${LW_DPKG_DEB} -R "${deb}" "${dir}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "deb_fixup: dpkg-deb -R ${deb} failed")
  endif()
  file(REMOVE "${dir}/DEBIAN/postinst" "${dir}/DEBIAN/postrm")
  execute_process(COMMAND ${LW_DPKG_DEB} --root-owner-group -Zxz --build "${dir}" "${deb}"
    OUTPUT_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "deb_fixup: dpkg-deb --build ${dir} failed")
  endif()
  file(REMOVE_RECURSE "${dir}")
endforeach()
