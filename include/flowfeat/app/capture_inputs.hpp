#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/config/config.hpp"
#include "flowfeat/pipeline/pipeline.hpp"

namespace flowfeat {

// What is wrong with the sources of a configuration, if anything: one source at most, files or
// interfaces (exactly one when need_input), and a capture filter libpcap compiles.
std::optional<std::string> capture_source_problem(const Config& config, bool need_input);

// The sources a configuration asks for, opened: one live capture per interface and capture thread
// (the threads of an interface share a fanout group), or the input files, paced when
// input.replay_speed > 0. Owns the sources; inputs() lists them for Pipeline::run.
class CaptureInputs {
 public:
  // Throws CaptureOpenError (live) naming the interface; files open lazily and never throw here.
  explicit CaptureInputs(const Config& config);

  const std::vector<PipelineInput>& inputs() const noexcept { return inputs_; }

  // Live interfaces drop frames when the graph is full; files (paced or not) wait.
  Admission admission() const noexcept { return live_ ? Admission::kDropWhenFull : Admission::kWait; }

  bool live() const noexcept { return live_; }

  // The file reader, when reading files; null for live capture.
  const PcapFileSource* files() const noexcept { return files_.get(); }

 private:
  bool live_ = false;
  std::unique_ptr<PcapFileSource> files_;
  std::vector<std::unique_ptr<PacketSource>> sources_;
  std::vector<PipelineInput> inputs_;
};

}  // namespace flowfeat
