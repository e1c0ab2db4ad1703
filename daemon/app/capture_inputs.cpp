#include "flowfeat/app/capture_inputs.hpp"

#include <unistd.h>

#include <filesystem>

#include "flowfeat/capture/live_pcap_source.hpp"
#include "flowfeat/capture/paced_source.hpp"

namespace flowfeat {
namespace {

// Fanout group ids are shared by every socket of the network namespace: the process id keeps two
// daemons apart, the interface's position keeps one daemon's interfaces apart.
std::uint16_t fanout_group_of(std::size_t interface_index) {
  const auto id = static_cast<std::uint16_t>((static_cast<unsigned>(::getpid()) * 16u + interface_index) & 0xffffu);
  return id == 0 ? 1 : id;
}

LiveCaptureOptions live_options(const CaptureConfig& capture, const std::string& interface, std::uint16_t group) {
  return {.interface = interface,
          .snaplen = capture.snaplen,
          .buffer_bytes = std::uint64_t{capture.buffer_mib} << 20,
          .promiscuous = capture.promiscuous,
          .immediate = capture.immediate,
          .filter = capture.filter,
          .timeout_ms = capture.timeout_ms,
          .fanout_group = group,
          .fanout_defrag = capture.fanout_defrag};
}

}  // namespace

std::optional<std::string> capture_source_problem(const Config& config, bool need_input) {
  const bool files = !config.input.files.empty();
  const bool live = !config.capture.interfaces.empty();
  if (need_input && !files && !live) {
    return "no input: give --read FILE|DIR, --interface IF, input.files or capture.interfaces";
  }
  if (files && live) return "both input.files and capture.interfaces are set; give one source";
  if (live && config.input.replay_speed > 0.0) return "input.replay_speed applies to files, not to interfaces";
  return LivePcapSource::filter_problem(config.capture.filter);
}

CaptureInputs::CaptureInputs(const Config& config) : live_(!config.capture.interfaces.empty()) {
  if (live_) {
    for (std::size_t i = 0; i < config.capture.interfaces.size(); ++i) {
      const std::string& interface = config.capture.interfaces[i];
      const std::uint16_t group = config.capture.threads > 1 ? fanout_group_of(i) : 0;
      for (std::uint32_t thread = 0; thread < config.capture.threads; ++thread) {
        sources_.push_back(std::make_unique<LivePcapSource>(live_options(config.capture, interface, group)));
        inputs_.push_back({sources_.back().get(), interface, interface + "/" + std::to_string(thread)});
      }
    }
    return;
  }
  files_ = std::make_unique<PcapFileSource>(
      std::vector<std::filesystem::path>(config.input.files.begin(), config.input.files.end()));
  PacketSource* source = files_.get();
  if (config.input.replay_speed > 0.0) {
    sources_.push_back(std::make_unique<PacedSource>(*files_, config.input.replay_speed, config.capture.timeout_ms));
    source = sources_.back().get();
  }
  inputs_.push_back({source, "file"});
}

}  // namespace flowfeat
