#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/capture/raw_packet.hpp"

namespace flowfeat {

// Replays capture files (pcap or pcapng, µs or ns resolution, read to the µs) as one stream of frames, in the order
// given, so flows continue from one file into the next. Timestamps come out in ns units (µs steps);
// each frame carries the link type of its own file. Owned by one capture thread; not thread-safe.
//
// Bad input never stops the stream; each case is logged once per file and counted in stats():
//   - missing, unreadable, or not a capture: spdlog::error naming the file, files_failed, skipped;
//   - cut short mid-packet: complete packets are kept, spdlog::warn with the file and the number of
//     packets read from it, files_truncated;
//   - a record that cannot be read (malformed, or pcapng that libpcap does not support, such as
//     interfaces of mixed link types): earlier packets are kept, spdlog::error, files_corrupt.
class PcapFileSource final : public PacketSource {
 public:
  // Each input is a file or a directory. A directory stands for every regular file below it,
  // recursively, sorted by path; symbolic links to directories are not followed. Files are opened
  // lazily, one at a time, by next(). A directory that cannot be listed is logged and counted in
  // files_failed at once.
  explicit PcapFileSource(const std::vector<std::filesystem::path>& inputs);
  ~PcapFileSource() override;

  PcapFileSource(PcapFileSource&&) noexcept;
  PcapFileSource& operator=(PcapFileSource&&) noexcept;
  PcapFileSource(const PcapFileSource&) = delete;
  PcapFileSource& operator=(const PcapFileSource&) = delete;

  // kPacket, kFileEnded once after each file that gave packets when another follows, or kEnd (a
  // file is never quiet); packet.data points into the reader's buffer.
  ReadResult read(RawPacket& packet) noexcept override;

  const SourceStats& stats() const override;

  // True once any input failed, was truncated or was corrupt: the run saw less than it was given.
  bool had_unreadable_input() const;

  // The files the inputs expanded to, in reading order.
  const std::vector<std::filesystem::path>& files() const;

  // Why file cannot be read as a capture (missing, no permission, not pcap or pcapng), if it cannot.
  static std::optional<std::string> problem_with(const std::filesystem::path& file);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowfeat
