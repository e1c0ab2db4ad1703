// libFuzzer target for the ground-truth CSV loader (labels.file): any bytes either load, with every
// malformed row reported, or throw GroundTruthError; a loaded table answers lookups. The first byte
// picks the layout (custom with or without a header and times, UNSW-NB15, CICFlowMeter), the rest
// is the file.
#include <cstddef>
#include <cstdint>

#include "flowfeat/enrich/ground_truth.hpp"
#include "fuzz_input_file.hpp"

namespace {

flowfeat::GroundTruthOptions options_for(std::uint8_t choice) {
  flowfeat::GroundTruthOptions options;
  switch (choice % 5) {
    case 1:
      options.columns.start_time = "start";
      options.columns.end_time = "end";
      options.time_format = "%d/%m/%Y %H:%M";
      options.time_zone = "UTC+02:00";
      break;
    case 2:
      options.header = false;
      options.columns = {.src_ip = "1", .src_port = "2", .dst_ip = "3", .dst_port = "4", .protocol = "5",
                         .label = "6", .attack_cat = "", .start_time = "7", .end_time = ""};
      break;
    case 3:
      options.format = flowfeat::GroundTruthFormat::kUnswNb15;
      break;
    case 4:
      options.format = flowfeat::GroundTruthFormat::kCicIds;
      break;
    default:
      break;
  }
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FuzzInputFile file("labels.csv");
  if (size == 0) return 0;
  try {
    const flowfeat::GroundTruth truth = flowfeat::GroundTruth::load(file.write(data + 1, size - 1), options_for(data[0]));
    const flowfeat::GroundTruthReport& report = truth.report();
    if (report.problems.size() > report.malformed) __builtin_trap();
    if (report.loaded + report.malformed + report.unknown_protocol != report.rows) __builtin_trap();
    flowfeat::FlowRecord flow;
    flow.bidirectional_first_seen_ms = 1'700'000'000'000;
    flow.bidirectional_last_seen_ms = 1'700'000'100'000;
    const flowfeat::LabelVerdict verdict = truth.verdict(flow);
    if (verdict.label > 1 || verdict.matched_rows > 2) __builtin_trap();
  } catch (const flowfeat::GroundTruthError&) {
  }
  return 0;
}
