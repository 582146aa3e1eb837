# CAF 0.17.6 (Debian's libcaf-dev) ships no CMake package: import it by hand, as a
# SYSTEM include so its deprecation warnings under C++20 do not drown the user's. Used
# by chorus's own build and by the installed chorusConfig.cmake alike.
if(NOT TARGET CAF::core)
  find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
  find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
  add_library(CAF::core SHARED IMPORTED GLOBAL)
  set_target_properties(CAF::core PROPERTIES
    IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
if(NOT TARGET CAF::io)
  find_library(CAF_IO_LIBRARY caf_io REQUIRED)
  add_library(CAF::io SHARED IMPORTED GLOBAL)
  set_target_properties(CAF::io PROPERTIES
    IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
    INTERFACE_LINK_LIBRARIES CAF::core)
endif()
