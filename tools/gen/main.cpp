// flowfeat-gen: writes a synthetic capture and its ground truth (see README.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>

#include "address_plan.hpp"
#include "context.hpp"
#include "gen_options.hpp"
#include "packet_writer.hpp"
#include "random.hpp"
#include "scheduler.hpp"
#include "traffic_scenario.hpp"
#include "truth_writer.hpp"

int main(int argc, char** argv) {
  using namespace flowfeat::gen;
  int exit_code = 0;
  const auto options = GenOptions::parse(argc, argv, exit_code);
  if (!options) return exit_code;
  try {
    const auto started = std::chrono::steady_clock::now();
    Random random(options->seed);
    Scheduler scheduler;
    PacketWriter writer(options->capture_path, options->start_epoch_s, scheduler);
    TruthWriter truth(options->truth_path);
    Context cx{scheduler, random, writer, truth};
    // About 16 conversations per client host, so every host talks several times.
    const std::size_t clients = static_cast<std::size_t>(std::clamp<std::uint64_t>(options->flows / 16, 64, 65'536));
    AddressPlan addresses(random, clients);
    TrafficScenario scenario(*options, cx, addresses);
    scenario.schedule();
    scheduler.run(scenario.end_us());
    writer.close();
    truth.close();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf(
        "flowfeat-gen: %llu packets, %llu conversations (%llu attack), %llu bytes to %s, truth in %s (%.1f s)\n",
        static_cast<unsigned long long>(writer.packets()), static_cast<unsigned long long>(truth.rows()),
        static_cast<unsigned long long>(truth.attack_rows()), static_cast<unsigned long long>(writer.bytes()),
        options->capture_path.c_str(), options->truth_path.c_str(), seconds);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flowfeat-gen: %s\n", e.what());
    return 1;
  }
}
