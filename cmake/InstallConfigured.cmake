# lumbard_install_configured(TEMPLATE DIR [VAR VALUE]...): installs TEMPLATE
# (a file.in, its @VAR@s replaced) into DIR under the prefix, without its .in.
# The file is written at install time, so that `cmake --install --prefix X`
# puts X's paths in it, not the configured prefix; @prefix@ and @bindir@ are
# always given, the other VAR VALUE pairs as passed. DESTDIR is honoured.
function(lumbard_install_configured template dir)
  get_filename_component(name ${template} NAME)
  string(REGEX REPLACE "\\.in$" "" name ${name})
  get_filename_component(template ${template} ABSOLUTE)
  set(vars "")
  while(ARGN)
    list(POP_FRONT ARGN var value)
    string(APPEND vars "set(${var} \"${value}\")\n")
  endwhile()
  install(CODE "
    set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
    set(bindir \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    ${vars}
    set(out \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${dir}/${name}\")
    message(STATUS \"Installing: \${out}\")
    configure_file(\"${template}\" \"\${out}\" @ONLY)
  ")
endfunction()
