// libFuzzer target for the ground-truth CSV loader (labels.file): any bytes either load, with every
// malformed row reported, or throw GroundTruthError; a loaded table answers lookups.
#include <cstddef>
#include <cstdint>

#include "flowfeat/enrich/ground_truth.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FuzzInputFile file("labels.csv");
  try {
    const flowfeat::GroundTruth truth = flowfeat::GroundTruth::load(file.write(data, size), {});
    const flowfeat::GroundTruthReport& report = truth.report();
    if (report.problems.size() > report.malformed) __builtin_trap();
    const flowfeat::LabelVerdict verdict = truth.verdict(flowfeat::FlowRecord{});
    if (verdict.label > 1) __builtin_trap();
  } catch (const flowfeat::GroundTruthError&) {
  }
  return 0;
}
