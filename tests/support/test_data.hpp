#pragma once

#include <cstdlib>
#include <string>

namespace flowfeat::testing {

// Folder of real captures (FLOWFEAT_PCAP_DIR), from the environment or else from the CMake option
// of the same name; empty when neither is set, and tests that need it skip.
inline std::string pcap_dir() {
  const char* from_environment = std::getenv("FLOWFEAT_PCAP_DIR");
  return from_environment != nullptr && *from_environment ? from_environment : FLOWFEAT_DEFAULT_PCAP_DIR;
}

// Folder of reference outputs mirroring pcap_dir() (FLOWFEAT_REFERENCE_DIR), found the same way.
inline std::string reference_dir() {
  const char* from_environment = std::getenv("FLOWFEAT_REFERENCE_DIR");
  return from_environment != nullptr && *from_environment ? from_environment : FLOWFEAT_DEFAULT_REFERENCE_DIR;
}

}  // namespace flowfeat::testing
