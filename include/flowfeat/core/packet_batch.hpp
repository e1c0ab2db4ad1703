#pragma once

#include <cstdint>
#include <vector>

#include "flowfeat/core/decoded_packet.hpp"

namespace flowfeat {

// Decoded packets handed from a capture thread to a flow worker in one piece, so the hand-over
// cost is paid per batch, not per packet. When deep packet inspection needs the bytes, each
// packet's IP header and payload are copied into the batch (the capture buffer is reused as soon
// as the next packet is read). Batches are recycled: clear() keeps the memory.
// Owned by one stage at a time.
class PacketBatch {
 public:
  static constexpr std::size_t kCapacity = 2048;

  PacketBatch() { packets_.reserve(kCapacity); }

  bool full() const noexcept { return packets_.size() >= kCapacity; }
  bool empty() const noexcept { return packets_.empty(); }
  std::size_t size() const noexcept { return packets_.size(); }

  // Appends a packet; with keep_bytes its IP bytes are copied and the copy is what ip_header will
  // point at once seal() is called.
  void add(const DecodedPacket& packet, bool keep_bytes) {
    DecodedPacket& stored = packets_.emplace_back(packet);
    if (keep_bytes && packet.ip_header != nullptr) {
      offsets_.push_back(bytes_.size());
      bytes_.insert(bytes_.end(), packet.ip_header, packet.ip_header + packet.ip_captured_length);
    } else {
      offsets_.push_back(kNoBytes);
      stored.ip_header = nullptr;
      stored.ip_captured_length = 0;
    }
  }

  // Points every packet at its copied bytes; call when the batch is complete (the byte buffer may
  // move while packets are added).
  void seal() noexcept {
    for (std::size_t i = 0; i < packets_.size(); ++i) {
      if (offsets_[i] != kNoBytes) packets_[i].ip_header = bytes_.data() + offsets_[i];
    }
  }

  void clear() noexcept {
    packets_.clear();
    offsets_.clear();
    bytes_.clear();
  }

  const std::vector<DecodedPacket>& packets() const noexcept { return packets_; }

 private:
  static constexpr std::size_t kNoBytes = static_cast<std::size_t>(-1);
  std::vector<DecodedPacket> packets_;
  std::vector<std::size_t> offsets_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace flowfeat
