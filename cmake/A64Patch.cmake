# A64Patch.cmake: patch (or check) AArch64 executables and shared libraries as part of the
# build, so that `cmake --build` produces outputs whose counter reads (mrs xN, cntvct_el0 ...)
# are already rewritten for rr. See docs/build-integration.md.
#
#   list(APPEND CMAKE_MODULE_PATH /path/to/a64patch/cmake)   # or copy this file next to your project
#   include(A64Patch)
#   add_library(fast SHARED fast.c)
#   a64patch_target(fast)                                     # patch after every link (counter strategy)
#   a64patch_target(tool STRATEGY clock OPTIONS --frequency 24000000)
#   a64patch_target(other CHECK_ONLY)                         # fail the build if counter reads are left
#
# a64patch_target(<target> [STRATEGY counter|clock|zero|nop] [CHECK_ONLY] [NO_VERIFY]
#                 [OPTIONS <a64patch patch options>...])
#   Adds POST_BUILD steps to <target> (an executable, a shared library or a module):
#   - default: `a64patch patch --strategy <s> [OPTIONS] <file>` rewrites the linked file in place
#     (atomically; a file already patched with the same options is left alone), then
#     `a64patch verify <file>` checks the result (NO_VERIFY leaves the check out);
#   - CHECK_ONLY: only `a64patch verify <file>`, which fails (and so fails the build) when a
#     counter read is left unpatched or a patched file is broken. OPTIONS go to verify then.
#   The steps run whenever CMake relinks the target, so the output on disk is always patched;
#   a build that relinks nothing runs nothing.
#
# A64PATCH_EXECUTABLE (cache variable): the a64patch command line. Default: the repository's
# ./a64patch launcher when this file is used from an a64patch checkout, else `a64patch` on PATH
# (searched on the host even when cross-compiling).

include_guard(GLOBAL)

if(NOT A64PATCH_EXECUTABLE)
  get_filename_component(_a64patch_launcher "${CMAKE_CURRENT_LIST_DIR}/../a64patch" ABSOLUTE)
  if(EXISTS "${_a64patch_launcher}" AND NOT IS_DIRECTORY "${_a64patch_launcher}")
    set(_a64patch_default "${_a64patch_launcher}")
  else()
    find_program(_a64patch_default NAMES a64patch NO_CMAKE_FIND_ROOT_PATH)
  endif()
  set(A64PATCH_EXECUTABLE "${_a64patch_default}" CACHE FILEPATH
      "The a64patch command line (the repository's ./a64patch launcher, or a64patch on PATH)" FORCE)
  unset(_a64patch_default CACHE)
  unset(_a64patch_default)
  unset(_a64patch_launcher)
endif()
if(A64PATCH_EXECUTABLE)
  message(STATUS "a64patch: ${A64PATCH_EXECUTABLE}")
endif()

function(a64patch_target target)
  cmake_parse_arguments(PARSE_ARGV 1 _a64 "CHECK_ONLY;NO_VERIFY" "STRATEGY" "OPTIONS")
  if(_a64_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "a64patch_target(${target}): unknown arguments: ${_a64_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "a64patch_target(${target}): no such target (call it after add_executable/add_library)")
  endif()
  get_target_property(_type ${target} TYPE)
  if(NOT _type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
    message(FATAL_ERROR "a64patch_target(${target}): a ${_type} is not a linked ELF file; "
                        "only executables, shared libraries and modules can be patched")
  endif()
  if(NOT A64PATCH_EXECUTABLE)
    message(FATAL_ERROR "a64patch_target(${target}): the a64patch command line was not found; "
                        "set -DA64PATCH_EXECUTABLE=/path/to/a64patch")
  endif()
  if(_a64_CHECK_ONLY AND _a64_STRATEGY)
    message(FATAL_ERROR "a64patch_target(${target}): STRATEGY means nothing with CHECK_ONLY")
  endif()
  if(NOT _a64_STRATEGY)
    set(_a64_STRATEGY counter)
  endif()
  if(NOT _a64_STRATEGY MATCHES "^(counter|clock|zero|nop)$")
    message(FATAL_ERROR "a64patch_target(${target}): STRATEGY ${_a64_STRATEGY} is not one of counter, clock, zero, nop")
  endif()

  set(_file "$<TARGET_FILE:${target}>")
  if(_a64_CHECK_ONLY)
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND "${A64PATCH_EXECUTABLE}" verify ${_a64_OPTIONS} "${_file}"
      COMMENT "a64patch: checking that ${target} has no unpatched counter reads"
      VERBATIM)
    return()
  endif()
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${A64PATCH_EXECUTABLE}" patch --strategy ${_a64_STRATEGY} ${_a64_OPTIONS} "${_file}"
    COMMENT "a64patch: patching ${target} (strategy ${_a64_STRATEGY})"
    VERBATIM)
  if(NOT _a64_NO_VERIFY)
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND "${A64PATCH_EXECUTABLE}" verify "${_file}"
      VERBATIM)
  endif()
endfunction()
