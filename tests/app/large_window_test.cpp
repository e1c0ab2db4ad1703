// Fan metrics of a capture with more than 100 k flows against an independent sliding-window
// implementation: the brute-force loop of the seed is too slow at this size.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fan_reference.hpp"
#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/pipeline/pipeline.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

TEST(LargeWindow, FansOfOverAHundredThousandFlowsMatchAnIndependentSlidingWindow) {
  const fs::path dir = fs::temp_directory_path() / ("flowfeat-large-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path capture = dir / "large.pcap";
  const std::string command = std::string(FLOWFEAT_GEN) + " --seed 11 --flows 100000 --duration 900 --out " +
                              capture.string() + " --truth " + (dir / "truth.csv").string() + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;

  std::vector<testing::FanInput> starts;
  std::vector<FanMetrics> fans;
  Config config;
  config.flows.dpi_enabled = false;
  config.pipeline.workers = 2;
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(config, metrics, {.write_files = false, .consumer = [&](const FeatureRecord& r) {
                                        starts.push_back(testing::fan_input(r.flow));
                                        fans.push_back(r.fans);
                                      }});
  PcapFileSource source({capture});
  const PipelineSummary summary = pipeline.run(source);
  fs::remove_all(dir);

  ASSERT_GE(starts.size(), 100'000u);
  EXPECT_EQ(summary.window.overflow_releases, 0u);
  const std::vector<FanMetrics> expected = testing::sliding_fans(starts);
  std::size_t mismatches = 0, busy = 0;
  for (std::size_t i = 0; i < fans.size(); ++i) {
    if (!(fans[i] == expected[i]) && ++mismatches <= 5) ADD_FAILURE() << "record " << i << " differs";
    busy += fans[i].fan_in_dst > 10;
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(busy, 100u);  // windows hold many peers, so agreement is not trivial
}

}  // namespace
}  // namespace flowfeat
