#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "flowfeat/core/decoded_packet.hpp"

namespace flowfeat {

// Per-flow state of application detection. Holds the nDPI flow only while inspection runs.
struct ClassificationState {
  void* inspection = nullptr;  // nDPI flow struct, owned; released when detection completes
  const char* reference_guess = nullptr;  // the reference's guess for the flow; nullptr: none
  // The first packet's IPv4 addresses (network order), for the address list's verdict, looked up
  // only for the flows whose naming needs it.
  std::uint32_t first_source_v4 = 0;
  std::uint32_t first_destination_v4 = 0;
  std::uint16_t master_protocol = 0;
  std::uint16_t app_protocol = 0;
  std::uint16_t category = 0;
  // What naming in the reference's way needs once the nDPI flow is gone (see name()).
  std::uint16_t first_guess = 0;       // nDPI id guessed from the first packet
  std::uint16_t client_port = 0;       // client and server as the reference's nDPI tells them apart
  std::uint16_t server_port = 0;
  std::uint8_t ip_protocol = 0;
  bool first_sender_is_client = false;
  bool first_addresses_v4 = false;  // the first packet was IPv4
  bool app_by_address = false;      // app_protocol came from the address list alone
  bool guess_only = false;          // detection gave up with no more than a guess
  bool completed = false;
};
// Kept in every open flow's slot: pointers first, then the narrow fields, so nothing is padding.
static_assert(sizeof(ClassificationState) <= 48);

// Application detection with nDPI (application_name). Inspects the first `max_packets` packets of a
// flow, both directions, then gives up with a guess. Names follow the reference's nDPI, not the
// linked one (ReferenceApplicationNames, docs/FIDELITY.md). One nDPI module per instance; owned by
// one flow table (one thread); not thread-safe.
class ApplicationClassifier {
 public:
  explicit ApplicationClassifier(std::uint32_t max_packets);
  ~ApplicationClassifier();
  ApplicationClassifier(const ApplicationClassifier&) = delete;
  ApplicationClassifier& operator=(const ApplicationClassifier&) = delete;

  // First packet of a new flow. Returns false when memory for inspection could not be had.
  bool start(ClassificationState& state, const DecodedPacket& packet, std::uint64_t time_ms) noexcept;
  // A later packet; packet_number is the flow's packet count including this one.
  void update(ClassificationState& state, const DecodedPacket& packet, std::uint64_t time_ms,
              std::uint64_t packet_number) noexcept;
  // The flow ended: guess if nothing was detected, release inspection memory.
  void finish(ClassificationState& state) noexcept;
  // Releases inspection memory without guessing (flow discarded).
  void release(ClassificationState& state) noexcept;

  // "Master.App", the known one, or "Unknown", NUL-terminated into buffer, in the reference's
  // names (ReferenceApplicationNames): nDPI 4.2's answer translated to the reference's nDPI.
  void name(const ClassificationState& state, char* buffer, std::size_t size) const noexcept;

 private:
  void give_up(ClassificationState& state) noexcept;
  void settle(ClassificationState& state, std::uint16_t dissector_guess) const noexcept;

  struct Module;
  std::unique_ptr<Module> module_;
  std::uint32_t max_packets_;
};

}  // namespace flowfeat
