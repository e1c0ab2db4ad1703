#pragma once

#include <cstdint>
#include <span>
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

  PacketBatch() : packets_(kCapacity), offsets_(kCapacity) {}

  bool full() const noexcept { return size_ == kCapacity; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  // Room for the next packet, so the decoder writes straight into the batch; add() keeps it,
  // otherwise the next call hands out the same room again. Only while !full().
  DecodedPacket& next_slot() noexcept { return packets_[size_]; }

  // Keeps the packet in next_slot(); with keep_bytes its IP bytes are copied, and the copy is what
  // ip_header points at once seal() is called.
  void add(bool keep_bytes) {
    DecodedPacket& packet = packets_[size_];
    if (keep_bytes && packet.ip_header != nullptr) {
      offsets_[size_] = bytes_.size();
      bytes_.insert(bytes_.end(), packet.ip_header, packet.ip_header + packet.ip_captured_length);
    } else {
      offsets_[size_] = kNoBytes;
      packet.ip_header = nullptr;
      packet.ip_captured_length = 0;
    }
    ++size_;
  }

  // Points every packet at its copied bytes; call when the batch is complete (the byte buffer may
  // move while packets are added).
  void seal() noexcept {
    for (std::size_t i = 0; i < size_; ++i) {
      if (offsets_[i] != kNoBytes) packets_[i].ip_header = bytes_.data() + offsets_[i];
    }
  }

  void clear() noexcept {
    size_ = 0;
    bytes_.clear();
  }

  std::span<const DecodedPacket> packets() const noexcept { return {packets_.data(), size_}; }
  std::span<DecodedPacket> packets() noexcept { return {packets_.data(), size_}; }

 private:
  static constexpr std::size_t kNoBytes = static_cast<std::size_t>(-1);
  std::vector<DecodedPacket> packets_;
  std::vector<std::size_t> offsets_;
  std::vector<std::uint8_t> bytes_;
  std::size_t size_ = 0;
};

}  // namespace flowfeat
