# Compiler settings shared by every flowfeat target, applied through the flowfeat_options interface.
add_library(flowfeat_options INTERFACE)
target_compile_options(flowfeat_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  # Flow statistics must match the reference bit for bit: no fused multiply-add, no fast-math.
  -ffp-contract=off -fno-fast-math)
target_include_directories(flowfeat_options INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)

if(FLOWFEAT_SANITIZER STREQUAL "address")
  target_compile_options(flowfeat_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(flowfeat_options INTERFACE -fsanitize=address,undefined)
elseif(FLOWFEAT_SANITIZER STREQUAL "thread")
  target_compile_options(flowfeat_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(flowfeat_options INTERFACE -fsanitize=thread)
elseif(NOT FLOWFEAT_SANITIZER STREQUAL "")
  message(FATAL_ERROR "FLOWFEAT_SANITIZER must be '', 'address' or 'thread', not '${FLOWFEAT_SANITIZER}'")
endif()

# flowfeat_module(NAME DEPS...) declares the library of one daemon/ module from the .cpp files of
# the calling folder (main.cpp excepted).
function(flowfeat_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(NOT sources)
    message(STATUS "flowfeat module ${name} has no sources yet; skipped")
    return()
  endif()
  add_library(flowfeat_${name} STATIC ${sources})
  add_library(flowfeat::${name} ALIAS flowfeat_${name})
  target_link_libraries(flowfeat_${name} PUBLIC flowfeat_options ${ARG_DEPS})
endfunction()

# flowfeat_test(NAME DEPS...) declares one GoogleTest executable, built from the *_test.cpp files
# of the calling folder and registered with CTest.
function(flowfeat_test name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE flowfeat_options flowfeat_test_support ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE FLOWFEAT_DEFAULT_PCAP_DIR="${FLOWFEAT_PCAP_DIR}"
    FLOWFEAT_DEFAULT_REFERENCE_DIR="${FLOWFEAT_REFERENCE_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
