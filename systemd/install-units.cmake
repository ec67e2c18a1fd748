# Run at install time (systemd/CMakeLists.txt includes it from install(CODE)),
# so that CMAKE_INSTALL_PREFIX is the prefix of this install, --prefix
# included. Given lb_user_unit_dir and lb_dbus_service_dir (the cache
# overrides, empty to choose), lb_datadir, lb_bindir and lb_templates (this
# folder), it writes lumbard.service, lumbar-notify.service and
# org.lumbard.Lumbard1.service, their @bindir@ the prefix's, under DESTDIR.
#
# The units go where systemd --user looks for the prefix:
#   a prefix in $HOME (~/.local)  share/systemd/user   ($XDG_DATA_HOME/systemd/user)
#   /usr, /usr/local, any other   lib/systemd/user     (/usr/lib/..., /usr/local/lib/...)
# and the activation file in share/dbus-1/services, where the session bus
# looks ($XDG_DATA_HOME/dbus-1/services for ~/.local, and the prefixes of
# $XDG_DATA_DIRS, /usr/local/share:/usr/share by default).

set(lb_prefix "${CMAKE_INSTALL_PREFIX}")
file(REAL_PATH "${lb_prefix}" lb_prefix_real)

# In $HOME: the prefix is $HOME or below it (symlinks resolved; a HOME of /
# counts as none, or every prefix would be in it).
set(lb_in_home OFF)
set(lb_home "$ENV{HOME}")
if(IS_ABSOLUTE "${lb_home}")
  file(REAL_PATH "${lb_home}" lb_home)
  if(NOT lb_home STREQUAL "/")
    cmake_path(IS_PREFIX lb_home "${lb_prefix_real}" NORMALIZE lb_in_home)
  endif()
endif()

if(lb_user_unit_dir STREQUAL "")
  if(lb_in_home)
    set(lb_user_unit_dir "${lb_datadir}/systemd/user")
  else()
    set(lb_user_unit_dir "lib/systemd/user")
  endif()
endif()
if(lb_dbus_service_dir STREQUAL "")
  set(lb_dbus_service_dir "${lb_datadir}/dbus-1/services")
endif()

# DIR relative to the prefix, or absolute, as the path it means
function(lb_absolute var dir)
  if(IS_ABSOLUTE "${dir}")
    set(${var} "${dir}" PARENT_SCOPE)
  else()
    set(${var} "${lb_prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

lb_absolute(lb_unit_path "${lb_user_unit_dir}")
lb_absolute(lb_dbus_path "${lb_dbus_service_dir}")
lb_absolute(bindir "${lb_bindir}")
set(prefix "${lb_prefix}")

foreach(pair "lumbard.service|${lb_unit_path}" "lumbar-notify.service|${lb_unit_path}"
             "org.lumbard.Lumbard1.service|${lb_dbus_path}")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 lb_name)
  list(GET pair 1 lb_dir)
  set(lb_out "$ENV{DESTDIR}${lb_dir}/${lb_name}")
  message(STATUS "Installing: ${lb_out}")
  configure_file("${lb_templates}/${lb_name}.in" "${lb_out}" @ONLY)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${lb_out}")
endforeach()

# Where systemd --user and the session bus do not look, say how to use the
# files anyway (a test prefix, /opt/lumbard, ~/apps/lumbard, ...).
set(lb_data_home "$ENV{XDG_DATA_HOME}")
if(NOT IS_ABSOLUTE "${lb_data_home}" AND IS_ABSOLUTE "$ENV{HOME}")
  set(lb_data_home "$ENV{HOME}/.local/share")
endif()
set(lb_unit_dirs /etc/systemd/user /usr/local/share/systemd/user /usr/share/systemd/user
    /usr/local/lib/systemd/user /usr/lib/systemd/user "${lb_data_home}/systemd/user")
set(lb_dbus_dirs /usr/local/share/dbus-1/services /usr/share/dbus-1/services
    "${lb_data_home}/dbus-1/services")
if(NOT "$ENV{XDG_DATA_DIRS}" STREQUAL "")
  string(REPLACE ":" ";" lb_data_dirs "$ENV{XDG_DATA_DIRS}")
  foreach(lb_d IN LISTS lb_data_dirs)
    list(APPEND lb_unit_dirs "${lb_d}/systemd/user")
    list(APPEND lb_dbus_dirs "${lb_d}/dbus-1/services")
  endforeach()
endif()
foreach(what "unit|${lb_unit_path}|${lb_unit_dirs}" "dbus|${lb_dbus_path}|${lb_dbus_dirs}")
  string(REPLACE "|" ";" what "${what}")
  list(POP_FRONT what lb_kind lb_dir)
  cmake_path(NORMAL_PATH lb_dir)
  string(REGEX REPLACE "(.)/$" "\\1" lb_dir "${lb_dir}")
  set(lb_searched OFF)
  foreach(lb_d IN LISTS what)
    cmake_path(NORMAL_PATH lb_d)
    string(REGEX REPLACE "(.)/$" "\\1" lb_d "${lb_d}")
    if(lb_d STREQUAL lb_dir)
      set(lb_searched ON)
    endif()
  endforeach()
  if(NOT lb_searched AND lb_kind STREQUAL "unit")
    message(STATUS "Note: systemd --user does not look in ${lb_dir}; to use the units from "
                   "there: systemctl --user link ${lb_dir}/lumbard.service "
                   "${lb_dir}/lumbar-notify.service")
  elseif(NOT lb_searched)
    message(STATUS "Note: the session bus does not look in ${lb_dir}; for D-Bus activation, "
                   "copy org.lumbard.Lumbard1.service to ${lb_data_home}/dbus-1/services")
  endif()
endforeach()
