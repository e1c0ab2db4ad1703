// flowfeat-ground-truth-load [ROWS] [FILE]: writes ROWS (default 2,540,044, UNSW-NB15's size) rows
// in UNSW-NB15's CSV layout (49 columns, no header; random tuples, times and labels) to FILE
// (default a temporary file), then loads it as labels.format: unsw-nb15 does, and prints the file
// size, the load time, rows/s, the tuples held and the process's peak RSS before and after.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "flowfeat/enrich/ground_truth.hpp"

namespace {

double peak_rss_mib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void write_rows(const std::filesystem::path& path, long rows) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 random(7);
  static const char* const kCategories[] = {"Exploits", "Fuzzers", " Reconnaissance ", "DoS", "Generic", "Backdoors"};
  static const char* const kProtocols[] = {"tcp", "udp", "tcp", "udp", "icmp", "arp", "ospf"};
  std::string row;
  for (long i = 0; i < rows; ++i) {
    const auto r = random();
    const bool attack = r % 8 == 0;
    const long stime = 1421927414 + static_cast<long>(r % 100000);
    row = "175.45." + std::to_string((r >> 8) & 255) + "." + std::to_string((r >> 16) & 255) + "," +
          std::to_string(1024 + (r >> 24) % 60000) + ",149.171.126." + std::to_string((r >> 40) % 20) + "," +
          ((r >> 45) % 5 == 0 ? std::string("0x") + std::to_string(10 + (r >> 50) % 80) : std::to_string((r >> 45) % 1024)) +
          "," + kProtocols[(r >> 52) % 7] + ",FIN,0.036,528,304,31,29,0,0,dns,95641,59111,4,4,0,0,0,0,132,76,0,0,0,0," +
          std::to_string(stime) + "," + std::to_string(stime + 1) + ",0.01,0.01,0,0,0,0,0,0,,0,,2,1,3,2,1,1," +
          (attack ? kCategories[(r >> 56) % 6] : "") + "," + (attack ? "1" : "0") + "\n";
    out << row;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 2540044;
  std::filesystem::path path = argc > 2 ? argv[2] : std::filesystem::temp_directory_path() /
                                                        ("flowfeat-truth-" + std::to_string(::getpid()) + ".csv");
  const bool temporary = argc <= 2;
  write_rows(path, rows);
  const double rss_before = peak_rss_mib();
  flowfeat::GroundTruthOptions options;
  options.format = flowfeat::GroundTruthFormat::kUnswNb15;
  const auto started = std::chrono::steady_clock::now();
  const flowfeat::GroundTruth truth = flowfeat::GroundTruth::load(path, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto bytes = std::filesystem::file_size(path);
  std::printf("ground truth: %ld rows, %.0f MB (UNSW-NB15 layout)\n", rows, static_cast<double>(bytes) / 1e6);
  std::printf("  loaded %llu rows (%llu unknown protocol, %llu malformed) in %.2f s: %.2f M rows/s, %.0f MB/s\n",
              static_cast<unsigned long long>(truth.report().loaded),
              static_cast<unsigned long long>(truth.report().unknown_protocol),
              static_cast<unsigned long long>(truth.report().malformed), seconds, static_cast<double>(rows) / seconds / 1e6,
              static_cast<double>(bytes) / seconds / 1e6);
  std::printf("  %zu tuples held; peak RSS %.0f MiB before loading, %.0f MiB after (the table: about %.0f MiB)\n",
              truth.size(), rss_before, peak_rss_mib(), peak_rss_mib() - rss_before);
  if (temporary) std::filesystem::remove(path);
  return 0;
}
